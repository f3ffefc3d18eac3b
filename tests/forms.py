"""Forms as a person meets them: found by crawling the pages a role opens, and filled in
with plausible values the way a careful person would (what the page pre-fills is kept, an
empty box gets a sensible answer for its name).

Used by the tests that post every form — replays, mass assignment — so a form added later
is covered without anyone listing it.
"""
import itertools
from dataclasses import dataclass, field
from html.parser import HTMLParser

from tests.conftest import _urls

# Sending these would end the signed-in session itself, not test a form.
SKIP_ACTIONS = ("/logout", "/account/password", "/language")
_serial = itertools.count(1)


@dataclass
class Form:
    page: str
    action: str
    fields: dict = field(default_factory=dict)   # name -> pre-filled value ("" if empty)
    kinds: dict = field(default_factory=dict)    # name -> input type / "select" / "textarea"
    options: dict = field(default_factory=dict)  # select name -> [option values]

    @property
    def names(self):
        return tuple(sorted(n for n in self.fields if n != "csrf_token"))


class _FormParser(HTMLParser):
    def __init__(self, page):
        super().__init__(convert_charrefs=True)
        self.page, self.forms, self.form = page, [], None
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self.form = Form(self.page, a.get("action") or self.page)
            return
        if self.form is None:
            return
        if tag == "option" and self._select:
            value = a.get("value", "")
            self.form.options[self._select].append(value)
            if "selected" in a:
                self.form.fields[self._select] = value
            return
        if not a.get("name"):
            return
        name = a["name"]
        if tag == "button" or (tag == "input" and a.get("type") == "submit"):
            # the first named button is the one a person taps
            if a.get("type", "submit") == "submit" and name not in self.form.fields:
                self.form.fields[name] = a.get("value", "")
                self.form.kinds[name] = "button"
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            if kind in ("checkbox", "radio"):
                self.form.kinds[name] = kind
                self.form.options.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a or (kind == "radio" and name not in self.form.fields):
                    self.form.fields[name] = a.get("value", "on")
                elif kind == "checkbox":
                    self.form.fields.setdefault(name, None)
                return
            self.form.fields[name] = a.get("value", "")
            # the app marks its number and date boxes for phone keyboards
            if kind == "text" and a.get("placeholder") == "dd/mm/yyyy":
                kind = "date"
            elif kind == "text" and a.get("inputmode") in ("decimal", "numeric"):
                kind = "number"
            self.form.kinds[name] = kind
        elif tag == "textarea":
            self.form.fields[name], self.form.kinds[name] = "", "textarea"
            self._textarea = name
        elif tag == "select":
            self.form.fields[name], self.form.kinds[name] = None, "select"
            self.form.options[name] = []
            self._select = name

    def handle_data(self, data):
        if self.form is not None and self._textarea:
            self.form.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.form is not None:
            self.forms.append(self.form)
            self.form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def forms_in(page: str, html: str) -> list[Form]:
    parser = _FormParser(page)
    parser.feed(html)
    return parser.forms


def discover(app, client, slug):
    """Every distinct POST form (one per endpoint and field set) on every page the signed-in
    person can open, as it was rendered for them."""
    adapter = app.url_map.bind("localhost")
    found, seen = [], set()
    for url in _urls(app, slug):
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        for form in forms_in(url, response.get_data(as_text=True)):
            if form.action.startswith(SKIP_ACTIONS) or not form.action.startswith("/"):
                continue
            endpoint, _args = adapter.match(form.action.split("?")[0], method="POST")
            if (endpoint, form.names) not in seen:
                seen.add((endpoint, form.names))
                found.append(form)
    return found


def _guess(name: str, kind: str) -> str:
    n = name.lower()
    if kind == "date" or any(w in n for w in ("date", "deadline", "due", "ngay", "_on")):
        return "15/12/2026"
    if "username" in n:
        return f"kiemthu{next(_serial)}"
    if "password" in n:
        return "Mat-khau-moi-2026"
    if "email" in n:
        return f"kiemthu{next(_serial)}@binhlu.vn"
    if kind == "number" or any(w in n for w in ("value", "target", "baseline", "figure", "score",
                                                 "progress", "points", "weight", "share",
                                                 "threshold", "year", "places", "order")):
        return "50"
    if "slug" in n:
        return f"kiem-thu-{next(_serial)}"
    if "code" in n:
        return f"KT{next(_serial)}"
    return f"Nội dung kiểm thử {next(_serial)}"


def filled(form: Form) -> dict:
    """The form as a careful person sends it: pre-filled values kept, empty boxes answered,
    a choice made in every list."""
    data = {}
    for name, value in form.fields.items():
        kind = form.kinds.get(name, "text")
        if kind == "file":
            continue  # no file chosen: a careful person's form sends none
        if kind == "checkbox":
            if value is not None:
                data[name] = value
            elif len(form.options[name]) > 1:
                data[name] = form.options[name][0]  # a list of choices: tick the first
            continue
        if kind == "select":
            options = [o for o in form.options.get(name, []) if o != ""]
            data[name] = value if value not in (None, "") else (options[0] if options else "")
            continue
        if kind in ("hidden", "button") or (value and value.strip()):
            data[name] = value
        else:
            data[name] = _guess(name, kind)
    return data
