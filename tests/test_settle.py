"""The office settles a lead's figure its parts contradict (issue 28, item 2;
app/plans/settling.py): both numbers shown, never "on track" before, every reader following
the choice after; only the office may choose, and a bad choice is refused in words."""
import re
from datetime import date
from decimal import Decimal as D

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.core.extensions import db
from app.emulation.scoring import judged_indicators
from app.plans import queries
from app.plans.models import FigureSettlement, Indicator, IndicatorValue, Plan
from app.plans.progress import (NEEDS_CHECK, OFF_TRACK, ON_TRACK, PARTS_DISAGREE, Figure,
                                Target, evaluate)
from app.reports import commune
from app.units.models import Unit
from tests.conftest import PAGE_SQL_BUDGET
from tests.factories import YEAR, text_of, year_period

VILLAGES = [f"ban-mau-0{i}" for i in range(1, 7)]
END = date(2026, 12, 14)
BOTH = "Phòng Kinh tế báo 2.050 ha; các đơn vị báo phần cộng lại 1.794 ha"


def _area(settled=()):
    lead, villages = 1, list(range(11, 17))
    t = Target("latest_level", D(2050), lead_unit_id=lead, combine="checked",
               reporters=frozenset([lead, *villages]), settled=settled)
    figs = [Figure("month", END, lead, D(2050))]
    figs += [Figure("month", END, u, D(299)) for u in villages]
    return t, figs


def test_a_settlement_holds_for_the_numbers_it_was_made_on():
    t, figs = _area()
    p = evaluate(t, figs, YEAR)
    assert p.status == NEEDS_CHECK and p.doubt == (PARTS_DISAGREE, D(2050), D(1794))
    # the lead's figure is right: its status, as if nothing had disagreed
    t, figs = _area(((END, D("2050.0000"), D("1794.0000"), "lead"),))
    p = evaluate(t, figs, YEAR)
    assert (p.current, p.status, p.doubt, p.settled) == (D(2050), ON_TRACK, None,
                                                         ("lead", D(2050), D(1794)))
    # the parts are right: their sum is the commune's figure
    t, figs = _area(((END, D(2050), D(1794), "parts"),))
    p = evaluate(t, figs, YEAR)
    assert (p.current, p.status, p.doubt) == (D(1794), OFF_TRACK, None)
    # a settlement on other numbers, or another day, settles nothing
    for settled in ((END, D(2050), D(1800), "lead"), (date(2026, 11, 14), D(2050), D(1794), "lead")):
        t, figs = _area((settled,))
        assert evaluate(t, figs, YEAR).status == NEEDS_CHECK


def _disagree(app):
    """Phòng Kinh tế's 2.050 ha for the year, the villages' 299 ha each: 1.794 ha."""
    pid = year_period(app, slugs=("phong-kinh-te", *VILLAGES))
    with app.app_context():
        ind = db.session.scalar(select(Indicator).where(Indicator.code == "III.2-02"))
        ids = dict(db.session.execute(select(Unit.slug, Unit.id)).all())
        for slug, v in [("phong-kinh-te", D(2050))] + [(s, D(299)) for s in VILLAGES]:
            db.session.add(IndicatorValue(indicator_id=ind.id, period_id=pid,
                                          unit_id=ids[slug], value=v))
        db.session.commit()
        return ind.id


def _line(html, code="III.2-02"):
    html = html[html.find('id="indicators"'):]
    return re.search(re.escape(code) + r"</span>.*?</(tr|li)>", html, re.S).group(0)


def _readers(app, ind_id):
    """What the dashboard's list, the scores and the commune report say of the target."""
    with app.test_request_context():
        plan = db.session.scalar(Plan.commune_plan_stmt())
        indicators = [i for i in queries.indicators_of(plan) if i.id == ind_id]
        figures = queries.figures_by_indicator(plan)
        lead = indicators[0].lead_unit_id
        (_ind, scored, _how), = judged_indicators(lead, indicators, figures, YEAR)
        row, = commune.indicator_rows(indicators, figures, YEAR)
        return scored.status, scored.current, row


def test_the_office_settles_and_every_reader_follows(app, login, count_queries):
    ind_id = _disagree(app)
    url = f"/indicators/{ind_id}"
    # before: both numbers, in doubt everywhere, never "on track"
    chair = login("chutich")
    line = _line(text_of(chair.get("/dashboard")))
    assert BOTH in line and "Cần kiểm tra số liệu" in line and "Đúng tiến độ" not in line
    status, current, row = _readers(app, ind_id)
    assert status == NEEDS_CHECK and current == 2050 and "Cần kiểm tra số liệu" in row
    page = text_of(chair.get(url))
    assert BOTH in page and "chọn số nào đúng" in page
    assert 'name="choice"' not in page  # the chair reads; the office chooses

    office = login("vhxh")
    with count_queries() as n:
        page = text_of(office.get(url))
    assert n() <= PAGE_SQL_BUDGET, n()
    assert "Lấy số của đơn vị chủ trì (2.050 ha)" in page
    assert "Lấy tổng các đơn vị (1.794 ha)" in page
    form = dict(re.findall(r'name="(as_of|lead|parts)" value="([^"]*)"', page))
    assert form["as_of"] == "2026-12-14"

    # the parts are right: 1.794 ha is the commune's area, short of 2.050
    answer = office.post(f"{url}/settle", data={**form, "choice": "parts"})
    assert answer.status_code == 303 and answer.headers["Location"].endswith(f"{url}#figures")
    page = text_of(office.get(url))
    assert "Đã lưu lựa chọn cho chỉ tiêu III.2-02: lấy tổng các đơn vị." in page
    assert "Phòng Văn hóa – Xã hội đã chọn: lấy tổng các đơn vị." in page
    assert BOTH + "." in page and "Cần kiểm tra số liệu" not in page
    line = _line(text_of(chair.get("/dashboard")))
    assert "Chậm tiến độ" in line and "1.794" in line and "Cần kiểm tra" not in line
    status, current, row = _readers(app, ind_id)
    assert (status, current) == (OFF_TRACK, 1794) and "Chậm tiến độ" in row

    # the office changes its mind: the lead's figure is right after all
    answer = office.post(f"{url}/settle", data={**form, "choice": "lead"})
    assert answer.status_code == 303
    line = _line(text_of(chair.get("/dashboard")))
    assert "Đúng tiến độ" in line and "2.050" in line
    assert _readers(app, ind_id)[:2] == (ON_TRACK, 2050)
    with app.app_context():
        assert db.session.scalars(select(FigureSettlement.choice)).all() == ["lead"]
        events = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "figure.settle").order_by(AuditEvent.id)).all()
        assert [e.entity_id for e in events] == [ind_id, ind_id]
        assert '"choice": "parts"' in events[1].before and '"choice": "lead"' in events[1].after


def test_only_the_office_settles_and_a_bad_choice_is_refused_in_words(app, login):
    ind_id = _disagree(app)
    url = f"/indicators/{ind_id}/settle"
    good = {"as_of": "2026-12-14", "lead": "2050.0000", "parts": "1794.0000", "choice": "lead"}
    for username in ("chutich", "ban01", "kinhte", "admin", "mttq"):
        assert login(username).post(url, data=good).status_code == 403, username
    office = login("vhxh")
    answer = office.post(url, data={**good, "choice": "both"})
    assert answer.status_code == 422
    assert "Hãy chọn một trong hai số" in text_of(answer)
    answer = office.post(url, data={**good, "as_of": "14/12/2026"})
    assert answer.status_code == 400 and "Biểu mẫu không hợp lệ" in text_of(answer)
    answer = office.post(url, data={**good, "parts": "NaN"})
    assert answer.status_code == 400
    # the numbers shown are no longer the figures: nothing kept, the page shows them anew
    answer = office.post(url, data={**good, "parts": "1800"})
    assert answer.status_code == 409 and "Số liệu vừa thay đổi" in text_of(answer)
    assert BOTH in text_of(answer)
    with app.app_context():
        assert db.session.scalar(select(FigureSettlement.id)) is None
