"""Demo accounts and sample content, for demo mode only (never in production)."""
from datetime import date, datetime, time, timedelta
from typing import Optional

from sqlalchemy import func, select

from app.audit.service import record
from app.auth.models import User, username_key
from app.core.extensions import db
from app.demo_cast import BINH_LU, Cast
from app.plans.models import Plan
from app.milestones.models import Milestone
from app.units.models import Unit

DEMO_PASSWORD = "binhlu2026"  # nosec B105 - demo mode only; production refuses demo accounts

# username, full name, position, unit slug, roles
DEMO_ACCOUNTS = (
    ("admin", "Quản trị hệ thống", "Quản trị viên", None, ("admin",)),
    ("chutich", "Lương Việt Thảo", "Chủ tịch UBND xã", "ubnd-xa", ("chair", "council")),
    ("vhxh", "Cán bộ Phòng Văn hóa – Xã hội", "Thường trực thi đua", "phong-vhxh",
     ("secretariat", "editor", "council")),
    ("mttq", "Cán bộ Ủy ban MTTQ xã", "Giám sát", "mttq", ("supervisor", "council")),
    ("kinhte", "Cán bộ Phòng Kinh tế", "Chuyên viên", "phong-kinh-te", ("editor",)),
    ("ban01", "Trưởng Bản mẫu 01", "Trưởng bản", "ban-mau-01", ("editor",)),
    ("ban02", "Trưởng Bản mẫu 02", "Trưởng bản", "ban-mau-02", ("editor",)),
)


def demo_accounts(cast: Cast = BINH_LU) -> tuple:
    """The commune's demo accounts as DEMO_ACCOUNTS lists Bình Lư's: a sample commune's
    are the same people under its code, named after its own units and chair."""
    if cast is BINH_LU:
        return DEMO_ACCOUNTS
    accounts = []
    for username, full_name, position, slug, roles in DEMO_ACCOUNTS:
        own = cast.slug(slug) if slug else None
        if username == "chutich" and cast.chair:
            full_name = cast.chair
        elif own and own != slug and own in cast.names:  # "Trưởng Bản mẫu 01" → its own name
            head = "Tổ trưởng " if cast.ward else "Trưởng "
            full_name = (head if full_name.startswith("Trưởng ") else "Cán bộ ") + cast.names[own]
        accounts.append((cast.username(username), cast.say(full_name), cast.say(position), own,
                         roles))
    return tuple(accounts)


def load_demo_accounts(cast: Cast = BINH_LU) -> list[str]:
    """Create the demo accounts that are missing; return the usernames created."""
    units = {u.slug: u for u in db.session.scalars(select(Unit))}
    return make_demo_accounts((username, full_name, position, units.get(slug) if slug else None,
                               roles)
                              for username, full_name, position, slug, roles
                              in demo_accounts(cast))


def make_demo_accounts(accounts) -> list[str]:
    """The missing ones of `accounts` — (username, full name, position, unit or None,
    roles) — made in the scope's commune (or the province's), with the demo password; the
    usernames made."""
    existing = set(db.session.scalars(select(User.username_key)))
    created = []
    for username, full_name, position, unit, roles in accounts:
        if username_key(username) in existing:
            continue
        user = User(username=username, username_key=username_key(username),
                    full_name=full_name, position=position, unit=unit, is_demo=True)
        user.roles = roles
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        created.append(username)
    if created:
        db.session.flush()
        record("demo.accounts", "user", None, after={"created": created})
    return created


# title, start and due in days from 1 January, status, progress: the same in every unit
# (tests read them against the real date); one still open when the demo's day is past its
# due date has been done by then (the half-year review is held, so its milestone is done)
SAMPLE_MILESTONES = (
    ("Xây dựng và ban hành kế hoạch triển khai phong trào thi đua của đơn vị", 0, 31, "done", 100),
    ("Tổ chức phát động phong trào thi đua đến toàn thể cán bộ, Nhân dân", 15, 60, "done", 100),
    ("Sơ kết 6 tháng phong trào thi đua", 150, 185, "in_progress", 40),
    ("Tổng kết năm, đề xuất khen thưởng", 300, 345, "not_started", 0),
)
# a few more, dated from the demo's day, so that every state shows whatever the day:
# unit slug, title, start and due in days from the day, status, progress
STATE_MILESTONES = (
    ("ban-mau-03", "Ra quân vệ sinh môi trường, sửa đường vào bản", 7, 30, "not_started", 0),
    ("ban-mau-05", "Hoàn thiện hồ sơ đề nghị công nhận bản văn hóa", -40, -5, "in_progress", 60),
    ("hoi-nong-dan", "Hội thi nhà nông giỏi cấp xã", -30, 20, "paused", 30),
    ("doan-thanh-nien", "Giải bóng đá thanh niên các bản", -10, 15, "cancelled", 0),
    ("van-phong", "Họp Hội đồng thi đua – khen thưởng xã", -30, -10, "done", 100),
)
# What sets the villages apart (the reviews score them on it, app/emulation/demo.py): each
# village's own work of the year, dated from 1 January, added once a period has ended (as
# STATE_MILESTONES: before that the demo is the plan and the sample milestones alone) —
# unit slug, title, start and due in days from 1 January, and how it stands once due: done,
# or left behind at a percentage
VILLAGE_MILESTONES = (
    ("ban-mau-01", "Thành lập tổ tự quản bảo vệ rừng cộng đồng", 20, 90, "done", 100),
    ("ban-mau-02", "Sửa chữa, nâng cấp nhà văn hóa bản", 30, 120, "done", 100),
    ("ban-mau-03", "Làm đường bê tông nội bản (Nhân dân hiến đất, góp công)", 45, 135,
     "in_progress", 70),
    ("ban-mau-04", "Kiên cố hóa kênh mương nội đồng", 40, 120, "in_progress", 40),
    ("ban-mau-04", "Ra quân vệ sinh môi trường, khơi thông cống rãnh", 60, 150, "not_started", 0),
    ("ban-mau-05", "Vận động hộ tham gia bảo hiểm y tế", 30, 150, "done", 100),
    ("ban-mau-06", "Xây dựng, sửa đổi quy ước của bản", 30, 100, "in_progress", 30),
    ("ban-mau-06", "Vận động hộ làm nhà tiêu hợp vệ sinh", 150, 300, "in_progress", 40),
)
FRONT_COMMENT = ("Ban Thường trực Ủy ban MTTQ xã đề nghị bản cho biết đã có bao nhiêu hộ đăng ký "
                 "tham gia; Mặt trận sẽ phối hợp tuyên truyền đến các hộ còn lại.")


def demo_today(year: int) -> date:
    """The day the demo is true on: DEMO_TODAY (a date or dd/mm/yyyy… ISO text) when set —
    the tests pin it — else today in Vietnam; moved into the plan's year (same day and
    month) when today is in another."""
    from flask import current_app

    from app.core.vietnamese import today

    asked = current_app.config.get("DEMO_TODAY")
    day = (asked if isinstance(asked, date) else date.fromisoformat(asked)) if asked else today()
    if day.year != year:
        day = date(year, day.month, min(day.day, 28) if day.month == 2 else day.day)
    return day


def load_demo_content(year: int, scale: int = 1, day: Optional[date] = None,
                      cast: Cast = BINH_LU) -> int:
    """Sample milestones in every unit's plan, and once a period has ended by `day`, each
    village's own (how far along as of `day`) and a few dated from it in every state; with
    scale > 1, extra sample villages too, so budgets are measured on a data set larger than
    a real commune's. Idempotent."""
    commune = db.session.scalar(Plan.commune_plan_stmt(year))
    if commune is None or db.session.scalar(select(func.count(Milestone.id))):
        return 0
    from app.plans.loader import ensure_unit_plan

    day = day or demo_today(year)
    root = commune.unit
    started = _started(year, day)
    villages = db.session.scalar(select(func.count(Unit.id)).where(Unit.kind == "village"))
    for n in range(villages + 1, villages * scale + 1):
        db.session.add(Unit(slug=f"ban-mau-{n:02d}", name=f"Bản mẫu {n:02d}",
                            short_name=f"Bản mẫu {n:02d}", kind="village",
                            parent_id=root.id, sort_order=100 + n))
    db.session.flush()
    count = 0
    plans = {}
    for unit in db.session.scalars(select(Unit).where(Unit.archived_at.is_(None))):
        plan = plans[unit.slug] = ensure_unit_plan(commune, unit)
        db.session.flush()
        for rep in range(scale):
            for title, s, e, status, progress in SAMPLE_MILESTONES:
                suffix = f" (đợt {rep + 1})" if rep else ""
                if status != "done" and date(year, 1, 1) + timedelta(days=e) < day:
                    status, progress = "done", 100
                _milestone(plan, title + suffix, date(year, 1, 1), s, e, status, progress)
                count += 1
    for part, title, s, e, status, progress in VILLAGE_MILESTONES if started else ():
        if cast.slug(part) in plans:
            status, progress = _as_of(date(year, 1, 1), s, e, status, progress, day)
            _milestone(plans[cast.slug(part)], cast.say(title), date(year, 1, 1), s, e, status,
                       progress)
            count += 1
    for part, title, s, e, status, progress in STATE_MILESTONES if started else ():
        if cast.slug(part) in plans:
            _milestone(plans[cast.slug(part)], cast.say(title), day, s, e, status, progress)
            count += 1
    record("demo.content", "milestone", None, after={"milestones": count, "scale": scale})
    return count


def _as_of(first, start, due, status, progress, day):
    """How a village's milestone stands on the demo's day: not begun before its start (or
    never, if it never is), on its way until it is due, then as it ended."""
    if day < first + timedelta(days=start) or status == "not_started":
        return "not_started", 0
    if day <= first + timedelta(days=due):
        share = (day - first - timedelta(days=start)).days * 100 // max(due - start, 1)
        return "in_progress", min(progress, share // 10 * 10)
    return status, progress


def _milestone(plan, title, day, start, due, status, progress):
    db.session.add(Milestone(plan_id=plan.id, unit_id=plan.unit_id, title=title,
                             owner="Trưởng đơn vị", start_on=day + timedelta(days=start),
                             due_on=day + timedelta(days=due), status=status, progress=progress))


def _started(year: int, day: date) -> bool:
    """Whether a reporting period of the year has ended by `day`: before that (the first
    days of January) the demo is the plan and its milestones alone."""
    from app.reports.calendar import year_calendar

    return any(spec.ends_on < day for spec in year_calendar(year))


def load_front_comment(day: date, cast: Cast = BINH_LU) -> bool:
    """The Front's supervision question on a village's work, not yet answered."""
    from app.comments import service as comments
    from app.comments.models import Comment

    mttq = db.session.scalar(select(User).where(User.username == cast.username("mttq")))
    m = db.session.scalar(select(Milestone).join(Unit, Unit.id == Milestone.unit_id).where(
        Unit.slug == cast.slug("ban-mau-01"), Milestone.title == SAMPLE_MILESTONES[2][0]))
    if mttq is None or m is None or db.session.scalar(
            select(Comment.id).where(Comment.author_id == mttq.id).limit(1)) \
            or not _started(day.year, day):
        return False
    c, _again = comments.post("milestone", m.id, unit_id=m.unit_id, body=cast.say(FRONT_COMMENT),
                              user=mttq)
    c.created_at = datetime.combine(day - timedelta(days=2), time(2))  # 09:00 in Vietnam
    return True


def load_story(year: int, scale: int = 1, cast: Cast = BINH_LU) -> date:
    """The whole demo as of its day: milestones, the reports, the Front's question, then
    the review of the ended half-year and the proposal (app/emulation/demo.py); played by
    the commune's cast (app/demo_cast.py)."""
    from app.emulation.demo import load_demo
    from app.reports.demo import load_reports

    day = demo_today(year)
    load_demo_content(year, scale=scale, day=day, cast=cast)
    load_reports(year, day, cast=cast)
    load_front_comment(day, cast=cast)
    load_demo(year, day, cast=cast)
    return day
