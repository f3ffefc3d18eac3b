"""One way to refuse (app.core.errors.Refused) and one way to read a number from a URL
(app.core.params): what the person sees, for a page, an htmx update and a boosted link."""
import pytest
from sqlalchemy import select, text

from app.core.errors import Refused
from app.core.extensions import db
from app.core.policy import requires
from app.units.models import Unit


@pytest.fixture
def refusing(app):
    def view():
        db.session.execute(text("UPDATE unit SET name = 'đã đổi' WHERE slug = 'ban-mau-01'"))
        raise Refused("Kỳ báo cáo đã đóng: không gửi được nữa.", 409)

    app.add_url_rule("/refusing", "refusing", requires("plan.view")(view),
                     methods=["GET", "POST"])
    return "/refusing"


def test_a_refusal_is_the_error_page_with_its_status_and_message(app, login, refusing):
    response = login("ban01").get(refusing)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Kỳ báo cáo đã đóng: không gửi được nữa." in html and "<html" in html
    with app.app_context():  # what the view wrote before refusing is rolled back
        assert db.session.scalar(select(Unit.name).where(Unit.slug == "ban-mau-01")) != "đã đổi"


def test_a_refused_htmx_update_is_shown_in_the_pages_message_area(login, refusing):
    response = login("ban01").get(refusing, headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "<html" not in html
    assert "Kỳ báo cáo đã đóng" in html and 'role="alert"' in html
    assert response.headers["HX-Retarget"] == "#messages"


def test_a_refused_boosted_link_gets_the_whole_page(login, refusing):
    response = login("ban01").get(refusing, headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert response.status_code == 409 and "<html" in response.get_data(as_text=True)


def test_field_messages_go_on_their_fields_and_a_default_field_takes_the_rest():
    from wtforms import Form, StringField

    class F(Form):
        code = StringField()
        name = StringField()

    form = F()
    Refused("Mã đã có.", fields={"code": "Mã đã có.", "ghost": "x"}).apply_to(form)
    assert list(form.code.errors) == ["Mã đã có."] and not form.name.errors
    Refused("Tên quá dài.").apply_to(form, "name")
    assert form.name.errors == ["Tên quá dài."]
    assert Refused("a", fields={"code": ["b", "c"]}).messages == ["b", "c"]
    assert Refused("a").messages == ["a"]


@pytest.mark.parametrize("raw,status", [
    ("abc", 400), ("1e5", 400), ("١٢", 400), ("1.5", 400), ("--1", 400), ("", 200),
    ("1999", 404), ("2101", 404), ("-1", 404), (str(2**63), 404), ("1" + "0" * 20, 404),
    ("2026", 200), (" 2026 ", 200),
])
def test_a_year_in_the_query_string_is_read_strictly(login, raw, status):
    response = login("chutich").get("/plan", query_string={"year": raw})
    assert response.status_code == status, raw
    if status != 200:
        assert "năm" in response.get_data(as_text=True)


@pytest.mark.parametrize("number", [2**63, -1, 10**20, 0, 2**31])
def test_a_number_in_a_path_outside_a_database_id_is_no_page(login, number):
    c = login("vhxh")
    assert c.get(f"/units/ban-mau-01/reports/{number}").status_code == 404
    assert c.get(f"/indicators/{number}").status_code == 404
