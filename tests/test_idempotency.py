"""A submission token is claimed once, even by requests racing each other."""
import threading

from app.extensions import db
from app.idempotency import claim, new_token


def test_a_token_is_claimed_once(any_app):
    token = new_token()
    with any_app.test_request_context(method="POST"):
        assert claim(token) is True
        db.session.commit()
        assert claim(token) is False
        db.session.rollback()
        assert claim(None) is True  # no token: not deduplicated, still works


def test_racing_claims_of_one_token_let_exactly_one_through(any_app):
    token, results = new_token(), []
    barrier = threading.Barrier(5)

    def worker():
        with any_app.test_request_context(method="POST"):
            barrier.wait()
            ok = claim(token)
            db.session.commit()
            results.append(ok)
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == [False] * 4 + [True]
