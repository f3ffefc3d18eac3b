"""Completeness as DHIS2 reports it: the state of each expected report, reporting rate and
timeliness; then the matrix page and the list of units to chase."""
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from app.reports import completeness as c

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
