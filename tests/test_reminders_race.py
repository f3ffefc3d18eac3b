"""Issue 19: `flask remind` run twice at once (two timers, two app servers) sends each
reminder once: the unique (period, unit, key) lets one insert win, on SQLite and
PostgreSQL."""
import threading
from datetime import timedelta

from sqlalchemy import func, select

from app.core.extensions import db
from app.notifications import reminders
from app.notifications.models import Notification, Reminder
from app.reports import services
from app.reports.models import ReportingPeriod


def test_two_runs_at_once_send_each_reminder_once(any_app):
    app = any_app
    with app.app_context():
        services.generate_year(2026)
        db.session.commit()
        period = db.session.scalar(select(ReportingPeriod).where(
            ReportingPeriod.year == 2026, ReportingPeriod.kind == "month",
            ReportingPeriod.number == 1))
        day = period.deadline + timedelta(days=1)  # every unit owes it, most overdue
        db.session.remove()
    barrier = threading.Barrier(2)
    sent, errors = [], []

    def run():
        try:
            with app.app_context():
                barrier.wait(timeout=30)
                sent.append(reminders.run(day))
                db.session.remove()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    with app.app_context():
        rows = db.session.scalar(select(func.count()).select_from(Reminder))
        doubles = db.session.execute(
            select(Notification.recipient_id, Notification.where_text, Notification.kind,
                   func.count()).group_by(Notification.recipient_id, Notification.where_text,
                                          Notification.kind).having(func.count() > 1)).all()
        assert reminders.run(day) == 0
    assert rows > 0 and sum(sent) == rows
    assert doubles == []
