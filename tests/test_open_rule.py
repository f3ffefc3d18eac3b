"""One "is this record still open" per kind of record (issue 27): a closed year's milestone
and plan, an accepted report, a decided proposal refuse every way of changing them — their
own service's, evidence files', what the offline outbox replays (the same requests) — with
the record's own reason, store nothing, and their pages offer no form for the change.

A good model has no closed state (GoodModel.closed_reason) and comments are not changes to
the record they follow (the office comments on a sent report), so neither is in the table.
"""
import io
from dataclasses import dataclass
from datetime import date
from typing import Callable

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.auth.models import User
from app.core.extensions import db
from app.emulation.models import Proposal
from app.evidence.models import EvidenceBlob, EvidenceFile
from app.milestones.models import Milestone
from app.plans.models import Plan, PlanSection
from app.reports.models import Report
from app.units.models import Unit
from tests import factories

SLUG = "ban-mau-01"  # ban01 edits it; vhxh is the office, chutich the chair
YEAR_CLOSED = "Kế hoạch năm 2026 đã khóa sổ"
REPORT_CLOSED = "Báo cáo đã được duyệt nên đã khóa"
PROPOSAL_CLOSED = "Đề nghị đã kết thúc"
ATTACH_FORM = 'class="ev-add"'


def _person(name) -> User:
    return db.session.scalar(select(User).where(User.username == name))


def _closed_milestone(app, login):
    """A 2026 milestone with a file, then the office starts 2027."""
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.slug == SLUG))
        # the soonest due of the unit's milestones still to do: the first page a phone keeps
        m = factories.milestone(unit, status="in_progress", due_on=date(2026, 1, 1))
        f = factories.evidence("milestone", m, _person("ban01"))
        s = db.session.scalar(select(PlanSection).where(PlanSection.plan_id == m.plan_id)
                              .order_by(PlanSection.id).limit(1))
        db.session.commit()
        ids = {"id": m.id, "version": m.version, "file": f.id, "section": s.id,
               "section_version": s.version}
    office = login("vhxh")
    assert office.post("/plan/new-year", {"from_year": "2026"}).status_code in (302, 303)
    with app.app_context():  # the start bumped the unit plan's version, not the milestone's
        assert db.session.get(Plan, db.session.get(Milestone, ids["id"]).plan_id).locked
    return ids


def _accepted_report(app, _login):
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.slug == SLUG))
        r = factories.report(unit, results="Kết quả đã duyệt")
        f = factories.evidence("report", r, _person("ban01"))
        r.status = "accepted"
        db.session.commit()
        return {"id": r.id, "version": r.version, "period": r.period_id, "file": f.id}


def _decided_proposal(app, _login):
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.slug == SLUG))
        p = factories.proposal(unit)
        f = factories.evidence("proposal", p, _person("vhxh"))
        p.status, p.decision_number = "decided", "125/QĐ-UBND"
        db.session.commit()
        return {"id": p.id, "version": p.version, "unit": p.unit_id, "title": p.title_id,
                "file": f.id}


def _file(data=None):
    return {"file": (io.BytesIO(data or factories.picture()), "moi.png")}


def _multipart(c, url, fields):
    return c.post(url, data=fields, content_type="multipart/form-data")


@dataclass(frozen=True)
class Change:
    kind: str
    name: str
    who: str
    send: Callable      # (client, ids) → response
    page: Callable      # ids → (url, headers): where the record's form for it would be
    absent: Callable    # ids → what that page must not hold
    reason: str


def _row(ids):
    return f"/milestones/{ids['id']}", {"HX-Request": "true", "HX-Target": f"m-{ids['id']}"}


def _ms_files(ids):
    return f"/milestones/{ids['id']}/files", {}


def _section(ids):
    return (f"/units/{SLUG}/sections/{ids['section']}",
            {"HX-Request": "true", "HX-Target": f"sec-{ids['section']}"})


def _report_page(ids):
    return f"/units/{SLUG}/reports/{ids['period']}", {}


def _proposal_page(ids):
    return f"/emulation/proposals/{ids['id']}", {}


def _report_url(ids, tail=""):
    return f"/units/{SLUG}/reports/{ids['period']}{tail}"


def _p(ids, tail):
    return f"/emulation/proposals/{ids['id']}{tail}"


CHANGES = [
    # a closed year's milestone
    Change("milestone", "status", "ban01",
           lambda c, i: c.post(f"/milestones/{i['id']}/status",
                               {"status": "done", "version": i["version"]}),
           _row, lambda i: [f"/milestones/{i['id']}/status"], YEAR_CLOSED),
    Change("milestone", "edit", "ban01",
           lambda c, i: c.post(f"/milestones/{i['id']}/edit",
                               {"title": "Sửa năm cũ", "status": "in_progress",
                                "progress": "50", "version": i["version"]}),
           _row, lambda i: [f"/milestones/{i['id']}/edit"], YEAR_CLOSED),
    Change("milestone", "delete", "ban01",
           lambda c, i: c.post(f"/milestones/{i['id']}/delete", {"version": i["version"]}),
           _row, lambda i: [f"/milestones/{i['id']}/delete"], YEAR_CLOSED),
    Change("milestone", "attach", "ban01",
           lambda c, i: _multipart(c, f"/milestones/{i['id']}/files", _file()),
           _ms_files, lambda i: [ATTACH_FORM], YEAR_CLOSED),
    Change("milestone", "remove", "ban01",
           lambda c, i: c.post(f"/evidence/milestone/{i['file']}/remove"),
           _ms_files, lambda i: [f"/evidence/milestone/{i['file']}/remove"], YEAR_CLOSED),
    Change("milestone", "restore", "vhxh",
           lambda c, i: c.post(f"/evidence/milestone/{i['file']}/restore"),
           _ms_files, lambda i: [f"/evidence/milestone/{i['file']}/restore"], YEAR_CLOSED),
    # the unit's plan of a closed year
    Change("plan", "edit", "ban01",
           lambda c, i: c.post(f"/units/{SLUG}/sections/{i['section']}/edit",
                               {"body": "Sửa năm cũ", "version": i["section_version"]}),
           _section, lambda i: [f"/sections/{i['section']}/edit"], YEAR_CLOSED),
    # an accepted report
    Change("report", "edit", "ban01",
           lambda c, i: c.post(_report_url(i), {"results": "Sửa", "version": i["version"],
                                                "draft_token": "t1"}),
           _report_page, lambda i: ['id="report-form"', _report_url(i, '"')], REPORT_CLOSED),
    Change("report", "autosave", "ban01",
           lambda c, i: c.post(_report_url(i, "/draft"), {"results": "Sửa",
                                                          "version": i["version"],
                                                          "draft_token": "t1"}, htmx=True),
           _report_page, lambda i: [_report_url(i, "/draft")], REPORT_CLOSED),
    Change("report", "status", "ban01",
           lambda c, i: c.post(_report_url(i, "/submit"), {"results": "Gửi lại",
                                                           "version": i["version"],
                                                           "draft_token": "t1"}),
           _report_page, lambda i: [_report_url(i, "/submit")], REPORT_CLOSED),
    Change("report", "upload", "ban01",
           lambda c, i: _multipart(c, _report_url(i, "/upload"), _file(b"PK\x03\x04")),
           _report_page, lambda i: [_report_url(i, "/upload")], REPORT_CLOSED),
    Change("report", "attach", "ban01",
           lambda c, i: _multipart(c, f"/reports/{i['id']}/files", _file()),
           _report_page, lambda i: [ATTACH_FORM], REPORT_CLOSED),
    Change("report", "remove", "ban01",
           lambda c, i: c.post(f"/evidence/report/{i['file']}/remove"),
           _report_page, lambda i: [f"/evidence/report/{i['file']}/remove"], REPORT_CLOSED),
    # a decided proposal
    Change("proposal", "edit", "vhxh",
           lambda c, i: c.post(_p(i, "/edit"), {"nominee_kind": "collective",
                                                "unit_id": i["unit"], "title_id": i["title"],
                                                "achievements": "Sửa", "version": i["version"]}),
           _proposal_page, lambda i: [_p(i, "/edit")], PROPOSAL_CLOSED),
    Change("proposal", "status", "vhxh",
           lambda c, i: c.post(_p(i, "/send"), {"version": i["version"]}),
           _proposal_page, lambda i: [_p(i, "/send")], PROPOSAL_CLOSED),
    Change("proposal", "close vote", "vhxh",
           lambda c, i: c.post(_p(i, "/close"), {"version": i["version"]}),
           _proposal_page, lambda i: [_p(i, "/close")], PROPOSAL_CLOSED),
    Change("proposal", "decide", "chutich",
           lambda c, i: c.post(_p(i, "/decide"), {"decision_number": "126/QĐ-UBND",
                                                  "decision_date": "07/12/2026",
                                                  "version": i["version"]}),
           _proposal_page, lambda i: [_p(i, "/decide")], PROPOSAL_CLOSED),
    Change("proposal", "links", "vhxh",
           lambda c, i: c.post(_p(i, "/evidence"), {}),
           _proposal_page, lambda i: [_p(i, '/evidence"')], PROPOSAL_CLOSED),
    Change("proposal", "attach", "vhxh",
           lambda c, i: _multipart(c, _p(i, "/files"), _file()),
           _proposal_page, lambda i: [ATTACH_FORM], PROPOSAL_CLOSED),
    Change("proposal", "remove", "vhxh",
           lambda c, i: c.post(f"/evidence/proposal/{i['file']}/remove"),
           _proposal_page, lambda i: [f"/evidence/proposal/{i['file']}/remove"],
           PROPOSAL_CLOSED),
]
CLOSE = {"milestone": _closed_milestone, "plan": _closed_milestone,
         "report": _accepted_report, "proposal": _decided_proposal}
MODEL = {"milestone": Milestone, "plan": PlanSection, "report": Report, "proposal": Proposal}


def _stored(app, kind, ids) -> tuple:
    """Everything a change could have written: the record's row, its files, every stored
    file content and the audit log."""
    with app.app_context():
        model = MODEL[kind]
        key = ids["section"] if kind == "plan" else ids["id"]
        row = db.session.execute(select(model.__table__).where(model.id == key)).one()
        files = db.session.execute(select(EvidenceFile.id, EvidenceFile.removed_at)
                                   .order_by(EvidenceFile.id)).all()
        blobs = db.session.scalar(select(func.count(EvidenceBlob.id)))
        audit = db.session.scalar(select(func.max(AuditEvent.id)))
        return tuple(row), files, blobs, audit


@pytest.mark.parametrize("change", CHANGES, ids=lambda ch: f"{ch.kind}-{ch.name}")
def test_a_closed_record_refuses_the_change_and_offers_no_form_for_it(app, login, change):
    ids = CLOSE[change.kind](app, login)
    c = login(change.who)  # signing in is logged too: before the record's state is read
    before = _stored(app, change.kind, ids)
    r = change.send(c, ids)
    body = r.get_data(as_text=True)
    assert 400 <= r.status_code < 500, (r.status_code, body[:300])
    assert change.reason in body
    assert _stored(app, change.kind, ids) == before
    url, headers = change.page(ids)
    page = c.get(url, headers=headers)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert not [marker for marker in change.absent(ids) if marker in html]
    if change.name in ("attach", "remove"):
        assert change.reason in html  # the page says why it offers no form


@pytest.mark.parametrize("kind", ["milestone", "report", "proposal"])
def test_the_same_record_open_offers_the_forms(app, login, kind):
    """The table's markers are real: while the record is open its page holds them."""
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.slug == SLUG))
        record = {"milestone": lambda: factories.milestone(unit),
                  "report": lambda: factories.report(unit),
                  "proposal": lambda: factories.proposal(unit)}[kind]()
        f = factories.evidence(kind, record, _person("vhxh"))
        db.session.commit()
        ids = {"id": record.id, "file": f.id, "period": getattr(record, "period_id", None)}
    who = "vhxh" if kind == "proposal" else "ban01"
    c = login(who)
    # closing the vote and deciding are later steps of a proposal, offered at their step
    for change in (ch for ch in CHANGES if ch.kind == kind and ch.who == who
                   and ch.name != "close vote"):
        url, headers = change.page(ids)
        html = c.get(url, headers=headers).get_data(as_text=True)
        missing = [m for m in change.absent(ids) if m not in html]
        assert not missing, (change.name, missing)


def test_every_kind_that_takes_files_states_its_own_rule():
    """Evidence asks the record's rule: a new kind of record with files must state one."""
    from app.evidence.owners import OWNERS
    assert not [o.key for o in OWNERS.values() if not hasattr(o.model, "closed_reason")]


def test_the_phone_keeps_no_evidence_page_of_a_closed_year(app, login):
    ids = _closed_milestone(app, login)
    kept = login("ban01").get("/offline/state").get_json()["keep"]
    assert f"/milestones/{ids['id']}/files" not in kept
