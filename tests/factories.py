"""Records a test makes for itself, so it says what it needs instead of leaning on the
demo's names. Each factory adds to the session and flushes (ids are known), inside the
caller's app context; the caller commits. Names are unique per call."""
import io
import itertools
import re
import zipfile
from datetime import date, datetime, timedelta, timezone

from docx import Document
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import func, insert, select

from app.auth.models import User, username_key
from app.core.extensions import db
from app.core.vietnamese import format_number, parse_number, today
from app.emulation.models import AwardTitle, GoodModel, Proposal, Review
from app.evidence import service
from app.evidence.models import EvidenceFile
from app.evidence.owners import OWNERS
from app.milestones.models import Milestone
from app.plans.models import Indicator, IndicatorValue, Plan
from app.reports import services, xlsx
from app.reports.models import Report, ReportingPeriod, period_unit
from app.units.models import Unit
from tests.authz.routes import OTHER, PEOPLE

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
    """An account; sign in with login(u.username, PASSWORD)."""
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
    made, _again = service.attach(OWNERS[owner_key], record, picture(),
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



# ---- reports: a year's periods, reports filled, sent, accepted and returned ----

YEAR = 2026


def generate(app, year=YEAR):
    with app.app_context():
        services.generate_year(year)
        db.session.commit()
        db.session.remove()


def period_id(app, kind="month", number=1, year=YEAR):
    with app.app_context():
        return db.session.scalar(select(ReportingPeriod.id).where(
            ReportingPeriod.year == year, ReportingPeriod.kind == kind,
            ReportingPeriod.number == number))




def ask_contributors(app, how):
    """Have an indicator's contributors report their own figure, counted as `combine`
    (issue 16: the demo plan asks a village only for the few figures it has): {code: combine}."""
    with app.app_context():
        for code, combine in how.items():
            ind = db.session.scalar(select(Indicator).where(Indicator.code == code))
            ind.combine = combine
            ind.reporters = [] if combine == "lead" else list(ind.contributors)
        db.session.commit()
        db.session.remove()


# the figures these tests have villages report: a grain amount adds up over the villages, a
# rate is the newest one given
VILLAGE_COMBINE = {"III.2-03": "sum", "III.2-04": "latest", "III.3-07": "latest"}


def report_url(slug, pid, action=""):
    return f"/units/{slug}/reports/{pid}" + (f"/{action}" if action else "")


def text_of(response):
    return response.get_data(as_text=True)


def form_state(html):
    """The report form's hidden version and token, and every box's name → value."""
    version = re.search(r'name="version" id="report-version" value="(\d*)"', html).group(1)
    token = re.search(r'name="draft_token" type="hidden" value="([0-9a-f]*)"', html).group(1)
    boxes = dict(re.findall(r'<input[^>]*name="(v_\d+)"[^>]*value="([^"]*)"', html))
    boxes.update(re.findall(r'<textarea[^>]*name="([a-z_0-9]+)"[^>]*>\r?\n?([^<]*)</textarea>', html))
    return version, token, boxes


def fill(client, slug, pid, figures=None, **sections):
    """A complete post of the report form as the page shows it, with changes."""
    html = text_of(client.get(report_url(slug, pid)))
    version, token, boxes = form_state(html)
    data = {**boxes, "version": version, "draft_token": token}
    data.update(sections)
    for ind, value in (figures or {}).items():
        data[f"v_{ind}"] = value
    return data


def submit(client, slug, pid, figures=None, **sections):
    sections.setdefault("results", "Kết quả tháng: trồng mới 5 ha rừng.")
    return client.post(report_url(slug, pid, "submit"), fill(client, slug, pid, figures, **sections))


def review_version(client, slug, pid):
    html = text_of(client.get(report_url(slug, pid)))
    return re.search(r'/reports/(\d+)/accept".*?name="version" value="(\d+)"', html, re.S).groups()


def accept(client, slug, pid):
    rid, version = review_version(client, slug, pid)
    return client.post(f"/reports/{rid}/accept", {"version": version})


def return_(client, slug, pid, comment):
    rid, version = review_version(client, slug, pid)
    return client.post(f"/reports/{rid}/return", {"version": version, "comment": comment})


# ---- thi đua: the year report, proposals, the council ----

# Bản mẫu 01's own rates (all in %): six meet the commune's target and health insurance is
# within 10 % of it ("at risk", half credit) → 6,5/7 × 40 = 37,14 points
VILLAGE_RATES = {"III.2-04": "60", "III.2-10": "63", "III.3-06": "15,2", "III.3-07": "90",
                   "III.3-08": "95", "III.3-09": "100", "III.3-10": "100"}


def year_period(app, slugs=("ban-mau-01",)) -> int:
    """The 2026 year period (15/12/2025–14/12/2026) with its deadline still ahead, so a
    report sent now is on time whatever day the tests run."""
    with app.app_context():
        period = ReportingPeriod(year=YEAR, kind="year", number=1, starts_on=date(2025, 12, 15),
                                 ends_on=date(2026, 12, 14),
                                 deadline=today() + timedelta(days=30))
        db.session.add(period)
        db.session.flush()
        units = db.session.scalars(select(Unit.id).where(Unit.slug.in_(slugs))).all()
        db.session.execute(insert(period_unit), [{"period_id": period.id, "unit_id": u}
                                                 for u in units])
        db.session.commit()
        return period.id


def indicator_ids(app) -> dict:
    with app.app_context():
        return dict(db.session.execute(select(Indicator.code, Indicator.id)).all())


def accept_year_report(app, period_id, slug="ban-mau-01", figures=None, good_models=""):
    """The village's year report, sent now and accepted with its figures (as the office's
    acceptance writes them)."""
    figures = VILLAGE_RATES if figures is None else figures
    ids = indicator_ids(app)
    now = datetime.now(timezone.utc)
    with app.app_context():
        unit_id = db.session.scalar(select(Unit.id).where(Unit.slug == slug))
        report = Report(unit_id=unit_id, period_id=period_id, status="accepted",
                        results="Hoàn thành các chỉ tiêu của bản.", good_models=good_models,
                        difficulties="", proposals="", next_tasks="", figures_draft="",
                        submitted_at=now, reviewed_at=now)
        db.session.add(report)
        db.session.flush()
        for code, text in figures.items():
            db.session.add(IndicatorValue(indicator_id=ids[code], period_id=period_id,
                                          unit_id=unit_id, value=parse_number(text),
                                          report_id=report.id))
        db.session.commit()
        return report.id


def one(app, stmt):
    with app.app_context():
        return db.session.scalar(stmt)


def year_review(app, login, period=True):
    """vhxh opens the year review and scores every unit; returns the review id."""
    if period:
        # the village is asked for the rates it reports: a unit is scored only on those
        ask_contributors(app, {code: "latest" for code in VILLAGE_RATES})
        pid = year_period(app)
        accept_year_report(app, pid)
    vhxh = login("vhxh")
    r = vhxh.post(f"/emulation/reviews/new?year={YEAR}", {"kind": "year"})
    assert r.status_code == 303, r.get_data(as_text=True)[:300]
    review_id = one(app, select(Review.id).where(Review.year == YEAR, Review.kind == "year"))
    assert vhxh.post(f"/emulation/reviews/{review_id}/score", {}).status_code == 303
    return review_id, vhxh


def title_id(app, name):
    return one(app, select(AwardTitle.id).where(AwardTitle.name == name))




def propose(app, client, name="Giấy khen của Chủ tịch UBND xã", slug="ban-mau-01", **extra):
    data = {"nominee_kind": "collective", "unit_id": str(unit_id(app, slug)),
            "title_id": str(title_id(app, name)),
            "achievements": "Hoàn thành tốt nhiệm vụ năm 2026; bản văn hóa tiêu biểu.", **extra}
    r = client.post(f"/emulation/proposals/new?year={YEAR}", data)
    assert r.status_code == 303, r.get_data(as_text=True)[:500]
    return int(r.headers["Location"].rsplit("/", 1)[1])


def proposal_version(app, pid):
    return str(one(app, select(Proposal.version).where(Proposal.id == pid)))


def to_council(app, login, pid):
    assert login("vhxh").post(f"/emulation/proposals/{pid}/send",
                              {"version": proposal_version(app, pid)}).status_code == 303


def passed(app, login, office, **propose_args):
    """A proposal drawn up by `office`, sent to the council, voted for by the chair and the
    office, and passed: waiting for the chair's decision."""
    pid = propose(app, office, **propose_args)
    to_council(app, login, pid)
    for who in ("chutich", "vhxh"):
        login(who).post(f"/emulation/proposals/{pid}/vote", {"vote": "yes"})
    office.post(f"/emulation/proposals/{pid}/close", {"version": proposal_version(app, pid)})
    return pid


# ---- evidence files: a photo, a PDF, a .docx, sent to a milestone ----

def _one_page_pdf() -> bytes:
    """The smallest PDF a reader opens: one blank A4 page, its cross-reference table right."""
    objects = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Count 1/Kids[3 0 R]>>",
               b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj" % n + body + b"endobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % at for at in offsets)
    out += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


PDF = _one_page_pdf()


def photo(w=4000, h=3000, fmt="JPEG", secret=b"", **options) -> bytes:
    """A noisy picture (so it does not compress to nothing), with EXIF naming the phone and
    where it was, as a phone writes them."""
    im = Image.effect_noise((w // 40 + 1, h // 40 + 1), 60).convert("RGB").resize(
        (w, h), Image.Resampling.BICUBIC)
    exif = Image.Exif()
    exif[0x010F] = "MAY-CHUP-BI-MAT"   # Make
    exif[0x8825] = {1: "N", 2: (22.0, 23.0, 1.5), 3: "E", 4: (103.0, 28.0, 2.5)}  # GPS
    out = io.BytesIO()
    im.save(out, fmt, exif=exif.tobytes(), **options)
    return out.getvalue() + secret


def docx_bytes(extra=None) -> bytes:
    d = Document()
    d.add_paragraph("Biên bản họp thôn")
    out = io.BytesIO()
    d.save(out)
    if not extra:
        return out.getvalue()
    src, again = zipfile.ZipFile(io.BytesIO(out.getvalue())), io.BytesIO()
    with zipfile.ZipFile(again, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            zf.writestr(info, src.read(info))
        for name, data in extra.items():
            zf.writestr(name, data)
    return again.getvalue()


def own_milestone(app, slug="ban-mau-01") -> int:
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.slug == slug))
        return db.session.scalar(select(Milestone.id).where(Milestone.unit_id == unit.id)
                                 .order_by(Milestone.id).limit(1))


def send(c, url, data, name, htmx=False, token=None):
    fields = {"file": (io.BytesIO(data), name)}
    if token:
        fields["token"] = token
    return c.post(url, data=fields, htmx=htmx, content_type="multipart/form-data",
                  headers={"HX-Target": "evidence-block"} if htmx else None)


def files_of(app, milestone_id, removed=False):
    with app.app_context():
        stmt = select(EvidenceFile).where(EvidenceFile.owner_kind == "milestone",
                                          EvidenceFile.owner_id == milestone_id)
        if not removed:
            stmt = stmt.where(EvidenceFile.removed_at.is_(None))
        found = list(db.session.scalars(stmt.order_by(EvidenceFile.id)))
        db.session.expunge_all()
        return found


# ---- accounts ----

def unit_id(app, slug):
    with app.app_context():
        return db.session.scalar(select(Unit.id).where(Unit.slug == slug))


def user_of(app, username):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        db.session.expunge_all()
        return user


# ---- a record of every kind for two villages, each with a file ----

def _png(n: int) -> bytes:
    """A small picture of its own colour: each file a content of its own."""
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (n % 256, n // 256 % 256, 90)).save(out, "PNG")
    return out.getvalue()


_pictures = (_png(n) for n in itertools.count())


SLUGS = sorted({s for people in PEOPLE.values() for _u, s in people if s} | set(OTHER.values()))


def make_records(app, slugs=SLUGS, files_each=1, by="admin") -> dict:
    """For each unit: a milestone, a draft report, a good model and a proposal of 2026, each
    with `files_each` files attached by the administrator `by`; returns
    {slug: {kind: record id}}."""
    made = {}
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.username == by))
        title = db.session.scalar(select(AwardTitle).order_by(AwardTitle.id).limit(1))
        period = ReportingPeriod(year=2026, kind="month", number=11, starts_on=date(2026, 11, 1),
                                 ends_on=date(2026, 11, 30), deadline=date(2026, 12, 5))
        db.session.add(period)
        db.session.flush()
        for slug in slugs:
            unit = db.session.scalar(select(Unit).where(Unit.slug == slug))
            records = {
                "milestone": milestone(unit),
                "report": Report(unit_id=unit.id, period_id=period.id),
                "model": GoodModel(year=2026, unit_id=unit.id, title=f"Mô hình {slug}"),
                "proposal": Proposal(year=2026, nominee_kind="collective", unit_id=unit.id,
                                     title_id=title.id, achievements="…"),
            }
            db.session.add_all(records.values())
            db.session.flush()
            for kind, record in records.items():
                for _copy in range(files_each):
                    service.attach(OWNERS[kind], record, next(_pictures), f"{kind}.png", None,
                                   admin)
            made[slug] = {kind: r.id for kind, r in records.items()}
        db.session.commit()
        db.session.remove()
    return made


# ---- report spreadsheets: the template, a filled one, uploaded ----

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(response):
    assert response.status_code == 200
    assert response.mimetype == XLSX
    return load_workbook(io.BytesIO(response.get_data()))


def template(client, slug, pid):
    return workbook(client.get(report_url(slug, pid, "template.xlsx")))


def row_of(ws, code):
    for row in ws.iter_rows(min_row=xlsx.FIRST_ROW):
        if row[0].value == code:
            return row[0].row
    raise AssertionError(code)


def upload(client, slug, pid, data: bytes):
    return client.post(report_url(slug, pid, "upload"),
                       {"file": (io.BytesIO(data), "so-lieu.xlsx")},
                       content_type="multipart/form-data")


def to_bytes(wb):
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---- milestones as the unit page shows them ----

def first_milestone(app, slug="ban-mau-01", status=None):
    with app.app_context():
        stmt = (select(Milestone).join(Unit, Unit.id == Milestone.unit_id)
                .where(Unit.slug == slug).order_by(Milestone.id))
        if status:
            stmt = stmt.where(Milestone.status == status)
        m = db.session.scalars(stmt.limit(1)).first()
        db.session.expunge(m)
        return m


def get_milestone(app, mid):
    with app.app_context():
        m = db.session.get(Milestone, mid)
        if m is not None:
            db.session.expunge(m)
        return m


def form_of(m, **changes):
    def dmy(d):
        return d.strftime("%d/%m/%Y") if d else ""
    data = {"title": m.title, "owner": m.owner, "start_on": dmy(m.start_on),
            "due_on": dmy(m.due_on), "status": m.status,
            "progress": str(m.progress), "area_id": m.area_id or "",
            "indicator_id": m.indicator_id or "", "evidence": m.evidence,
            "version": str(m.version)}
    data.update(changes)
    return data


# ---- the plan's indicators as the edit form sends them ----

FOREST = "III.2-04"  # forest cover, at least 58,39 %


def indicator_id(app, code=FOREST, year=2026):
    with app.app_context():
        return db.session.scalar(select(Indicator.id).join(Plan, Plan.id == Indicator.plan_id)
                                 .where(Indicator.code == code, Plan.year == year))


def indicator_post(app, ind_id, **changes):
    """Everything the edit form would send for the indicator as stored, plus changes."""
    with app.app_context():
        ind = db.session.get(Indicator, ind_id)

        def num(v):
            return "" if v is None else format_number(v.normalize())
        data = {"area_id": str(ind.area_id), "code": ind.code, "name": ind.name,
                "unit_of_measure": ind.unit_of_measure, "semantics": ind.semantics,
                "target": num(ind.target), "total": num(ind.total),
                "baseline": num(ind.baseline),
                "lead_unit_id": str(ind.lead_unit_id or ""),
                "contributors": [str(u.id) for u in ind.contributors],
                "reason": "", "version": str(ind.version)}
    data.update(changes)
    return data


# ---- the next year started (2026 closed) ----

def start_2027(c):
    return c.post("/plan/new-year", {"from_year": "2026"})
