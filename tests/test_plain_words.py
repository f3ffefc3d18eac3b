"""Plain words on every page (issue 30, item 2): every GET page every role can open, on the
demo as it stands in December (reports sent, returned, accepted; comments; files), read as a
person reads it — no JSON, hashes, internal names of events or records, unit slugs or
Python words in what the page says."""
import re
from html.parser import HTMLParser

from sqlalchemy import select

from app.auth.models import User
from app.core.extensions import db
from app.core.policy import can
from app.units.models import Unit
from tests.conftest import Client
from tests.pages import rules, url, value

ROLES = ("ban01", "kinhte", "vhxh", "chutich", "mttq", "admin")
SKIP = {"main.healthz", "offline.worker", "offline.manifest", "auth.logout"}
EVENT_NAMES = ("auth|report|milestone|evidence|plan|plan_section|proposal|user|unit|review|score"
               "|period|comment|calendar|emulation|demo|area|indicator|good_model|award_title"
               "|criterion|commune_report")
TECHNICAL = {
    "JSON": re.compile(r'[{\[]\s*"|"\s*:\s*["\d{\[]'),
    "a hash": re.compile(r"\bsha256\b|\b[0-9a-f]{32,}\b"),
    "an event's internal name": re.compile(rf"\b(?:{EVENT_NAMES})\.[a-z_]+\b"),
    "a record's internal name": re.compile(r"\b(?:milestone|report|model|proposal|unit):\d+\b"),
    "a Python word": re.compile(r"\b(?:None|True|False|Traceback|Decimal\(|datetime\()"),
}


class _Text(HTMLParser):
    """What a reader sees or hears: text, titles, labels, alternative texts."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._skip += 1
        for name, val in attrs:
            if name in ("title", "aria-label", "alt", "placeholder") and val:
                self.parts.append(val)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def test_no_page_of_any_role_shows_technical_text(december_app):
    app = december_app
    with app.app_context():
        users = {u.username: u for u in db.session.scalars(
            select(User).where(User.username.in_(ROLES)))}
        slugs = set(db.session.scalars(select(Unit.slug)))
        slug_of = {name: (u.unit.slug if u.unit else "ubnd-xa") for name, u in users.items()}
    slug_word = re.compile(r"(?<![\w/.-])(?:%s)(?![\w/-])" % "|".join(
        re.escape(s) for s in sorted(slugs, key=len, reverse=True) if "-" in s))
    found, seen = [], 0
    for name in ROLES:
        c = Client(app)
        assert c.login(name).status_code == 302
        for rule in rules(app):
            action = getattr(app.view_functions[rule.endpoint], "policy_action", None)
            if ("GET" not in rule.methods or rule.endpoint in SKIP or action is None
                    or (action != "public" and not can(users[name], action,
                                                       users[name].unit_id))):
                continue
            args = {n: value(app, n, slug_of[name]) for n in rule.arguments}
            if any(v is None for v in args.values()):
                continue
            address = url(app, rule, args)
            r = c.get(address)
            if r.status_code != 200 or r.mimetype != "text/html":
                continue
            seen += 1
            text = visible_text(r.get_data(as_text=True))
            checks = dict(TECHNICAL)
            if not rule.endpoint.startswith("admin."):
                # the administrator sets each unit's address code, in a column named so
                checks["a unit's slug"] = slug_word
            for what, pattern in checks.items():
                for m in pattern.finditer(text):
                    found.append(f"{name} {address}: {what}: …{text[max(0, m.start() - 40):m.end() + 40]}…")
    assert seen > 100
    assert not found, "\n".join(found[:40])
