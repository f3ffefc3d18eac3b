"""The one flow of a view with a form (issue 27): GET shows the form; POST validates it,
reads its values, saves through editing.save, and either answers the saved record or shows
the form again — what was typed kept, the refusal's field messages beside it, the
refusal's status (422 for input, 409 for a conflict). A view states only what is its own:
which form, which service call, which page or fragment, which message.

    return form_flow(form, shown=lambda status, refused: ...,   # the form again
                     store=lambda values: save(...),             # the one unit of work
                     done=lambda saved: answer(...),             # the saved record
                     values=lambda: service.values_from(form))   # optional
"""
from __future__ import annotations

from typing import Any, Callable

from flask import request

from app.core.errors import Refused

Shown = Callable[[int, "Refused | None"], Any]


def form_flow(form, *, shown: Shown, store: Callable, done: Callable[[Any], Any],
              values: Callable[[], Any] | None = None, catch=Refused, invalid: int = 422,
              check: Callable[[], bool] | None = None, field: str | None = None):
    """shown(status, refused): the page or fragment with the form — on GET (200, None), for
    input the form refuses (`invalid`, None), or after a refusal (its status, itself), its
    field messages already on the form.
    values(): what the valid form asks for, read by the domain; a Refused from it is the
    person's input refused (its fields go on the form). store(values) — store() without a
    reader — saves; a refusal of the kind `catch` (Refused, or only StaleEdit where any
    other refusal is the app's error page) shows the form again. done(saved): the answer.
    check(): a rule of the form's own beyond its validators, run after them (it adds its
    own field errors and says whether the form passed). field: where a refusal that names
    no field puts its message, unless it carries the stored record (a conflict shown
    beside what was typed, not on a field)."""
    if request.method != "POST":
        return shown(200, None)
    valid = form.validate()
    if check is not None:
        valid = check() and valid
    if not valid:
        return shown(invalid, None)
    try:
        got = values() if values is not None else None
    except Refused as refused:
        return _again(form, shown, refused, field)
    try:
        saved = store(got) if values is not None else store()
    except catch as refused:
        return _again(form, shown, refused, field)
    return done(saved)


def _again(form, shown: Shown, refused: Refused, field=None):
    refused.apply_to(form, field if refused.current is None else None)
    return shown(refused.status, refused)


def stored_of(refused) -> Any:
    """The record as stored now that a conflict carries (shown beside what was typed), or
    None: on GET, for refused input, for a refusal that is no conflict."""
    return getattr(refused, "current", None)
