"""E-mail: what a notification (or a day's digest) says, in Vietnamese, as plain text with
a small HTML part and the direct link; and the SMTP sending, set from the environment
(config.py: SMTP_HOST … MAIL_FROM, APP_BASE_URL)."""
from __future__ import annotations

import re
import smtplib
from datetime import datetime, timezone
from pathlib import Path
from email import policy
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app
from markupsafe import escape

from app.notifications.models import KINDS
from app.core.vietnamese import format_datetime

PREFIX = "[Thi đua]"
# long header lines: Python's folding of a Vietnamese subject into several encoded words
# loses the space between them ("Báocáo"); one encoded word up to 998 characters does not
MAIL_POLICY = policy.SMTP.clone(max_line_length=998)


# a line break (of any alphabet) or control character ends a header: in a stored name or
# title it would stop every message about it, so a header gets that text on one line
_NOT_ONE_LINE = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")


class Undeliverable(Exception):
    """The message itself cannot go (its address refused, a header that cannot be
    written): sending it again would fail again, so the outbox gives it up at once."""


def header_text(text: str) -> str:
    return _NOT_ONE_LINE.sub(" ", text or "").strip()


def _write_to_sink(msg: EmailMessage, message_id: int, folder: Path) -> None:
    """The demo's mail server: the message as a .eml file, newest last by name."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    (folder / f"{stamp}-{message_id:06d}.eml").write_bytes(msg.as_bytes())


def absolute(link: str) -> str:
    base = (current_app.config.get("APP_BASE_URL") or "").rstrip("/")
    return f"{base}{link}" if link.startswith("/") else link


def _lines(n) -> list[str]:
    lines = [KINDS.get(n.kind, n.kind)]
    if n.where_text:
        lines.append(f"Ở đâu: {n.where_text}")
    if n.who_text:
        lines.append(f"Người thực hiện: {n.who_text}")
    if n.detail:
        lines.append(f"Nội dung: {n.detail}")
    lines.append(f"Lúc: {format_datetime(n.created_at)}")
    if n.link:
        lines.append(f"Xem và xử lý: {absolute(n.link)}")
    return lines


def compose(user, notifications) -> tuple[str, str, str]:
    """(subject, text, html) for one notification or a digest of several."""
    one = len(notifications) == 1
    if one:
        n = notifications[0]
        subject = header_text(f"{PREFIX} {KINDS.get(n.kind, n.kind)}: {n.where_text}")[:300]
        intro = f"Kính gửi {user.full_name},"
    else:
        subject = f"{PREFIX} {len(notifications)} thông báo mới trong ngày"
        intro = f"Kính gửi {user.full_name}, đây là các thông báo mới của anh/chị:"
    blocks = [_lines(n) for n in notifications]
    settings = absolute("/notifications/settings")
    text = "\n\n".join([intro, *("\n".join(b) for b in blocks),
                        f"Đổi cách nhận thư: {settings}"]) + "\n"
    html_blocks = []
    for n, b in zip(notifications, blocks):
        link = absolute(n.link) if n.link else ""
        items = "".join(f"<br>{escape(line)}" for line in b[1:-1] if line)
        head = f'<a href="{escape(link)}">{escape(b[0])}</a>' if link else escape(b[0])
        html_blocks.append(f"<p><strong>{head}</strong>{items}</p>")
    html = (f'<!doctype html><html lang="vi"><body><p>{escape(intro)}</p>'
            f'{"".join(html_blocks)}<p><small><a href="{escape(settings)}">Đổi cách nhận thư'
            "</a></small></p></body></html>")
    return subject, text, html


def send_email(m) -> None:
    """Send one outbox message through the SMTP server of the environment."""
    c = current_app.config
    try:
        msg = EmailMessage(policy=MAIL_POLICY)
        # a subject queued before names were checked is written on one line here too
        msg["Subject"] = header_text(m.subject)
        msg["From"] = c.get("MAIL_FROM") or "thidua@localhost"
        msg["To"] = m.to_address
        msg["Message-ID"] = make_msgid(idstring=f"outbox{m.id}", domain="thidua")
        msg.set_content(m.body_text, cte="base64")
        if m.body_html:
            msg.add_alternative(m.body_html, subtype="html", cte="base64")
    except (ValueError, TypeError) as exc:
        raise Undeliverable(f"thư không dựng được: {exc}") from exc
    if not c.get("SMTP_HOST"):
        _write_to_sink(msg, m.id, Path(c["MAIL_SINK_DIR"]))
        return
    with smtplib.SMTP(c["SMTP_HOST"], int(c.get("SMTP_PORT") or 587),
                      timeout=int(c.get("SMTP_TIMEOUT") or 20)) as smtp:
        if c.get("SMTP_STARTTLS"):
            smtp.starttls()
        if c.get("SMTP_USER"):
            smtp.login(c["SMTP_USER"], c.get("SMTP_PASSWORD") or "")
        try:
            smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            raise Undeliverable(f"máy chủ thư từ chối địa chỉ {m.to_address}") from exc
