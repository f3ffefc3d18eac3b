"""Every form, filled in as a person would and posted through the real app:

- replays: the same POST sent five times (a double tap on a flaky link, a retry after a
  timeout) leaves the database as the first one left it;
- mass assignment: the same POST with extra fields a form does not have (unit, status,
  version, author, approval...) leaves the database exactly as the honest POST does, checked
  on two copies of the same database side by side;
- Vietnamese text typed decomposed (NFD) into every text box is stored composed (NFC).

Forms are found by crawling what each role can open (tests/forms.py), so a form added later
is covered without anyone listing it.
"""
import json
import re
import threading
import unicodedata

import pytest
from sqlalchemy import String, Text, func, select

from app.core.extensions import db
from tests.conftest import _sqlite_app
from tests.forms import discover, filled, forms_in

ROLES = (("ban01", "ban-mau-01"), ("vhxh", "phong-vhxh"), ("admin", "ban-mau-01"),
         ("chutich", "ubnd-xa"), ("mttq", "mttq"), ("kinhte", "phong-kinh-te"))
# Sign-in bookkeeping moves with every request; it is not the records a form makes.
BOOKKEEPING = {"user_session", "login_attempt", "alembic_version"}
# Forms where each press is meant to act again, and why.
REPEATABLE = {
    # each press issues a new temporary password (and logs it); the answer to the first
    # press may be the very thing the flaky link lost, so a replay must not be swallowed
    "/reset-password": "a new temporary password each time",
}


def _row_counts(app) -> dict:
    with app.app_context():
        counts = {t.name: db.session.scalar(select(func.count()).select_from(t))
                  for t in db.metadata.sorted_tables if t.name not in BOOKKEEPING}
        db.session.remove()
    return counts


# Forms that take away what other forms work on go last: deletions and archiving after the
# rest, and opening a new year (which makes the old one read-only) at the very end.
def _order(form):
    if form.action.startswith("/plan/new-year"):
        return 2
    return 1 if re.search(r"/(delete|archive|active)\b", form.action) else 0


def _post_all(app, login, on_each):
    """Sign in as each role and call on_each(username, client, form, data) for every form it
    reaches, each one read afresh from its page just before it is sent (as a person would).
    Roles go in turn, so the office sees the reports the village has just sent."""
    clients, later, posted = {}, [], 0

    def send(username, form):
        c = clients[username]
        fresh = [f for f in forms_in(form.page, c.get(form.page).get_data(as_text=True))
                 if f.action == form.action and f.names == form.names]
        if not fresh:
            return 0  # its record went with an earlier form (a deletion)
        data = filled(fresh[0])
        data.pop("csrf_token", None)  # each client sends its own
        on_each(username, c, fresh[0], data)
        return 1

    # the office opens the year's reporting calendar first, as it does each January
    clients["vhxh"] = login("vhxh", on=app)
    assert clients["vhxh"].post("/reports/periods/generate", data={"year": "2026"}).status_code < 400
    for username, slug in ROLES:
        clients[username] = clients.get(username) or login(username, on=app)
        for form in discover(app, clients[username], slug):
            if _order(form):
                later.append((username, form))
            else:
                posted += send(username, form)
    for username, form in sorted(later, key=lambda r: _order(r[1])):
        posted += send(username, form)
    return posted


def _makes_a_record(once, before):
    """A create form: some table other than the log gained rows."""
    return any(once[t] > before[t] for t in once if t not in ("audit_event", "submission"))


def test_a_form_sent_five_times_makes_what_one_send_makes(app, login):
    made_something, repeated, refused = [], [], []

    def five_times(username, c, form, data):
        before = _row_counts(app)
        first = c.post(form.action, data=data)
        assert first.status_code < 500, (form.action, first.status_code)
        once = _row_counts(app)
        replies = [c.post(form.action, data=data).status_code for _ in range(4)]
        assert max(replies) < 500, (form.action, replies)
        after = _row_counts(app)
        if once != before:
            made_something.append(form.action)
        if once != before and first.status_code < 400 and _makes_a_record(once, before):
            # the person whose first answer was lost is told it worked, not refused
            if max(replies) >= 400:
                refused.append((username, form.action, replies))
        grew = {t: (once[t], after[t]) for t in after if after[t] != once[t]}
        if grew and not any(form.action.endswith(k) for k in REPEATABLE):
            repeated.append((username, form.action, grew))

    posted = _post_all(app, login, five_times)
    assert posted > 30
    assert not repeated, "\n".join(map(str, repeated))
    assert not refused, "\n".join(map(str, refused))
    # the test is worth something only if the filled-in forms really make records
    assert len(made_something) >= 12, made_something


def _add_milestone_form(c):
    page = c.get("/units/ban-mau-01/milestones/new", headers={"HX-Request": "true",
                                                              "HX-Target": "ms-add"})
    form = forms_in("/units/ban-mau-01/milestones/new", page.get_data(as_text=True))[0]
    data = filled(form)
    data.pop("csrf_token", None)
    return form.action, data


def _milestones(app):
    from app.milestones.models import Milestone
    with app.app_context():
        n = db.session.scalar(select(func.count(Milestone.id)))
        db.session.remove()
    return n


def test_an_inline_milestone_added_five_times_is_one_milestone(any_app, login):
    c = login("ban01", on=any_app)
    action, data = _add_milestone_form(c)
    before = _milestones(any_app)
    answers = [c.post(action, data=data, htmx=True, headers={"HX-Target": "ms-add"})
               for _ in range(5)]
    assert {a.status_code for a in answers} == {200}
    assert _milestones(any_app) == before + 1
    # every answer shows the one milestone, so a retried tap still closes the form
    assert all(data["title"] in a.get_data(as_text=True) for a in answers)


def test_five_racing_sends_of_one_add_form_make_one_milestone(any_app, login):
    """The same form sent at once from five connections (a phone retrying while the first
    request is still in flight): the unique token lets one insert through."""
    clients = [login("ban01", on=any_app) for _ in range(5)]
    action, data = _add_milestone_form(clients[0])
    before = _milestones(any_app)
    barrier, answers = threading.Barrier(5), []

    def send(c):
        barrier.wait()
        answers.append(c.post(action, data=data).status_code)

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(answers) == [303] * 5
    assert _milestones(any_app) == before + 1


# ---- mass assignment ----

# Fields a form does not have, named as an attacker would guess them.
EXTRAS = {"unit": "ban-mau-02", "unit_id": "2", "unit_slug": "ban-mau-02", "status": "accepted",
          "version": "999", "author": "1", "author_id": "1", "user_id": "1", "created_by": "1",
          "created_by_id": "1", "approved": "1", "approval": "approved", "approved_by": "1",
          "approved_by_id": "1", "accepted": "1", "role": "admin", "roles": "admin",
          "is_active": "0", "active": "0", "plan_id": "1", "lead_unit_id": "2", "id": "1",
          "decision": "approved", "score": "100", "year": "2027", "locked": "0"}
VOLATILE = re.compile(r"\d{4}-\d\d-\d\d[T ][\d:.+]+")


def _fingerprint(app) -> dict:
    """Every row of every table, less what differs between two honest runs (clock times,
    password salts, session hashes)."""
    out = {}
    with app.app_context():
        for table in db.metadata.sorted_tables:
            if table.name in BOOKKEEPING:
                continue
            cols = [c for c in table.columns if not c.name.endswith("_at")
                    and c.name not in ("hash", "prev_hash", "password_hash", "ip", "user_agent")]
            rows = db.session.execute(select(*cols).order_by(*table.primary_key.columns)).all()
            out[table.name] = VOLATILE.sub("<time>", json.dumps([list(r) for r in rows],
                                                                default=str, ensure_ascii=False))
        db.session.remove()
    return out


@pytest.fixture
def twin(sqlite_template, tmp_path):
    """A second copy of the same database, to post the tampered form to."""
    yield from _sqlite_app(sqlite_template, tmp_path)


def test_extra_fields_change_nothing_a_form_does_not_offer(app, twin, login):
    clients, tampered, differences = {"vhxh": login("vhxh", on=twin)}, [], []
    clients["vhxh"].post("/reports/periods/generate", data={"year": "2026"})

    def side_by_side(username, c, form, data):
        if username not in clients:
            clients[username] = login(username, on=twin)
        extras = {k: v for k, v in EXTRAS.items() if k not in form.fields}
        honest = c.post(form.action, data=data)
        forged = clients[username].post(form.action, data={**data, **extras})
        tampered.append(form.action)
        if honest.status_code != forged.status_code:
            differences.append((form.action, honest.status_code, forged.status_code))
            return
        a, b = _fingerprint(app), _fingerprint(twin)
        changed = sorted(t for t in a if a[t] != b[t])
        if changed:
            differences.append((username, form.action, sorted(extras), changed))

    assert _post_all(app, login, side_by_side) > 30
    assert len(tampered) > 30
    assert not differences, "\n".join(map(str, differences))


# ---- Vietnamese text arrives in any normal form, is kept in NFC ----

MARK = "Nguyễn Văn Đỗ, Bản Lở"


def test_text_typed_in_decomposed_form_is_stored_composed_everywhere(app, login):
    """Phones' keyboards send NFD as often as NFC; every form's text boxes get NFD here, and
    then no text column of any table holds a string that is not NFC."""
    sent = []

    def decomposed(username, c, form, data):
        for name, value in data.items():
            if (form.kinds.get(name) in ("text", "textarea")
                    and not any(w in name for w in ("username", "password", "slug", "code"))):
                data[name] = unicodedata.normalize("NFD", f"{value} {MARK}".strip())
        if c.post(form.action, data=data).status_code < 400:
            sent.append(form.action)

    _post_all(app, login, decomposed)
    assert len(sent) >= 12, sent
    not_nfc, stored = [], 0
    with app.app_context():
        for table in db.metadata.sorted_tables:
            cols = [c for c in table.columns if isinstance(c.type, (String, Text))]
            for row in db.session.execute(select(*cols)) if cols else ():
                for col, value in zip(cols, row):
                    if isinstance(value, str) and value != unicodedata.normalize("NFC", value):
                        not_nfc.append((table.name, col.name, value[:60]))
                    stored += isinstance(value, str) and MARK in value
    assert not_nfc == []
    assert stored >= 12  # the marked text really was saved, composed
