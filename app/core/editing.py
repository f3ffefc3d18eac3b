"""One unit of work for every write (issue 27): a view hands its domain's change to save(),
which reads the form's version, runs the change, and settles what can go wrong on the way
to the database in one place.

- The version is read one way: a VersionField named `version` (docs/design.md §6).
- A stale save — an old version, the ORM's versioned UPDATE matching no row, a duplicate key
  while editing — reloads the stored record and is one StaleEdit (409) carrying it and the
  rows that differ; the form takes the stored version, so saving again is a deliberate
  overwrite.
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
from app.core.locking import NO_VERSION, StaleEdit, commit_keeping_loaded, read_version
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


def version_of(form) -> int:
    """The version a posted form was read at, for a form that is refused (400) without one
    before anything else is checked."""
    if form.version.data is None:
        raise Refused(NO_VERSION, 400)
    return form.version.data


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
         keep_loaded: bool = False) -> Saved:
    """Run `change()` (the domain's service call) as one transaction and commit it.

    record: the record being changed, as loaded (None for a new one); with `form`, the
    form's version must be the record's, else the save is stale before anything is written.
    differs(stored): the rows where what was sent differs from `stored`; none means the
    save is a harmless repeat. Without it every stale save is a conflict.
    reload(): the record as stored now after a lost race (default: by the record's id).
    token: the create form's submission token; with `model` (a row kind holding it in its
    unique submission_token column) a repeat returns that row, else the token is claimed
    in the submission table first.
    taken: (field, message) for a duplicate key on a create that is not a repeat.
    keep_loaded: commit without expiring loaded rows (a fragment renders what was saved).

    Raises StaleEdit(current=stored record, rows=differences), Refused(gone, 409) when the
    record was deleted meanwhile, Refused(message, 409, {field: message}) for `taken`, and
    any Refused of the change itself — each with the session rolled back.
    """
    if record is not None and form is not None and "version" in form \
            and form.version.data != record.version:
        return _stale(record, form, differs, lambda: record, gone)
    token = idempotency.clean(token)
    if token and model is None and not idempotency.claim(token):
        return Saved(None, again=True)
    try:
        result = change()
        db.session.flush()
    except (StaleDataError, StaleEdit):
        db.session.rollback()
        return _stale(record, form, differs, reload or _by_id(record), gone)
    except IntegrityError:
        db.session.rollback()
        earlier = db.session.scalar(select(model).where(model.submission_token == token)) \
            if token and model is not None else None
        if earlier is not None:
            return Saved(earlier, again=True)
        if record is not None:  # the same key, a moment ago, by someone editing it too
            return _stale(record, form, differs, reload or _by_id(record), gone)
        if taken is not None:
            field, message = taken
            raise Refused(message, 409, {field: message}) from None
        raise
    except Refused:
        db.session.rollback()
        raise
    if keep_loaded:
        commit_keeping_loaded()
    else:
        db.session.commit()
    return Saved(result if record is None else record, result=result)


def _by_id(record):
    return None if record is None else lambda: db.session.get(type(record), record.id)


def _stale(record, form, differs, reload, gone) -> Saved:
    if record is None and reload is None:
        raise StaleEdit  # a new record met another's write: nothing stored to show
    current = reload()
    if current is None:
        raise Refused(gone, 409)
    rows = differs(current) if differs is not None else None
    if rows == []:  # already stored as sent: a repeat, nothing to settle
        return Saved(current, again=True)
    if form is not None and "version" in form and hasattr(current, "version"):
        form.version.data = current.version
    raise StaleEdit(current=current, rows=rows or [])
