"""One model of who reports what (issue 28, app/plans/assignments.py): every reader follows
one assignment; a lead's total is never added to its own parts; a unit is scored only on
what it reports."""
import json
import re
from datetime import date
from decimal import Decimal as D
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.core.extensions import db
from app.emulation.models import Proposal, ScoreLine, ScoreSheet
from app.emulation.scoring import judged_indicators
from app.plans import assignments
from app.plans.models import Indicator, IndicatorValue
from app.plans.progress import (NEEDS_CHECK, ON_TRACK, PARTS_DISAGREE, Figure, Target,
                                counted_figures, evaluate)
from app.plans.queries import indicators_to_report
from app.reports import checks
from app.reports.checks import field_checks
from app.units.models import Unit
from tests.conftest import PAGE_SQL_BUDGET, REPEAT_VISIT_BYTES, wire_bytes
from tests.factories import (YEAR, ask_contributors, report_url, text_of, unit_id,
                             year_period)

VILLAGES = [f"ban-mau-0{i}" for i in range(1, 7)]
END = date(2026, 12, 14)


def _indicator(code):
    return db.session.scalar(select(Indicator).where(Indicator.code == code)
                             .options(selectinload(Indicator.reporters),
                                      selectinload(Indicator.lead_unit)))


def _readers(app, code, slug, pid):
    """What every reader says of one unit and one target."""
    uid = unit_id(app, slug)
    with app.test_request_context():
        ind = _indicator(code)
        lead = ind.lead_unit_id
        figs = [Figure("year", END, lead, D(50)), Figure("year", END, uid, D(70))]
        period = SimpleNamespace(kind="year", ends_on=END, starts_on=date(2025, 12, 15),
                                 year=YEAR)
        return {
            "form": code in [i.code for i in indicators_to_report(uid, YEAR)],
            "roll-up": any(f.unit_id == uid
                           for f in counted_figures(assignments.target_of(ind), figs)),
            "checks": field_checks([ind], {}, period, uid, {ind.id: D(70)})[ind.id].role,
            "scores": [how for _i, _p, how in judged_indicators(uid, [ind], {ind.id: figs},
                                                                 YEAR)],
            "sentence": "Bản mẫu 01" in assignments.sentence(ind),
        }


def test_one_assignment_changed_every_reader_follows(app, login):
    pid = year_period(app)
    # III.2-04 (forest cover, %): Phòng Kinh tế alone reports the commune's rate
    assert _readers(app, "III.2-04", "ban-mau-01", pid) == {
        "form": False, "roll-up": False, "checks": None, "scores": [], "sentence": False}
    assert "III.2-04" not in text_of(login("ban01").get(report_url("ban-mau-01", pid)))
    # the office asks the villages for their own rate: every reader follows
    ask_contributors(app, {"III.2-04": "latest"})
    assert _readers(app, "III.2-04", "ban-mau-01", pid) == {
        "form": True, "roll-up": True, "checks": "part", "scores": ["own"], "sentence": True}
    page = text_of(login("ban01").get(report_url("ban-mau-01", pid)))
    assert "III.2-04" in page and "Chỉ báo phần của riêng đơn vị" in page
    # and back
    ask_contributors(app, {"III.2-04": "lead"})
    assert _readers(app, "III.2-04", "ban-mau-01", pid)["form"] is False


def _area(rule, lead_value, parts):
    """III.2-02 (crop area, 2.050 ha): the lead's figure and the parts six villages gave."""
    lead, villages = 1, list(range(11, 17))
    t = Target("latest_level", D(2050), lead_unit_id=lead, combine=rule,
               reporters=frozenset([lead, *villages]))
    figs = [Figure("month", END, lead, D(lead_value))]
    figs += [Figure("month", END, u, D(v)) for u, v in zip(villages, parts)]
    return t, figs


def test_a_lead_total_far_from_its_parts_is_in_doubt_with_both_numbers_never_on_track():
    t, figs = _area("checked", 2050, [299] * 6)
    p = evaluate(t, figs, YEAR)
    assert p.current == 2050  # the lead's, never 2.050 + 1.794
    assert p.status == NEEDS_CHECK and p.doubt == (PARTS_DISAGREE, D(2050), D(1794))
    # within the tolerance the lead's figure stands
    t, figs = _area("checked", 2050, [340, 340, 340, 340, 340, 345])
    p = evaluate(t, figs, YEAR)
    assert (p.current, p.status, p.doubt) == (D(2050), ON_TRACK, None)
    # a village not heard from yet: nothing to compare, nothing flagged
    t, figs = _area("checked", 2050, [299] * 5)
    assert evaluate(t, figs, YEAR).status == ON_TRACK


def test_a_total_typed_where_parts_add_up_is_flagged_at_the_box():
    ind = SimpleNamespace(semantics="latest_level", unit_of_measure="ha", target=D(2050),
                          total=None, low=None, high=None, over_target_pct=None)
    parts = tuple(Figure("month", END, u, D(299)) for u in range(11, 17))
    ctx = checks.Context(D(0), (), parts, ("month", END, 1, date(2026, 11, 15)))
    # under "sum" the lead's 2.050 joins the parts: 3.844 ha, 187,5 % of the target
    t, _ = _area("sum", 2050, [299] * 6)
    assert [f.code for f in checks.check(ind, t, D(2050), ctx)] == ["over_level"]
    # under "checked" it is the commune's figure, set against the parts' 1.794
    t, _ = _area("checked", 2050, [299] * 6)
    flags = checks.check(ind, t, D(2050), ctx)
    assert [(f.code, f.args["parts"]) for f in flags] == [("parts", "1.794")]


def test_the_dashboard_names_both_numbers_of_a_total_and_its_parts(app, login):
    pid = year_period(app, slugs=("phong-kinh-te", *VILLAGES))
    with app.app_context():
        ind = _indicator("III.2-02")
        assert assignments.rule(ind) == "checked"
        ids = dict(db.session.execute(select(Unit.slug, Unit.id)).all())
        rows = [("phong-kinh-te", D(2050))] + [(s, D(299)) for s in VILLAGES]
        for slug, v in rows:
            db.session.add(IndicatorValue(indicator_id=ind.id, period_id=pid,
                                          unit_id=ids[slug], value=v))
        db.session.commit()
        ind_id = ind.id
    chair = login("chutich")
    board = text_of(chair.get("/dashboard"))
    board = board[board.find('id="indicators"'):]  # the full list, not the summaries above
    line = re.search(r"III\.2-02</span>.*?</(tr|li)>", board, re.S).group(0)
    assert "Cần kiểm tra số liệu" in line and "Đúng tiến độ" not in line
    assert "Phòng Kinh tế báo 2.050 ha; các đơn vị báo phần cộng lại 1.794 ha" in line
    page = text_of(chair.get(f"/indicators/{ind_id}"))
    assert "Phòng Kinh tế báo 2.050 ha; các đơn vị báo phần cộng lại 1.794 ha" in page


def test_the_demo_scores_no_unit_on_a_target_it_does_not_report(december_app):
    with december_app.app_context():
        indicators = {i.code: i for i in db.session.scalars(
            select(Indicator).options(selectinload(Indicator.reporters)))}
        seen = 0
        for sheet, line in db.session.execute(
                select(ScoreSheet, ScoreLine).join(ScoreLine, ScoreLine.sheet_id == ScoreSheet.id)
                .where(ScoreLine.method == "indicators")):
            for row in json.loads(line.details or "[]"):
                seen += 1
                role = assignments.role(indicators[row["code"]], sheet.unit_id)
                assert role is not None, (sheet.unit_id, row["code"])
                assert row["status"] != "no_data" or role is not None
        assert seen
        villages = db.session.scalars(select(Unit.id).where(Unit.slug.in_(VILLAGES))).all()
        assert villages


# The old columns say who reports and how; only the model reads them (and the forms, the
# plan file and the new year that write them).
WRITERS = {"app/plans/assignments.py", "app/plans/models.py", "app/plans/editing.py",
           "app/plans/edit_routes.py", "app/plans/forms.py", "app/plans/loader.py",
           "app/plans/years.py", "templates/plans/edit_indicator.html"}
OLD = re.compile(r"(?<!Indicator)\.(reporters|combine|reporter_ids)\b(?!\()|indicator_reporter")


def test_only_the_assignment_model_reads_who_reports_what():
    root = Path(__file__).resolve().parent.parent
    found = []
    for path in sorted([*(root / "app").rglob("*.py"), *(root / "templates").rglob("*.html")]):
        rel = path.relative_to(root).as_posix()
        if rel in WRITERS or rel == "app/plans/progress.py":  # progress reads its own Target
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if OLD.search(line) and "datetime.combine" not in line:
                found.append(f"{rel}:{n}: {line.strip()}")
    assert found == []


def test_the_chair_decides_a_title_seeing_the_nominees_score_and_level(december_app, login):
    with december_app.app_context():
        pid = db.session.scalar(select(Proposal.id))
    page = text_of(login("chutich", on=december_app).get(f"/emulation/proposals/{pid}"))
    scores = re.search(r"Kết quả chấm điểm</dt>\s*<dd>(.*?)</dd>", page, re.S).group(1)
    assert re.search(r"Sơ kết[^:]*: \d+(,\d+)? điểm, Hoàn thành", scores), scores


def test_the_office_sees_and_changes_who_reports_what_in_one_table(app, login, count_queries):
    vhxh = login("vhxh")
    with count_queries() as n:
        wire = vhxh.get("/plan/assignments", headers={"Accept-Encoding": "br, gzip"})
    assert wire.status_code == 200 and n() <= PAGE_SQL_BUDGET
    assert wire_bytes(wire) <= REPEAT_VISIT_BYTES
    html = vhxh.get("/plan/assignments").get_data(as_text=True)
    ban01 = unit_id(app, "ban-mau-01")
    with app.app_context():
        iid = _indicator("III.2-04").id
    assert f'value="{iid}.{ban01}"' in html and "Đối chiếu" not in html
    fields = dict(re.findall(r'<select name="(r\d+)"[^>]*>.*?<option value="([a-z]+)" selected',
                             html, re.S))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    ticked = re.findall(r'name="p" value="([0-9.]+)" checked', html)
    assert ticked  # the parts already asked (III.2-02's villages…)
    # the lead's figure asks no parts: refused, nothing written
    bad = vhxh.post("/plan/assignments", {**fields, "p": [*ticked, f"{iid}.{ban01}"],
                                          "csrf_token": token})
    assert bad.status_code == 422 and "III.2-04" in text_of(bad)
    ok = vhxh.post("/plan/assignments", {**fields, f"r{iid}": "latest",
                                         "p": [*ticked, f"{iid}.{ban01}"], "csrf_token": token})
    assert ok.status_code == 302
    with app.app_context():
        assert assignments.role(_indicator("III.2-04"), ban01) == assignments.PART
        assert assignments.rule(_indicator("III.2-02")) == "checked"  # the rest unchanged
    assert login("chutich").get("/plan/assignments").status_code == 403
