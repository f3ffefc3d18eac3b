"""The outbox: messages are written in the transaction of their event and sent later by
`flask outbox send`, so sending never holds up a request and a mail server that is down
loses nothing.

A worker claims a message with one conditional UPDATE (only a row nobody holds, or whose
hold ran out, is taken): two workers never send the same one at the same time. A failure
waits BACKOFF_FIRST, then twice as long each time, up to BACKOFF_MAX; after MAX_ATTEMPTS
the message is given up (failed_at), kept for the administrator to see. A message that
cannot go because of what it is (an address the mail server refuses) is given up at once,
and the administrators are told in the app, with the reason.
"""
from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime, timedelta
from typing import Callable, Optional

from flask import current_app
from sqlalchemy import or_, select, update

from app.core.extensions import db
from app.core.columns import utcnow
from app.notifications.models import OutboxMessage

log = logging.getLogger(__name__)

BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)
MAX_ATTEMPTS = 12
CLAIM_FOR = timedelta(minutes=5)   # a worker that dies mid-send lets go after this
# the kinds an SMS or Zalo gateway is told of: what cannot wait for a digest
WEBHOOK_KINDS = frozenset({"report_returned", "deadline_soon", "deadline_today",
                           "deadline_passed"})


def mail_on() -> bool:
    """A mail server, or (the demo) a folder the e-mails are written to."""
    c = current_app.config
    return bool(c.get("SMTP_HOST") or c.get("MAIL_SINK_DIR"))


def webhook_on() -> bool:
    return bool(current_app.config.get("WEBHOOK_URL"))


def enqueue_email(user, address: str, notifications, dedupe_key: Optional[str] = None):
    """One e-mail to `address` about these notifications (one: at once; many: a digest)."""
    if not mail_on() or not address:
        return None
    from app.notifications.mail import compose
    subject, text, html = compose(user, notifications)
    m = OutboxMessage(channel="email", recipient_id=user.id, to_address=address,
                      subject=subject, body_text=text, body_html=html, payload="",
                      dedupe_key=dedupe_key, attempts=0, next_attempt_at=utcnow(),
                      last_error="")
    db.session.add(m)
    return m


def enqueue_webhook(user, n):
    if not webhook_on() or n.kind not in WEBHOOK_KINDS:
        return None
    from app.notifications.mail import absolute
    from app.notifications.models import KINDS
    payload = {"id": n.id, "kind": n.kind, "what": KINDS.get(n.kind, n.kind),
               "where": n.where_text, "who": n.who_text, "detail": n.detail,
               "link": absolute(n.link), "created_at": n.created_at.isoformat(),
               "recipient": {"id": user.id, "username": user.username,
                             "full_name": user.full_name},
               # one receiver may serve the whole province: say whose commune this is
               "commune": ({"slug": user.commune.slug, "name": user.commune.name}
                           if user.commune is not None else None)}
    m = OutboxMessage(channel="webhook", recipient_id=user.id, to_address="", subject="",
                      body_text="", body_html="", last_error="", attempts=0,
                      next_attempt_at=utcnow(),
                      payload=json.dumps(payload, ensure_ascii=False, sort_keys=True))
    db.session.add(m)
    return m


def backoff(attempts: int) -> timedelta:
    return min(BACKOFF_FIRST * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def _due(now: datetime):
    return (select(OutboxMessage.id).where(
        OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None),
        OutboxMessage.next_attempt_at <= now,
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id))


def claim(message_id: int, worker: str, now: datetime) -> bool:
    """Take the message for this worker; False when another holds it or it is done."""
    taken = db.session.execute(
        update(OutboxMessage).where(
            OutboxMessage.id == message_id, OutboxMessage.sent_at.is_(None),
            OutboxMessage.failed_at.is_(None), OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
        .values(claimed_by=worker, claimed_until=now + CLAIM_FOR)).rowcount
    db.session.commit()
    return taken == 1


def senders() -> dict[str, Callable[[OutboxMessage], None]]:
    from app.notifications.mail import send_email
    from app.notifications.webhook import post_webhook
    return {"email": send_email, "webhook": post_webhook}


def send_due(limit: int = 200, now: Optional[datetime] = None, worker: Optional[str] = None
             ) -> dict[str, int]:
    """Send what is due: each message claimed, sent, and marked in its own transaction."""
    worker = worker or uuid.uuid4().hex[:16]
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    active = {"email": mail_on(), "webhook": webhook_on()}
    send_by = senders()
    now = now or utcnow()
    ids = list(db.session.scalars(_due(now).limit(limit)))
    db.session.commit()
    for message_id in ids:
        if not claim(message_id, worker, now):
            counts["skipped"] += 1
            continue
        m = db.session.get(OutboxMessage, message_id)
        if not active.get(m.channel):
            _release(m, worker)  # configured off since it was written: it waits
            counts["skipped"] += 1
            continue
        try:
            send_by[m.channel](m)
        except Exception as exc:  # noqa: BLE001 - any failure to send is retried later
            db.session.rollback()
            _failed(message_id, worker, exc)
            counts["failed"] += 1
            continue
        db.session.execute(update(OutboxMessage).where(
            OutboxMessage.id == message_id, OutboxMessage.claimed_by == worker)
            .values(sent_at=utcnow(), attempts=OutboxMessage.attempts + 1, claimed_until=None,
                    last_error=""))
        db.session.commit()
        counts["sent"] += 1
    return counts


def _release(m: OutboxMessage, worker: str) -> None:
    db.session.execute(update(OutboxMessage).where(
        OutboxMessage.id == m.id, OutboxMessage.claimed_by == worker)
        .values(claimed_by=None, claimed_until=None))
    db.session.commit()


def _failed(message_id: int, worker: str, exc: Exception) -> None:
    from app.notifications.mail import Undeliverable
    m = db.session.get(OutboxMessage, message_id)
    attempts = (m.attempts or 0) + 1
    log.warning("outbox %s: attempt %s failed: %s", message_id, attempts, exc)
    values = {"attempts": attempts, "claimed_by": None, "claimed_until": None,
              "last_error": f"{type(exc).__name__}: {exc}"[:1000],
              "next_attempt_at": utcnow() + backoff(attempts)}
    given_up = isinstance(exc, Undeliverable)
    if given_up or attempts >= MAX_ATTEMPTS:
        values["failed_at"] = utcnow()
    done = db.session.execute(update(OutboxMessage).where(
        OutboxMessage.id == message_id, OutboxMessage.claimed_by == worker)
        .values(**values)).rowcount
    if given_up and done:
        _tell_administrators(m, str(exc))
    db.session.commit()


def _tell_administrators(m: OutboxMessage, reason: str) -> None:
    from app.auth.models import User
    from app.notifications.service import notify
    recipient = db.session.get(User, m.recipient_id) if m.recipient_id else None
    admins = [u for u in db.session.scalars(select(User).where(User.active.is_(True)))
              if u.has_role("admin")]
    who = recipient.username if recipient is not None else m.to_address
    notify(admins, "delivery_failed", where=f"{who} ({m.to_address})"[:300],
           detail=reason[:1000], link="/admin/accounts")
