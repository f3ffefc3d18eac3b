"""Council votes racing the close of the vote, on SQLite and PostgreSQL: every vote is either
counted in the tally the close records, or refused — none lands on a closed proposal."""
import threading

from sqlalchemy import select

from app.auth.models import User, username_key
from app.emulation.models import Proposal, ProposalVote
from app.core.extensions import db
from app.units.models import Unit
from tests.factories import propose, proposal_version, to_council

MEMBERS = 6


def _council(app):
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.slug == "van-phong"))
        for n in range(MEMBERS):
            user = User(username=f"hd{n}", username_key=username_key(f"hd{n}"),
                        full_name=f"Thành viên Hội đồng {n}", unit=unit)
            user.roles = ("council",)
            user.set_password("binhlu2026")
            db.session.add(user)
        db.session.commit()


def test_votes_racing_the_close_are_counted_or_refused_never_lost(any_app, login):
    _council(any_app)
    voters = [login(f"hd{n}", on=any_app) for n in range(MEMBERS)]
    vhxh = login("vhxh", on=any_app)
    for _round in range(3):
        pid = propose(any_app, vhxh)
        to_council(any_app, lambda u: login(u, on=any_app), pid)
        version = proposal_version(any_app, pid)
        start = threading.Barrier(MEMBERS + 1)
        answers = []

        def vote(client):
            start.wait()
            answers.append(client.post(f"/emulation/proposals/{pid}/vote",
                                       {"vote": "yes"}).status_code)

        def close():
            start.wait()
            answers.append(vhxh.post(f"/emulation/proposals/{pid}/close",
                                     {"version": version}).status_code)

        threads = [threading.Thread(target=vote, args=(c,)) for c in voters]
        threads.append(threading.Thread(target=close))
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert all(code in (303, 409) for code in answers), answers
        with any_app.app_context():
            p = db.session.get(Proposal, pid)
            stored = db.session.scalars(select(ProposalVote.vote)
                                        .where(ProposalVote.proposal_id == pid)).all()
            assert p.status in ("approved", "rejected")
            assert p.votes_yes == len(stored)  # no vote after the count
            assert answers.count(303) == len(stored) + 1  # each accepted vote, and the close
            db.session.remove()
