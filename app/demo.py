"""Demo accounts and sample content, for demo mode only (never in production)."""
from datetime import date, timedelta

from sqlalchemy import func, select

from app.audit.service import record
from app.auth.models import User, username_key
from app.extensions import db
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


def load_demo_accounts() -> list[str]:
    """Create the demo accounts that are missing; return the usernames created."""
    units = {u.slug: u for u in db.session.scalars(select(Unit))}
    existing = set(db.session.scalars(select(User.username_key)))
    created = []
    for username, full_name, position, slug, roles in DEMO_ACCOUNTS:
        if username_key(username) in existing:
            continue
        user = User(username=username, username_key=username_key(username),
                    full_name=full_name, position=position,
                    unit=units.get(slug) if slug else None, is_demo=True)
        user.roles = roles
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        created.append(username)
    if created:
        db.session.flush()
        record("demo.accounts", "user", None, after={"created": created})
    return created


SAMPLE_MILESTONES = (
    ("Xây dựng và ban hành kế hoạch triển khai phong trào thi đua của đơn vị", 0, 31, "done", 100),
    ("Tổ chức phát động phong trào thi đua đến toàn thể cán bộ, Nhân dân", 15, 60, "done", 100),
    ("Sơ kết 6 tháng phong trào thi đua", 150, 185, "in_progress", 40),
    ("Tổng kết năm, đề xuất khen thưởng", 300, 345, "not_started", 0),
)


def load_demo_content(year: int, scale: int = 1) -> int:
    """Sample milestones in every unit's plan; with scale > 1, extra sample villages too, so
    budgets are measured on a data set larger than a real commune's. Idempotent."""
    commune = db.session.scalar(Plan.commune_plan_stmt(year))
    if commune is None or db.session.scalar(select(func.count(Milestone.id))):
        return 0
    from app.plans.loader import ensure_unit_plan

    root = commune.unit
    villages = db.session.scalar(select(func.count(Unit.id)).where(Unit.kind == "village"))
    for n in range(villages + 1, villages * scale + 1):
        db.session.add(Unit(slug=f"ban-mau-{n:02d}", name=f"Bản mẫu {n:02d}",
                            short_name=f"Bản mẫu {n:02d}", kind="village",
                            parent_id=root.id, sort_order=100 + n))
    db.session.flush()
    count = 0
    start = date(year, 1, 1)
    for unit in db.session.scalars(select(Unit).where(Unit.archived_at.is_(None))):
        plan = ensure_unit_plan(commune, unit)
        db.session.flush()
        for rep in range(scale):
            for title, s, e, status, progress in SAMPLE_MILESTONES:
                suffix = f" (đợt {rep + 1})" if rep else ""
                db.session.add(Milestone(
                    plan_id=plan.id, unit_id=unit.id, title=title + suffix,
                    owner="Trưởng đơn vị", start_on=start + timedelta(days=s),
                    due_on=start + timedelta(days=e), status=status, progress=progress))
                count += 1
    record("demo.content", "milestone", None, after={"milestones": count, "scale": scale})
    return count
