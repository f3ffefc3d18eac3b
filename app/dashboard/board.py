"""The dashboard's picture of the plan: every indicator with its progress and trend, grouped
by content area, with a tally per status. Plain functions over loaded rows."""
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import NamedTuple, Optional

from flask import get_template_attribute, request
from flask_babel import get_locale
from markupsafe import Markup

from app.plans.models import Area, Indicator, Plan
from app.plans.progress import (AT_RISK, DELTAS, LEVELS, NEEDS_CHECK, NO_DATA, OFF_TRACK,
                                STATUSES, Progress)
from app.core.vietnamese import today as vn_today
from app.plans.assignments import target_of
from app.plans.queries import progress_and_trend
from app.core.vietnamese import _l


# Why an indicator has no status although something is known.
NO_TARGET = _l("Chưa đặt mục tiêu.")
NO_BASELINE = _l("Chưa có số liệu gốc để tính mức tăng, giảm.")
WAITING_FOR_LEAD = _l("Đã có số liệu của đơn vị phối hợp, chờ số liệu của đơn vị chủ trì.")


class Lead(NamedTuple):
    short_name: Optional[str]
    name: str


class Face(NamedTuple):
    """What a line of the list shows of its indicator, and nothing else: part of the key
    under which the line's HTML is remembered, so nothing it shows can change unseen."""
    id: int
    code: str
    name: str
    semantics: str
    target: object
    target_places: Optional[int]
    total: object
    unit_of_measure: str
    lead_unit: Optional[Lead]  # named only beside a disputed figure


class Shown(NamedTuple):
    """A line as dashboard/_macros.html's indicator_line() draws it."""
    indicator: Face
    progress: Progress
    points: tuple
    note: Optional[str]


class ShownIn:
    """The language and the address a board's lines are drawn in, looked up at its first
    line: ~25 Python calls a lookup, once per line of the list before (issue 33)."""
    __slots__ = ("_key",)

    def __init__(self):
        self._key = None

    def __call__(self) -> tuple[str, str]:
        if self._key is None:
            self._key = (str(get_locale()), request.script_root)
        return self._key


@dataclass
class Line:
    indicator: Indicator
    progress: Progress
    points: tuple
    note: Optional[object] = None  # a lazy message, see why_no_status
    shown_in: ShownIn = field(default_factory=ShownIn)  # shared by a board's lines

    def html(self, year: int) -> Markup:
        """The line as the dashboard and an area page list it."""
        ind, p = self.indicator, self.progress
        lead = ind.lead_unit if p.doubt else None
        face = Face(ind.id, ind.code, ind.name, ind.semantics, ind.target, ind.target_places,
                    ind.total, ind.unit_of_measure, lead and Lead(lead.short_name, lead.name))
        note = None if self.note is None else str(self.note)
        return _line_html(Shown(face, p, self.points, note), year, *self.shown_in())


@lru_cache(maxsize=1024)
def _line_html(shown: Shown, year: int, _locale: str, _script_root: str) -> Markup:
    """A line's HTML, remembered by all it shows and the language and address it is shown
    in: the dashboard lists every target on each request though its figures change a few
    times a month, and a line drawn anew costs ~600 Python calls (issue 33)."""
    # a macro of an autoescaped template: its output is Markup already, every value escaped
    return get_template_attribute("dashboard/_macros.html", "indicator_line")(shown, year)


def why_no_status(ind: Indicator, p: Progress, has_figures: bool):
    if p.status != NO_DATA:
        return None
    if ind.target is None:
        return NO_TARGET
    if ind.semantics in DELTAS and ind.baseline is None:
        return NO_BASELINE
    if has_figures and ind.semantics in LEVELS + DELTAS and ind.lead_unit_id is not None:
        return WAITING_FOR_LEAD
    return None


@dataclass
class AreaBoard:
    area: Area
    lines: list[Line]
    counts: Counter = field(default_factory=Counter)


@dataclass
class Board:
    plan: Plan
    areas: list[AreaBoard]

    @property
    def counts(self) -> Counter:
        total = Counter()
        for a in self.areas:
            total.update(a.counts)
        return total

    @property
    def as_of(self) -> Optional[date]:
        """The latest period end of any accepted figure, never after today: a period
        accepted before it has ended is read "to today", not to its end (issue 28)."""
        latest = max((ln.progress.as_of for a in self.areas for ln in a.lines
                      if ln.progress.as_of), default=None)
        return latest if latest is None else min(latest, vn_today())

    def attention(self) -> list[Line]:
        """What the chair must look at first: targets off track, then those at risk, then
        those whose figure awaits the office's check, each in the plan's order."""
        order = {OFF_TRACK: 0, AT_RISK: 1, NEEDS_CHECK: 2}
        lines = [ln for a in self.areas for ln in a.lines if ln.progress.status in order]
        return sorted(lines, key=lambda ln: order[ln.progress.status])  # stable: plan order kept

    def area(self, area_id: int) -> Optional[AreaBoard]:
        return next((a for a in self.areas if a.area.id == area_id), None)

    def filtered(self, status: Optional[str] = None, area_id: Optional[int] = None):
        """Areas and their lines that pass the filters; areas left empty drop out."""
        out = []
        for a in self.areas:
            if area_id is not None and a.area.id != area_id:
                continue
            lines = [ln for ln in a.lines if status is None or ln.progress.status == status]
            if lines or (status is None and area_id is not None):
                out.append(AreaBoard(a.area, lines, a.counts))
        return out


def build(plan: Plan, areas: list[Area], indicators: list[Indicator],
          figures: dict[int, tuple], doubtful: frozenset = frozenset()) -> Board:
    boards = {a.id: AreaBoard(a, []) for a in areas}
    shown_in = ShownIn()
    for ind in indicators:
        board = boards.get(ind.area_id)
        if board is None:
            continue
        figs = figures.get(ind.id, ())
        p, points = progress_and_trend(target_of(ind), figs, plan.year, ind.id in doubtful)
        board.lines.append(Line(ind, p, points, why_no_status(ind, p, bool(figs)), shown_in))
        board.counts[p.status] += 1
    return Board(plan, list(boards.values()))


def read_status(value: Optional[str]) -> Optional[str]:
    """A status filter from the query string: empty is none; anything unknown is refused."""
    if not value:
        return None
    if value not in STATUSES:
        raise ValueError(value)
    return value
