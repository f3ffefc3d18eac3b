"""One unit of work for every write (issue 27): a view hands its domain's change to save(),
which reads the form's version, runs the change, and settles what can go wrong on the way
to the database in one place.

- The version is read one way: a VersionField named `version` (docs/design.md §6).
- A stale save — an old version, the ORM's versioned UPDATE matching no row, a duplicate key
  someone else wrote first — reloads the stored record and is one StaleEdit (409) carrying
  it and the rows that differ; the form takes the stored version, so saving again is a
  deliberate overwrite. A domain's StaleEdit that names the stored record itself passes on.
- The repeat rule: a save whose typed values all equal what is stored is no conflict (most
  often the person's own save sent again after its answer was lost on a weak link); it is
  answered as saved, nothing written.
- A create sent twice (the same submission token) does its work once; the repeat gets the
  first record. A duplicate key that is not a repeat is a 409 on the field that must differ.

Views catch Refused (StaleEdit is one) to show their form again; none sees an ORM exception.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from wtforms import HiddenField, SelectField

from app.core import idempotency
from app.core.errors import Refused
from app.core.extensions import db
from app.core.fields import VNDecimalField
from app.core.locking import NO_VERSION, STALE, StaleEdit, commit_keeping_loaded, read_version
from app.core.vietnamese import _l, format_number

GONE = _l("Bản ghi này vừa bị người khác xóa.")


class VersionField(HiddenField):
    """The version a form was read at; a tampered value is a form error, not a 500."""

    def process_formdata(self, valuelist):
        if not valuelist or valuelist[0] == "":
            self.data = None  # a new record has no version yet
            return
        self.data = read_version(valuelist[0])
        if self.data is None:
            raise ValueError(str(_l("Biểu mẫu không hợp lệ; hãy tải lại trang.")))

    def _value(self):
        return "" if self.data is None else str(self.data)


def version_of(form, *, required: bool = True) -> int | None:
    """The version a posted form was read at, checked before anything else: an unreadable
    one, or none when `required` (a record not yet made has none), is refused (400)."""
    field = form.version
    if field.process_errors or (required and field.data is None):
        raise Refused(NO_VERSION, 400)
    return field.data


# ---- what differs: the rows of the one conflict display (templates/_conflict.html) ----

def labels_of(field) -> dict:
    """{coerced value: label} of a select's choices."""
    return {field.coerce(c.value): c.label for c in field.choices}


def shown(field, value) -> str:
    """A stored or typed value as the person reads it (a unit's name, 9.950,3)."""
    if value is None or value == "":
        return "—"
    if isinstance(field, SelectField):
        return str(labels_of(field).get(value, value))
    if isinstance(field, VNDecimalField):
        return format_number(value)
    return str(value)


def differences(form, stored, names) -> list[tuple[str, str, str]]:
    """(label, what the person typed, what is stored now) for each named field that differs."""
    out = []
    for name in names:
        field = form[name]
        current = getattr(stored, name)
        if field.data != current:
            out.append((field.label.text, shown(field, field.data), shown(field, current)))
    return out


def choice_difference(field, mine, theirs, label=None) -> list[tuple[str, str, str]]:
    """The row for a several-choice field (roles, contributing units) when the sets differ."""
    mine, theirs = sorted(mine or []), sorted(theirs or [])
    if mine == theirs:
        return []
    names = label or labels_of(field)
    return [(field.label.text, ", ".join(str(names.get(i, i)) for i in mine) or "—",
             ", ".join(str(names.get(i, i)) for i in theirs) or "—")]


# ---- the unit of work ----

@dataclass
class Saved:
    """record: the record changed (for a create, what the change returned), or the stored
    record a harmless repeat found (None when a claimed token names no record); result:
    what the change returned; again: a repeat, nothing written this time."""
    record: Any
    again: bool = False
    result: Any = None


def save(change: Callable[[], Any], *, record=None, form=None,
         differs: Callable[[Any], list] | None = None, reload: Callable[[], Any] | None = None,
         token=None, model=None, taken: tuple[str, Any] | None = None, gone=GONE,
         message=None, keep_loaded: bool = False) -> Saved:
    """Run `change()` (the domain's service call) as one transaction and commit it.

    record: the record being changed, as loaded (None for a new one); with `form`, the
    form's version must be the record's, else the save is stale before anything is written.
    differs(stored): the rows where what was sent differs from `stored`; none means the
    save is a harmless repeat. Without it every stale save is a conflict.
    reload(): what is stored now after a lost race (default: the record, by its id).
    token: the create form's submission token; with `model` (a row kind holding it in its
    unique submission_token column) a repeat returns that row, else the token is claimed
    in the submission table first.
    taken: (field, message) for a duplicate key on a create that is not a repeat.
    message: what a lost race says (default locking.STALE).
    keep_loaded: commit without expiring loaded rows (a fragment renders what was saved).

    Raises StaleEdit(message, current=what is stored, rows=differences) — or the change's
    own StaleEdit when it names the stored record itself —, Refused(gone, 409) when the
    record was deleted meanwhile, Refused(message, 409, {field: message}) for `taken`, and
    any Refused of the change itself: each with the session rolled back.
    """
    lost = _Race(record, form, differs, reload, gone, message)
    if record is not None and form is not None and "version" in form \
            and form.version.data != record.version:
        return lost.settle(lambda: record)  # nothing written yet: the record is as stored
    token = idempotency.clean(token)
    if token and model is None and not idempotency.claim(token):
        return Saved(None, again=True)
    try:
        result = change()
        db.session.flush()
    except StaleEdit as stale:
        db.session.rollback()
        if stale.current is not None:  # the domain compared with the stored record itself
            raise
        if stale.message is not STALE:  # the domain's own words for it
            lost.message = stale.message
        return lost.settle()
    except StaleDataError:
        db.session.rollback()
        return lost.settle()
    except IntegrityError:
        db.session.rollback()
        earlier = db.session.scalar(select(model).where(model.submission_token == token)) \
            if token and model is not None else None
        if earlier is not None:
            return Saved(earlier, again=True)
        if taken is not None and record is None:
            field, refusal = taken
            raise Refused(refusal, 409, {field: refusal}) from None
        return lost.settle()  # the same key, a moment ago, by someone writing it too
    except Refused:
        db.session.rollback()
        raise
    if keep_loaded:
        commit_keeping_loaded()
    else:
        db.session.commit()
    return Saved(result if record is None else record, result=result)


@dataclass
class _Race:
    """How a save that met someone else's write is settled: the stored record again, and
    either a harmless repeat or one StaleEdit."""
    record: Any
    form: Any
    differs: Callable | None
    reload: Callable | None
    gone: Any
    message: Any

    def settle(self, stored: Callable | None = None) -> Saved:
        stored = stored or self.reload or (
            self.record is not None and (lambda: db.session.get(type(self.record),
                                                                self.record.id)))
        if not stored:
            raise StaleEdit(self.message)  # a new record: nothing stored to show
        current = stored()
        if current is None:
            raise Refused(self.gone, 409)
        rows = self.differs(current) if self.differs is not None else None
        if rows == []:  # already stored as sent: a repeat, nothing to settle
            return Saved(current, again=True)
        if self.form is not None and "version" in self.form and hasattr(current, "version"):
            self.form.version.data = current.version  # saving again is a deliberate overwrite
        raise StaleEdit(self.message, current=current, rows=rows or [])
