"""Thi đua – khen thưởng through the real app: scoring tables, settings, reviews and scores,
good models, proposals, votes and decisions, documents, permissions and audit."""
import io
import re
from decimal import Decimal

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.emulation.models import (Criterion, GoodModel, Proposal, ProposalVote,
                                  Review, ScoreSheet)
from app.core.extensions import db
from app.units.models import Unit
from tests.factories import (YEAR, accept_year_report, one, passed, proposal_version, propose,
                             title_id, to_council, unit_id, year_period, year_review)

VERSION = re.compile(r'name="version" type="hidden" value="(\d+)"')


# ---------------------------------------------------------------- data


def version_in(html: str) -> str:
    return VERSION.search(html).group(1)


def manual_criterion(app, kind="village"):
    return one(app, select(Criterion.id).where(Criterion.unit_kind == kind,
                                               Criterion.method == "manual"))


def sheet_of(app, review_id, slug):
    with app.app_context():
        sheet = db.session.scalar(select(ScoreSheet).join(Unit).where(
            ScoreSheet.review_id == review_id, Unit.slug == slug))
        lines = {ln.method: ln.points for ln in sheet.lines}
        return sheet.total, sheet.version, lines


def audit_actions(app, entity, entity_id=None):
    stmt = select(AuditEvent.action).where(AuditEvent.entity == entity)
    if entity_id is not None:
        stmt = stmt.where(AuditEvent.entity_id == entity_id)
    with app.app_context():
        return list(db.session.scalars(stmt.order_by(AuditEvent.id)))


# ---------------------------------------------------------------- scoring tables

def test_the_secretariat_edits_the_scoring_table_and_each_change_is_audited(app, login):
    vhxh = login("vhxh")
    r = vhxh.post("/emulation/criteria/new", {"unit_kind": "village", "title": "Giữ gìn an ninh",
                                              "method": "manual", "max_points": "5",
                                              "active": "y"})
    assert r.status_code == 303
    page = vhxh.get("/emulation/criteria").get_data(as_text=True)
    assert "Giữ gìn an ninh" in page
    assert "Tổng điểm chưa bằng 100" in page  # 105 points for villages now
    cid = one(app, select(Criterion.id).where(Criterion.title == "Giữ gìn an ninh"))
    form = vhxh.get(f"/emulation/criteria/{cid}/edit").get_data(as_text=True)
    r = vhxh.post(f"/emulation/criteria/{cid}/edit", {
        "unit_kind": "village", "title": "Giữ gìn an ninh, trật tự", "method": "manual",
        "max_points": "2,5", "active": "y", "version": version_in(form)})
    assert r.status_code == 303
    assert one(app, select(Criterion.max_points).where(Criterion.id == cid)) == Decimal("2.5")
    assert audit_actions(app, "criterion")[-2:] == ["criterion.create", "criterion.update"]
    for who in ("chutich", "ban01", "mttq"):
        assert login(who).post("/emulation/criteria/new", {"title": "x"}).status_code == 403


@pytest.mark.parametrize("typed,message", [
    ("150", "không quá 100"), ("9,950.3", "kiểu tiếng Anh"), ("abc", "Số không hợp lệ"),
    ("", "Vui lòng nhập số điểm")])
def test_a_bad_points_value_is_refused_with_a_vietnamese_message(app, login, typed, message):
    r = login("vhxh").post("/emulation/criteria/new", {
        "unit_kind": "village", "title": "Tiêu chí thử", "method": "manual", "max_points": typed})
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert message in html
    assert f'value="{typed}"' in html or not typed  # what was typed comes back


def test_a_stale_criterion_edit_answers_409_and_keeps_what_was_typed(app, login):
    cid = manual_criterion(app)
    a, b = login("vhxh"), login("vhxh")
    old = version_in(a.get(f"/emulation/criteria/{cid}/edit").get_data(as_text=True))
    base = {"unit_kind": "village", "method": "manual", "max_points": "20", "active": "y"}
    assert b.post(f"/emulation/criteria/{cid}/edit",
                  {**base, "title": "Bản của B", "version": old}).status_code == 303
    r = a.post(f"/emulation/criteria/{cid}/edit", {**base, "title": "Bản của A", "version": old})
    assert r.status_code == 409
    html = r.get_data(as_text=True)
    assert "Bản của A" in html and "Bản của B" in html


# ---------------------------------------------------------------- settings

def test_thresholds_are_settings_the_secretariat_edits(app, login):
    review_id, vhxh = year_review(app, login)
    cid = manual_criterion(app)
    _total, version, _lines = sheet_of(app, review_id, "ban-mau-01")
    r = vhxh.post(f"/emulation/reviews/{review_id}/units/ban-mau-01",
                  {f"m_{cid}": "12", f"n_{cid}": "Tổ chức tốt", "version": str(version)})
    assert r.status_code == 303
    page = login("ban01").get(f"/emulation/reviews/{review_id}/units/ban-mau-01")
    assert "Hoàn thành tốt nhiệm vụ" in page.get_data(as_text=True)
    form = vhxh.get("/emulation/settings").get_data(as_text=True)
    versions = re.search(r'name="versions" type="hidden" value="([^"]*)"', form).group(1)
    r = vhxh.post("/emulation/settings", {"level_excellent": "95", "level_good": "80",
                                          "level_done": "60", "council_pass_percent": "50",
                                          "decision_bases": "Căn cứ Luật Thi đua, khen thưởng;",
                                          "versions": versions})
    assert r.status_code == 303
    page = login("ban01").get(f"/emulation/reviews/{review_id}/units/ban-mau-01")
    assert "77,14/100" in page.get_data(as_text=True)
    assert "Hoàn thành nhiệm vụ</span>" in page.get_data(as_text=True)  # 77,14 < 80 now
    assert "emulation.settings" in audit_actions(app, "emulation_setting")


@pytest.mark.parametrize("values,message", [
    ({"level_good": "95"}, "tăng dần"),
    ({"council_pass_percent": "100"}, "nhỏ hơn 100"),
    ({"level_done": "-5"}, "từ 0 đến 100"),
    ({"level_excellent": "NaN"}, "Không phải là một số"),
])
def test_settings_that_make_no_sense_are_refused(app, login, values, message):
    data = {"level_excellent": "90", "level_good": "70", "level_done": "50",
            "council_pass_percent": "50", "decision_bases": "", **values}
    r = login("vhxh").post("/emulation/settings", data)
    assert r.status_code == 422
    assert message in r.get_data(as_text=True)


def test_settings_saved_by_someone_else_meanwhile_answer_409(app, login):
    a, b = login("vhxh"), login("vhxh")
    data = {"level_excellent": "90", "level_good": "75", "level_done": "50",
            "council_pass_percent": "50", "decision_bases": "x", "versions": ""}
    assert b.post("/emulation/settings", data).status_code == 303
    # the same form sent again (its answer lost on the way): the values are stored, no conflict
    assert b.post("/emulation/settings", data).status_code == 303
    r = a.post("/emulation/settings", {**data, "level_good": "72"})
    assert r.status_code == 409
    assert "72" in r.get_data(as_text=True) and "75" in r.get_data(as_text=True)
    assert login("chutich").get("/emulation/settings").status_code == 403


# ---------------------------------------------------------------- scores

def test_a_village_is_scored_from_its_figures_milestones_and_reports(app, login):
    review_id, vhxh = year_review(app, login)
    total, _version, lines = sheet_of(app, review_id, "ban-mau-01")
    assert lines == {"indicators": Decimal("37.14"), "milestones": Decimal(18),
                     "timeliness": Decimal(10), "manual": None}
    assert total == Decimal("65.14")   # the hand-scored criterion not entered yet counts 0
    # a village that reported nothing: indicators 0, its milestones, no report expected
    _t, _v, other = sheet_of(app, review_id, "ban-mau-02")
    assert other["indicators"] == 0 and other["milestones"] == 18 and other["timeliness"] is None
    html = vhxh.get(f"/emulation/reviews/{review_id}").get_data(as_text=True)
    assert "Bản mẫu 01" in html and "65,14" in html
    assert "review.score" in audit_actions(app, "review")


def test_hand_scores_bonus_and_penalty_make_the_total_and_survive_a_recompute(app, login):
    review_id, vhxh = year_review(app, login)
    cid = manual_criterion(app)
    _t, version, _l = sheet_of(app, review_id, "ban-mau-01")
    url = f"/emulation/reviews/{review_id}/units/ban-mau-01"
    r = vhxh.post(url, {f"m_{cid}": "12", f"n_{cid}": "Phát động sôi nổi", "bonus": "3",
                        "bonus_reason": "Mô hình được tỉnh biểu dương", "penalty": "1,5",
                        "penalty_reason": "Chậm nộp một báo cáo đột xuất",
                        "version": str(version)})
    assert r.status_code == 303
    total, _v, lines = sheet_of(app, review_id, "ban-mau-01")
    assert lines["manual"] == 12 and total == Decimal("78.64")  # 77,14 + 3 − 1,5
    assert vhxh.post(f"/emulation/reviews/{review_id}/score", {}).status_code == 303
    assert sheet_of(app, review_id, "ban-mau-01")[0] == Decimal("78.64")
    html = login("ban01").get(url).get_data(as_text=True)
    for shown in ("78,64/100", "Phát động sôi nổi", "Mô hình được tỉnh biểu dương",
                  "6,5/7 × 40 = 37,14 điểm", "Chậm nộp một báo cáo đột xuất"):
        assert shown in html
    assert one(app, select(AuditEvent.unit_id).where(AuditEvent.action == "score.update")) \
        == unit_id(app, "ban-mau-01")  # the unit's own history shows it


@pytest.mark.parametrize("data,field,message", [
    ({"m": "25"}, "m", "từ 0 đến 20"),
    ({"bonus": "2"}, "bonus_reason", "Vui lòng ghi lý do"),
    ({"m": "1.2.3"}, "m", "Số không hợp lệ"),
])
def test_a_bad_hand_score_is_refused_and_shown_back(app, login, data, field, message):
    review_id, vhxh = year_review(app, login, period=False)
    cid = manual_criterion(app)
    _t, version, _l = sheet_of(app, review_id, "ban-mau-01")
    post = {"version": str(version), **{(f"m_{cid}" if k == "m" else k): v for k, v in data.items()}}
    r = vhxh.post(f"/emulation/reviews/{review_id}/units/ban-mau-01", post)
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert message in html
    typed = data.get("m") or data.get("bonus")
    assert f'value="{typed}"' in html


def test_a_stale_score_sheet_answers_409_with_what_was_typed(app, login):
    review_id, vhxh = year_review(app, login, period=False)
    cid = manual_criterion(app)
    _t, version, _l = sheet_of(app, review_id, "ban-mau-01")
    url = f"/emulation/reviews/{review_id}/units/ban-mau-01"
    assert login("vhxh").post(url, {f"m_{cid}": "10", "version": str(version)}).status_code == 303
    r = vhxh.post(url, {f"m_{cid}": "17", "version": str(version)})
    assert r.status_code == 409
    html = r.get_data(as_text=True)
    assert 'value="17"' in html and "vừa được người khác" in html


def test_a_unit_sees_its_own_score_and_how_it_was_made_but_no_other(app, login):
    review_id, _vhxh = year_review(app, login)
    ban01 = login("ban01")
    own = ban01.get(f"/emulation/reviews/{review_id}/units/ban-mau-01")
    assert own.status_code == 200
    html = own.get_data(as_text=True)
    assert "III.3-07" in html and "Có nguy cơ chậm" in html  # the indicator behind the points
    assert "Chấm điểm trực tiếp, điểm thưởng" not in html   # no entry form for the unit
    assert ban01.get(f"/emulation/reviews/{review_id}/units/ban-mau-02").status_code == 403
    r = ban01.get(f"/emulation/reviews/{review_id}")
    assert r.status_code == 302 and r.headers["Location"].endswith(
        f"/emulation/reviews/{review_id}/units/ban-mau-01")
    assert ban01.get(f"/emulation/reviews/{review_id}/report.docx").status_code == 403
    assert ban01.post(f"/emulation/reviews/{review_id}/units/ban-mau-01", {}).status_code == 403
    assert ban01.post(f"/emulation/reviews/{review_id}/score", {}).status_code == 403
    index = ban01.get("/emulation/").get_data(as_text=True)
    assert "Bản mẫu 01" in index and "65,14" in index


def test_the_review_ranks_units_within_their_kind(app, login):
    pid = year_period(app, ("ban-mau-01", "ban-mau-02"))
    accept_year_report(app, pid)
    accept_year_report(app, pid, "ban-mau-02", {"III.2-04": "40", "III.3-08": "95"})
    review_id, vhxh = year_review(app, login, period=False)
    html = vhxh.get(f"/emulation/reviews/{review_id}").get_data(as_text=True)
    villages = html[html.index(">Bản</h3>"):]
    assert villages.index("Bản mẫu 01") < villages.index("Bản mẫu 02")
    first = re.search(r'<td class="num"[^>]*>(\d+)</td><td><a href="[^"]+ban-mau-01', villages)
    assert first.group(1) == "1"


def test_the_review_report_is_a_decree_30_docx_with_figures_scores_and_models(app, login):
    review_id, vhxh = year_review(app, login)
    form = vhxh.get(f"/emulation/reviews/{review_id}/edit").get_data(as_text=True)
    r = vhxh.post(f"/emulation/reviews/{review_id}/edit", {
        "title": "Tổng kết phong trào thi đua năm 2026", "number": "25", "issued_on": "18/12/2026",
        "assessment": "Phong trào được triển khai sâu rộng.", "shortcomings": "Còn bản nộp muộn.",
        "directions": "Tiếp tục phát động.", "signer_name": "Lương Việt Thảo",
        "recipients": "Sở Nội vụ tỉnh\nLưu: VT", "version": version_in(form)})
    assert r.status_code == 303
    response = vhxh.get(f"/emulation/reviews/{review_id}/report.docx")
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    doc = Document(io.BytesIO(response.get_data()))
    header = doc.tables[0]
    assert header.cell(1, 0).text == "Số: 25/BC-UBND"
    assert header.cell(1, 1).text == "Bình Lư, ngày 18 tháng 12 năm 2026"
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "BÁO CÁO" in text and "Tổng kết phong trào thi đua năm 2026" in text
    assert "Phong trào được triển khai sâu rộng." in text and "Còn bản nộp muộn." in text
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "Bản mẫu 01" in cells and "65,14" in cells
    assert "TM. ỦY BAN NHÂN DÂN" in cells[-20:] or any("TM. ỦY BAN NHÂN DÂN" in c for c in cells)


def test_a_second_review_of_the_same_kind_is_refused(app, login):
    vhxh = login("vhxh")
    assert vhxh.post(f"/emulation/reviews/new?year={YEAR}", {"kind": "year"}).status_code == 303
    r = vhxh.post(f"/emulation/reviews/new?year={YEAR}", {"kind": "year"}, follow_redirects=True)
    assert "đã có" in r.get_data(as_text=True)
    assert one(app, select(func.count(Review.id)).where(Review.kind == "year")) == 1


# ---------------------------------------------------------------- good models

def test_good_models_are_gathered_from_accepted_reports_once_and_entered_directly(app, login):
    pid = year_period(app)
    accept_year_report(app, pid, good_models="Mô hình nuôi cá ruộng lúa\nMỗi hộ 200 m² ruộng.")
    vhxh = login("vhxh")
    page = vhxh.get(f"/emulation/models?year={YEAR}").get_data(as_text=True)
    assert "1 báo cáo đã duyệt có nêu mô hình hay" in page
    assert vhxh.post(f"/emulation/models/gather?year={YEAR}", {}).status_code == 303
    assert vhxh.post(f"/emulation/models/gather?year={YEAR}", {}).status_code == 303
    with app.app_context():
        gathered = db.session.scalars(select(GoodModel).where(
            GoodModel.source_report_id.is_not(None))).all()
        assert [m.title for m in gathered] == ["Mô hình nuôi cá ruộng lúa"]
        unit_id = gathered[0].unit_id
    form = vhxh.get(f"/emulation/models/new?year={YEAR}").get_data(as_text=True)
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', form).group(1)
    data = {"title": "Dân vận khéo", "unit_id": str(unit_id), "area_id": "",
            "description": "Vận động hiến đất làm đường.", "token": token}
    for _ in range(3):  # a flaky link sends it three times: one model
        assert vhxh.post(f"/emulation/models/new?year={YEAR}", data).status_code == 303
    assert one(app, select(func.count(GoodModel.id)).where(GoodModel.title == "Dân vận khéo")) == 1
    listed = login("ban02").get(f"/emulation/models?year={YEAR}").get_data(as_text=True)
    assert "Dân vận khéo" in listed and "Mô hình nuôi cá ruộng lúa" in listed  # to publicise
    assert login("ban02").post(f"/emulation/models/new?year={YEAR}", data).status_code == 403
    assert "good_model.gather" in audit_actions(app, "good_model")


# ---------------------------------------------------------------- proposals


def status_of(app, pid):
    return one(app, select(Proposal.status).where(Proposal.id == pid))


def test_a_proposal_goes_from_the_office_to_the_council_to_the_chairs_decision(app, login):
    review_id, vhxh = year_review(app, login)
    pid = propose(app, vhxh)
    page = vhxh.get(f"/emulation/proposals/{pid}").get_data(as_text=True)
    sheet_key = re.search(r'value="(score:\d+)"', page).group(1)
    report_key = re.search(r'value="(report:\d+)"', page).group(1)
    assert vhxh.post(f"/emulation/proposals/{pid}/evidence",
                     {"evidence": [sheet_key, report_key]}).status_code == 303
    to_council(app, login, pid)
    assert login("kinhte").post(f"/emulation/proposals/{pid}/vote", {"vote": "yes"}).status_code == 403
    for who, vote in (("chutich", "yes"), ("vhxh", "yes"), ("mttq", "abstain")):
        assert login(who).post(f"/emulation/proposals/{pid}/vote", {"vote": vote}).status_code == 303
    assert login("chutich").post(f"/emulation/proposals/{pid}/close",
                                 {"version": proposal_version(app, pid)}).status_code == 403
    r = vhxh.post(f"/emulation/proposals/{pid}/close", {"version": proposal_version(app, pid)})
    assert r.status_code == 303 and status_of(app, pid) == "approved"
    assert vhxh.post(f"/emulation/proposals/{pid}/decide", {
        "decision_number": "1", "decision_date": "20/12/2026",
        "version": proposal_version(app, pid)}).status_code == 403
    chutich = login("chutich")
    r = chutich.post(f"/emulation/proposals/{pid}/decide", {
        "decision_number": "125/QĐ-UBND", "decision_date": "20/12/2026",
        "version": proposal_version(app, pid)})
    assert r.status_code == 303 and status_of(app, pid) == "decided"
    seen = login("ban01").get(f"/emulation/proposals/{pid}").get_data(as_text=True)
    assert "125/QĐ-UBND" in seen and "Đã quyết định khen thưởng" in seen
    assert "Hoàn thành tốt nhiệm vụ" in seen  # the score cited as evidence
    doc = Document(io.BytesIO(chutich.get(f"/emulation/proposals/{pid}/decision.docx").get_data()))
    assert doc.tables[0].cell(1, 0).text == "Số: 125/QĐ-UBND"
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "QUYẾT ĐỊNH" in text and "Về việc tặng Giấy khen của Chủ tịch UBND xã" in text
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ BÌNH LƯ" in text and "Điều 1." in text
    listed = [c.text for row in doc.tables[1].rows for c in row.cells]
    assert "Ủy ban nhân dân xã Bình Lư" not in listed and "Bản mẫu 01" in listed
    assert audit_actions(app, "proposal", pid) == [
        "proposal.create", "proposal.evidence", "proposal.send", "proposal.vote",
        "proposal.vote", "proposal.vote", "proposal.close", "proposal.decide"]


@pytest.mark.parametrize("pass_percent,yes,passed", [("50", 2, True), ("70", 2, False),
                                                     ("50", 1, False), ("0", 1, True)])
def test_the_council_passes_a_proposal_by_the_share_set_in_the_settings(app, login, pass_percent,
                                                                        yes, passed):
    vhxh = login("vhxh")
    assert vhxh.post("/emulation/settings", {
        "level_excellent": "90", "level_good": "70", "level_done": "50",
        "council_pass_percent": pass_percent, "decision_bases": "x",
        "versions": ""}).status_code == 303
    pid = propose(app, vhxh)
    to_council(app, login, pid)
    for who in ("chutich", "vhxh", "mttq")[:yes]:
        login(who).post(f"/emulation/proposals/{pid}/vote", {"vote": "yes"})
    vhxh.post(f"/emulation/proposals/{pid}/close", {"version": proposal_version(app, pid)})
    assert status_of(app, pid) == ("approved" if passed else "rejected")


def test_a_member_has_one_vote_that_changes_until_the_vote_is_closed(any_app, login):
    vhxh = login("vhxh", on=any_app)
    pid = propose(any_app, vhxh)
    to_council(any_app, lambda u: login(u, on=any_app), pid)
    mttq = login("mttq", on=any_app)
    for vote in ("yes", "no", "no"):
        assert mttq.post(f"/emulation/proposals/{pid}/vote", {"vote": vote}).status_code == 303
    with any_app.app_context():
        votes = db.session.execute(select(ProposalVote.vote).where(
            ProposalVote.proposal_id == pid)).scalars().all()
    assert votes == ["no"]
    assert vhxh.post(f"/emulation/proposals/{pid}/close",
                     {"version": proposal_version(any_app, pid)}).status_code == 303
    r = mttq.post(f"/emulation/proposals/{pid}/vote", {"vote": "yes"})
    assert r.status_code == 409 and "không còn trong thời gian biểu quyết" in r.get_data(as_text=True)
    r = mttq.post(f"/emulation/proposals/{pid}/vote", {"vote": "maybe"})
    assert r.status_code in (409, 422)


def test_a_title_a_higher_level_awards_is_forwarded_with_a_submission(app, login):
    vhxh = login("vhxh")
    pid = passed(app, login, vhxh, name="Bằng khen của Chủ tịch UBND tỉnh")
    chutich = login("chutich")
    assert "Trình cấp trên" in chutich.get(f"/emulation/proposals/{pid}").get_data(as_text=True)
    r = chutich.post(f"/emulation/proposals/{pid}/decide", {
        "decision_number": "30/TTr-UBND", "decision_date": "21/12/2026",
        "version": proposal_version(app, pid)})
    assert r.status_code == 303 and status_of(app, pid) == "forwarded"
    doc = Document(io.BytesIO(chutich.get(f"/emulation/proposals/{pid}/decision.docx").get_data()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "TỜ TRÌNH" in text and "Chủ tịch UBND tỉnh" in text


@pytest.mark.parametrize("extra,field_message", [
    ({"nominee_kind": "individual", "person_name": ""}, "Vui lòng nhập họ và tên"),
    ({"nominee_kind": "collective", "title_id": "LĐTT"}, "dành cho cá nhân"),
    ({"achievements": "  "}, "Vui lòng tóm tắt thành tích"),
    ({"unit_id": "99999"}, "Lựa chọn không hợp lệ"),
])
def test_a_proposal_that_does_not_fit_its_title_is_refused(app, login, extra, field_message):
    data = {"nominee_kind": "collective", "unit_id": str(unit_id(app, "ban-mau-01")),
            "title_id": str(title_id(app, "Giấy khen của Chủ tịch UBND xã")),
            "achievements": "Thành tích", **extra}
    if data["title_id"] == "LĐTT":
        data["title_id"] = str(title_id(app, "Lao động tiên tiến"))
    r = login("vhxh").post(f"/emulation/proposals/new?year={YEAR}", data)
    assert r.status_code == 422
    assert field_message in r.get_data(as_text=True)


def test_the_front_comments_on_a_proposal_and_a_unit_may_not(app, login):
    vhxh = login("vhxh")
    pid = propose(app, vhxh)
    r = login("mttq").post(f"/emulation/proposals/{pid}/comments",
                           {"body": "Đề nghị làm rõ số hộ nghèo của bản."})
    assert r.status_code == 303
    assert "Đề nghị làm rõ số hộ nghèo" in vhxh.get(f"/emulation/proposals/{pid}").get_data(as_text=True)
    assert login("ban01").post(f"/emulation/proposals/{pid}/comments",
                               {"body": "x"}).status_code == 403
    assert login("mttq").post(f"/emulation/proposals/{pid}/comments", {"body": " "}).status_code == 422


def test_the_proposal_list_exports_to_xlsx_with_formulas_neutralised(app, login):
    vhxh = login("vhxh")
    propose(app, vhxh, achievements="=HYPERLINK(\"http://x\",\"bấm\")")
    propose(app, vhxh, name="Lao động tiên tiến", nominee_kind="individual",
            person_name="Lò Văn Pâng", person_position="Trưởng bản")
    r = vhxh.get(f"/emulation/proposals.xlsx?year={YEAR}")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.get_data())).active
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert rows[-2][7].startswith("'=HYPERLINK")
    assert rows[-1][2] == "Lò Văn Pâng" and rows[-1][4] == "Bản mẫu 01"
    # a unit downloads only the proposals about itself
    own = login("ban02").get(f"/emulation/proposals.xlsx?year={YEAR}")
    units = {row[4].value for row in load_workbook(io.BytesIO(own.get_data())).active.iter_rows(min_row=2)}
    assert units == {"Bản mẫu 02"}


def test_a_unit_sees_the_proposals_about_it_and_no_others(app, login):
    vhxh = login("vhxh")
    mine = propose(app, vhxh)
    other = propose(app, vhxh, slug="ban-mau-02")
    ban01 = login("ban01")
    assert ban01.get(f"/emulation/proposals/{mine}").status_code == 200
    assert ban01.get(f"/emulation/proposals/{other}").status_code == 403
    listed = ban01.get(f"/emulation/proposals?year={YEAR}").get_data(as_text=True)
    assert f"/emulation/proposals/{mine}" in listed and f"/emulation/proposals/{other}" not in listed


def test_a_proposal_can_be_edited_only_before_it_reaches_the_council(app, login):
    vhxh = login("vhxh")
    pid = propose(app, vhxh)
    data = {"nominee_kind": "collective", "unit_id": str(unit_id(app, "ban-mau-01")),
            "title_id": str(title_id(app, "Giấy khen của Chủ tịch UBND xã")),
            "achievements": "Thành tích đã sửa", "version": proposal_version(app, pid)}
    assert vhxh.post(f"/emulation/proposals/{pid}/edit", data).status_code == 303
    to_council(app, login, pid)
    r = vhxh.post(f"/emulation/proposals/{pid}/edit", {**data, "version": proposal_version(app, pid)})
    assert r.status_code == 409


def test_scoring_does_not_make_an_open_edit_of_the_report_stale(app, login):
    review_id, vhxh = year_review(app, login, period=False)
    form = vhxh.get(f"/emulation/reviews/{review_id}/edit").get_data(as_text=True)
    assert vhxh.post(f"/emulation/reviews/{review_id}/score", {}).status_code == 303
    r = vhxh.post(f"/emulation/reviews/{review_id}/edit", {
        "title": "Tổng kết phong trào thi đua năm 2026", "assessment": "Đánh giá chung.",
        "version": version_in(form)})
    assert r.status_code == 303


def test_a_save_sent_again_after_its_answer_was_lost_is_not_a_conflict(app, login):
    """Criteria, the review's text and proposals: the same form again (old version, values
    as stored) is answered as saved, nothing recorded twice; a different value is a 409."""
    vhxh = login("vhxh")
    cid = manual_criterion(app)
    old = version_in(vhxh.get(f"/emulation/criteria/{cid}/edit").get_data(as_text=True))
    typed = {"unit_kind": "village", "method": "manual", "max_points": "20", "active": "y",
             "title": "Tiêu chí đã sửa", "version": old}
    for _ in range(2):
        assert vhxh.post(f"/emulation/criteria/{cid}/edit", typed).status_code == 303
    assert vhxh.post(f"/emulation/criteria/{cid}/edit",
                     {**typed, "title": "Khác"}).status_code == 409

    review_id, _ = year_review(app, login, period=False)
    _t, version, _l = sheet_of(app, review_id, "ban-mau-01")
    url = f"/emulation/reviews/{review_id}/units/ban-mau-01"
    for _ in range(2):  # points on the score sheet
        assert vhxh.post(url, {f"m_{cid}": "10", "version": str(version)}).status_code == 303
    assert vhxh.post(url, {f"m_{cid}": "11", "version": str(version)}).status_code == 409
    form = vhxh.get(f"/emulation/reviews/{review_id}/edit").get_data(as_text=True)
    text = {"title": "Tổng kết phong trào thi đua năm 2026", "assessment": "Đánh giá chung.",
            "version": version_in(form)}
    for _ in range(2):
        assert vhxh.post(f"/emulation/reviews/{review_id}/edit", text).status_code == 303

    pid = propose(app, vhxh)
    data = {"nominee_kind": "collective", "unit_id": str(unit_id(app, "ban-mau-01")),
            "title_id": str(title_id(app, "Giấy khen của Chủ tịch UBND xã")),
            "achievements": "Thành tích đã sửa", "version": proposal_version(app, pid)}
    for _ in range(2):
        assert vhxh.post(f"/emulation/proposals/{pid}/edit", data).status_code == 303
    assert vhxh.post(f"/emulation/proposals/{pid}/edit",
                     {**data, "achievements": "Khác"}).status_code == 409
    with app.app_context():
        actions = list(db.session.scalars(select(AuditEvent.action)))
    assert actions.count("criterion.update") == 1 and actions.count("proposal.update") == 1
    assert actions.count("review.update") == 1 and actions.count("score.update") == 1


def test_the_chair_declines_a_passed_proposal_with_a_reason_the_unit_is_told(app, login):
    """issue 30: a proposal the council passed is not always awarded; the chair says why."""
    vhxh = login("vhxh")
    pid = passed(app, login, vhxh)
    chutich = login("chutich")
    assert "Không khen thưởng đề nghị này" in chutich.get(f"/emulation/proposals/{pid}").get_data(as_text=True)
    # no reason: refused, the field named, nothing changed
    r = chutich.post(f"/emulation/proposals/{pid}/decline",
                     {"reason": "  ", "version": proposal_version(app, pid)})
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and "Vui lòng ghi lý do không khen thưởng." in page
    assert status_of(app, pid) == "approved"
    assert vhxh.post(f"/emulation/proposals/{pid}/decline", {
        "reason": "x", "version": proposal_version(app, pid)}).status_code == 403
    r = chutich.post(f"/emulation/proposals/{pid}/decline", {
        "reason": "Thành tích chưa đủ so với tiêu chuẩn năm nay.",
        "version": proposal_version(app, pid)})
    assert r.status_code == 303 and status_of(app, pid) == "declined"
    seen = login("ban01").get(f"/emulation/proposals/{pid}").get_data(as_text=True)
    assert "Chủ tịch không khen thưởng" in seen and "Thành tích chưa đủ so với tiêu chuẩn năm nay." in seen
    assert "Không khen thưởng đề nghị này" not in chutich.get(f"/emulation/proposals/{pid}").get_data(as_text=True)
    told = login("ban01").get("/notifications").get_data(as_text=True)
    assert "Thành tích chưa đủ so với tiêu chuẩn năm nay." in told
    # over: neither decided nor declined again
    r = chutich.post(f"/emulation/proposals/{pid}/decide", {
        "decision_number": "1/QĐ-UBND", "decision_date": "20/12/2026",
        "version": proposal_version(app, pid)})
    assert r.status_code == 409 and status_of(app, pid) == "declined"
    assert audit_actions(app, "proposal", pid)[-1] == "proposal.decline"
