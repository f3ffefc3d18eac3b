"""The one answer of a view that htmx and a plain page both call: the
fragment htmx asked for by its target, else the full page, or after a write a 303 to the
page that shows it (post/redirect/get). One URL with two answers varies by HX-Request;
asking which one is wanted is what sets that, so no view sets it by hand."""
from flask import flash, g, redirect

from app.core.extensions import htmx


def wants(target: str) -> bool:
    """Whether htmx asks for the element with this id; from here on the answer (a refusal
    too) varies by HX-Request, so no cache hands a fragment to a page load."""
    g.vary_htmx = True
    return htmx.target == target


def answer(target: str, fragment, page=None, *, back=None, said=None, status: int = 200):
    """fragment(): what htmx swaps into `target`; otherwise page() (the full page) or, with
    `back`, a 303 there with `said` flashed — a message, or (message, category) ("success"
    when only a message). fragment and page are callables, so only the answer sent is
    rendered; either may return a body or a (body, status) pair."""
    if wants(target):
        return _with_status(fragment(), status)
    if back is not None:
        return moved(back, said)
    return _with_status(page(), status)


def moved(to, said=None, status: int = 303):
    """A redirect to `to` (post/redirect/get: 303) with `said` flashed — a message, or
    (message, category) ("success" when only a message)."""
    if said:
        flash(*(said if isinstance(said, tuple) else (said, "success")))
    return redirect(to, status)


def _with_status(result, status):
    return result if isinstance(result, tuple) else (result, status)
