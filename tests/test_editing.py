"""The one unit of work every write goes through (app/core/editing.py) and the one answer
(app/core/answers.py): a stale save is a 409 carrying the stored record, a create sent twice
makes one record, a repeat equal to what is stored is harmless, and the answer that picks a
fragment sets Vary itself."""
import pytest
from flask import get_flashed_messages, make_response
from flask_wtf import FlaskForm
from sqlalchemy import func, select, update

from app.core.answers import answer
from app.core.editing import VersionField, differences, save, version_of
from app.core.errors import Refused
from app.core.extensions import db
from app.core.fields import NFCStringField
from app.core.locking import StaleEdit
from app.milestones.models import Milestone


class TitleForm(FlaskForm):
    class Meta:
        csrf = False

    title = NFCStringField("Tên")
    version = VersionField()


def _milestone():
    return db.session.scalars(select(Milestone).order_by(Milestone.id).limit(1)).first()


def _form(**data):
    return TitleForm(formdata=None, data=data)


def _rename(m, title):
    def change():
        m.title = title
        return True
    return change


def test_a_save_read_at_an_old_version_is_a_409_carrying_the_stored_record(app):
    with app.test_request_context(method="POST"):
        m = _milestone()
        old_title, version = m.title, m.version
        form = _form(title="Tên mới", version=version + 1)  # not the version stored
        with pytest.raises(StaleEdit) as stale:
            save(_rename(m, "Tên mới"), record=m, form=form,
                 differs=lambda now: differences(form, now, ["title"]))
        assert stale.value.status == 409 and stale.value.current is m
        assert stale.value.rows == [("Tên", "Tên mới", old_title)]
        assert form.version.data == version  # the next save is a deliberate overwrite
        db.session.rollback()
        assert db.session.get(Milestone, m.id).title == old_title


def test_a_lost_race_at_flush_is_a_409_with_the_record_as_stored(app):
    with app.test_request_context(method="POST"):
        m = _milestone()
        mid, version = m.id, m.version
        form = _form(title="Của tôi", version=version)

        def change():
            # someone else's save lands between our read and our write
            db.session.execute(update(Milestone).where(Milestone.id == mid)
                               .values(title="Của người khác", version=version + 1)
                               .execution_options(synchronize_session=False))
            m.title = "Của tôi"
            return True
        with pytest.raises(StaleEdit) as stale:
            save(change, record=m, form=form,
                 differs=lambda now: differences(form, now, ["title"]))
        # the session was rolled back: what is shown is what is stored, unchanged by us
        assert stale.value.current.id == mid
        assert stale.value.rows == [("Tên", "Của tôi", stale.value.current.title)]
        assert db.session.get(Milestone, mid).title != "Của tôi"


def test_a_repeat_equal_to_what_is_stored_is_harmless(app):
    with app.test_request_context(method="POST"):
        m = _milestone()
        # the first send was saved and its answer lost: the form's version is behind
        form = _form(title=m.title, version=m.version + 1)
        ran = []
        saved = save(lambda: ran.append(1), record=m, form=form,
                     differs=lambda now: differences(form, now, ["title"]))
        assert saved.again and saved.record is m and not ran  # answered as saved, not run


def test_the_same_create_sent_twice_makes_one_record(app):
    def create(token):
        first = _milestone()
        m = Milestone(plan_id=first.plan_id, unit_id=first.unit_id, title="Một lần",
                      version=1, submission_token=token)
        db.session.add(m)
        db.session.flush()
        return m

    with app.test_request_context(method="POST"):
        made = save(lambda: create("tok-1"), token="tok-1", model=Milestone)
        assert not made.again
        first_id = made.record.id
    with app.test_request_context(method="POST"):
        again = save(lambda: create("tok-1"), token="tok-1", model=Milestone)
        assert again.again and again.record.id == first_id
        assert db.session.scalar(select(func.count()).select_from(Milestone)
                                 .where(Milestone.title == "Một lần")) == 1


def test_a_duplicate_key_that_is_no_repeat_is_a_409_on_the_field_that_must_differ(app):
    def create():
        first = _milestone()
        db.session.add(Milestone(plan_id=first.plan_id, unit_id=first.unit_id, title="x",
                                 version=1, submission_token="taken"))
        db.session.flush()

    with app.test_request_context(method="POST"):
        save(create)
    with app.test_request_context(method="POST"):
        with pytest.raises(Refused) as refused:
            save(create, taken=("title", "Đã có"))
        assert refused.value.status == 409 and refused.value.fields == {"title": "Đã có"}


def test_a_refusal_of_the_change_rolls_back_what_it_wrote(app):
    with app.test_request_context(method="POST"):
        m = _milestone()
        mid, title = m.id, m.title

        def change():
            m.title = "nửa chừng"
            db.session.flush()
            raise Refused("Không được", 422)
        with pytest.raises(Refused):
            save(change, record=m)
        assert db.session.get(Milestone, mid).title == title


def test_an_unreadable_version_is_refused_before_anything_else(app):
    for posted in ("", "abc", "0", "-1"):
        with app.test_request_context(method="POST", data={"version": posted}):
            with pytest.raises(Refused) as refused:
                version_of(TitleForm())
            assert refused.value.status == 400, posted
    with app.test_request_context(method="POST", data={"version": ""}):
        assert version_of(TitleForm(), required=False) is None


@pytest.mark.parametrize("target,expected", [("rows", "fragment"), (None, "page")])
def test_the_answer_picks_the_fragment_by_target_and_sets_vary(app, target, expected):
    headers = {"HX-Request": "true", "HX-Target": target} if target else {}
    with app.test_request_context(headers=headers):
        body, status = answer("rows", lambda: "fragment", lambda: "page")
        response = app.process_response(make_response(body, status))
    assert response.get_data(as_text=True) == expected
    assert "HX-Request" in response.headers["Vary"]


def test_after_a_write_without_htmx_the_answer_is_a_303_with_the_message(app):
    with app.test_request_context(method="POST"):
        response = answer("rows", lambda: "fragment", back="/units/", said="Đã lưu.")
        assert response.status_code == 303 and response.location == "/units/"
        assert get_flashed_messages(with_categories=True) == [("success", "Đã lưu.")]
