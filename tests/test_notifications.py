"""Issue 19: notifications kept in the database for each event, "Việc cần làm" at the top
of each home page, marking read in one htmx request, and the budgets they keep."""
import re

from sqlalchemy import select

from app.auth.models import User
from app.core.extensions import db
from app.notifications.models import Notification
from tests import factories
from tests.conftest import wire_bytes
from tests.factories import accept, generate, period_id, return_, submit


def _user(app, username):
    with app.app_context():
        return db.session.scalar(select(User).where(User.username == username))


def _notes(app, username):
    with app.app_context():
        uid = db.session.scalar(select(User.id).where(User.username == username))
        return list(db.session.scalars(select(Notification).where(
            Notification.recipient_id == uid).order_by(Notification.id)))


def _sent_report(app, login):
    """ban01 sends its report for month 1: (the office's client, the period's id)."""
    generate(app)
    pid = period_id(app)
    assert submit(login("ban01"), "ban-mau-01", pid).status_code in (302, 303)
    return login("vhxh"), pid


def test_a_returned_report_notifies_its_editors_and_shows_the_reason_first(app, login):
    office, pid = _sent_report(app, login)
    assert return_(office, "ban-mau-01", pid, "Thiếu số liệu hộ nghèo quý này.").status_code == 302
    note = _notes(app, "ban01")[-1]
    assert note.kind == "report_returned" and note.detail == "Thiếu số liệu hộ nghèo quý này."
    assert note.who_text == "Cán bộ Phòng Văn hóa – Xã hội"
    assert note.where_text == "Báo cáo Tháng 01/2026 · Bản mẫu 01"
    assert note.link == f"/units/ban-mau-01/reports/{pid}"
    assert not [n for n in _notes(app, "vhxh") if n.kind == "report_returned"]  # not the actor
    # the village head's home page says it at its top, with the reason, one tap from it
    head = login("ban01")
    home = head.get("/units/ban-mau-01").get_data(as_text=True)
    todo = home[home.index('<section class="todo"'):]
    todo = todo[:todo.index("</section>")]
    assert home.index('<section class="todo"') < 3000
    first = todo[todo.index("<li"):todo.index("</li>")]
    assert "bị trả lại" in first and "Thiếu số liệu hộ nghèo quý này." in first
    assert f'href="/units/ban-mau-01/reports/{pid}"' in first
    # the reason is at the top of the report page, before the form
    report_page = head.get(note.link).get_data(as_text=True)
    assert report_page.index("Lý do trả lại") < report_page.index("<form", report_page.index("<main"))
    assert "Thiếu số liệu hộ nghèo quý này." in report_page[:report_page.index("Lý do trả lại") + 400]
    # the header's count, on every page
    header = re.sub(r"<[^>]+>", "", home[home.index('class="todo-count"'):][:400])
    assert re.search(r"Việc cần làm \(\d+\) · 1 thông báo mới", header)


def test_accepting_notifies_the_units_editors(app, login):
    office, pid = _sent_report(app, login)
    assert accept(office, "ban-mau-01", pid).status_code == 302
    note = _notes(app, "ban01")[-1]
    assert note.kind == "report_accepted" and note.where_text == "Báo cáo Tháng 01/2026 · Bản mẫu 01"


def test_the_office_sees_reports_waiting_for_review(app, login):
    office, pid = _sent_report(app, login)
    page = office.get("/plan").get_data(as_text=True)
    assert "Báo cáo Tháng 01/2026 chờ duyệt" in page
    assert f'href="/units/ban-mau-01/reports/{pid}"' in page


def test_a_comment_on_my_unit_and_an_answer_to_mine_are_told_by_the_worker(app, login):
    front = login("mttq")
    assert front.post("/units/ban-mau-01/comments",
                      data={"body": "Đề nghị bản đẩy nhanh tiến độ."}).status_code in (302, 303)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["outbox", "send"]).exit_code == 0
    note = [n for n in _notes(app, "ban01") if n.kind == "comment"][-1]
    assert note.who_text == "Cán bộ Ủy ban MTTQ xã" and note.where_text == "Bản mẫu 01"
    assert re.fullmatch(r"/units/ban-mau-01#c-\d+", note.link) and "đẩy nhanh" in note.detail
    assert f'id="{note.link.split("#")[1]}"' in login("ban01").get("/units/ban-mau-01").get_data(as_text=True)
    # run twice: nobody is told twice
    assert runner.invoke(args=["outbox", "send"]).exit_code == 0
    assert len([n for n in _notes(app, "ban01") if n.kind == "comment"]) == 1
    # the village's head answers: the Front hears of it
    with app.app_context():
        from app.comments.models import Comment
        parent = db.session.scalar(select(Comment).where(Comment.body == "Đề nghị bản đẩy nhanh tiến độ."))
        parent_id = parent.id
    head = login("ban01")
    page = head.get("/units/ban-mau-01").get_data(as_text=True)
    assert "chờ đơn vị trả lời" in page  # waiting for the unit's answer, in its to-do
    head.post("/units/ban-mau-01/comments",
              data={"body": "Bản đã triển khai.", "reply_to_id": str(parent_id)})
    runner.invoke(args=["outbox", "send"])
    answers = [n for n in _notes(app, "mttq") if n.kind == "answer"]
    assert answers and answers[-1].who_text == "Trưởng Bản mẫu 01"


def test_an_account_change_is_told_to_its_holder(app, login):
    from app.admin import service
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        user = db.session.scalar(select(User).where(User.username == "ban02"))
        service.update_account(admin, user, "Trưởng bản mới", user.position, user.unit_id,
                               user.roles)
        db.session.commit()
    note = _notes(app, "ban02")[-1]
    assert note.kind == "account_changed" and note.who_text == "Quản trị hệ thống"


def test_a_decided_proposal_is_told(app):
    from app.emulation.models import Proposal
    from app.notifications import service
    with app.app_context():
        p = db.session.scalar(select(Proposal).limit(1))
        chair = db.session.scalar(select(User).where(User.username == "chutich"))
        service.proposal_decided(p, chair)
        db.session.commit()
        n = db.session.scalar(select(Notification).where(Notification.kind == "proposal_decided"))
        assert n is not None and n.link == f"/emulation/proposals/{p.id}"


def test_the_chairs_refusal_of_a_proposal_is_told_to_its_unit(app):
    # the emulation sends its signal (app/emulation/events.py); the notifications hear it
    from app.emulation.services import proposals
    with app.app_context():
        chair = db.session.scalar(select(User).where(User.username == "chutich"))
        unit = factories.unit()
        factories.user(unit)  # its editor, who is told
        p = factories.proposal(unit, status="approved")
        proposals.decline(p, p.version, "Chưa đủ thành tích.", user=chair)
        db.session.commit()
        told = db.session.scalars(select(Notification).where(
            Notification.kind == "proposal_decided",
            Notification.link == f"/emulation/proposals/{p.id}")).all()
        assert told and all("Chưa đủ thành tích." in n.detail for n in told)


def _give(app, username, count=1):
    with app.app_context():
        from app.notifications import service
        user = db.session.scalar(select(User).where(User.username == username))
        for i in range(count):
            service.notify([user], "account_changed", where=user.username, who="Ai đó",
                           detail=f"Thay đổi {i}", link="/plan")
        db.session.commit()
        return [n.id for n in db.session.scalars(select(Notification).where(
            Notification.recipient_id == user.id))]


def test_marking_read_in_one_htmx_request_and_with_a_plain_form(app, login, count_queries):
    ids = _give(app, "ban01", 3)
    c = login("ban01")
    page = c.get("/notifications").get_data(as_text=True)
    assert "3 chưa đọc" in page and f'id="n-{ids[0]}"' in page
    with count_queries(app) as n:
        r = c.post(f"/notifications/{ids[0]}/read", htmx=True,
                   headers={"HX-Target": f"n-{ids[0]}", "Accept-Encoding": "br"})
    assert r.status_code == 200 and n() <= 5, n()
    assert wire_bytes(r) <= 3000
    body = r.get_data(as_text=True) if r.headers.get("Content-Encoding") != "br" else ""
    assert not body or (f'id="n-{ids[0]}"' in body and "<html" not in body)
    # JavaScript off: the plain form answers with the page again
    r = c.post(f"/notifications/{ids[1]}/read")
    assert r.status_code == 303
    assert "1 chưa đọc" in c.get("/notifications").get_data(as_text=True)
    r = c.post("/notifications/read-all")
    assert r.status_code == 303
    assert all(x.read_at for x in _notes(app, "ban01"))


def test_someone_elses_notification_is_a_404(app, login):
    ids = _give(app, "ban02")
    assert login("ban01").post(f"/notifications/{ids[0]}/read").status_code == 404
    assert _notes(app, "ban02")[0].read_at is None


def test_english_page(app, login):
    _give(app, "ban01")
    c = login("ban01")
    c.http.set_cookie("lang", "en")
    page = c.get("/notifications").get_data(as_text=True)
    assert "Your account was changed" in page and "To do" in page


def test_the_todo_lists_overdue_reports_milestones_and_votes(app, login):
    from datetime import timedelta

    from app.core.vietnamese import today
    with app.app_context():
        unit = factories.unit(name="Bản Thử")
        editor = factories.user(unit, roles=("editor",))
        factories.milestone(unit, title="Làm đường nội bản", due_on=today() - timedelta(days=3))
        factories.milestone(unit, title="Họp dân", due_on=today() + timedelta(days=5))
        db.session.commit()
        from app.notifications.todo import work_of
        with app.test_request_context():
            work = work_of(editor)
    kinds = [i.kind for i in work.items]
    assert "milestone_overdue" in kinds and "milestone_due" in kinds
    assert kinds.index("milestone_overdue") < kinds.index("milestone_due")
    titles = " ".join(i.title for i in work.items)
    assert "quá hạn 3 ngày: Làm đường nội bản" in titles and "còn 5 ngày" in titles


def test_the_settings_page_says_plainly_when_this_server_sends_no_email(app, login):
    c = login("ban01")
    assert app.config["SMTP_HOST"] == ""
    page = c.get("/notifications/settings").get_data(as_text=True)
    assert "chưa được cài đặt để gửi thư điện tử" in page
    app.config["SMTP_HOST"] = "127.0.0.1"
    page = c.get("/notifications/settings").get_data(as_text=True)
    assert "chưa được cài đặt để gửi thư điện tử" not in page


def test_the_todo_names_the_next_report_due_a_week_before_its_deadline(december_app):
    """On 08/12 the December report (period to 14/12, due 16/12) is in the village head's
    list, beside the overdue milestone and the Front's comment (issue 30): a report's
    deadline never comes unannounced."""
    from datetime import date

    from app.auth.models import User
    from app.notifications.todo import work_of
    with december_app.app_context(), december_app.test_request_context():
        head = db.session.scalar(select(User).where(User.username == "ban01"))
        work = work_of(head, date(2026, 12, 8))
    due = [i for i in work.items if i.kind == "report_due"]
    assert due and "Tháng 12/2026: hạn nộp còn 8 ngày" in due[0].title, [i.title for i in work.items]
