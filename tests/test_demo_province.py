"""The province demo (issue 31, item 4): `flask seed --province` makes Bình Lư, three sample
communes each with its own plan, accounts and whole story, and the province's accounts;
`flask demo accounts` lists every demo account as JSON lines, each of which signs in.
Built once for the module, on the day the half-year has been reviewed."""
import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import create_app
from app.auth.models import ROLES
from app.core import tenancy
from app.core.extensions import db
from app.units.models import UNIT_KINDS
from tests.conftest import Client, make_config

DAY = "2026-07-03"
SAMPLES = ("khong-lao", "than-uyen", "tan-phong")
KEYS = ["username", "password", "commune", "commune_name", "unit", "unit_kind", "role"]
NOTE = "Dữ liệu mẫu để trình diễn"


@pytest.fixture(scope="module")
def province_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("province") / "province.sqlite"
    app = create_app(make_config(f"sqlite:///{path}", DEMO_TODAY=DAY))
    runner = app.test_cli_runner()
    for args in (["db", "upgrade"], ["seed", "--province"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, (args, result.output, result.exception)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return path


@pytest.fixture
def province(province_template, tmp_path):
    path = tmp_path / "province.sqlite"
    shutil.copyfile(province_template, path)
    app = create_app(make_config(f"sqlite:///{path}"))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def accounts(province_template):
    app = create_app(make_config(f"sqlite:///{province_template}"))
    result = app.test_cli_runner().invoke(args=["demo", "accounts"])
    assert result.exit_code == 0, (result.output, result.exception)
    with app.app_context():
        db.engine.dispose()
    return result.output


def _communes(app):
    from app.communes.service import all_communes
    with app.app_context():
        return {c.slug: c.is_sample for c in all_communes()}


def test_the_province_demo_holds_bình_lư_three_samples_and_the_provinces_accounts(province):
    from app.auth.models import User

    assert _communes(province) == {"binh-lu": False, **{s: True for s in SAMPLES}}
    with province.app_context(), tenancy.across_communes():
        roles = {u.username: u.roles for u in db.session.scalars(
            select(User).where(User.commune_id.is_(None)))}
    assert roles == {"tinh.admin": {"province_admin"}, "tinh.bantdkt": {"province_board"}}


def test_demo_accounts_prints_one_json_object_a_line_with_exactly_its_keys(accounts):
    rows = [json.loads(line) for line in accounts.splitlines()]
    assert all(list(r) == KEYS and all(isinstance(v, str) for v in r.values()) for r in rows)
    assert len({r["username"] for r in rows}) == len(rows) == 2 + 4 * 7
    province = [r for r in rows if r["commune"] == ""]
    assert {r["role"] for r in province} == {"province_admin", "province_board"}
    assert all(r["commune_name"] == r["unit"] == r["unit_kind"] == "" for r in province)
    for slug in ("binh-lu",) + SAMPLES:
        mine = [r for r in rows if r["commune"] == slug]
        assert sorted(r["role"] for r in mine) == sorted(
            ["admin", "chair", "secretariat", "supervisor", "editor", "editor", "editor"])
        assert [r["unit_kind"] for r in mine].count("village") == 2
    assert all(r["role"] in ROLES for r in rows)
    assert all(r["unit_kind"] in UNIT_KINDS for r in rows if r["unit"])
    # the naming rule: Bình Lư's bare, a sample's behind its code, the province's behind tinh.
    for r in rows:
        code = r["commune"].replace("-", "") if r["commune"] not in ("", "binh-lu") else (
            "tinh" if r["commune"] == "" else "")
        assert (r["username"].startswith(code + ".") if code else "." not in r["username"])


def test_every_listed_account_signs_in_with_its_password(province, accounts):
    for row in map(json.loads, accounts.splitlines()):
        response = Client(province).login(row["username"], row["password"])
        assert response.status_code == 302, row


def _signed_in(app, username):
    c = Client(app)
    assert c.login(username).status_code == 302
    return c


def test_a_sample_communes_people_see_their_own_commune(province):
    c = _signed_in(province, "khonglao.vhxh")
    units = c.get("/units/").get_data(as_text=True)
    assert "Bản Nậm Cáy" in units and "Khổng Lào" in units
    assert "Bản mẫu 01" not in units and "Tổ dân phố số 1" not in units and "Bản Mì" not in units
    plan = c.get("/plan").get_data(as_text=True)
    assert "5.870,5" in plan and "9.950,3" not in plan  # its own grain target, not Bình Lư's
    ward = _signed_in(province, "tanphong.ban01")
    home = ward.get("/plan").get_data(as_text=True)
    assert "phường Tân Phong" in home
    assert ward.get("/units/ban-mau-01").status_code == 404  # Bình Lư's village: not there


def test_sample_pages_carry_the_sample_note_and_bình_lư_s_do_not(province):
    for username in ("thanuyen.ban02", "khonglao.chutich", "tanphong.vhxh"):
        c = _signed_in(province, username)
        for url in ("/plan", "/reports", "/notifications"):
            page = c.get(url)
            assert page.status_code == 200 and NOTE in page.get_data(as_text=True), (username, url)
    binh_lu = _signed_in(province, "chutich")
    assert NOTE not in binh_lu.get("/plan").get_data(as_text=True)


@pytest.mark.parametrize("slug", SAMPLES)
def test_each_sample_commune_tells_the_whole_story(province, slug):
    from app.comments.models import Comment
    from app.communes.service import by_slug
    from app.emulation.models import Proposal, Review, ScoreSheet
    from app.milestones.models import Milestone
    from app.plans.queries import commune_plan, indicators_of, progress_of
    from app.reports.models import Report, ReportValue
    from app.units.models import Unit

    with province.app_context():
        commune = by_slug(slug)
        with tenancy.using(commune.id):
            plan = commune_plan(2026)
            statuses = [p.status for p in progress_of(plan, indicators_of(plan)).values()]
            for status in ("on_track", "at_risk", "off_track"):
                assert status in statuses, (slug, statuses)
            returned = db.session.scalars(select(Report).where(Report.status == "returned")).all()
            assert len(returned) == 1
            assert db.session.scalar(select(func.count(ReportValue.id)).where(
                ReportValue.flags != "")) == 1
            assert {"not_started", "in_progress", "done", "paused", "cancelled"} <= set(
                db.session.scalars(select(Milestone.status).distinct()))
            question = db.session.scalar(select(Comment).where(Comment.kind != "return"))
            assert question is not None and question.author.username == \
                f"{slug.replace('-', '')}.mttq"
            assert db.session.scalar(select(func.count(Proposal.id)).where(
                Proposal.status == "council")) == 1
            half = db.session.scalar(select(Review).where(Review.kind == "half"))
            sheets = db.session.scalars(select(ScoreSheet).join(
                Unit, Unit.id == ScoreSheet.unit_id).where(
                ScoreSheet.review_id == half.id, Unit.kind == "village")).all()
            assert sheets and all(s.unscored == 0 for s in sheets)
            assert len({s.total for s in sheets}) >= 5  # the villages' scores spread


def test_the_samples_stories_differ_from_bình_lư_s_and_each_other(province):
    from app.communes.service import by_slug
    from app.emulation.models import Review, ScoreSheet

    totals = {}
    with province.app_context():
        for slug in ("binh-lu",) + SAMPLES:
            with tenancy.using(by_slug(slug).id):
                half = db.session.scalar(select(Review.id).where(Review.kind == "half"))
                totals[slug] = sorted(db.session.scalars(select(ScoreSheet.total).where(
                    ScoreSheet.review_id == half)))
    assert len({tuple(t) for t in totals.values()}) == 4


def test_the_readme_lists_the_accounts_flask_demo_accounts_prints(accounts):
    from app.demo_commands import accounts_table

    table = accounts_table([json.loads(line) for line in accounts.splitlines()])
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert table in readme, "README's province account table: flask demo accounts --markdown"


def test_the_sample_plans_pass_the_check(province):
    from app.demo_province import SAMPLES as FILES, SAMPLES_DIR

    runner = province.test_cli_runner()
    for name, _seed in FILES:
        result = runner.invoke(args=["plan", "check", str(SAMPLES_DIR / name)])
        assert result.exit_code == 0 and re.search(r"\d+ chỉ tiêu", result.output), result.output
    assert date.fromisoformat(DAY).year == 2026
