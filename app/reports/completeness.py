"""Who has reported, and when: the state of one unit's report for one period, and the
reporting rate and timeliness as DHIS2 computes them. Plain functions.

DHIS2: reporting rate = reports received / reports expected; reporting rate on time =
reports received by the deadline / reports expected. Here a report is *received* when it
is submitted or accepted (a returned one is not: the unit must send it again), *on time*
when its latest submission fell, in Vietnam, on or before the unit's deadline, and
*expected* when the secretariat listed the unit for the period.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Iterable, NamedTuple, Optional

from app.core.i18n import N_
from app.core.vietnamese import local_date

ON_TIME, LATE, RETURNED, MISSING, PENDING = "on_time", "late", "returned", "missing", "pending"
# Text and a shape for every state, so colour is never the only sign (styled in app.css).
STATE_LABELS = {
    ON_TIME: N_("Đúng hạn"),
    LATE: N_("Nộp muộn"),
    RETURNED: N_("Bị trả lại"),
    MISSING: N_("Chưa nộp"),
    PENDING: N_("Chưa đến hạn"),
}
RECEIVED = frozenset({"submitted", "accepted"})


class Cell(NamedTuple):
    """One expected report's state (a tuple: a page makes one per unit and period, and a
    frozen dataclass cost six calls each, issue 33)."""
    state: str
    deadline: date
    status: Optional[str] = None      # the report's status, None when there is no report
    report_id: Optional[int] = None
    submitted_on: Optional[date] = None

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def received(self) -> bool:
        return self.state in (ON_TIME, LATE)

    @property
    def accepted(self) -> bool:
        return self.status == "accepted"

    def due(self, today: date) -> bool:
        return self.deadline < today


def cell(status: Optional[str], submitted_at: Optional[datetime], deadline: date,
         today: date, report_id: Optional[int] = None) -> Cell:
    """The state of an expected report."""
    if status in RECEIVED and submitted_at is not None:
        on = local_date(submitted_at)
        return Cell(ON_TIME if on <= deadline else LATE, deadline, status, report_id, on)
    if status == "returned":
        return Cell(RETURNED, deadline, status, report_id)
    return Cell(MISSING if today > deadline else PENDING, deadline, status, report_id)


@dataclass(frozen=True)
class Rate:
    expected: int
    received: int
    on_time: int

    @property
    def reporting_rate(self) -> Optional[Decimal]:
        return _pct(self.received, self.expected)

    @property
    def timeliness(self) -> Optional[Decimal]:
        return _pct(self.on_time, self.expected)


def _pct(part: int, whole: int) -> Optional[Decimal]:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def rate(cells: Iterable[Cell], today: Optional[date] = None) -> Rate:
    """Expected, received and on-time reports among `cells`; with `today`, only those due
    by then or received early (rate_to_date). Plain loops: the completeness table asks for
    a row's and a column's rate of ~120 units and a dozen periods (issue 33)."""
    expected = received = on_time = 0
    for c in cells:
        state = c.state
        got = state == ON_TIME or state == LATE  # Cell.received
        if today is not None and not (c.deadline < today or got):  # Cell.due(today)
            continue
        expected += 1
        if got:
            received += 1
            if state == ON_TIME:
                on_time += 1
    return Rate(expected, received, on_time)


def rate_to_date(cells: Iterable[Cell], today: date) -> Rate:
    """A unit's rate over a year counts the periods already due, and any received early;
    a report not yet due is not yet missing."""
    return rate(cells, today)
