"""docs/design.md §5 with evidence: a page listing 20 files stays ≤ 14 KB on the wire and
≤ 10 SQL statements, with the demo data ×10 — the list reads the files' rows only, never
their content or thumbnails, which come by their own cached URLs."""
import re

import pytest
from sqlalchemy import insert, select

from app.auth.models import User
from app.emulation.models import Proposal
from app.evidence import service
from app.evidence.owners import OWNERS
from app.core.extensions import db
from app.milestones.models import Milestone
from app.reports.models import Report, period_unit
from tests.conftest import Client
from tests.conftest import PAGE_SQL_BUDGET, REPEAT_VISIT_BYTES, wire_bytes
from tests.factories import photo
from tests.factories import make_records

FILES = 20


def _twenty_files(app) -> dict:
    ids = make_records(app, ["ban-mau-01"])["ban-mau-01"]
    with app.app_context():
        head = db.session.scalar(select(User).where(User.username == "ban01"))
        report = db.session.get(Report, ids["report"])
        db.session.execute(insert(period_unit).values(period_id=report.period_id,
                                                      unit_id=report.unit_id))
        records = {"milestone": db.session.get(Milestone, ids["milestone"]), "report": report,
                   "proposal": db.session.get(Proposal, ids["proposal"])}
        for kind, record in records.items():
            for n in range(FILES - 1):  # make_records attached one already
                service.attach(OWNERS[kind], record, photo(200 + n, 150, secret=b""),
                               f"Ảnh hiện trường số {n + 1} của {kind}.jpg", None, head)
        db.session.commit()
        period_id = report.period_id
        db.session.remove()
    return {"milestone": f"/milestones/{ids['milestone']}/files",
            "report": f"/units/ban-mau-01/reports/{period_id}",
            "proposal": f"/emulation/proposals/{ids['proposal']}"}


@pytest.mark.parametrize("username", ["ban01", "vhxh"])
def test_a_page_listing_twenty_files_keeps_the_budgets(app_x10, username, count_queries):
    pages = _twenty_files(app_x10)
    c = Client(app_x10)
    assert c.login(username).status_code == 302
    measured = {}
    for kind, url in pages.items():
        with count_queries(app_x10) as n:
            response = c.get(url, headers={"Accept-Encoding": "br, gzip"})
        assert response.status_code == 200, (url, response.status_code)
        html = c.get(url).get_data(as_text=True)
        assert len(re.findall(r'<img src="[^"]*/thumb\.webp\?v=[0-9a-f]{12}"', html)) == FILES, url
        # images on the page are thumbnails only: an original is fetched on a tap
        assert all("/thumb.webp?v=" in src for src in re.findall(r'<img src="([^"]+)"', html))
        measured[kind] = (n(), wire_bytes(response))
        assert n() <= PAGE_SQL_BUDGET, (url, n())
        assert wire_bytes(response) <= REPEAT_VISIT_BYTES, (url, wire_bytes(response))
    print(username, measured)
    assert len(measured) == 3
