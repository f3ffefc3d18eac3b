"""Reporting periods (Decree 09/2019/NĐ-CP, Art. 12) and their deadlines, as plain functions.

A month's data runs from the 15th of the month before to the 14th (January: 15/12 of the
previous year to 14/01); a quarter from the 15th of the month before it to the 14th of its
last month; the six months from 15/12 of the previous year to 14/06; the year from 15/12 to
14/12. Deadlines are staggered by unit kind — villages first, then organisations, then
departments — so the Culture–Society office has every unit's report before the commune's
own is due. They are defaults: the secretariat edits them per period and unit kind.

Which kinds of period each kind of unit reports is the office's setting (issue 18: a
commune may want its villages to report each quarter, the six months and the year only):
DEFAULT_REPORTS is where it starts, `reports_of` reads a stored one, and the year's calendar
holds only the periods someone reports, each with only the deadlines of the kinds that do.
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

# What each kind of unit reports until the office changes it: the decree's whole calendar,
# and the office's occasional requests ("adhoc": who is ticked on a new request's form).
REPORT_KINDS = ("month", "quarter", "half", "year", "adhoc")
DEFAULT_REPORTS = {kind: REPORT_KINDS for kind in DEFAULT_LAG_DAYS}


def reports_of(stored: dict | None) -> dict[str, tuple[str, ...]]:
    """The setting in force from what was stored (a dict kind → list of period kinds, or
    None): a kind not stored, or stored as something unreadable, keeps its default."""
    out = dict(DEFAULT_REPORTS)
    for kind, kinds in (stored or {}).items() if isinstance(stored, dict) else ():
        if kind in out and isinstance(kinds, list):
            out[kind] = tuple(k for k in REPORT_KINDS if k in kinds)
    return out


def periods_a_year(kinds) -> int:
    """How many calendar reports a year a unit reporting these kinds of period sends."""
    per_year = {"month": 12, "quarter": 4, "half": 1, "year": 1}
    return sum(per_year.get(k, 0) for k in kinds)


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


def year_calendar(year: int, reports=None) -> list[PeriodSpec]:
    """The calendar periods of a year someone reports (every one without `reports`, the
    setting of reports_of), in the order they close (month before quarter); each holds the
    deadlines of the kinds of unit that report it, and only theirs."""
    numbers = {"month": range(1, 13), "quarter": range(1, 5), "half": (1,), "year": (1,)}
    specs = []
    for kind in CALENDAR_KINDS:
        unit_kinds = ({k for k, kinds in reports.items() if kind in kinds} if reports is not None
                      else set(DEFAULT_LAG_DAYS))
        if not unit_kinds:
            continue
        for n in numbers[kind]:
            start, end = period_range(kind, year, n)
            deadline, by_kind = default_deadlines(end)
            specs.append(PeriodSpec(kind, n, year, start, end, deadline,
                                    {k: d for k, d in by_kind.items() if k in unit_kinds}))
    specs.sort(key=lambda s: (s.ends_on, CALENDAR_KINDS.index(s.kind)))
    return specs


def deadline_for(unit_kind: str, period_deadline: date, by_kind: dict[str, date]) -> date:
    """A unit's deadline: its kind's, else the period's."""
    return by_kind.get(unit_kind, period_deadline)
