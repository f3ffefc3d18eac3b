"""Next January the commune starts 2027 from 2026 without losing 2026 (issue 9, item 4):
same areas, indicators (targets for the secretariat to set), units and unit plans; 2026
stays whole and read-only; pages switch year."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.core.extensions import db
from app.core.columns import utcnow
from app.plans import years as plan_years
from app.plans.models import Area, Indicator, IndicatorTargetChange, Plan, PlanSection
from app.plans.years import PlanLocked, YearExists, ensure_open, start_next_year
from app.units.models import Unit
from tests.factories import indicator_id, indicator_post
from tests.factories import start_2027


def rows_of_year(app, year):
    """Every row of the year's plans, areas and indicators, versions and lock aside."""
    with app.app_context():
        plans = db.session.scalars(select(Plan).where(Plan.year == year).order_by(Plan.id))
        out = [(p.id, p.unit_id, p.parent_id, p.title, p.theme, p.number, p.basis)
               for p in plans]
        ids = [p[0] for p in out]
        out += [(s.plan_id, s.key, s.body) for s in db.session.scalars(
            select(PlanSection).where(PlanSection.plan_id.in_(ids)).order_by(PlanSection.id))]
        out += [(a.code, a.title, a.lead_unit_id) for a in db.session.scalars(
            select(Area).where(Area.plan_id.in_(ids)).order_by(Area.id))]
        out += [(i.code, i.name, i.target, i.baseline, i.total, i.lead_unit_id,
                 sorted(u.id for u in i.contributors)) for i in db.session.scalars(
            select(Indicator).where(Indicator.plan_id.in_(ids)).order_by(Indicator.id))]
        return out


def test_starting_2027_copies_the_structure_and_keeps_2026_whole(any_app, login):
    app = any_app
    c = login("vhxh", on=app)
    before_2026 = rows_of_year(app, 2026)
    r = start_2027(c)
    assert r.status_code == 302 and r.headers["Location"].endswith("/plan?year=2027")
    assert rows_of_year(app, 2026) == before_2026
    with app.app_context():
        old = db.session.scalar(Plan.commune_plan_stmt(2026))
        new = db.session.scalar(Plan.commune_plan_stmt(2027))
        assert old.locked and not new.locked
        assert new.unit_id == old.unit_id and "năm 2027" in new.title
        old_inds = {i.code: i for i in db.session.scalars(
            select(Indicator).where(Indicator.plan_id == old.id))}
        new_inds = {i.code: i for i in db.session.scalars(
            select(Indicator).where(Indicator.plan_id == new.id))}
        assert set(new_inds) == set(old_inds) and len(new_inds) == 24
        for code, ind in new_inds.items():
            was = old_inds[code]
            assert ind.target is None and ind.baseline is None
            assert (ind.name, ind.semantics, ind.unit_of_measure, ind.lead_unit_id) == (
                was.name, was.semantics, was.unit_of_measure, was.lead_unit_id)
            assert {u.id for u in ind.contributors} == {u.id for u in was.contributors}
            assert ind.area.code == was.area.code and ind.area.plan_id == new.id
        assert new_inds["III.3-01"].total == Decimal(8)  # 8 schools: the structure carries
        units = db.session.scalar(select(func.count(Unit.id)))
        unit_plans = db.session.scalars(select(Plan).where(Plan.parent_id == new.id)).all()
        assert len(unit_plans) == units and all(len(p.sections) == 5 for p in unit_plans)
        # every plan of 2026, the units' too, is closed
        assert db.session.scalar(select(func.count(Plan.id)).where(
            Plan.year == 2026, Plan.locked.is_(False))) == 0


def test_the_new_year_is_shown_first_with_targets_not_yet_set(app, login):
    c = login("chutich")
    vhxh = login("vhxh")
    start_2027(vhxh)
    page = c.get("/plan").get_data(as_text=True)
    assert "Kế hoạch thi đua năm 2027" in page
    assert page.count("chưa đặt") == 24
    assert 'href="/plan/edit' not in page  # the chair reads; the secretariat edits
    old = c.get("/plan?year=2026").get_data(as_text=True)
    assert "58,39 %" in old and "đã khóa sổ" in old
    # the indicator page of 2027 links to the same indicator in 2026
    new_id = indicator_id(app, year=2027)
    page = c.get(f"/indicators/{new_id}").get_data(as_text=True)
    assert "chưa đặt" in page and f'href="/indicators/{indicator_id(app)}"' in page
    # the unit page reads ?year=
    unit_2026 = c.get("/units/phong-kinh-te?year=2026").get_data(as_text=True)
    unit_2027 = c.get("/units/phong-kinh-te").get_data(as_text=True)
    assert "58,39" in unit_2026 and "năm 2026" in unit_2026
    assert "năm 2027" in unit_2027 and "58,39" not in unit_2027 and "chưa đặt" in unit_2027
    assert 'href="/units/phong-kinh-te?year=2026"' in unit_2027  # the year switch
    # the CSV of 2027 exports blank targets, not a 500
    csv = c.get("/indicators/export.csv?year=2027")
    assert csv.status_code == 200 and "III.2-04" in csv.get_data(as_text=True)


def test_every_edit_of_a_closed_year_is_refused_with_a_message(app, login):
    c = login("vhxh")
    start_2027(c)
    ind_id = indicator_id(app)  # 2026
    with app.app_context():
        area_id = db.session.scalar(select(Area.id).join(Plan, Plan.id == Area.plan_id)
                                    .where(Plan.year == 2026).limit(1))
    for url in ("/plan/edit?year=2026", "/areas/new?year=2026", "/indicators/new?year=2026",
                f"/indicators/{ind_id}/edit", f"/areas/{area_id}/edit"):
        for response in (c.get(url), c.post(url, indicator_post(app, ind_id, target="70",
                                                                   reason="NQ"))):
            assert response.status_code == 409, url
            assert "Kế hoạch năm 2026 đã khóa sổ" in response.get_data(as_text=True)
    htmx = c.post(f"/indicators/{ind_id}/edit", indicator_post(app, ind_id), htmx=True)
    assert htmx.status_code == 409 and htmx.headers["HX-Retarget"] == "#messages"
    with app.app_context():
        assert db.session.get(Indicator, ind_id).target == Decimal("58.39")
        assert db.session.scalar(select(func.count(IndicatorTargetChange.id))) == 0
    page = c.get(f"/indicators/{ind_id}").get_data(as_text=True)
    assert "Sửa chỉ tiêu" not in page and "đã khóa sổ" in page


def test_a_first_target_for_the_new_year_needs_no_reason_and_is_recorded(app, login):
    c = login("vhxh")
    start_2027(c)
    ind_id = indicator_id(app, year=2027)
    r = c.post(f"/indicators/{ind_id}/edit", indicator_post(app, ind_id, target="59"))
    assert r.status_code == 302
    page = c.get(f"/indicators/{ind_id}").get_data(as_text=True)
    assert "Đặt mục tiêu lần đầu" in page and "59 %" in page


def test_a_second_click_starts_no_second_year(app, login):
    c = login("vhxh")
    assert start_2027(c).status_code == 302
    again = start_2027(c)  # the page the person had open still says 2026
    assert again.status_code == 302
    with app.app_context():
        assert plan_years_in_db() == [2027, 2026]
    assert "đã được bắt đầu" in c.get("/plan").get_data(as_text=True)


def plan_years_in_db():
    return list(db.session.scalars(select(Plan.year).where(Plan.parent_id.is_(None))
                                   .order_by(Plan.year.desc())))


def test_start_next_year_refuses_a_year_that_exists_and_runs_other_domains_copies(app):
    seen = []
    plan_years.YEAR_COPIERS.append(lambda old, new, user: seen.append((old.year, new.year)))
    try:
        with app.app_context():
            old = db.session.scalar(Plan.commune_plan_stmt(2026))
            start_next_year(old)
            db.session.commit()
            assert seen == [(2026, 2027)]
            with pytest.raises(YearExists):
                start_next_year(old)
            db.session.rollback()
    finally:
        plan_years.YEAR_COPIERS.pop()


def test_an_archived_unit_gets_no_plan_in_the_new_year(app):
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.slug == "ban-mau-06"))
        unit.archived_at = utcnow()
        db.session.commit()
        new = start_next_year(db.session.scalar(Plan.commune_plan_stmt(2026)))
        db.session.commit()
        assert db.session.scalar(select(Plan).where(Plan.parent_id == new.id,
                                                    Plan.unit_id == unit.id)) is None


def test_ensure_open_refuses_a_unit_plan_of_a_closed_year(app):
    with app.app_context():
        old = db.session.scalar(Plan.commune_plan_stmt(2026))
        unit_plan = db.session.scalar(select(Plan).where(Plan.parent_id == old.id).limit(1))
        ensure_open(unit_plan)  # open: no error
        start_next_year(old)
        db.session.commit()
        db.session.refresh(unit_plan)
        with pytest.raises(PlanLocked) as refused:
            ensure_open(unit_plan)
        assert refused.value.status == 409 and "2026" in str(refused.value.message)


@pytest.mark.parametrize("username", ["admin", "chutich", "mttq", "kinhte", "ban01"])
def test_only_the_secretariat_starts_a_year(app, login, username):
    c = login(username)
    assert start_2027(c).status_code == 403
    with app.app_context():
        assert plan_years_in_db() == [2026]


@pytest.mark.parametrize("username", ["chutich", "vhxh", "mttq", "kinhte", "ban01", "admin"])
def test_every_page_reads_a_new_year_whose_targets_are_not_set(app, login, username):
    """Targets left unset ("chưa đặt") must not break any view, in either year."""
    start_2027(login("vhxh"))
    c = login(username)
    from tests.authz.routes import _get_url, endpoints
    with app.app_context():
        from app.auth.models import User
        user = db.session.scalar(select(User).where(User.username == username))
        slug = user.unit.slug if user.unit else "ubnd-xa"
    failures = []
    for endpoint in endpoints(app):
        url = _get_url(app, endpoint, slug)
        if url is None or endpoint in ("auth.logout", "main.set_language"):
            continue
        for year_url in (url, url + ("&" if "?" in url else "?") + "year=2026"):
            status = c.get(year_url).status_code
            if status >= 500:
                failures.append((year_url, status))
    assert failures == []
