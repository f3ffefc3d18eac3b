"""Issue 16, item 3: each unit is asked only for what it reports, and the commune's figure is
made the way the indicator says — the lead's, the sum of the units', or the latest level."""
import re
from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from app.core.extensions import db
from app.plans.loader import PlanFileError, read_plan_file
from app.plans.models import Indicator
from app.plans.progress import NO_DATA, Figure, Target, evaluate, series
from tests.factories import generate, period_id, report_url, text_of

LEAD, BAN01, BAN02, OTHER = 1, 11, 12, 99
YEAR = 2026


def m(month, value, unit):
    return Figure("month", date(YEAR, month, 14), unit, D(value))


AREA = Target("latest_level", D(2050), lead_unit_id=LEAD, combine="sum",
              reporters=frozenset({LEAD, BAN01, BAN02}))
GRAIN = Target("sum_flow", D("9950.3"), lead_unit_id=LEAD, combine="lead",
               reporters=frozenset({LEAD}))
JOBS = Target("sum_flow", D(323), lead_unit_id=LEAD, combine="sum",
              reporters=frozenset({LEAD, BAN01, BAN02}))
RATE = Target("at_least", D(90), lead_unit_id=LEAD, combine="latest",
              reporters=frozenset({LEAD, BAN01}))


@pytest.mark.parametrize("name,target,figures,current", [
    ("lead: only the lead's amounts add up", GRAIN,
     [m(1, 100, LEAD), m(2, 50, LEAD), m(1, 999, BAN01)], D(150)),
    ("lead: a contributor alone makes no figure", GRAIN, [m(1, 999, BAN01)], None),
    ("sum: every reporting unit's amounts add up, the lead's too", JOBS,
     [m(1, 10, LEAD), m(1, 12, BAN01), m(1, 18, BAN02), m(2, 5, BAN01)], D(45)),
    ("sum: a unit not asked does not count", JOBS, [m(1, 12, BAN01), m(1, 50, OTHER)], D(12)),
    ("sum of levels: each unit's latest, added up", AREA,
     [m(1, "1205.5", BAN01), m(2, "1210", BAN01), m(1, 800, BAN02)], D("2010")),
    ("latest: the newest level any reporting unit gave", RATE,
     [m(1, 80, LEAD), m(2, 91, BAN01)], D(91)),
    ("latest: a unit not asked does not count", RATE, [m(1, 80, LEAD), m(2, 99, OTHER)], D(80)),
])
def test_the_communes_figure_is_made_as_the_indicator_says(name, target, figures, current):
    p = evaluate(target, figures, YEAR)
    assert p.current == current, name
    assert (p.status == NO_DATA) == (current is None), name


def test_a_summed_level_draws_its_trend_from_each_units_latest():
    points = series(AREA, [m(1, 1000, BAN01), m(2, 500, BAN02), m(3, 1100, BAN01)])
    assert points == [(date(YEAR, 1, 14), D(1000)), (date(YEAR, 2, 14), D(1500)),
                      (date(YEAR, 3, 14), D(1600))]


def _codes_on_form(client, slug, pid):
    html = text_of(client.get(report_url(slug, pid)))
    return re.findall(r'<span class="code">(III\.[0-9]-[0-9]{2})</span>', html)


def test_a_village_is_asked_only_for_the_few_figures_it_reports(app, login):
    generate(app)
    pid = period_id(app)
    assert _codes_on_form(login("ban01"), "ban-mau-01", pid) == ["III.2-02", "III.2-08",
                                                                 "III.2-09"]
    # the lead is asked for everything it leads
    assert "III.2-03" in _codes_on_form(login("kinhte"), "phong-kinh-te", pid)


def test_the_indicator_page_says_in_one_sentence_how_the_figure_is_made(app, login):
    with app.app_context():
        ids = dict(db.session.execute(select(Indicator.code, Indicator.id)).all())
    page = text_of(login("chutich").get(f"/indicators/{ids['III.2-02']}"))
    assert ("Số liệu của xã là số của cả xã do Phòng Kinh tế báo cáo; số riêng của Bản mẫu 01, "
            "Bản mẫu 02, Bản mẫu 03, Bản mẫu 04, Bản mẫu 05, Bản mẫu 06 cộng lại dùng để đối "
            "chiếu, lệch quá 5% thì phải kiểm tra lại.") in page
    # one sentence: the figures below never explain it a second way (issue 28)
    assert "số mới nhất của đơn vị chủ trì" not in page
    page = text_of(login("chutich").get(f"/indicators/{ids['III.2-03']}"))
    assert ("Số liệu của xã là số liệu trong kỳ do Phòng Kinh tế báo cáo, cộng dồn từ đầu năm; "
            "chỉ Phòng Kinh tế báo cáo chỉ tiêu này.") in page


def test_the_office_sets_who_reports_and_how_on_the_edit_form(app, login):
    with app.app_context():
        ind = db.session.scalar(select(Indicator).where(Indicator.code == "III.2-04"))
        iid, contributors = ind.id, [u.id for u in ind.contributors]
    vhxh = login("vhxh")
    page = text_of(vhxh.get(f"/indicators/{iid}/edit"))
    assert 'name="combine"' in page and 'name="reporters"' in page
    data = dict(re.findall(r'<input[^>]*name="([a-z_]+)"[^>]*value="([^"]*)"', page))
    data = {k: v for k, v in data.items() if k not in ("contributors", "reporters")}
    for name in ("area_id", "semantics", "lead_unit_id"):
        data[name] = re.search(rf'<select[^>]*name="{name}".*?<option selected value="([^"]*)"',
                               page, re.S).group(1)
    base = {**data, "contributors": contributors, "unit_of_measure": "%"}
    # "the lead's figure" asks no one else: choosing reporters with it is refused
    bad = vhxh.post(f"/indicators/{iid}/edit", {**base, "combine": "lead",
                                                  "reporters": contributors[:1]})
    assert bad.status_code == 422 and "không đơn vị phối hợp nào cần báo cáo" in text_of(bad)
    # the units' rates do not add up to the commune's: "sum" of a percentage is refused
    summed = vhxh.post(f"/indicators/{iid}/edit", {**base, "semantics": "at_least", "combine": "sum",
                                                     "reporters": contributors[:1]})
    assert summed.status_code == 422 and "Không cộng tỷ lệ (%)" in text_of(summed)
    ok = vhxh.post(f"/indicators/{iid}/edit", {**base, "combine": "latest",
                                                 "reporters": contributors[:1]})
    assert ok.status_code == 302, text_of(ok)[:3000]
    with app.app_context():
        ind = db.session.get(Indicator, iid)
        assert ind.combine == "latest" and [u.id for u in ind.reporters] == contributors[:1]


PLAN = '''format = "thidua-plan/1"
[plan]
year = 2026
title = "t"
theme = "t"
[[units]]
slug = "a"
name = "A"
kind = "department"
[[units]]
slug = "b"
name = "B"
kind = "village"
[[areas]]
code = "III.1"
title = "t"
[[indicators]]
code = "III.1-01"
area = "III.1"
name = "n"
semantics = "sum_flow"
target = "5"
lead = "a"
contributors = ["b"]
'''


@pytest.mark.parametrize("extra,problem", [
    ('combine = "sum"\nreporters = ["b"]\n', None),
    ('combine = "latest"\n', 'combine "latest" không hợp lệ'),
    ('reporters = ["b"]\n', 'combine "lead" lấy số của đơn vị chủ trì'),
    ('combine = "sum"\nreporters = ["a", "x"]\n', 'reporters có "a" không có trong contributors'),
    ('unit_of_measure = "%"\ncombine = "sum"\nreporters = ["b"]\n', 'đơn vị tính "%"'),
])
def test_the_plan_file_sets_who_reports_and_how(tmp_path, extra, problem):
    path = tmp_path / "plan.toml"
    path.write_text(PLAN + extra, encoding="utf-8")
    if problem is None:
        assert read_plan_file(path).data["indicators"][0]["combine"] == "sum"
        return
    with pytest.raises(PlanFileError) as e:
        read_plan_file(path)
    assert any(problem in err for err in e.value.errors), e.value.errors
