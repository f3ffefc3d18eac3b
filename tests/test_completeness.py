"""Completeness as DHIS2 reports it: the state of each expected report, reporting rate and
timeliness; then the matrix page and the list of units to chase."""
import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import delete, select

from app.core.extensions import db
from app.reports import completeness as c
from app.core.vietnamese import today as vn_today
from app.reports.models import PeriodDeadline, ReportingPeriod
from tests.factories import generate, period_id, return_, submit

DEADLINE = date(2026, 2, 16)
UTC = timezone.utc


@pytest.mark.parametrize("status,submitted_at,today,state", [
    ("submitted", datetime(2026, 2, 16, 9, 0, tzinfo=UTC), date(2026, 3, 1), c.ON_TIME),
    ("accepted", datetime(2026, 2, 10, 9, 0, tzinfo=UTC), date(2026, 3, 1), c.ON_TIME),
    # 17:30 UTC on the 16th is already the 17th in Vietnam
    ("submitted", datetime(2026, 2, 16, 17, 30, tzinfo=UTC), date(2026, 3, 1), c.LATE),
    ("accepted", datetime(2026, 2, 20, 9, 0, tzinfo=UTC), date(2026, 3, 1), c.LATE),
    ("returned", datetime(2026, 2, 10, 9, 0, tzinfo=UTC), date(2026, 3, 1), c.RETURNED),
    ("draft", None, date(2026, 2, 17), c.MISSING),
    (None, None, date(2026, 2, 17), c.MISSING),
    (None, None, date(2026, 2, 16), c.PENDING),   # the deadline day itself is not late
    ("draft", None, date(2026, 2, 1), c.PENDING),
])
def test_the_state_of_an_expected_report(status, submitted_at, today, state):
    assert c.cell(status, submitted_at, DEADLINE, today).state == state


def test_every_state_has_a_vietnamese_label():
    assert set(c.STATE_LABELS) == {c.ON_TIME, c.LATE, c.RETURNED, c.MISSING, c.PENDING}


def test_reporting_rate_and_timeliness_divide_by_the_reports_expected():
    today = date(2026, 3, 1)
    cells = [c.cell("accepted", datetime(2026, 2, 10, tzinfo=UTC), DEADLINE, today),
             c.cell("submitted", datetime(2026, 2, 20, tzinfo=UTC), DEADLINE, today),
             c.cell("returned", datetime(2026, 2, 10, tzinfo=UTC), DEADLINE, today),
             c.cell(None, None, DEADLINE, today)]
    r = c.rate(cells)
    assert (r.expected, r.received, r.on_time) == (4, 2, 1)
    assert r.reporting_rate == Decimal("50.0")
    assert r.timeliness == Decimal("25.0")
    assert c.rate([]).reporting_rate is None  # nothing expected: no rate, not 0 % or 100 %


def test_rate_to_date_leaves_out_reports_not_yet_due_unless_received_early():
    today = date(2026, 2, 10)
    early = c.cell("submitted", datetime(2026, 2, 5, tzinfo=UTC), DEADLINE, today)
    not_due = c.cell(None, None, DEADLINE, today)
    missed = c.cell(None, None, date(2026, 1, 16), today)
    r = c.rate_to_date([early, not_due, missed], today)
    assert (r.expected, r.received, r.on_time) == (2, 1, 1)
    assert r.reporting_rate == Decimal("50.0")


# ---- the matrix page, on real reports ----------------------------------------------


def set_deadline(app, pid, deadline):
    """One deadline for every unit of the period (no staggering), for a deterministic test."""
    with app.app_context():
        db.session.execute(delete(PeriodDeadline).where(PeriodDeadline.period_id == pid))
        db.session.get(ReportingPeriod, pid).deadline = deadline
        db.session.commit()


@pytest.fixture
def two_months(app, login):
    """Month 1 due in five days, month 2 due three days ago; ban01 on time in month 1 and
    late in month 2; ban02's month 1 returned and month 2 missing."""
    generate(app)
    m1, m2 = period_id(app, "month", 1), period_id(app, "month", 2)
    set_deadline(app, m1, vn_today() + timedelta(days=5))
    set_deadline(app, m2, vn_today() - timedelta(days=3))
    ban01, ban02, vhxh = login("ban01"), login("ban02"), login("vhxh")
    assert submit(ban01, "ban-mau-01", m1).status_code == 302
    assert submit(ban01, "ban-mau-01", m2).status_code == 302
    assert submit(ban02, "ban-mau-02", m1).status_code == 302
    assert return_(vhxh, "ban-mau-02", m1, "Thiếu số liệu.").status_code == 302
    return m1, m2


def _row(html, unit_name):
    m = re.search(rf'<th scope="row">{unit_name}</th>(.*?)</tr>', html, re.S)
    assert m, unit_name
    return re.findall(r'class="c cs cs-(\w+)"', m.group(1))


def test_the_matrix_shows_each_units_state_in_text_and_shape(app, login, two_months):
    html = login("chutich").get("/reports/completeness?year=2026&kind=month&all=1").get_data(
        as_text=True)
    assert _row(html, "Bản mẫu 01")[:2] == ["on_time", "late"]
    assert _row(html, "Bản mẫu 02")[:2] == ["returned", "missing"]
    assert _row(html, "Bản mẫu 03")[:2] == ["pending", "missing"]
    for label in ("Đúng hạn", "Nộp muộn", "Bị trả lại", "Chưa nộp", "Chưa đến hạn"):
        assert label in html


def test_rates_per_period_and_per_unit_as_dhis2(app, login, two_months):
    m1, m2 = two_months
    with app.test_request_context():
        from app.reports import queries
        periods = [db.session.get(ReportingPeriod, m1), db.session.get(ReportingPeriod, m2)]
        m = queries.matrix(periods, vn_today())
        expected = len(m.units)
        r1, r2 = m.period_rate(m1), m.period_rate(m2)
        assert (r1.expected, r1.received, r1.on_time) == (expected, 1, 1)
        assert (r2.expected, r2.received, r2.on_time) == (expected, 1, 0)
        ban01 = next(u for u in m.units if u.slug == "ban-mau-01")
        ban02 = next(u for u in m.units if u.slug == "ban-mau-02")
        # month 1 is not yet due but ban01 sent it early: counted; ban02's returned is not in
        assert m.unit_rate(ban01.id, vn_today()).reporting_rate == Decimal("100.0")
        assert m.unit_rate(ban01.id, vn_today()).timeliness == Decimal("50.0")
        assert m.unit_rate(ban02.id, vn_today()).reporting_rate == Decimal("0.0")
    html = login("vhxh").get("/reports/completeness?year=2026&kind=month&all=1").get_data(
        as_text=True)
    assert f"1/{expected}" in html


def test_the_secretariat_sees_who_to_chase(app, login, two_months):
    m1, m2 = two_months
    html = login("vhxh").get(f"/reports/completeness?year=2026&kind=month&period={m2}").get_data(as_text=True)
    # who is late leads the page, above the table of every unit
    assert html.index('id="chase-h"') < html.index('<table class="matrix')
    chase = html.split('id="chase-h"')[1].split("</section>")[0]
    assert "Bản mẫu 02" in chase and "quá hạn 3 ngày" in chase
    assert "Bản mẫu 01" not in chase
    html = login("vhxh").get(f"/reports/completeness?year=2026&kind=month&period={m1}").get_data(as_text=True)
    chase = html.split('id="chase-h"')[1].split("</section>")[0]
    assert "Bản mẫu 02" in chase and "Bị trả lại" in chase


def test_everyone_sees_who_is_late_but_links_only_to_reports_they_may_read(app, login, two_months):
    html = login("ban02").get("/reports/completeness?year=2026&kind=month").get_data(as_text=True)
    assert "Bản mẫu 01" in html
    assert "/units/ban-mau-01/reports/" not in html
    assert "/units/ban-mau-02/reports/" in html


def test_the_unit_page_query_lists_the_units_periods_newest_first(app, login, two_months):
    m1, m2 = two_months
    with app.test_request_context():
        from app.reports import queries
        from app.units.models import Unit
        unit = db.session.scalar(select(Unit).where(Unit.slug == "ban-mau-02"))
        rows = queries.unit_reports(unit, 2026)
        states = {p.id: cell.state for p, cell in rows}
        assert states[m1] == c.RETURNED and states[m2] == c.MISSING
        assert rows[0][0].ends_on >= rows[-1][0].ends_on
        from flask import render_template
        html = render_template("reports/_unit_reports.html", unit=unit, unit_reports=rows)
        assert "Bị trả lại" in html and f"/units/ban-mau-02/reports/{m1}" in html



def test_a_phone_reads_each_units_counts_and_opens_one_units_periods(app, login, two_months):
    chair = login("chutich")
    html = chair.get("/reports/completeness?year=2026&kind=month").get_data(as_text=True)
    row = re.search(r'<th scope="row">Bản mẫu 01</th>(.*?)</tr>', html, re.S).group(1)
    # month 1 was sent early, on time; month 2 late
    assert "Đúng hạn 1 · muộn 1 · chưa nộp " in row   # and every other month already due
    assert 'href="/reports/completeness?year=2026&amp;kind=month&amp;unit=ban-mau-01"' in row
    one = chair.get("/reports/completeness?year=2026&kind=month&unit=ban-mau-01")
    html = one.get_data(as_text=True)
    assert one.status_code == 200 and 'class="matrix stack one"' in html
    assert re.findall(r'<th scope="row">([^<]+)</th>', html) == ["Bản mẫu 01"]
    assert _row(html, "Bản mẫu 01")[:2] == ["on_time", "late"]
    assert "<tfoot>" not in html                       # the commune's rates are for every unit


@pytest.mark.parametrize("query,status,message", [
    ("kind=week", 400, "Loại kỳ báo cáo không hợp lệ."),
    ("kind=month&unit=ban-khong-co", 404, "Không có đơn vị này trong bảng theo dõi."),
])
def test_a_bad_completeness_query_is_said_not_guessed(app, login, query, status, message):
    response = login("chutich").get(f"/reports/completeness?year=2026&{query}")
    assert response.status_code == status and message in response.get_data(as_text=True)


def test_the_table_shows_the_periods_around_the_one_chased_and_the_year_on_asking(app, login,
                                                                                   two_months):
    m1, m2 = two_months
    chair = login("chutich")
    url = "/reports/completeness?year=2026&kind=month"
    html = chair.get(f"{url}&period={m2}").get_data(as_text=True)   # chasing month 2
    heads = re.findall(r'<th scope="col" class="c"><abbr title="([^"]+)"', html)
    assert heads == ["Tháng 01/2026", "Tháng 02/2026", "Tháng 03/2026", "Tháng 04/2026"]
    assert "Xem cả năm (12 kỳ)" in html
    whole = chair.get(f"{url}&all=1").get_data(as_text=True)
    assert len(re.findall(r'<th scope="col" class="c">', whole)) == 12
    assert chair.get(f"{url}&all=yes").status_code == 400
