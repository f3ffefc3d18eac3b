"""Issue 19: reminders N days before a deadline, on the day and weekly once overdue, to the
units that have not sent; the office's button; never the same reminder twice."""
from datetime import timedelta

from sqlalchemy import func, select

from app.core.extensions import db
from app.notifications import reminders
from app.notifications.models import Notification, Reminder
from app.reports.models import ReportingPeriod
from tests.factories import generate, period_id, submit


def _deadline(app, pid, unit_kind="village"):
    with app.app_context():
        from app.reports.services import deadlines_by_kind
        period = db.session.get(ReportingPeriod, pid)
        return deadlines_by_kind(period).get(unit_kind, period.deadline)


def _run(app, today):
    with app.app_context():
        return reminders.run(today)


def _count(app, model, **where):
    with app.app_context():
        stmt = select(func.count()).select_from(model)
        for k, v in where.items():
            stmt = stmt.where(getattr(model, k) == v)
        return db.session.scalar(stmt)


def test_the_keys_before_on_the_day_and_weekly_after():
    from datetime import date
    d = date(2026, 2, 20)
    assert reminders.key_for(d, d - timedelta(days=4), 3) is None
    assert reminders.key_for(d, d - timedelta(days=3), 3) == ("before-3", "deadline_soon")
    assert reminders.key_for(d, d - timedelta(days=1), 3) == ("before-3", "deadline_soon")
    assert reminders.key_for(d, d, 3) == ("due", "deadline_today")
    assert reminders.key_for(d, d + timedelta(days=1), 3) == ("overdue-1", "deadline_passed")
    assert reminders.key_for(d, d + timedelta(days=7), 3) == ("overdue-1", "deadline_passed")
    assert reminders.key_for(d, d + timedelta(days=8), 3) == ("overdue-2", "deadline_passed")
    assert reminders.key_for(d, d + timedelta(weeks=20), 3) is None


def test_remind_sends_once_each_to_the_units_that_have_not_sent(app, login):
    generate(app)
    pid = period_id(app)
    submit(login("ban01"), "ban-mau-01", pid)
    d = _deadline(app, pid)
    before = d - timedelta(days=3)
    first = _run(app, before)
    assert first > 0
    assert _run(app, before) == 0  # the same day again: nothing twice
    assert _run(app, before + timedelta(days=1)) == 0  # still the "before" reminder
    with app.app_context():
        units = {u for (u,) in db.session.execute(select(Reminder.unit_id).where(
            Reminder.period_id == pid))}
        from app.units.models import Unit
        ban01 = db.session.scalar(select(Unit.id).where(Unit.slug == "ban-mau-01"))
        ban02 = db.session.scalar(select(Unit.id).where(Unit.slug == "ban-mau-02"))
    assert ban02 in units and ban01 not in units  # ban01 has sent
    keys = lambda: [k for (k,) in db.session.execute(select(Reminder.key).where(  # noqa: E731
        Reminder.period_id == pid, Reminder.unit_id == ban02).order_by(Reminder.id))]
    for day in (d, d + timedelta(days=2), d + timedelta(days=3), d + timedelta(days=9)):
        _run(app, day)  # on the day, twice in the first week, in the second week
    with app.app_context():
        assert keys() == ["before-3", "due", "overdue-1", "overdue-2"]
    with app.app_context():
        from app.auth.models import User
        uid = db.session.scalar(select(User.id).where(User.username == "ban02"))
        kinds = [k for (k,) in db.session.execute(select(Notification.kind).where(
            Notification.recipient_id == uid).order_by(Notification.id))]
        link = db.session.scalar(select(Notification.link).where(Notification.recipient_id == uid))
    assert kinds[:4] == ["deadline_soon", "deadline_today", "deadline_passed", "deadline_passed"]
    assert link == f"/units/ban-mau-02/reports/{pid}"


def test_the_command_and_the_office_button(app, login):
    generate(app)
    pid = period_id(app)
    result = app.test_cli_runner().invoke(args=["remind"])
    assert result.exit_code == 0 and result.output.startswith("reminders ")
    office = login("vhxh")
    page = office.get(f"/reports/completeness?period={pid}").get_data(as_text=True)
    assert "Nhắc các đơn vị chưa nộp" in page
    r = office.post(f"/reports/periods/{pid}/remind")
    assert r.status_code == 303
    sent = _count(app, Reminder, period_id=pid)
    assert sent > 0
    r = office.post(f"/reports/periods/{pid}/remind")  # a second click: none again today
    assert _count(app, Reminder, period_id=pid) == sent
    assert "đã được nhắc hôm nay" in office.get(r.headers["Location"]).get_data(as_text=True)
    # a village may not press it
    assert login("ban01").post(f"/reports/periods/{pid}/remind").status_code == 403


def test_the_button_counts_only_units_with_someone_to_remind(app, login):
    from app.auth.models import User
    from app.reports.models import period_unit
    from app.units.models import Unit
    generate(app)
    pid = period_id(app)
    with app.app_context():
        owing = set(db.session.scalars(select(period_unit.c.unit_id).where(
            period_unit.c.period_id == pid)))
        with_account = set(db.session.scalars(select(User.unit_id).where(
            User.active.is_(True), User.roles_text.contains("editor"), User.unit_id.in_(owing))))
        without = sorted(db.session.scalars(select(Unit.name).where(
            Unit.id.in_(owing - with_account))))
    assert with_account and without  # the demo: some units have nobody signed up yet
    office = login("vhxh")
    r = office.post(f"/reports/periods/{pid}/remind")
    page = office.get(r.headers["Location"]).get_data(as_text=True)
    assert f"Đã nhắc {len(with_account)} đơn vị" in page
    assert f"Chưa nhắc được {len(without)} đơn vị vì chưa có tài khoản" in page
    assert _count(app, Reminder, period_id=pid) == len(with_account)
