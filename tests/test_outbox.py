"""Issue 19: e-mail through a real SMTP server (aiosmtpd, in the test process) and the
webhook through a real HTTP server on 127.0.0.1, both from the outbox; a server that is
down loses nothing, and a message claimed by one worker is never sent by another."""
import email
import hashlib
import hmac
import json
import threading
from datetime import timedelta
from email import policy
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from app.auth.models import User
from app.core.extensions import db
from app.core.columns import utcnow
from app.notifications import outbox, preferences, service
from app.notifications.models import OutboxMessage
from tests.conftest import free_port


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def _configure(app, port, **more):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_STARTTLS=False,
                      MAIL_FROM="thidua@binhlu.gov.vn", APP_BASE_URL="https://thidua.binhlu.vn",
                      **more)


def _return_report_for(app, username, mode, reason="Thiếu số liệu."):
    """The office returns a report: an urgent notice for `username` (e-mail set to `mode`)."""
    with app.app_context(), app.test_request_context():
        user = db.session.scalar(select(User).where(User.username == username))
        preferences.save(user, "truongban@example.vn", mode)
        office = db.session.scalar(select(User).where(User.username == "vhxh"))
        service.notify([user], "report_returned", where="Báo cáo Tháng 01/2026 · Bản mẫu 01",
                       who=office.full_name, detail=reason,
                       link="/units/ban-mau-01/reports/1", actor=office)
        db.session.commit()


def _send(app, **kw):
    with app.app_context():
        return outbox.send_due(**kw)


def test_a_returned_report_goes_at_once_as_plain_text_and_html(app, smtp):
    controller, inbox = smtp
    _configure(app, controller.port)
    _return_report_for(app, "ban01", "daily")  # even with a digest chosen: at once
    assert _send(app)["sent"] == 1
    (msg,) = inbox.messages
    assert msg["To"] == "truongban@example.vn" and msg["From"] == "thidua@binhlu.gov.vn"
    assert msg["Subject"] == "[Thi đua] Báo cáo bị trả lại: Báo cáo Tháng 01/2026 · Bản mẫu 01"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "Người thực hiện: Cán bộ Phòng Văn hóa – Xã hội" in text and "Thiếu số liệu." in text
    assert "https://thidua.binhlu.vn/units/ban-mau-01/reports/1" in text
    assert 'href="https://thidua.binhlu.vn/units/ban-mau-01/reports/1"' in html
    assert _send(app)["sent"] == 0  # nothing twice


def test_none_means_none_and_an_ordinary_notice_waits_for_the_digest(app, smtp):
    controller, inbox = smtp
    _configure(app, controller.port)
    _return_report_for(app, "ban01", "none")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "ban02"))
        preferences.save(user, "ban02@example.vn", "daily")
        with app.test_request_context():
            service.notify([user], "report_accepted", where="Báo cáo Tháng 01/2026 · Bản mẫu 02",
                           link="/units/ban-mau-02/reports/1")
        db.session.commit()
    assert _send(app)["sent"] == 0 and inbox.messages == []
    # the next morning's digest holds it, once however often the command runs
    from app.notifications import digest
    from app.core.vietnamese import today
    with app.app_context():
        assert digest.queue_digests(today() + timedelta(days=1)) == 1
        assert digest.queue_digests(today() + timedelta(days=1)) == 0
    assert _send(app)["sent"] == 1
    assert inbox.messages[0]["To"] == "ban02@example.vn"
    assert "Báo cáo đã được duyệt" in inbox.messages[0].get_body(("plain",)).get_content()


def test_nothing_is_sent_or_kept_without_smtp_host(app):
    app.config.update(SMTP_HOST="")
    _return_report_for(app, "ban01", "now")
    with app.app_context():
        assert db.session.scalar(select(OutboxMessage.id)) is None


def test_a_server_down_loses_nothing_and_the_mail_goes_later(app, smtp):
    controller, inbox = smtp
    _configure(app, free_port())  # nobody listens there
    _return_report_for(app, "ban01", "now")
    assert _send(app) == {"sent": 0, "failed": 1, "skipped": 0}
    with app.app_context():
        m = db.session.scalar(select(OutboxMessage))
        assert m.attempts == 1 and m.sent_at is None and "Error" in m.last_error
        wait = m.next_attempt_at - utcnow()
        assert timedelta(seconds=50) < wait <= outbox.BACKOFF_FIRST
    assert _send(app)["sent"] == 0  # not due yet: backoff
    assert outbox.backoff(2) == 2 * outbox.BACKOFF_FIRST and outbox.backoff(30) == outbox.BACKOFF_MAX
    # the server is back; an hour later the message goes
    _configure(app, controller.port)
    assert _send(app, now=utcnow() + timedelta(hours=1))["sent"] == 1
    assert len(inbox.messages) == 1


def test_a_claimed_message_is_never_sent_by_a_second_worker(app, smtp):
    controller, inbox = smtp
    _configure(app, controller.port)
    _return_report_for(app, "ban01", "now")
    with app.app_context():
        m_id = db.session.scalar(select(OutboxMessage.id))
        now = utcnow()
        assert outbox.claim(m_id, "worker-a", now) is True
        assert outbox.claim(m_id, "worker-b", now) is False
    assert _send(app, worker="worker-b")["sent"] == 0
    assert inbox.messages == []


class Hook(BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Hook.received.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def hook_server():
    Hook.received = []
    server = HTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_the_webhook_posts_signed_json_through_the_outbox(app, hook_server):
    secret = "bí-mật-zalo"
    app.config.update(WEBHOOK_URL=f"http://127.0.0.1:{hook_server.server_port}/sms",
                      WEBHOOK_SECRET=secret, APP_BASE_URL="https://thidua.binhlu.vn")
    _return_report_for(app, "ban01", "none")  # e-mail or not, the gateway is told
    assert _send(app)["sent"] == 1
    ((headers, body),) = Hook.received
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Thidua-Signature"] == expected
    assert headers["Content-Type"].startswith("application/json")
    data = json.loads(body)
    assert data["kind"] == "report_returned" and data["recipient"]["username"] == "ban01"
    assert data["link"] == "https://thidua.binhlu.vn/units/ban-mau-01/reports/1"
    assert data["detail"] == "Thiếu số liệu."


def test_a_webhook_that_fails_is_retried(app, hook_server):
    app.config.update(WEBHOOK_URL=f"http://127.0.0.1:{free_port()}/down", WEBHOOK_SECRET="s")
    _return_report_for(app, "ban01", "none")
    assert _send(app)["failed"] == 1
    app.config.update(WEBHOOK_URL=f"http://127.0.0.1:{hook_server.server_port}/sms")
    assert _send(app, now=utcnow() + timedelta(hours=1))["sent"] == 1
    assert len(Hook.received) == 1


def test_a_person_sets_an_address_and_a_choice(app, login):
    c = login("ban01")
    page = c.get("/notifications/settings").get_data(as_text=True)
    assert 'value="daily" selected' in page or "selected" in page
    r = c.post("/notifications/settings", data={"email": "sai-dia-chi", "email_mode": "now",
                                                "version": ""})
    assert r.status_code == 422 and "không hợp lệ" in r.get_data(as_text=True)
    r = c.post("/notifications/settings", data={"email": "ban01@example.vn", "email_mode": "now",
                                                "version": ""})
    assert r.status_code == 303
    with app.app_context():
        uid = db.session.scalar(select(User.id).where(User.username == "ban01"))
        s = preferences.setting_of(uid)
        assert (s.email, s.email_mode) == ("ban01@example.vn", "now")


def test_the_administrator_sets_an_address_on_the_account_form(app, login):
    import re
    with app.app_context():
        uid = db.session.scalar(select(User.id).where(User.username == "ban02"))
    admin = login("admin")
    page = admin.get(f"/admin/accounts/{uid}").get_data(as_text=True)
    assert 'name="email"' in page
    data = dict(re.findall(r'<input[^>]*name="([a-z_]+)"[^>]*value="([^"]*)"', page))
    data.update({"full_name": "Trưởng Bản mẫu 02", "unit_id": re.search(
        r'<option selected value="(\d+)"|<option value="(\d+)" selected', page).group(1) or "",
        "roles": "editor", "email": "sai"})
    assert admin.post(f"/admin/accounts/{uid}", data=data).status_code == 422
    data["email"] = "ban02@example.vn"
    assert admin.post(f"/admin/accounts/{uid}", data=data).status_code == 302
    with app.app_context():
        s = preferences.setting_of(uid)
        assert (s.email, s.email_mode) == ("ban02@example.vn", "daily")
    assert 'value="ban02@example.vn"' in admin.get(f"/admin/accounts/{uid}").get_data(as_text=True)
