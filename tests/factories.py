"""Records a test makes for itself, so it says what it needs instead of leaning on the
demo's names. Each factory adds to the session and flushes (ids are known), inside the
caller's app context; the caller commits. Names are unique per call."""
import io
import itertools
from datetime import date, timedelta

from PIL import Image
from sqlalchemy import func, select

from app.auth.models import User, username_key
from app.core.extensions import db
from app.emulation.models import AwardTitle, Proposal
from app.evidence import service as evidence_service
from app.evidence.models import EvidenceFile
from app.evidence.owners import OWNERS
from app.milestones.models import Milestone
from app.plans.models import Plan
from app.reports.models import Report, ReportingPeriod, period_unit
from app.units.models import Unit
from app.core.vietnamese import today

PASSWORD = "mật khẩu thử 2026"
_n = itertools.count(1)


def unit(kind="village", name=None, **fields) -> Unit:
    n = next(_n)
    made = Unit(slug=f"don-vi-thu-{n}", name=name or f"Đơn vị thử {n}", kind=kind,
                sort_order=1000 + n, **fields)
    db.session.add(made)
    db.session.flush()
    return made


def user(of_unit=None, roles=("editor",), password=PASSWORD, **fields) -> User:
    """An account; sign in with login(u.username, factories.PASSWORD)."""
    n = next(_n)
    name = fields.pop("username", f"nguoi-thu-{n}")
    made = User(username=name, username_key=username_key(name),
                full_name=fields.pop("full_name", f"Người thử {n}"),
                unit_id=of_unit.id if of_unit is not None else None, **fields)
    made.roles = set(roles)
    made.set_password(password)
    db.session.add(made)
    db.session.flush()
    return made


def unit_plan(of_unit, year=2026) -> Plan:
    """The unit's implementation plan under the commune plan of `year`."""
    commune = db.session.scalar(select(Plan).where(Plan.year == year, Plan.parent_id.is_(None)))
    found = db.session.scalar(select(Plan).where(Plan.parent_id == commune.id,
                                                 Plan.unit_id == of_unit.id))
    if found is None:
        found = Plan(year=year, parent_id=commune.id, unit_id=of_unit.id,
                     title=f"Kế hoạch của {of_unit.name}")
        db.session.add(found)
        db.session.flush()
    return found


def milestone(of_unit, title=None, due_on=None, status="not_started", **fields) -> Milestone:
    n = next(_n)
    made = Milestone(plan_id=unit_plan(of_unit).id, unit_id=of_unit.id,
                     title=title or f"Nhiệm vụ thử {n}", due_on=due_on or date(2026, 12, 31),
                     status=status, **fields)
    db.session.add(made)
    db.session.flush()
    return made


def period(year=2026, units=()) -> ReportingPeriod:
    """An ad-hoc reporting period of `year` that `units` must report on."""
    number = (db.session.scalar(select(func.max(ReportingPeriod.number)).where(
        ReportingPeriod.year == year, ReportingPeriod.kind == "adhoc")) or 0) + 1
    made = ReportingPeriod(year=year, kind="adhoc", number=number,
                           subject=f"Báo cáo thử {next(_n)}", starts_on=date(year, 11, 1),
                           ends_on=date(year, 11, 30), deadline=date(year, 12, 5))
    db.session.add(made)
    db.session.flush()
    for u in units:
        db.session.execute(period_unit.insert().values(period_id=made.id, unit_id=u.id))
    return made


def report(of_unit, status="draft", **fields) -> Report:
    """The unit's report on a period of its own."""
    made = Report(unit_id=of_unit.id, period_id=period(units=[of_unit]).id, status=status,
                  **fields)
    db.session.add(made)
    db.session.flush()
    return made


def proposal(of_unit, status="proposed", year=2026, **fields) -> Proposal:
    """A commendation proposal for the unit as a collective, for the first award title."""
    title = db.session.scalar(select(AwardTitle).order_by(AwardTitle.id).limit(1))
    made = Proposal(year=year, nominee_kind="collective", unit_id=of_unit.id,
                    title_id=title.id, achievements=f"Thành tích thử {next(_n)}", status=status,
                    **fields)
    db.session.add(made)
    db.session.flush()
    return made


def picture() -> bytes:
    """A small PNG of a colour of its own: each one a content of its own."""
    n = next(_n)
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (n % 256, n // 256 % 256, 90)).save(out, "PNG")
    return out.getvalue()


def evidence(owner_key: str, record, by: User) -> EvidenceFile:
    """A picture attached to the record (of kind "milestone", "report", "model", "proposal")
    the way the attach form does it: the record must still be open."""
    made, _again = evidence_service.attach(OWNERS[owner_key], record, picture(),
                                           f"anh-{next(_n)}.png", None, by)
    return made


def date_the_open_milestones(late_title="Sơ kết 6 tháng phong trào thi đua") -> None:
    """The app reads due dates against the real day, the demo's sample milestones are dated
    from 1 January: a test that counts late ones first dates every open milestone from today,
    those titled `late_title` due yesterday, the others in a month."""
    day = today()
    for m in db.session.scalars(select(Milestone)
                                .where(Milestone.status.not_in(("done", "cancelled")))):
        m.due_on = day - timedelta(days=1) if m.title == late_title else day + timedelta(days=30)
        if m.start_on is not None and m.start_on > m.due_on:
            m.start_on = m.due_on
