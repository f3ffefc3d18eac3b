"""Telling people what happened: a notification row for each person concerned, written in
the caller's transaction (so an event and its notice are saved, or not, together), and
the messages it calls for put in the outbox. The caller commits.

The hooks below are the only calls other domains make: report returned / accepted, a
comment posted, an account changed, a reminder (app/notifications/reminders.py); a
proposal decided is heard from the emulation's signal (app/emulation/events.py)."""
from __future__ import annotations

from typing import Iterable, Optional

from flask import current_app
from sqlalchemy import select, update

from app.auth.models import User
from app.core.extensions import db
from app.core.columns import utcnow
from app.emulation import events as emulation_events
from app.emulation.models import PROPOSAL_STATUSES
from app.notifications import outbox
from app.notifications.models import URGENT, Notification, NotificationSetting


def path_for(endpoint: str, **values) -> str:
    """A link inside the app, made with or without a request (the reminder command)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def unit_editors(unit_id: int) -> list[User]:
    users = db.session.scalars(select(User).where(User.unit_id == unit_id,
                                                  User.active.is_(True)).order_by(User.id))
    return [u for u in users if "editor" in u.roles]


def notify(recipients: Iterable[User], kind: str, *, where: str, who: str = "",
           detail: str = "", link: str = "", actor=None, comment_id=None
           ) -> list[Notification]:
    """One notification for each recipient (not the person who acted), and its e-mail or
    webhook message when it goes at once."""
    seen, made = set(), []
    actor_id = getattr(actor, "id", None)
    for user in recipients:
        if user is None or user.id in seen or user.id == actor_id or not user.active:
            continue
        seen.add(user.id)
        n = Notification(recipient_id=user.id, kind=kind, where_text=where[:300],
                         who_text=who[:120], detail=detail, link=link[:300], created_at=utcnow(),
                         comment_id=comment_id)
        db.session.add(n)
        made.append((user, n))
    if not made:
        return []
    db.session.flush()
    settings = {s.user_id: s for s in db.session.scalars(select(NotificationSetting).where(
        NotificationSetting.user_id.in_([u.id for u, _n in made])))}
    for user, n in made:
        s = settings.get(user.id)
        if s is not None and s.email and (
                s.email_mode == "now" or (kind in URGENT and s.email_mode != "none")):
            outbox.enqueue_email(user, s.email, [n])
        outbox.enqueue_webhook(user, n)
    return [n for _u, n in made]


def mark_read(user_id: int, notification_id: Optional[int] = None) -> int:
    """Mark one (or every) unread notification of the person read; returns how many."""
    stmt = update(Notification).where(Notification.recipient_id == user_id,
                                      Notification.read_at.is_(None))
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    return db.session.execute(stmt.values(read_at=utcnow())).rowcount


# ---- the events ---------------------------------------------------------------------

def _report_place(report) -> tuple[str, str]:
    where = f"Báo cáo {report.period.label} · {report.unit.name}"
    return where, path_for("reports.report", slug=report.unit.slug, period_id=report.period_id)


def _name(user) -> str:
    return getattr(user, "full_name", "") or ""


def report_returned(report, reason: str, actor=None) -> None:
    where, link = _report_place(report)
    notify(unit_editors(report.unit_id), "report_returned", where=where, who=_name(actor),
           detail=reason, link=link, actor=actor)


def report_accepted(report, actor=None) -> None:
    where, link = _report_place(report)
    notify(unit_editors(report.unit_id), "report_accepted", where=where, who=_name(actor),
           link=link, actor=actor)


def comment_posted(comment, author) -> list[Notification]:
    """A new thread on a unit goes to its editors; an answer goes to the thread's author
    (and to the unit's editors when someone outside the unit answers)."""
    from app.comments.models import Comment
    from app.units.models import Unit
    unit = db.session.get(Unit, comment.unit_id) if comment.unit_id else None
    where, link = _comment_place(comment, unit)
    body = comment.body[:500]
    outsider = unit is not None and author.unit_id != unit.id
    told = []
    if comment.reply_to_id:
        parent = db.session.get(Comment, comment.reply_to_id)
        if parent is not None:
            told += notify([parent.author], "answer", where=where, who=_name(author),
                           detail=body, link=link, actor=author, comment_id=comment.id)
    if unit is not None and outsider:
        answered = {n.recipient_id for n in told}
        told += notify([u for u in unit_editors(unit.id) if u.id not in answered], "comment",
                       where=where, who=_name(author), detail=body, link=link, actor=author,
                       comment_id=comment.id)
    return told


def _comment_place(comment, unit) -> tuple[str, str]:
    """What a comment is about, and the link that lands on the comment itself (#c-<id>,
    issue 30): a report's in the report's history, a proposal's on the proposal, any other
    in its thread on the unit's page, where the unit answers."""
    name = unit.name if unit is not None else ""
    anchor = f"#c-{comment.id}"
    kind = comment.subject_type
    if kind == "report":
        from app.reports.models import Report
        report = db.session.get(Report, comment.subject_id)
        if report is not None:
            where, link = _report_place(report)
            return where, link + anchor
    if kind == "proposal":
        return (f"Đề nghị khen thưởng · {name}",
                path_for("emulation.proposal", proposal_id=comment.subject_id) + anchor)
    if unit is None:
        return "", ""
    link = path_for("units.show", slug=unit.slug) + anchor
    if kind == "milestone":
        return f"Nhiệm vụ · {name}", link
    if kind == "indicator":
        return f"Chỉ tiêu · {name}", link
    return name, link


@emulation_events.proposal_decided.connect
def proposal_decided(proposal, actor=None) -> None:
    """The council's vote closed, or the chair decided: the unit and who drew it up (sent
    by the emulation's services as app/emulation/events.py's signal)."""
    people = unit_editors(proposal.unit_id)
    if proposal.created_by_id:
        people.append(db.session.get(User, proposal.created_by_id))
    detail = PROPOSAL_STATUSES.get(proposal.status, proposal.status)
    if proposal.status == "declined":  # the chair's reason goes with the news
        detail = f"{detail}: {proposal.decision_reason}"
    notify(people, "proposal_decided",
           where=f"{proposal.nominee} · {proposal.title.name}", who=_name(actor),
           detail=detail,
           link=path_for("emulation.proposal", proposal_id=proposal.id), actor=actor)


# what an administrator did to an account, as its holder is told (stored text is Vietnamese)
ACCOUNT_CHANGES = {
    "edit": "Thông tin tài khoản, đơn vị hoặc vai trò đã được cập nhật.",
    "activate": "Tài khoản đã được mở khóa.",
    "deactivate": "Tài khoản đã bị khóa.",
    "password": "Mật khẩu đã được đặt lại: hãy dùng mật khẩu tạm quản trị viên đưa.",
    "email": "Địa chỉ thư điện tử hoặc cách nhận thư đã được thay đổi.",
}


def account_changed(user, actor, change: str) -> None:
    """The administrator changed the person's account (change: a key of ACCOUNT_CHANGES)."""
    notify([user], "account_changed", where=user.username, who=_name(actor),
           detail=ACCOUNT_CHANGES[change], link=path_for("notifications.settings"), actor=actor)
