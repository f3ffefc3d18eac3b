"""No lost updates (issue 3): N people save the same milestone at the same moment, on SQLite
and on PostgreSQL. Exactly one save per version wins, the others get 409 with their text
kept, nothing answers 500 and nothing says "database is locked"."""
import json
import logging
import re
import threading

import pytest
from sqlalchemy import select, update

from app.audit.models import AuditEvent
from app.audit.service import verify_chain
from app.core import tenancy
from app.core.extensions import db
from app.milestones import service
from app.milestones.models import Milestone
from app.core.locking import StaleEdit
from tests.conftest import Client
from tests.factories import first_milestone, form_of, get_milestone

N = 8
USERS = ("ban01", "vhxh", "chutich")


def signed_in(app, n, users=USERS):
    clients = []
    for i in range(n):
        c = Client(app)
        assert c.login(users[i % len(users)]).status_code == 302
        clients.append(c)
    return clients


def run_together(fns):
    """Start every fn at once (a barrier), return their results in order."""
    barrier = threading.Barrier(len(fns))
    results = [None] * len(fns)
    errors = []

    def run(i, fn):
        try:
            barrier.wait(timeout=30)
            results[i] = fn()
        except Exception as exc:  # noqa: BLE001 - reported below, never swallowed
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(fns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    return results


def updates_of(app, mid):
    with app.app_context():
        return [(json.loads(e.before), json.loads(e.after)) for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.entity == "milestone",
                                     AuditEvent.entity_id == mid,
                                     AuditEvent.action == "milestone.update")
            .order_by(AuditEvent.id))]


def test_concurrent_edits_of_one_milestone_lose_nothing(any_app, caplog):
    caplog.set_level(logging.WARNING)
    m = first_milestone(any_app)
    clients = signed_in(any_app, N)

    # round 1: everyone read version v and saves at once
    def save(i):
        return lambda: clients[i].post(f"/milestones/{m.id}/edit",
                                       data=form_of(m, title=f"Bản của người {i}",
                                                    progress=str(10 + i)))

    answers = run_together([save(i) for i in range(N)])
    codes = sorted(r.status_code for r in answers)
    assert codes == [303] + [409] * (N - 1), codes
    winner = next(i for i, r in enumerate(answers) if r.status_code == 303)
    saved = get_milestone(any_app, m.id)
    assert (saved.title, saved.progress, saved.version) == (f"Bản của người {winner}",
                                                            10 + winner, m.version + 1)
    for i, r in enumerate(answers):
        if r.status_code == 409:  # the loser's text is still in the form, beside the saved one
            html = r.get_data(as_text=True)
            assert f'value="Bản của người {i}"' in html and f"Bản của người {winner}" in html
            assert f'name="version" type="hidden" value="{m.version + 1}"' in html

    # round 2: everyone retries from what the conflict showed until their save lands
    def retry(i):
        def go():
            tries = 0
            while True:
                tries += 1
                assert tries < 100, "a save never landed"
                form = clients[i].get(f"/milestones/{m.id}/edit").get_data(as_text=True)
                version = re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)
                r = clients[i].post(f"/milestones/{m.id}/edit",
                                    data=form_of(m, title=f"Lần hai của người {i}",
                                                 progress=str(50 + i), version=version))
                if r.status_code != 409:
                    return r
        return go

    answers = run_together([retry(i) for i in range(N)])
    assert [r.status_code for r in answers] == [303] * N
    final = get_milestone(any_app, m.id)
    assert final.version == m.version + 1 + N
    assert final.title in {f"Lần hai của người {i}" for i in range(N)}

    # every save is in the log, and each one started from what the one before it left
    chain = updates_of(any_app, m.id)
    assert len(chain) == N + 1
    for (_, previous_after), (before, _) in zip(chain, chain[1:]):
        assert before == previous_after
    assert {after["title"] for _, after in chain[1:]} == {f"Lần hai của người {i}" for i in range(N)}
    assert chain[-1][1]["title"] == final.title

    assert "database is locked" not in caplog.text
    assert "unhandled error" not in caplog.text


def test_concurrent_status_taps_lose_nothing(any_app, caplog):
    caplog.set_level(logging.WARNING)
    m = first_milestone(any_app, status="in_progress")
    clients = signed_in(any_app, N)
    statuses = ("done", "paused", "cancelled", "not_started")
    answers = run_together([
        (lambda i=i: clients[i].post(f"/milestones/{m.id}/status",
                                     data={"status": statuses[i % 4], "version": m.version},
                                     htmx=True, headers={"HX-Target": f"m-{m.id}"}))
        for i in range(N)])
    codes = sorted(r.status_code for r in answers)
    # two people chose each status: the first tap wins; the one who chose the same status
    # finds it already so (no conflict to settle), the six others get 409
    assert codes == [200, 200] + [409] * (N - 2), codes
    winners = {statuses[i % 4] for i, r in enumerate(answers) if r.status_code == 200}
    assert len(winners) == 1
    saved = get_milestone(any_app, m.id)
    assert (saved.status, saved.version) == (winners.pop(), m.version + 1)
    for r in answers:
        if r.status_code == 409:
            assert "Bạn đã chọn" in r.get_data(as_text=True)
    with any_app.app_context():
        assert db.session.scalar(select(Milestone.version).where(Milestone.id == m.id)) == m.version + 1
    assert "database is locked" not in caplog.text
    assert "unhandled error" not in caplog.text


def test_a_save_that_races_past_the_version_check_is_caught_at_write_time(pg_app):
    """PostgreSQL reads committed data: another transaction can commit between our read and
    our UPDATE. The versioned UPDATE then matches no row and the save becomes a conflict."""
    m = first_milestone(pg_app)
    with pg_app.test_request_context(method="POST"):
        loaded = service.load_milestone(m.id)
        # someone else saves first (their own transaction, in the milestone's commune)
        with tenancy.using(m.commune_id), db.engine.begin() as other:
            other.execute(update(Milestone).where(Milestone.id == m.id)
                          .values(title="Người khác", version=Milestone.version + 1))
        values = {"title": "Của tôi", "owner": "", "start_on": None, "due_on": None,
                  "status": "in_progress", "progress": 5, "area": None, "indicator": None,
                  "evidence": ""}
        with pytest.raises(StaleEdit):
            service.update(loaded.milestone, loaded.plan, m.version, values, user=None)
    saved = get_milestone(pg_app, m.id)
    assert (saved.title, saved.version) == ("Người khác", m.version + 1)
    assert updates_of(pg_app, m.id) == []


def test_concurrent_writes_to_different_rows_keep_one_audit_chain(any_app, count_queries):
    """Writers on different milestones do not wait for each other's rows, only for the
    audit chain: each event must link to the one committed just before it, never two to
    the same parent. And the chain costs one statement: a status tap stays within the
    partial budget (docs/design.md §5: ≤ 5) on PostgreSQL too."""
    with any_app.app_context():
        rows = db.session.scalars(select(Milestone).where(Milestone.status == "in_progress")
                                  .order_by(Milestone.id).limit(N)).all()
        for m in rows:
            db.session.expunge(m)
    assert len(rows) == N
    clients = signed_in(any_app, N, users=("vhxh",))  # the office edits every unit
    with any_app.app_context():
        before = db.session.scalar(select(db.func.count()).select_from(AuditEvent))

    def tap(i, status):
        m = rows[i]
        return lambda: clients[i].post(f"/milestones/{m.id}/status",
                                       data={"status": status, "version": m.version + (status == "paused")},
                                       htmx=True, headers={"HX-Target": f"m-{m.id}"})

    for status in ("done", "paused"):
        answers = run_together([tap(i, status) for i in range(N)])
        assert [r.status_code for r in answers] == [200] * N
    with any_app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(AuditEvent)) == before + 2 * N
        assert db.session.scalar(select(db.func.count(db.distinct(AuditEvent.prev_hash)))
                                 .select_from(AuditEvent)) == before + 2 * N
        assert verify_chain() == (True, None, "")
    m = rows[0]
    with count_queries(any_app) as n:
        r = clients[0].post(f"/milestones/{m.id}/status",
                            data={"status": "in_progress", "version": m.version + 2},
                            htmx=True, headers={"HX-Target": f"m-{m.id}"})
    assert r.status_code == 200 and n() <= 5, n()
