"""The reporting calendar of Decree 09/2019/NĐ-CP Art. 12, as a table."""
from datetime import date, datetime, timezone

import pytest

from app.reports import calendar as cal
from app.core.vietnamese import local_date

D = date


@pytest.mark.parametrize("year,month,start,end", [
    (2026, 1, D(2025, 12, 15), D(2026, 1, 14)),   # January starts in the previous year
    (2026, 2, D(2026, 1, 15), D(2026, 2, 14)),
    (2026, 3, D(2026, 2, 15), D(2026, 3, 14)),    # across a short February
    (2028, 3, D(2028, 2, 15), D(2028, 3, 14)),    # and a leap one
    (2026, 6, D(2026, 5, 15), D(2026, 6, 14)),
    (2026, 12, D(2026, 11, 15), D(2026, 12, 14)),
])
def test_a_month_runs_from_the_15th_before_to_the_14th(year, month, start, end):
    assert cal.month_range(year, month) == (start, end)


@pytest.mark.parametrize("quarter,start,end", [
    (1, D(2025, 12, 15), D(2026, 3, 14)),
    (2, D(2026, 3, 15), D(2026, 6, 14)),
    (3, D(2026, 6, 15), D(2026, 9, 14)),
    (4, D(2026, 9, 15), D(2026, 12, 14)),
])
def test_a_quarter_runs_from_the_15th_of_the_month_before_it_to_the_14th_of_its_last(
        quarter, start, end):
    assert cal.quarter_range(2026, quarter) == (start, end)


def test_six_months_and_the_year_start_on_15_december_of_the_year_before():
    assert cal.half_range(2026) == (D(2025, 12, 15), D(2026, 6, 14))
    assert cal.year_range(2026) == (D(2025, 12, 15), D(2026, 12, 14))
    assert cal.period_range("half", 2026) == cal.half_range(2026)
    assert cal.period_range("year", 2026) == cal.year_range(2026)


@pytest.mark.parametrize("kind,number", [("month", 0), ("month", 13), ("quarter", 5),
                                         ("adhoc", 1)])
def test_there_is_no_such_period(kind, number):
    with pytest.raises(ValueError):
        cal.period_range(kind, 2026, number)


def test_the_year_calendar_has_18_periods_that_tile_the_year_without_gaps():
    specs = cal.year_calendar(2026)
    assert len(specs) == 12 + 4 + 1 + 1
    months = [s for s in specs if s.kind == "month"]
    for before, after in zip(months, months[1:]):
        assert (after.starts_on - before.ends_on).days == 1
    assert months[0].starts_on == cal.year_range(2026)[0]
    assert months[-1].ends_on == cal.year_range(2026)[1]
    # a month closes before the quarter that ends with it
    ends_march = [(s.kind, s.number) for s in specs if s.ends_on == D(2026, 3, 14)]
    assert ends_march == [("month", 3), ("quarter", 1)]


@pytest.mark.parametrize("saturday_or_sunday,monday", [(D(2026, 1, 17), D(2026, 1, 19)),
                                                       (D(2026, 1, 18), D(2026, 1, 19))])
def test_a_deadline_on_a_weekend_moves_to_monday(saturday_or_sunday, monday):
    assert cal.next_working_day(saturday_or_sunday) == monday
    assert cal.next_working_day(monday) == monday


def test_default_deadlines_put_villages_before_departments_before_the_commune():
    for spec in cal.year_calendar(2026):
        by_kind = spec.deadlines
        assert spec.ends_on < by_kind["village"] <= by_kind["organisation"]
        assert by_kind["organisation"] <= by_kind["department"] <= spec.deadline
        assert all(d.weekday() < 5 for d in [*by_kind.values(), spec.deadline])
    # 14/02/2026 is a Saturday: villages +2 is Monday 16/02, departments Wednesday 18/02
    feb = next(s for s in cal.year_calendar(2026) if (s.kind, s.number) == ("month", 2))
    assert feb.deadlines["village"] == D(2026, 2, 16)
    assert feb.deadlines["department"] == D(2026, 2, 18)
    assert feb.deadline == D(2026, 2, 20)


def test_a_unit_without_a_deadline_for_its_kind_has_the_periods():
    assert cal.deadline_for("village", D(2026, 2, 20), {"village": D(2026, 2, 16)}) == D(2026, 2, 16)
    assert cal.deadline_for("school", D(2026, 2, 20), {"village": D(2026, 2, 16)}) == D(2026, 2, 20)


def test_a_late_evening_submission_counts_on_the_vietnamese_date():
    # 17:30 UTC on 16/02 is 00:30 on 17/02 in Vietnam: a day late for a village
    assert local_date(datetime(2026, 2, 16, 17, 30, tzinfo=timezone.utc)) == D(2026, 2, 17)
    assert local_date(datetime(2026, 2, 16, 16, 59)) == D(2026, 2, 16)


# ---- the office's calendar (issue 18) ---------------------------------------------------

def _calendar_form(page: str, **kinds) -> dict:
    from tests.conftest import csrf_from
    import re as _re
    version = _re.search(r'name="version" type="hidden" value="([^"]*)"', page).group(1)
    data = {"csrf_token": csrf_from(page), "version": version}
    for kind in ("office", "department", "service", "health", "school", "front",
                 "organisation", "village"):
        data[f"k_{kind}"] = kinds.get(kind, ["month", "quarter", "half", "year", "adhoc"])
    return data


def test_villages_report_what_the_office_set_and_see_one_deadline_each(app, login):
    from sqlalchemy import select

    from app.core.extensions import db
    from app.reports.models import PeriodDeadline, ReportingPeriod, period_unit
    from app.units.models import Unit

    vhxh = login("vhxh")
    page = vhxh.get("/reports/periods/calendar").get_data(as_text=True)
    assert "Bản" in page and "18 báo cáo định kỳ mỗi năm" in page
    r = vhxh.post("/reports/periods/calendar",
                  _calendar_form(page, village=["quarter", "half", "year"]))
    assert r.status_code == 303
    assert "6 báo cáo định kỳ mỗi năm" in vhxh.get("/reports/periods/calendar").get_data(as_text=True)
    assert vhxh.post("/reports/periods/generate", {"year": "2026", "csrf_token": _csrf(vhxh)}
                     ).status_code in (302, 303)
    with app.app_context():
        village = db.session.scalar(select(Unit).where(Unit.slug == "ban-mau-01"))
        kinds = db.session.execute(select(ReportingPeriod.kind, ReportingPeriod.number).join(
            period_unit, period_unit.c.period_id == ReportingPeriod.id).where(
            period_unit.c.unit_id == village.id)).all()
        assert sorted(k for k, _n in kinds) == ["half"] + ["quarter"] * 4 + ["year"]
        # a month lists no village and has no villages' deadline: the office sees the others'
        month = db.session.scalar(select(ReportingPeriod).where(ReportingPeriod.kind == "month"))
        by_kind = set(db.session.scalars(select(PeriodDeadline.unit_kind).where(
            PeriodDeadline.period_id == month.id)))
        assert "village" not in by_kind and "department" in by_kind
        q1 = db.session.scalar(select(ReportingPeriod.id).where(
            ReportingPeriod.kind == "quarter", ReportingPeriod.number == 1))
    report = login("ban01").get(f"/units/ban-mau-01/reports/{q1}").get_data(as_text=True)
    assert report.count("Hạn nộp") == 1
    listing = vhxh.get("/reports/periods?year=2026").get_data(as_text=True)
    import re as _re
    for html in (listing, page):
        shown = _re.sub(r"<[^>]+>", " ", html)  # what a person reads, not the form's values
        for word in ("DHIS2", "ad-hoc", "adhoc", "slug"):
            assert word not in shown


def _csrf(client):
    from tests.conftest import csrf_from
    return csrf_from(client.get("/reports/periods").get_data(as_text=True))


def test_a_calendar_saved_meanwhile_is_a_conflict_not_an_overwrite(app, login):
    vhxh = login("vhxh")
    page = vhxh.get("/reports/periods/calendar").get_data(as_text=True)
    assert vhxh.post("/reports/periods/calendar",
                     _calendar_form(page, village=["quarter"])).status_code == 303
    r = vhxh.post("/reports/periods/calendar", _calendar_form(page, village=["year"]))
    assert r.status_code == 409
    assert "vừa được người khác thay đổi" in r.get_data(as_text=True)


def test_saving_the_calendar_updates_the_periods_not_yet_ended(app, login):
    from datetime import date as _date

    from sqlalchemy import func, select

    from app.core.extensions import db
    from app.reports import calendar_setting, services
    from app.reports.models import ReportingPeriod, period_unit

    with app.app_context():
        services.generate_year(2099)
        villages = [u for u in services.reporting_units() if u.kind == "village"]
        reports, version = calendar_setting.current()
        assert calendar_setting.save({"village": ("year",)}, version)
        assert calendar_setting.apply(_date(2099, 1, 1), services.reporting_units()) > 0
        listed = db.session.scalar(select(func.count()).select_from(period_unit).join(
            ReportingPeriod, ReportingPeriod.id == period_unit.c.period_id).where(
            ReportingPeriod.year == 2099, period_unit.c.unit_id.in_([v.id for v in villages])))
        assert listed == len(villages)  # the year alone
        db.session.rollback()
