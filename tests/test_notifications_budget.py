"""docs/design.md §5 for issue 19, with the demo data ×10: every home page with its "Việc cần
làm" stays within 10 statements and 14 KB; the header's count costs one statement (the
same one the home page's list comes from); marking read is one htmx answer ≤ 3 KB, ≤ 5."""
import pytest
from sqlalchemy import event, select

from app.auth.models import User
from app.core.extensions import db
from tests.conftest import Client
from tests.conftest import PAGE_SQL_BUDGET, REPEAT_VISIT_BYTES, wire_bytes

HOMES = ("chutich", "vhxh", "ban01", "mttq", "admin")


def _fill(app, username, n=60):
    """A person with many notifications: the page must not grow with them."""
    from app.notifications import service
    with app.app_context(), app.test_request_context():
        user = db.session.scalar(select(User).where(User.username == username))
        for i in range(n):
            service.notify([user], "report_returned", where=f"Báo cáo Tháng {i % 12 + 1:02d}/2026",
                           who="Cán bộ Phòng Văn hóa – Xã hội", detail="Lý do " * 40,
                           link="/plan")
        db.session.commit()


@pytest.fixture
def statements(app_x10):
    with app_x10.app_context():
        engine = db.engine
    seen = []

    def before(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "COMMIT", "ROLLBACK",
                                                      "SAVEPOINT", "RELEASE")):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    yield seen
    event.remove(engine, "before_cursor_execute", before)


@pytest.mark.parametrize("username", HOMES)
def test_every_home_page_with_its_todo_within_budget(app_x10, statements, username):
    _fill(app_x10, username)
    c = Client(app_x10)
    assert c.login(username).status_code == 302
    home = c.get("/").headers["Location"]
    statements.clear()
    r = c.get(home, headers={"Accept-Encoding": "br, gzip"})
    assert r.status_code == 200
    assert len(statements) <= PAGE_SQL_BUDGET, (home, len(statements))
    assert wire_bytes(r) <= REPEAT_VISIT_BYTES, (home, wire_bytes(r))
    # the list and the header's count: one statement between them
    assert sum("notification.read_at IS NULL" in s for s in statements) == 1
    statements.clear()
    r = c.get("/notifications", headers={"Accept-Encoding": "br, gzip"})
    assert r.status_code == 200 and len(statements) <= PAGE_SQL_BUDGET
    assert wire_bytes(r) <= REPEAT_VISIT_BYTES, wire_bytes(r)


def test_the_header_count_costs_one_statement_on_any_page(app_x10, statements):
    c = Client(app_x10)
    c.login("ban01")
    for url in ("/reports", "/emulation/", "/units/ban-mau-02", "/account/password"):
        statements.clear()
        html = c.get(url).get_data(as_text=True)
        assert 'class="todo-count"' in html, url
        assert sum("notification.read_at IS NULL" in s for s in statements) == 1, url


def test_marking_read_is_one_small_htmx_answer(app_x10, statements):
    _fill(app_x10, "ban01", 5)
    c = Client(app_x10)
    c.login("ban01")
    with app_x10.app_context():
        from app.notifications.models import Notification
        n_id = db.session.scalar(select(Notification.id).order_by(Notification.id.desc()))
    statements.clear()
    r = c.post(f"/notifications/{n_id}/read", htmx=True,
               headers={"HX-Target": f"n-{n_id}", "Accept-Encoding": "br"})
    assert r.status_code == 200 and "Location" not in r.headers
    assert len(statements) <= 5, statements
    assert wire_bytes(r) <= 3000
