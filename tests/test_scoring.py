"""Scoring rules as plain functions (app/emulation/scoring.py): no app, no database."""
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal as D

import pytest

from app.emulation import scoring
from app.emulation.scoring import (DONE, EXCELLENT, GOOD, NOT_DONE, Line, Thresholds,
                                   base_score, indicator_result, judged_indicators, level_of,
                                   milestone_result, ranking, timeliness_result, total_score)
from app.plans.progress import Figure
from app.reports.completeness import cell

DECREE_335 = Thresholds(D(90), D(70), D(50))
YEAR = 2026
END = date(2026, 12, 14)


@pytest.mark.parametrize("total,level", [
    (D(100), EXCELLENT), (D(90), EXCELLENT), (D("89.99"), GOOD), (D(70), GOOD),
    (D("69.99"), DONE), (D(50), DONE), (D("49.99"), NOT_DONE), (D(0), NOT_DONE)])
def test_the_four_levels_of_decree_335_at_their_boundaries(total, level):
    assert level_of(total, DECREE_335) == level


def test_levels_follow_the_thresholds_given_not_constants():
    stricter = Thresholds(D(95), D(80), D(60))
    assert level_of(D(90), stricter) == GOOD
    assert level_of(D(75), stricter) == DONE
    assert level_of(D(55), stricter) == NOT_DONE
    assert scoring.level_label(level_of(D(75), DECREE_335)) == "Hoàn thành tốt nhiệm vụ"
    assert level_of(None, DECREE_335) is None


def test_the_base_is_brought_back_to_100_over_the_criteria_that_apply():
    lines = [Line(D(40), D(30)), Line(D(30), None, applicable=False), Line(D(10), D(10)),
             Line(D(20), None)]  # an entry not yet made counts 0
    assert base_score(lines) == D("57.14")  # 40 of 70 possible
    assert base_score([Line(D(40), D("37.14")), Line(D(60), D(40))]) == D("77.14")
    assert base_score([Line(D(40), None, applicable=False)]) == 0


def test_bonus_and_penalty_stay_on_the_100_point_scale():
    assert total_score(D("77.14"), D(5), D(2)) == D("80.14")
    assert total_score(D(98), D(5), D(0)) == D(100)
    assert total_score(D(3), D(0), D(5)) == D(0)


def test_equal_totals_share_a_rank():
    ranked = ranking([("a", D(80)), ("b", D(91)), ("c", D(80)), ("d", D(60))])
    assert [(r, item) for r, item, _t in ranked] == [(1, "b"), (2, "a"), (2, "c"), (4, "d")]


# ---------------------------------------------------------------- indicators

@dataclass
class Ind:
    id: int
    code: str
    semantics: str
    target: D
    unit_of_measure: str = "%"
    lead_unit_id: int = 1
    total: D = None
    baseline: D = None
    name: str = ""
    combine: str = "lead"
    reporters: tuple = ()
    over_target_pct: int = None


@dataclass(frozen=True)
class U:
    id: int


VILLAGE, LEAD, OTHER = 7, 1, 8


def fig(unit, value, end=date(2026, 6, 14), kind="half"):
    return Figure(kind, end, unit, D(value))


def asked(*units):
    return tuple(U(u) for u in units)


def test_a_part_is_judged_on_its_own_rate_and_on_the_communes_figure_of_a_sum():
    forest = Ind(1, "III.2-04", "at_least", D("58.39"), combine="latest",
                 reporters=asked(VILLAGE, OTHER))
    insurance = Ind(2, "III.3-07", "at_least", D("92.1"), combine="latest",
                    reporters=asked(VILLAGE, OTHER))
    stunting = Ind(3, "III.3-06", "at_most", D("16.90"), combine="latest",
                   reporters=asked(VILLAGE, OTHER))
    tourists = Ind(4, "III.2-05", "sum_flow", D(1000), unit_of_measure="lượt khách",
                   combine="sum", reporters=asked(VILLAGE))
    income = Ind(5, "III.2-01", "latest_level", D(46), unit_of_measure="triệu đồng/người/năm",
                 combine="sum", reporters=asked(VILLAGE))
    figures = {1: [fig(VILLAGE, 60), fig(LEAD, 50)],        # own 60 ≥ 58,39: on track
               2: [fig(VILLAGE, 90), fig(OTHER, 99)],        # own 90: within 10 % → at risk
               3: [fig(OTHER, 10)],                          # asked, gave nothing: 0
               4: [fig(VILLAGE, 1000, date(2026, 12, 14), "year")],  # the commune's sum
               5: []}                                        # no commune figure: left out
    judged = judged_indicators(VILLAGE, [forest, insurance, stunting, tourists, income],
                               figures, YEAR)
    assert [(i.code, p.status, how) for i, p, how in judged] == [
        ("III.2-04", "on_track", "own"), ("III.3-07", "at_risk", "own"),
        ("III.3-06", "no_data", "own"), ("III.2-05", "on_track", "shared")]
    result = indicator_result(D(40), judged)
    assert result.points == D("25")  # (1 + ½ + 0 + 1) / 4 × 40
    assert result.basis == ("4 chỉ tiêu được đánh giá: 2 đạt, 1 có nguy cơ chậm (tính ½), "
                            "0 chậm tiến độ, 1 chưa có số liệu → 2,5/4 × 40 = 25 điểm.")
    assert [d["how"] for d in result.details] == [
        "Số của đơn vị", "Số của đơn vị", "Số của đơn vị", "Số của xã (đơn vị góp phần)"]


def test_a_unit_is_never_judged_on_a_target_it_is_not_asked_to_report():
    # a contributor of a rate whose figure the lead alone gives (issue 28: seven 0/40 rows)
    forest = Ind(1, "III.2-04", "at_least", D("58.39"))
    figures = {1: [fig(LEAD, 60)]}
    assert judged_indicators(VILLAGE, [forest], figures, YEAR) == []
    assert indicator_result(D(40), []).applicable is False


def test_the_lead_answers_for_the_communes_figure_of_every_indicator_it_leads():
    tourists = Ind(4, "III.2-05", "sum_flow", D(1200), unit_of_measure="lượt khách",
                   combine="sum", reporters=asked(VILLAGE))
    figures = {4: [fig(VILLAGE, 100, date(2026, 1, 14), "month"),
                   fig(VILLAGE, 1200, date(2026, 12, 14), "month")]}
    judged = judged_indicators(LEAD, [tourists], figures, YEAR)
    assert [(i.code, p.status, how) for i, p, how in judged] == [("III.2-05", "on_track", "lead")]
    assert indicator_result(D(40), judged).points == D(40)


def test_no_indicator_to_judge_is_not_applicable():
    result = indicator_result(D(40), [])
    assert (result.points, result.applicable) == (None, False)


# ---------------------------------------------------------------- milestones

@dataclass
class M:
    title: str
    due_on: date
    status: str
    progress: int = 0


def test_milestones_due_by_the_cutoff_count_done_as_whole_and_others_by_progress():
    ms = [M("Kế hoạch", date(2026, 2, 1), "done", 100),
          M("Phát động", date(2026, 3, 2), "done", 100),
          M("Sơ kết", date(2026, 7, 5), "in_progress", 40),
          M("Tổng kết", date(2026, 12, 12), "not_started", 0),
          M("Hủy", date(2026, 5, 1), "cancelled", 0),
          M("Năm sau", date(2027, 1, 10), "not_started", 0)]
    result = milestone_result(D(30), ms, END)
    assert result.points == D(18)  # (1 + 1 + 0,4 + 0) / 4 × 30
    assert "4 nhiệm vụ, mốc đến hạn trước ngày 14/12/2026: 2 hoàn thành" in result.basis
    assert "60% × 30 = 18 điểm" in result.basis
    assert [d["title"] for d in result.details] == ["Kế hoạch", "Phát động", "Sơ kết", "Tổng kết"]
    # the half-year review sees only what was due by 14/06
    assert milestone_result(D(30), ms, date(2026, 6, 14)).points == D(30)
    assert milestone_result(D(30), [], END).applicable is False


# ---------------------------------------------------------------- timeliness

def test_timeliness_is_the_share_of_expected_reports_received_on_time():
    at = lambda d: datetime(d.year, d.month, d.day, 3, tzinfo=timezone.utc)  # noqa: E731
    today = date(2026, 12, 20)
    cells = [("T01", cell("accepted", at(date(2026, 1, 15)), date(2026, 1, 16), today)),
             ("T02", cell("submitted", at(date(2026, 2, 20)), date(2026, 2, 16), today)),
             ("T03", cell(None, None, date(2026, 3, 16), today)),
             ("T04", cell("returned", None, date(2026, 4, 16), today)),
             ("Năm", cell(None, None, date(2026, 12, 30), today))]   # not due yet: not counted
    result = timeliness_result(D(10), cells, today)
    assert result.points == D("2.5")
    assert result.basis == ("4 báo cáo phải nộp: 1 đúng hạn, 1 nộp muộn, 2 chưa nộp hoặc bị trả "
                            "lại → 1/4 × 10 = 2,5 điểm.")
    assert [d["period"] for d in result.details] == ["T01", "T02", "T03", "T04"]
    assert timeliness_result(D(10), [], today).applicable is False


def test_points_read_the_vietnamese_way():
    assert scoring.pts(D("31.4285")) == "31,43"
    assert scoring.pts(D("18.00")) == "18"
    assert scoring.pts(D("100")) == "100"
    assert scoring.pts(None) == "–"
