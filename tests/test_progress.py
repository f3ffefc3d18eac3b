"""Achievement and on-track status for every target semantics of docs/design.md §2, as tables.

The reporting year 2026 runs 15/12/2025–14/12/2026: 365 days. A month ends on the 14th.
"""
from datetime import date
from decimal import Decimal as D

import pytest

from app.plans.progress import (AT_RISK, NO_DATA, OFF_TRACK, ON_TRACK, Figure, Target,
                                evaluate, flow_to_date, series, share_of_total, span,
                                year_share)

LEAD, BAN01, BAN02 = 1, 11, 12
YEAR = 2026


def m(month, value, unit=BAN01, year=YEAR):
    """A monthly figure: month n of the reporting year ends on 14/n."""
    return Figure("month", date(year, month, 14), unit, D(value))


def q(quarter, value, unit=BAN01):
    return Figure("quarter", date(YEAR, quarter * 3, 14), unit, D(value))


def half(value, unit=BAN01):
    return Figure("half", date(YEAR, 6, 14), unit, D(value))


def whole_year(value, unit=BAN01):
    return Figure("year", date(YEAR, 12, 14), unit, D(value))


def adhoc(value, unit=BAN01, day=date(YEAR, 5, 20)):
    return Figure("adhoc", day, unit, D(value), day)


# ---------------------------------------------------------------- the reporting year

@pytest.mark.parametrize("as_of,share", [
    (date(2025, 12, 14), D(0)),                 # the day before the year opens
    (date(2025, 12, 15), D(1) / D(365)),        # its first day has elapsed at its end
    (date(2026, 1, 14), D(31) / D(365)),        # end of month 01
    (date(2026, 3, 14), D(90) / D(365)),        # end of quarter 1
    (date(2026, 6, 14), D(182) / D(365)),       # end of the first six months
    (date(2026, 12, 14), D(1)),                 # end of the year
    (date(2027, 1, 5), D(1)),                   # after it: never more than the whole
])
def test_elapsed_share_of_the_15_12_to_14_12_reporting_year(as_of, share):
    assert year_share(as_of, 2026) == share


def test_a_leap_reporting_year_has_366_days():
    assert year_share(date(2028, 6, 14), 2028) == D(183) / D(366)


@pytest.mark.parametrize("figure,first_day", [
    (m(1, 0), date(2025, 12, 15)),
    (m(7, 0), date(2026, 6, 15)),
    (q(1, 0), date(2025, 12, 15)),
    (q(3, 0), date(2026, 6, 15)),
    (half(0), date(2025, 12, 15)),
    (whole_year(0), date(2025, 12, 15)),
])
def test_a_period_without_a_stored_start_runs_from_the_15th(figure, first_day):
    assert span(figure) == (first_day, figure.period_end)


# ---------------------------------------------------------------- flows summed over the year

JOBS = Target("sum_flow", D(323), lead_unit_id=LEAD)          # jobs for 323 workers
REVENUE = Target("sum_flow", D(33515), lead_unit_id=LEAD)     # 33.515 million VND


@pytest.mark.parametrize("name,target,figures,current,pct,status", [
    # 323 × 31/365 = 27,43 due by 14/01; within 10 % short of it is "at risk"
    ("keeps pace", JOBS, [m(1, 30)], D(30), D("9.3"), ON_TRACK),
    ("exactly the pace, rounded up", JOBS, [m(1, "27.44")], D("27.44"), D("8.5"), ON_TRACK),
    ("a little short", JOBS, [m(1, 25)], D(25), D("7.7"), AT_RISK),
    ("far short", JOBS, [m(1, 20)], D(20), D("6.2"), OFF_TRACK),
    ("villages add up", JOBS, [m(1, 12), m(1, 18, BAN02)], D(30), D("9.3"), ON_TRACK),
    ("months add up over the year", JOBS, [m(n, 27) for n in range(1, 13)], D(324),
     D("100.3"), ON_TRACK),
    ("a quarter is not added on top of its months", JOBS,
     [m(1, 30), m(2, 30), m(3, 30), q(1, 90)], D(90), D("27.9"), ON_TRACK),
    ("a quarter reported instead of its months counts", JOBS,
     [m(1, 30), m(2, 30), m(3, 30), q(2, 90)], D(180), D("55.7"), ON_TRACK),
    ("a half year overlapping months is left out", JOBS,
     [m(1, 30), m(2, 30), half(500)], D(60), D("18.6"), ON_TRACK),
    ("the lead's compiled figure is the commune's for its period", JOBS,
     [m(1, 100, LEAD), m(1, 30), m(1, 40, BAN02), m(2, 5)], D(105), D("32.5"), ON_TRACK),
    ("budget revenue at six months: 16.711,4 due", REVENUE, [half(17000, LEAD)], D(17000),
     D("50.7"), ON_TRACK),
    ("budget revenue at six months, short", REVENUE, [half(15500, LEAD)], D(15500),
     D("46.2"), AT_RISK),
    ("a yearly figure at year end", REVENUE, [whole_year(33515, LEAD)], D(33515),
     D("100.0"), ON_TRACK),
    ("a negative correction lowers the sum", JOBS, [m(1, 30), m(1, -10, BAN02)], D(20),
     D("6.2"), OFF_TRACK),
])
def test_a_summed_flow_keeps_pace_with_the_elapsed_share_of_the_year(
        name, target, figures, current, pct, status):
    p = evaluate(target, figures, YEAR)
    assert (p.current, p.achievement_pct, p.status) == (current, pct, status), name


def test_a_flow_reports_what_was_due_and_as_of_when():
    p = evaluate(JOBS, [m(1, 10), m(2, 10)], YEAR)
    assert p.as_of == date(2026, 2, 14)
    assert p.expected == (D(323) * D(62) / D(365)).quantize(D("0.0001"))


def test_ad_hoc_figures_are_not_part_of_a_flow():
    assert evaluate(JOBS, [adhoc(50)], YEAR).status == NO_DATA
    assert flow_to_date([adhoc(50), m(1, 7)]) == D(7)


def test_a_stored_period_start_is_used_for_overlaps():
    # an ad-hoc-like irregular quarter: 15/01–14/04 overlaps month 02 only
    odd = Figure("quarter", date(2026, 4, 14), BAN01, D(99), date(2026, 1, 15))
    assert flow_to_date([m(2, 5), odd]) == D(5)
    assert flow_to_date([m(1, 5), odd]) == D(104)


# ---------------------------------------------------------------- levels

FOREST = Target("at_least", D("58.39"), lead_unit_id=LEAD)    # forest cover ≥ 58,39 %
INCOME = Target("latest_level", D(46), lead_unit_id=LEAD)     # income 46 million VND
STUNTING = Target("at_most", D("16.90"), lead_unit_id=LEAD)   # stunting down to 16,90 %
ZERO_CASES = Target("at_most", D(0), lead_unit_id=LEAD)       # e.g. no case at all
SCHOOLS = Target("count_of_total", D(7), total=D(8), lead_unit_id=LEAD)  # 7 of 8 schools
HEALTH = Target("yes_no", D(1), lead_unit_id=LEAD)            # keeps the health criteria


@pytest.mark.parametrize("name,target,value,pct,status", [
    ("forest cover meets 58,39 %", FOREST, "58.39", D("100.0"), ON_TRACK),
    ("forest cover above", FOREST, "60", D("102.8"), ON_TRACK),
    ("forest cover within 10 % short", FOREST, "55", D("94.2"), AT_RISK),
    ("forest cover far short", FOREST, "50", D("85.6"), OFF_TRACK),
    ("income level meets 46", INCOME, "46", D("100.0"), ON_TRACK),
    ("income level short", INCOME, "40", D("87.0"), OFF_TRACK),
    # at most: lower is better, so achievement is target ÷ figure
    ("stunting down to 16,90 %", STUNTING, "16.90", D("100.0"), ON_TRACK),
    ("stunting below the ceiling", STUNTING, "15", D("112.7"), ON_TRACK),
    ("stunting a little above", STUNTING, "18", D("93.9"), AT_RISK),
    ("stunting far above", STUNTING, "19", D("88.9"), OFF_TRACK),
    ("stunting at zero", STUNTING, "0", D("100"), ON_TRACK),
    ("an at-most target of zero, met", ZERO_CASES, "0", D("100"), ON_TRACK),
    ("an at-most target of zero, missed", ZERO_CASES, "2", D("0"), OFF_TRACK),
    ("schools: 7 of 8", SCHOOLS, "7", D("100.0"), ON_TRACK),
    ("schools: all 8", SCHOOLS, "8", D("114.3"), ON_TRACK),
    ("schools: one short", SCHOOLS, "6", D("85.7"), AT_RISK),
    ("schools: two short", SCHOOLS, "5", D("71.4"), OFF_TRACK),
    ("health criteria kept", HEALTH, "1", D("100"), ON_TRACK),
    ("health criteria lost", HEALTH, "0", D("0"), OFF_TRACK),
])
def test_a_level_is_judged_by_the_lead_units_latest_figure(name, target, value, pct, status):
    p = evaluate(target, [m(3, value, LEAD)], YEAR)
    assert (p.current, p.achievement_pct, p.status) == (D(value), pct, status), name
    assert p.as_of == date(2026, 3, 14)


def test_the_latest_figure_wins_and_levels_do_not_add_up():
    p = evaluate(FOREST, [m(3, 57, LEAD), m(6, 59, LEAD), m(4, 58, LEAD)], YEAR)
    assert (p.current, p.status, p.as_of) == (D(59), ON_TRACK, date(2026, 6, 14))


def test_at_one_date_the_coarser_periods_level_is_read():
    p = evaluate(FOREST, [m(6, 50, LEAD), half(59, LEAD)], YEAR)
    assert p.current == D(59)


def test_a_villages_own_rate_is_not_the_communes_level():
    # without the lead unit's figure there is no commune level to judge
    p = evaluate(FOREST, [m(6, 40), m(6, 70, BAN02)], YEAR)
    assert (p.current, p.status) == (None, NO_DATA)


def test_a_level_without_a_lead_unit_reads_the_latest_figure_of_anyone():
    t = Target("at_least", D("92.1"))
    p = evaluate(t, [m(2, 80), m(5, "92.5", BAN02)], YEAR)
    assert (p.current, p.status) == (D("92.5"), ON_TRACK)


def test_seven_of_eight_schools_is_87_5_percent_of_the_total():
    assert share_of_total(SCHOOLS) == D("87.5")
    assert share_of_total(FOREST) is None


# ---------------------------------------------------------------- deltas from a baseline

POVERTY = Target("reduce_by", D("1.2"), baseline=D("10.5"), lead_unit_id=LEAD)


@pytest.mark.parametrize("name,target,figure,delta,pct,status", [
    # the poverty rate "reduced by 1,2 points" from 10,5 %
    ("reduced by 1,2 points at year end", POVERTY, whole_year("9.3", LEAD), D("1.2"),
     D("100.0"), ON_TRACK),
    ("reduced by more", POVERTY, whole_year("9.0", LEAD), D("1.5"), D("125.0"), ON_TRACK),
    ("reduced by 1,1: within 10 % of it", POVERTY, whole_year("9.4", LEAD), D("1.1"),
     D("91.7"), AT_RISK),
    ("reduced by 1,0 only", POVERTY, whole_year("9.5", LEAD), D("1.0"), D("83.3"), OFF_TRACK),
    ("risen instead", POVERTY, whole_year("11", LEAD), D("-0.5"), D("-41.7"), OFF_TRACK),
    # at six months, 1,2 × 182/365 = 0,598 is due
    ("half the reduction at six months keeps pace", POVERTY, half("9.9", LEAD), D("0.6"),
     D("50.0"), ON_TRACK),
    ("a third of it at six months", POVERTY, half("10.1", LEAD), D("0.4"), D("33.3"),
     OFF_TRACK),
    ("an increase by 5 from a baseline of zero", Target("increase_by", D(5), baseline=D(0),
     lead_unit_id=LEAD), whole_year("5", LEAD), D(5), D("100.0"), ON_TRACK),
    ("nothing to reduce from a baseline of zero", Target("reduce_by", D("1.2"), baseline=D(0),
     lead_unit_id=LEAD), whole_year("0", LEAD), D(0), D("0.0"), OFF_TRACK),
    ("a target of zero: hold the baseline", Target("reduce_by", D(0), baseline=D(10),
     lead_unit_id=LEAD), whole_year("10", LEAD), D(0), D(100), ON_TRACK),
    ("a target of zero, lost ground", Target("reduce_by", D(0), baseline=D(10),
     lead_unit_id=LEAD), whole_year("10.5", LEAD), D("-0.5"), D(0), OFF_TRACK),
])
def test_a_delta_is_measured_from_its_baseline_and_keeps_pace(
        name, target, figure, delta, pct, status):
    p = evaluate(target, [figure], YEAR)
    assert (p.current, p.achievement_pct, p.status) == (delta, pct, status), name


def test_a_delta_without_a_baseline_says_nothing():
    t = Target("reduce_by", D("1.2"), lead_unit_id=LEAD)  # the plan file gives no baseline
    p = evaluate(t, [whole_year("9.3", LEAD)], YEAR)
    assert (p.current, p.achievement_pct, p.status) == (None, None, NO_DATA)


# ---------------------------------------------------------------- missing data and zeros

@pytest.mark.parametrize("target", [JOBS, FOREST, INCOME, STUNTING, SCHOOLS, HEALTH, POVERTY,
                                    Target("increase_by", D(3), baseline=D(1))])
def test_no_figure_means_no_data_for_every_semantics(target):
    p = evaluate(target, [], YEAR)
    assert (p.current, p.achievement_pct, p.status, p.as_of) == (None, None, NO_DATA, None)
    assert p.status_label == "Chưa có số liệu"


def test_an_indicator_without_a_target_has_no_status():
    assert evaluate(Target("at_least", None), [m(1, 5)], YEAR).status == NO_DATA


@pytest.mark.parametrize("target,value,status", [
    (Target("sum_flow", D(0)), "0", ON_TRACK),
    (Target("at_least", D(0)), "0", ON_TRACK),
    (Target("count_of_total", D(0), total=D(8)), "0", ON_TRACK),
])
def test_a_target_of_zero_gives_a_status_but_no_ratio(target, value, status):
    p = evaluate(target, [m(1, value)], YEAR)
    assert (p.status, p.achievement_pct) == (status, None)


def test_an_unknown_semantics_is_a_programming_error():
    with pytest.raises(ValueError):
        evaluate(Target("roughly", D(1)), [], YEAR)


def test_status_labels_are_vietnamese():
    assert evaluate(FOREST, [m(1, 60, LEAD)], YEAR).status_label == "Đúng tiến độ"
    assert evaluate(FOREST, [m(1, 55, LEAD)], YEAR).status_label == "Có nguy cơ chậm"
    assert evaluate(FOREST, [m(1, 40, LEAD)], YEAR).status_label == "Chậm tiến độ"


# ---------------------------------------------------------------- the trend a sparkline draws

def test_a_flows_trend_is_cumulative():
    assert series(JOBS, [m(1, 10), m(2, 20), m(2, 5, BAN02), m(3, 30)]) == [
        (date(2026, 1, 14), D(10)), (date(2026, 2, 14), D(35)), (date(2026, 3, 14), D(65))]


def test_a_levels_trend_is_the_lead_units_figure_by_period():
    assert series(FOREST, [m(2, 57, LEAD), m(1, 56, LEAD), m(2, 99)]) == [
        (date(2026, 1, 14), D(56)), (date(2026, 2, 14), D(57))]


def test_a_deltas_trend_is_measured_from_the_baseline():
    assert series(POVERTY, [q(1, "10.2", LEAD), q(2, "9.9", LEAD)]) == [
        (date(2026, 3, 14), D("0.3")), (date(2026, 6, 14), D("0.6"))]
    assert series(Target("reduce_by", D(1)), [q(1, "10.2")]) == []
