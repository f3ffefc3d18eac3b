"""The permission matrix (tests/authz/matrix.toml) for every evidence route, with real
requests by two people of each role on their own unit's records and on another's. The seed
has no evidence, so each unit gets a milestone, a report, a good model and a proposal with a
file on each first."""
import io
import itertools
from datetime import date

import pytest
from PIL import Image
from sqlalchemy import select

from app.auth.models import User
from app.emulation.models import AwardTitle, GoodModel, Proposal
from app.evidence import service
from app.evidence.owners import OWNERS
from app.core.extensions import db
from app.reports.models import Report, ReportingPeriod
from app.units.models import Unit
from tests import factories
from tests.test_authz_matrix import (MATRIX, NOT_CHECKED, OTHER, PEOPLE, ROLES, _ensure_people,
                                     _request, _url)

def _png(n: int) -> bytes:
    """A small picture of its own colour: each file a content of its own."""
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (n % 256, n // 256 % 256, 90)).save(out, "PNG")
    return out.getvalue()


_pictures = (_png(n) for n in itertools.count())
SLUGS = sorted({s for people in PEOPLE.values() for _u, s in people if s} | set(OTHER.values()))


def make_records(app, slugs=SLUGS) -> dict:
    """For each unit: a milestone, a draft report, a good model and a proposal of 2026, each
    with one file; returns {slug: {kind: record id}}."""
    made = {}
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        title = db.session.scalar(select(AwardTitle).order_by(AwardTitle.id).limit(1))
        period = ReportingPeriod(year=2026, kind="month", number=11, starts_on=date(2026, 11, 1),
                                 ends_on=date(2026, 11, 30), deadline=date(2026, 12, 5))
        db.session.add(period)
        db.session.flush()
        for slug in slugs:
            unit = db.session.scalar(select(Unit).where(Unit.slug == slug))
            records = {
                "milestone": factories.milestone(unit),
                "report": Report(unit_id=unit.id, period_id=period.id),
                "model": GoodModel(year=2026, unit_id=unit.id, title=f"Mô hình {slug}"),
                "proposal": Proposal(year=2026, nominee_kind="collective", unit_id=unit.id,
                                     title_id=title.id, achievements="…"),
            }
            db.session.add_all(records.values())
            db.session.flush()
            for kind, record in records.items():
                service.attach(OWNERS[kind], record, next(_pictures), f"{kind}.png", None, admin)
            made[slug] = {kind: r.id for kind, r in records.items()}
        db.session.commit()
        db.session.remove()
    return made


@pytest.mark.parametrize("role", ROLES)
def test_the_matrix_holds_on_every_evidence_route(app, login, role):
    make_records(app)
    _ensure_people(app)
    rules = [r for r in app.url_map.iter_rules()
             if r.endpoint.startswith("evidence.") or r.endpoint == "emulation.dossier"]
    assert len(rules) == 21 and not {r.endpoint for r in rules} & NOT_CHECKED
    unexpected, checked = [], 0
    for username, slug in PEOPLE[role]:
        client = login(username)
        for rule in rules:
            expected = MATRIX[rule.endpoint][role]
            own_url = _url(app, rule, slug or "ubnd-xa")
            other_url = _url(app, rule, OTHER[slug])
            for scope, url in (("own", own_url), ("other", other_url)):
                assert url is not None, (rule.endpoint, scope)
                response = _request(client, rule, url)
                assert response.status_code != 404, (rule.endpoint, url)
                allowed = expected == "any" or (expected == "own" and scope == "own")
                denied = response.status_code == 403
                checked += 1
                if allowed == denied:
                    unexpected.append(f"{username} {rule.endpoint} ({scope}): {response.status_code}")
    assert checked == 2 * 2 * len(rules)
    assert unexpected == []


def test_a_file_is_served_only_through_its_own_kind(app, login):
    # a report's file asked for through the milestone routes (which every editor may read)
    ids = make_records(app, ["ban-mau-02"])["ban-mau-02"]
    with app.app_context():
        from app.evidence.models import EvidenceFile
        report_file = db.session.scalar(select(EvidenceFile.id).where(
            EvidenceFile.owner_kind == "report", EvidenceFile.owner_id == ids["report"]))
    c = login("ban01")
    assert c.get(f"/evidence/report/{report_file}").status_code == 403
    assert c.get(f"/evidence/milestone/{report_file}").status_code == 404
    assert c.get(f"/evidence/milestone/{report_file}/thumb.webp").status_code == 404
