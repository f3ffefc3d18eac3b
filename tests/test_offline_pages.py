"""Which pages a phone keeps for no signal (issues 20 and 21), through the test client: the
person's own pages only, the evidence pages of their unit's open milestones among them (a
photo of the work is taken where there is no signal), in few SQL statements."""
import re
from datetime import timedelta

from sqlalchemy import select

from app.core.extensions import db
from app.milestones.models import Milestone
from app.offline.keeping import OPEN_MILESTONES_KEPT
from app.units.models import Unit
from app.core.vietnamese import today
from tests import factories

FILES = re.compile(r"/milestones/(\d+)/files")


def open_milestones(app, slug):
    """The unit's open milestones, given distinct due dates from today; ids soonest first."""
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.slug == slug))
        for n in range(OPEN_MILESTONES_KEPT + 2):
            factories.milestone(unit, title=f"Việc {n}", due_on=today() + timedelta(days=40 - n))
        factories.milestone(unit, title="Đã xong", status="done", due_on=today())
        db.session.commit()
        return list(db.session.scalars(
            select(Milestone.id).where(Milestone.unit_id == unit.id,
                                       Milestone.status.not_in(("done", "cancelled")))
            .order_by(Milestone.due_on, Milestone.id)))


def test_a_village_keeps_its_open_milestones_evidence_pages_soonest_first(app, login):
    ids = open_milestones(app, "ban-mau-01")
    keep = login("ban01").get("/offline/state").get_json()["keep"]
    kept_ids = [int(m.group(1)) for u in keep if (m := FILES.fullmatch(u))]
    assert kept_ids == ids[:OPEN_MILESTONES_KEPT]
    # the page of kept pages names them in words
    html = login("ban01").get("/offline").get_data(as_text=True)
    assert "Minh chứng: " in html


def test_only_the_own_units_evidence_page_is_marked_to_keep(app, login):
    own = open_milestones(app, "ban-mau-01")[0]
    other = open_milestones(app, "ban-mau-02")[0]
    village = login("ban01")
    assert village.get(f"/milestones/{own}/files").headers.get("X-Keep")
    office = login("vhxh")  # the office may read it, but it is not the office's own page
    answer = office.get(f"/milestones/{own}/files")
    assert answer.status_code == 200 and "X-Keep" not in answer.headers
    answer = village.get(f"/milestones/{other}/files")  # another village's: read, not kept
    assert answer.status_code == 200 and "X-Keep" not in answer.headers
    # a fragment (the block after an attach) is never kept as a page
    part = village.get(f"/milestones/{own}/files", headers={"HX-Request": "true"})
    assert "X-Keep" not in part.headers


def test_the_state_and_the_kept_page_stay_in_the_sql_budget(app, login, count_queries):
    own = open_milestones(app, "ban-mau-01")[0]
    village = login("ban01")
    with count_queries() as n:
        assert village.get("/offline/state").status_code == 200
    assert n() <= 5, n()
    with count_queries() as n:
        assert village.get(f"/milestones/{own}/files").status_code == 200
    assert n() <= 10, n()
