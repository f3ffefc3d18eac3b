"""Reporting periods (Decree 09/2019/NĐ-CP, Art. 12) and their deadlines, as plain functions.

A month's data runs from the 15th of the month before to the 14th (January: 15/12 of the
previous year to 14/01); a quarter from the 15th of the month before it to the 14th of its
last month; the six months from 15/12 of the previous year to 14/06; the year from 15/12 to
14/12. Deadlines are staggered by unit kind — villages first, then organisations, then
departments — so the Culture–Society office has every unit's report before the commune's
own is due. They are defaults: the secretariat edits them per period and unit kind.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta


CALENDAR_KINDS = ("month", "quarter", "half", "year")

# Days after the cut-off by unit kind; the period's own deadline (the commune's report,
# compiled by the office) comes last.
DEFAULT_LAG_DAYS = {
    "village": 2,
    "school": 3,
    "health": 3,
    "service": 3,
    "organisation": 3,
    "front": 3,
    "department": 4,
    "office": 4,
}
COMMUNE_LAG_DAYS = 6
# The commune itself does not report to itself: its report is the compiled one.
NOT_REPORTING_KINDS = frozenset({"commune"})


@dataclass(frozen=True)
class PeriodSpec:
    kind: str
    number: int
    year: int
    starts_on: date
    ends_on: date
    deadline: date
    deadlines: dict[str, date] = field(default_factory=dict)


def month_range(year: int, month: int) -> tuple[date, date]:
    if not 1 <= month <= 12:
        raise ValueError(f"month {month}")
    start = date(year - 1, 12, 15) if month == 1 else date(year, month - 1, 15)
    return start, date(year, month, 14)


def quarter_range(year: int, quarter: int) -> tuple[date, date]:
    if not 1 <= quarter <= 4:
        raise ValueError(f"quarter {quarter}")
    first_month, last_month = 3 * quarter - 2, 3 * quarter
    return month_range(year, first_month)[0], date(year, last_month, 14)


def half_range(year: int) -> tuple[date, date]:
    return date(year - 1, 12, 15), date(year, 6, 14)


def year_range(year: int) -> tuple[date, date]:
    return date(year - 1, 12, 15), date(year, 12, 14)


def period_range(kind: str, year: int, number: int = 1) -> tuple[date, date]:
    if kind == "month":
        return month_range(year, number)
    if kind == "quarter":
        return quarter_range(year, number)
    if kind == "half":
        return half_range(year)
    if kind == "year":
        return year_range(year)
    raise ValueError(f"no calendar range for {kind!r}")


def next_working_day(d: date) -> date:
    """A deadline on a Saturday or Sunday moves to the Monday after."""
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d


def default_deadlines(ends_on: date) -> tuple[date, dict[str, date]]:
    """(the period's deadline, deadline per unit kind) for data cut off on `ends_on`."""
    by_kind = {kind: next_working_day(ends_on + timedelta(days=lag))
               for kind, lag in DEFAULT_LAG_DAYS.items()}
    return next_working_day(ends_on + timedelta(days=COMMUNE_LAG_DAYS)), by_kind


def year_calendar(year: int) -> list[PeriodSpec]:
    """Every calendar period of a year, in the order they close (month before quarter)."""
    numbers = {"month": range(1, 13), "quarter": range(1, 5), "half": (1,), "year": (1,)}
    specs = []
    for kind in CALENDAR_KINDS:
        for n in numbers[kind]:
            start, end = period_range(kind, year, n)
            deadline, by_kind = default_deadlines(end)
            specs.append(PeriodSpec(kind, n, year, start, end, deadline, by_kind))
    specs.sort(key=lambda s: (s.ends_on, CALENDAR_KINDS.index(s.kind)))
    return specs


def deadline_for(unit_kind: str, period_deadline: date, by_kind: dict[str, date]) -> date:
    """A unit's deadline: its kind's, else the period's."""
    return by_kind.get(unit_kind, period_deadline)
