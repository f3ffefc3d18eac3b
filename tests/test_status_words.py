"""The dashboard's words never contradict its figures (issue 28, item 4): over random
sequences of accepted figures, of every rule of making the commune's figure, a status is
read from the numbers shown beside it (app/plans/progress.py)."""
from datetime import date
from decimal import Decimal as D

from hypothesis import example, given, settings, strategies as st

from app.plans.progress import (AT_RISK, NEEDS_CHECK, NO_DATA, OFF_TRACK, ON_TRACK, Figure,
                                Target, evaluate)

LEAD, PARTS = 1, (11, 12, 13)
YEAR = 2026


def _month_end(m: int) -> date:
    return date(YEAR, m, 14)


figures = st.lists(st.tuples(st.sampled_from((LEAD, *PARTS)), st.integers(1, 12),
                             st.integers(0, 5000), st.integers(0, 9)), max_size=30)


@settings(max_examples=300, deadline=None)
@given(sem=st.sampled_from(("sum_flow", "latest_level", "at_least")),
       rule=st.sampled_from(("lead", "sum", "checked", "latest")),
       target=st.integers(1, 20000), rows=figures)
# the "Lũy kế 9.948,3 / 9.950,3 tấn · 100% · Có nguy cơ chậm", in round numbers
@example(sem="sum_flow", rule="lead", target=10000, rows=[(LEAD, 12, 9999, 5)])
def test_a_status_never_contradicts_the_figure_beside_it(sem, rule, target, rows):
    if sem == "sum_flow" and rule == "latest":
        rule = "sum"  # a flow is never "the newest level"
    t = Target(sem, D(target), lead_unit_id=LEAD, combine=rule,
               reporters=frozenset((LEAD, *PARTS)))
    figs = [Figure("month", _month_end(m), u, D(v) + D(tenth) / 10) for u, m, v, tenth in rows]
    p = evaluate(t, figs, YEAR)
    if p.current is None:
        assert p.status == NO_DATA and p.achievement_pct is None
        return
    assert p.status != NO_DATA
    # "100 %" and more is never "at risk" nor "late"; short of the target never shows 100 %
    if p.achievement_pct >= 100:
        assert p.status in (ON_TRACK, NEEDS_CHECK)
    if p.current < t.target:
        assert p.achievement_pct < 100
    if p.status == ON_TRACK and p.expected is not None:
        assert p.current >= p.expected
    if p.status in (AT_RISK, OFF_TRACK) and p.expected is not None:
        assert p.current < p.expected
    # in doubt only with both numbers to show, and then never "on track"
    assert (p.status == NEEDS_CHECK) == (p.doubt is not None)
    if p.doubt is not None:
        assert rule == "checked" and p.doubt[1] == p.current


def test_the_commune_report_writes_no_zero_for_a_period_nothing_was_accepted_for(app):
    from types import SimpleNamespace
    from app.reports.commune import NOTHING_ACCEPTED, in_period
    harvest = SimpleNamespace(semantics="sum_flow", target=D("9950.3"), total=None,
                              baseline=None, lead_unit_id=LEAD, combine="lead", reporters=[],
                              unit_of_measure="tấn", target_places=1)
    october = [Figure("month", date(YEAR, 10, 14), LEAD, D("8618.9"))]
    november = SimpleNamespace(starts_on=date(YEAR, 10, 15), ends_on=date(YEAR, 11, 14),
                               year=YEAR)
    with app.app_context():
        assert in_period(harvest, october, november) == NOTHING_ACCEPTED
        accepted = [*october, Figure("month", date(YEAR, 11, 14), LEAD, D("878.9"))]
        assert in_period(harvest, accepted, november) == "878,9"
