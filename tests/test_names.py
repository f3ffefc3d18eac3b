"""Names are names (issue 29, item 3): a line break, tab or control character in a one-line
field — a unit's name, a person's name, a milestone's title — is refused in words, and
nothing is saved; an e-mail address is one address; a file's shown name keeps no invisible
character."""
import pytest
from sqlalchemy import select

from app.auth.models import User
from app.core.extensions import db
from app.evidence.service import typed_name
from app.units.models import Unit

ONE_LINE = "Chỉ viết trên một dòng"


def _unit(app, slug):
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.slug == slug))
        db.session.expunge_all()
        return unit


@pytest.mark.parametrize("name", ["Bản\r\nmẫu 01", "Bản\nmẫu", "Bản\tmẫu", "Bản\u2028mẫu"])
def test_a_unit_name_with_a_line_break_or_tab_is_refused(app, login, name):
    admin = login("admin")
    unit = _unit(app, "ban-mau-01")
    r = admin.post(f"/admin/units/{unit.id}", {
        "name": name, "short_name": unit.short_name, "kind": unit.kind,
        "parent_id": str(unit.parent_id or ""), "version": str(unit.version)})
    assert r.status_code == 422 and ONE_LINE in r.get_data(as_text=True)
    assert _unit(app, "ban-mau-01").name == unit.name


def test_a_person_name_with_a_line_break_is_refused_and_what_was_typed_kept(app, login):
    admin = login("admin")
    r = admin.post("/admin/accounts/new", {"username": "nguoi-moi", "full_name": "Lò Văn\nA",
                                           "roles": "editor", "unit_id": ""})
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and ONE_LINE in page and "nguoi-moi" in page
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "nguoi-moi")) is None


@pytest.mark.parametrize("address", ["a,b@c.vn", "<a@b.vn>", "Ông A <a@b.vn>", "a@b.vn, c@d.vn",
                                     "a b@c.vn", "a@b", "a@b.vn\nBcc: x@y.vn", '"a"@b.vn'])
def test_an_email_address_is_one_address(app, login, address):
    c = login("ban01")
    r = c.post("/notifications/settings", data={"email": address, "email_mode": "now",
                                                "version": ""})
    assert r.status_code == 422 and "không hợp lệ" in r.get_data(as_text=True)


def test_a_plain_address_is_taken(app, login):
    c = login("ban01")
    r = c.post("/notifications/settings", data={"email": "truong.ban-01@binhlu.gov.vn",
                                                "email_mode": "now", "version": ""})
    assert r.status_code in (200, 302, 303)


@pytest.mark.parametrize("invisible", ["\ufeff", "\u00ad", "\u2060", "\u180e", "\u200b",
                                       "\u202e", "\u2066"])
def test_a_file_name_shows_no_invisible_character(invisible):
    assert typed_name(f"Biên{invisible} bản.pdf") == "Biên bản.pdf"

