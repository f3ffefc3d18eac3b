"""Submission tokens bound to the person and the form they were given for (issue 29, item
6). A token copied from another person's page — or from another form — is refused in
words, shows nothing of the other's record, and the sender's own text comes back with a
fresh token, so sending again saves it once."""
import re

from sqlalchemy import func, select

from app.core.extensions import db
from app.milestones.models import Milestone

MINE = {"title": "Họp bản Bản mẫu 01 riêng", "owner": "Trưởng bản", "start_on": "01/03/2026",
        "due_on": "15/03/2026", "status": "not_started", "progress": "0", "area_id": "",
        "indicator_id": "", "evidence": ""}
NOT_YOURS = "được mở cho người khác hoặc cho việc khác"


def _token(html):
    return re.search(r'name="token"[^>]*value="([^"]+)"', html).group(1)


def _titled(app, title):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Milestone)
                                 .where(Milestone.title == title))


def test_a_milestone_added_with_anothers_token_is_refused_and_kept_for_resending(app, login):
    ban01, ban02 = login("ban01"), login("ban02")
    theirs = _token(ban01.get("/units/ban-mau-01/milestones/new").get_data(as_text=True))
    assert ban01.post("/units/ban-mau-01/milestones/new",
                      data={**MINE, "token": theirs}).status_code == 303
    own = {**MINE, "title": "Kế hoạch riêng của Bản mẫu 02"}
    r = ban02.post("/units/ban-mau-02/milestones/new", data={**own, "token": theirs})
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and NOT_YOURS in page
    assert MINE["title"] not in page              # nothing of the other's record
    assert "Kế hoạch riêng của Bản mẫu 02" in page  # what was typed stays
    assert _titled(app, own["title"]) == 0
    fresh = _token(page)
    assert fresh != theirs
    assert ban02.post("/units/ban-mau-02/milestones/new",
                      data={**own, "token": fresh}).status_code == 303
    assert _titled(app, own["title"]) == 1
    assert _titled(app, MINE["title"]) == 1


def test_a_token_made_for_another_form_is_refused(app, login):
    c = login("vhxh")
    # the token of the comment form on a unit's page, sent with a new milestone
    comment_token = _token(c.get("/units/phong-vhxh").get_data(as_text=True))
    r = c.post("/units/phong-vhxh/milestones/new", data={**MINE, "token": comment_token})
    assert r.status_code == 422 and NOT_YOURS in r.get_data(as_text=True)
    assert _titled(app, MINE["title"]) == 0


def test_a_reply_with_anothers_token_shows_nothing_of_theirs(app, login):
    office, ban01 = login("vhxh"), login("ban01")
    page = office.get("/units/ban-mau-01").get_data(as_text=True)
    office.post("/units/ban-mau-01/comments", data={"body": "Câu hỏi của Phòng",
                                                     "token": _token(page)})
    thread = re.search(r'name="reply_to_id"\s+value="(\d+)"',
                       ban01.get("/units/ban-mau-01").get_data(as_text=True)).group(1)
    office_reply_token = _token(office.get("/units/ban-mau-01").get_data(as_text=True))
    office.post("/units/ban-mau-01/comments", data={
        "body": "Nội dung riêng của Phòng", "reply_to_id": thread, "token": office_reply_token})
    r = ban01.post("/units/ban-mau-01/comments", data={
        "body": "Trả lời của bản", "reply_to_id": thread, "token": office_reply_token})
    answer = r.get_data(as_text=True)
    assert r.status_code == 422 and NOT_YOURS in answer
    assert "Trả lời của bản" in answer
