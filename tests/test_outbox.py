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
    """A gateway: /sms takes the message; /moved answers 302 to /elsewhere, which must never
    be reached (it would receive the signature)."""
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Hook.received.append((self.path, dict(self.headers), body))
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/elsewhere")
        else:
            self.send_response(204)
        self.end_headers()

    do_GET = do_POST

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


LOOPBACK = {"WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8"}  # the test gateway runs on this machine


def test_the_webhook_posts_signed_json_through_the_outbox(app, hook_server):
    secret = "bí-mật-zalo"
    app.config.update(WEBHOOK_URL=f"http://127.0.0.1:{hook_server.server_port}/sms",
                      WEBHOOK_SECRET=secret, APP_BASE_URL="https://thidua.binhlu.vn", **LOOPBACK)
    _return_report_for(app, "ban01", "none")  # e-mail or not, the gateway is told
    assert _send(app)["sent"] == 1
    ((_path, headers, body),) = Hook.received
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Thidua-Signature"] == expected
    assert headers["Content-Type"].startswith("application/json")
    data = json.loads(body)
    assert data["kind"] == "report_returned" and data["recipient"]["username"] == "ban01"
    assert data["link"] == "https://thidua.binhlu.vn/units/ban-mau-01/reports/1"
    assert data["detail"] == "Thiếu số liệu."
    assert data["commune"] == {"slug": "binh-lu", "name": "Bình Lư"}


def test_a_webhook_that_fails_is_retried(app, hook_server):
    app.config.update(WEBHOOK_URL=f"http://127.0.0.1:{free_port()}/down", WEBHOOK_SECRET="s",
                      **LOOPBACK)
    _return_report_for(app, "ban01", "none")
    assert _send(app)["failed"] == 1
    app.config.update(WEBHOOK_URL=f"http://127.0.0.1:{hook_server.server_port}/sms")
    assert _send(app, now=utcnow() + timedelta(hours=1))["sent"] == 1
    assert len(Hook.received) == 1


def test_a_webhook_redirect_is_not_followed_and_the_message_not_sent(app, hook_server):
    app.config.update(WEBHOOK_URL=f"http://127.0.0.1:{hook_server.server_port}/moved",
                      WEBHOOK_SECRET="s", **LOOPBACK)
    _return_report_for(app, "ban01", "none")
    assert _send(app)["failed"] == 1
    assert [path for path, _h, _b in Hook.received] == ["/moved"]  # never /elsewhere
    with app.app_context():
        m = db.session.scalar(select(OutboxMessage).where(OutboxMessage.channel == "webhook"))
        assert m.sent_at is None and "302" in m.last_error


def test_a_webhook_to_this_machine_is_refused_unless_its_network_is_allowed(app, hook_server):
    app.config.update(WEBHOOK_URL=f"http://127.0.0.1:{hook_server.server_port}/sms",
                      WEBHOOK_SECRET="s")
    _return_report_for(app, "ban01", "none")
    assert _send(app)["failed"] == 1
    assert Hook.received == []
    # a host name that resolves to this machine is refused the same way
    app.config.update(WEBHOOK_URL=f"http://localhost:{hook_server.server_port}/sms")
    assert _send(app, now=utcnow() + timedelta(hours=1))["failed"] == 1
    assert Hook.received == []


@pytest.mark.parametrize("url,allowed", [("ftp://gateway.example.vn/sms", ""),
                                         ("http://10.1.2.3/sms", ""),
                                         ("http://[::1]:8080/sms", ""),
                                         ("https://user:pw@gateway.example.vn/sms", ""),
                                         ("https://gateway.example.vn/sms", "not-a-network")])
def test_the_app_refuses_to_start_with_a_webhook_it_would_not_send_to(url, allowed):
    from app import UnsafeConfiguration, create_app
    from tests.conftest import make_config
    with pytest.raises(UnsafeConfiguration, match="WEBHOOK"):
        create_app(make_config("sqlite://", WEBHOOK_URL=url, WEBHOOK_ALLOWED_NETWORKS=allowed))


def test_a_gateway_on_a_network_the_settings_name_is_accepted_at_start():
    from app import create_app
    from tests.conftest import make_config
    app = create_app(make_config("sqlite://", WEBHOOK_URL="http://10.1.2.3/sms",
                                 WEBHOOK_ALLOWED_NETWORKS="10.0.0.0/8"))
    assert app.config["WEBHOOK_URL"] == "http://10.1.2.3/sms"


class RefusingInbox(Inbox):
    """A mail server that refuses one mailbox, as a real one refuses an unknown address."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("khong-co"):
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_subject_queued_with_a_line_break_still_goes_on_one_line(app, smtp):
    controller, inbox = smtp
    _configure(app, controller.port)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "ban01"))
        # queued before names were checked: the unit's name carried a line break
        db.session.add(OutboxMessage(channel="email", recipient_id=user.id,
                                     to_address="ban01@example.vn",
                                     subject="[Thi đua] Báo cáo bị trả lại: Bản\r\nmẫu 01",
                                     body_text="x", body_html="", payload="", attempts=0,
                                     next_attempt_at=utcnow(), last_error=""))
        db.session.commit()
    assert _send(app)["sent"] == 1
    (message,) = inbox.messages
    assert message["Subject"] == "[Thi đua] Báo cáo bị trả lại: Bản mẫu 01"


def test_a_refused_address_is_given_up_at_once_and_the_administrator_told(app):
    from app.notifications.models import Notification
    inbox = RefusingInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        _configure(app, controller.port)
        with app.app_context(), app.test_request_context():
            user = db.session.scalar(select(User).where(User.username == "ban01"))
            preferences.save(user, "khong-co@example.vn", "now")
            service.notify([user], "report_returned", where="Báo cáo Tháng 01/2026",
                           detail="Thiếu số liệu.", link="/units/ban-mau-01/reports/1")
            db.session.commit()
        assert _send(app)["failed"] == 1
        # not retried: given up, with the reason, after one try
        assert _send(app, now=utcnow() + timedelta(days=1)) == {"sent": 0, "failed": 0,
                                                                 "skipped": 0}
    finally:
        controller.stop()
    with app.app_context():
        m = db.session.scalar(select(OutboxMessage).where(
            OutboxMessage.to_address == "khong-co@example.vn"))
        assert m.attempts == 1 and m.failed_at is not None and "từ chối" in m.last_error
        told = db.session.execute(select(User.username, Notification.where_text).join(
            Notification, Notification.recipient_id == User.id)
            .where(Notification.kind == "delivery_failed")).all()
    assert [(u, w) for u, w in told] == [("admin", "ban01 (khong-co@example.vn)")]
    assert inbox.messages == []


def test_the_worker_writes_the_demos_mail_to_files_a_mail_program_opens(app, tmp_path):
    sink = tmp_path / "mail"
    app.config.update(SMTP_HOST="", MAIL_SINK_DIR=str(sink), MAIL_FROM="thidua@binhlu.gov.vn")
    _return_report_for(app, "ban01", "now")
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    (written,) = sink.glob("*.eml")
    message = email.message_from_bytes(written.read_bytes(), policy=policy.default)
    assert message["To"] == "truongban@example.vn"
    assert message["Subject"].startswith("[Thi đua] Báo cáo bị trả lại")
    assert "Thiếu số liệu." in message.get_body(("plain",)).get_content()
    # a second round sends nothing twice
    assert app.test_cli_runner().invoke(args=["worker", "--once"]).exit_code == 0
    assert len(list(sink.glob("*.eml"))) == 1


def test_production_refuses_a_mail_sink():
    from app import UnsafeConfiguration, create_app
    from config import ProductionConfig
    config = type("P", (ProductionConfig,), {"SECRET_KEY": "x" * 40, "MAIL_SINK_DIR": "/tmp/m",
                                             "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with pytest.raises(UnsafeConfiguration, match="MAIL_SINK_DIR"):
        create_app(config)
