"""The 2026 plan as the app carries it: every target, in Vietnamese format, and as CSV."""
import csv
import io
import tomllib
from decimal import Decimal

from sqlalchemy import func, select

from app.core.extensions import db
from app.plans.loader import DEFAULT_PLAN_FILE, load_plan, read_plan_file
from app.plans.models import Area, Indicator, Plan
from app.units.models import Unit
from app.core.vietnamese import format_number, parse_number

DATA = tomllib.loads(DEFAULT_PLAN_FILE.read_text(encoding="utf-8"))


def test_seed_loaded_every_area_and_indicator_exactly(app):
    with app.app_context():
        plan = db.session.scalar(Plan.commune_plan_stmt(2026))
        assert plan.theme.startswith("Thi đua đổi mới, sáng tạo")
        assert db.session.scalar(select(func.count(Area.id))) == 6
        stored = {i.code: i for i in db.session.scalars(select(Indicator))}
        assert len(stored) == len(DATA["indicators"]) >= 20
        for row in DATA["indicators"]:
            ind = stored[row["code"]]
            assert ind.target == parse_number(row["target"]), row["code"]
            assert ind.semantics == row["semantics"] and ind.unit_of_measure == row["unit_of_measure"]
            assert ind.lead_unit.slug == row["lead"]
        assert stored["III.2-03"].target == Decimal("9950.3")
        assert stored["III.4-01"].target == Decimal("33515")


def test_loading_again_changes_nothing(app):
    with app.app_context():
        counts = [db.session.scalar(select(func.count(m.id))) for m in (Unit, Plan, Indicator)]
        load_plan(read_plan_file(DEFAULT_PLAN_FILE))
        db.session.commit()
        assert [db.session.scalar(select(func.count(m.id))) for m in (Unit, Plan, Indicator)] == counts


def test_overview_shows_theme_areas_and_every_target_in_vietnamese_format(login):
    html = login("chutich").get("/plan").get_data(as_text=True)
    assert "Thi đua đổi mới, sáng tạo, chủ động thích ứng" in html
    for area in DATA["areas"]:
        assert area["title"] in html
    for row in DATA["indicators"]:
        assert row["code"] in html
        if row["semantics"] != "yes_no":
            assert format_number(parse_number(row["target"])) in html, row["code"]
    for figure in ("9.950,3 tấn", "33.515 triệu đồng", "58,39 %", "431.531 lượt khách",
                   "16,90 %", "7/8 trường (87,5%)", "1,2 điểm %"):
        assert figure in html


def test_csv_export_has_one_row_per_indicator_with_plain_numbers(login):
    response = login("ban01").get("/indicators/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == ["code", "area", "name", "unit", "semantics", "target",
                             "baseline", "latest", "achievement_pct"]
    by_code = {r["code"]: r for r in rows}
    assert len(rows) == len(DATA["indicators"])
    assert by_code["III.2-03"]["target"] == "9950.3"
    assert by_code["III.4-01"]["target"] == "33515"
    assert by_code["III.2-04"]["target"] == "58.39"


def test_csv_export_neutralises_formula_cells(app, login):
    with app.app_context():
        ind = db.session.scalar(select(Indicator).where(Indicator.code == "III.2-03"))
        ind.name = "=HYPERLINK(\"http://x\")"
        ind.unit_of_measure = "@SUM(A1)"
        db.session.commit()
    text = login("ban01").get("/indicators/export.csv").get_data().decode("utf-8-sig")
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["code"] == "III.2-03")
    assert row["name"].startswith("'=") and row["unit"].startswith("'@")


def test_csv_export_needs_sign_in(client):
    assert client.get("/indicators/export.csv").status_code == 302


def test_healthz_is_503_when_the_database_is_gone(app, tmp_path):
    from app import create_app
    from tests.conftest import make_config
    assert app.test_client().get("/healthz").status_code == 200
    broken = create_app(make_config(f"sqlite:///{tmp_path / 'missing' / 'no.sqlite'}"))
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
