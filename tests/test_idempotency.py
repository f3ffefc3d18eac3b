"""A submission token is claimed once, even by requests racing each other."""
import threading

import pytest

from app.core.extensions import db
from app.core.idempotency import claim, new_token


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


@pytest.mark.parametrize("garbled", ["\x00", "a\x00b", "x" * 65, "<script>", "tôi", " ", "a b"])
def test_a_garbled_token_is_treated_as_absent_and_never_stored(any_app, garbled):
    from app.core.idempotency import clean
    assert clean(garbled) is None
    with any_app.test_request_context(method="POST"):
        assert claim(garbled) is True  # the form still works, undeduplicated
        assert claim(garbled) is True
        db.session.rollback()


def test_a_comment_with_a_nul_token_is_saved_once_without_a_500(any_app, login):
    from sqlalchemy import func, select

    from app.comments.models import Comment
    c = login("vhxh", on=any_app)
    r = c.post("/units/phong-vhxh/comments", data={"body": "Ý kiến có mã hỏng", "token": "\x00"})
    assert r.status_code == 303
    with any_app.app_context():
        saved = db.session.execute(select(func.count(), func.max(Comment.submission_token))
                                   .where(Comment.body == "Ý kiến có mã hỏng")).one()
    assert tuple(saved) == (1, None)  # stored once, and the garbled token never with it
