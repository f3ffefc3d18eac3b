"""The checks on a figure (app/reports/checks.py), as tables, without a request."""
from datetime import date
from decimal import Decimal as D
from types import SimpleNamespace

import pytest

from app.plans.progress import Figure, Target
from app.reports import checks

LEAD, BAN = 1, 11


def ind(semantics="sum_flow", unit="tấn", low=None, high=None, total=None, target=D("9950.3"),
        over=None):
    return SimpleNamespace(semantics=semantics, unit_of_measure=unit, low=low, high=high,
                           total=total, target=target, over_target_pct=over, lead_unit_id=LEAD)


@pytest.mark.parametrize("indicator,value,flagged", [
    (ind("at_least", "%"), D(100), False),
    (ind("at_least", "%"), D("100.5"), True),                  # a rate within 0–100
    (ind(), D(0), False),
    (ind(), D(-1), True),                                      # a flow not negative
    (ind("count_of_total", "trường", total=D(8)), D(8), False),
    (ind("count_of_total", "trường", total=D(8)), D(9), True),  # a count not above its total
    (ind("at_least", "%", low=D(40), high=D(80)), D(30), True),  # the office's bounds
    (ind("at_least", "%", low=D(40), high=D(80)), D(60), False),
    (ind("latest_level", "ha"), D("99503"), False),            # a level up to ten times its target
    (ind("latest_level", "ha"), D(10 ** 6), True),             # … and not beyond
    (ind("at_least", "triệu đồng", target=D(46)), D("9950.3"), True),  # a flow typed as income
    (ind("latest_level", "ha", target=None), D(10 ** 6), False),       # no target, no default
])
def test_plausible_bounds(indicator, value, flagged):
    assert (checks.bounds_flag(indicator, value) is not None) == flagged


@pytest.mark.parametrize("amount,past,flagged", [
    (D(100), [D(90), D(110)], False),                    # too little history to judge
    (D(100), [D(90), D(110), D(100)], False),
    (D(140), [D(90), D(110), D(100)], False),            # within one spread (20) … or ×1,5
    (D(170), [D(90), D(110), D(100)], True),             # far above the unit's own history
    (D(40), [D(90), D(110), D(100)], True),              # far below it
    (D(0), [D(0), D(0), D(0)], False),
])
def test_far_from_the_units_own_history(amount, past, flagged):
    assert (checks.history_flag(amount, past) is not None) == flagged


@pytest.mark.parametrize("amount,before,flagged", [
    (D("9950.3"), D("8950.3"), True),                    # the double entry of the issue
    (D("8100"), D("8950.3"), True),                      # within 10 % of the sum so far
    (D("7000"), D("8950.3"), False),
    (D(50), D(0), False),                                # the first period: nothing to mistake
])
def test_looks_like_a_year_to_date(amount, before, flagged):
    assert (checks.ytd_like_flag(amount, before) is not None) == flagged


@pytest.mark.parametrize("ytd,target,pct,flagged", [
    (D("18900.6"), D("9950.3"), None, True),             # 190 %: far over, default 30 %
    (D("12935"), D("9950.3"), None, False),              # 130 % is still allowed
    (D("12000"), D("9950.3"), 10, True),                 # the indicator's own setting
    (D(5), None, None, False),                           # no target, nothing to say
])
def test_a_year_to_date_over_the_target(ytd, target, pct, flagged):
    assert (checks.over_target_flag(ytd, target, pct) is not None) == flagged


def test_every_check_of_one_figure_with_its_reason():
    nov = Figure("month", date(2026, 11, 14), LEAD, D("8950.3"))
    period = SimpleNamespace(kind="month", starts_on=date(2026, 11, 15), ends_on=date(2026, 12, 14))
    ctx = checks.context([nov], period, LEAD)
    assert ctx.before == D("8950.3")
    target = Target("sum_flow", D("9950.3"), lead_unit_id=LEAD, combine="lead",
                    reporters=frozenset({LEAD}))
    flags = checks.check(ind(), target, D("9950.3"), ctx)
    assert [f.code for f in flags] == ["ytd_like", "over_target"]
    assert "8.950,3" in flags[0].message() and "18.900,6" in flags[1].message()
    assert checks.load(checks.dump(flags)) == flags
    assert checks.check(ind(), target, D("1000"), ctx) == []
