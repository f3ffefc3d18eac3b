"""The sign-in throttle stops guessing without letting a stranger keep others out
(app/auth/throttle.py): an office behind one address, a guesser on one account, a spray of
usernames, the growing wait, the holder's own browser, and the holder being told.

Time is never waited for: failures are written with past timestamps.
"""
import re
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select, update

from app.audit.models import AuditEvent
from app.auth import throttle
from app.auth.models import LoginAttempt, User, UserSession
from app.core.extensions import db
from app.core.columns import utcnow
from tests.conftest import Client, csrf_from

WRONG = "sai-mat-khau-roi"


def browser(app, ip):
    """A new browser (no cookie yet) at network address `ip`."""
    c = Client(app)
    c.http.environ_base["REMOTE_ADDR"] = ip
    return c


def known(app, username, ip="192.0.2.50"):
    """The holder's usual browser: signed in on it earlier today, then signed out."""
    c = browser(app, ip)
    assert c.login(username).status_code == 302
    assert c.post("/logout").status_code == 302
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.username == username))
        db.session.execute(update(UserSession).where(UserSession.user_id == user_id)
                           .values(created_at=utcnow() - timedelta(hours=3)))
        db.session.commit()
    return c


def failures(app, key, ip, *ages, browser_id=""):
    """Failed tries written as if made `ages` ago."""
    now = utcnow()
    with app.app_context():
        db.session.add_all(LoginAttempt(username_key=key, ip=ip, at=now - age, browser=browser_id)
                           for age in ages)
        db.session.commit()


def _age_latest(app, age):
    with app.app_context():
        latest = db.session.scalar(select(func.max(LoginAttempt.id)))
        db.session.get(LoginAttempt, latest).at = utcnow() - age
        db.session.commit()


def message(response):
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_twenty_strangers_on_the_office_address_do_not_stop_a_colleague(any_app):
    office = "203.0.113.7"
    for n in range(20):
        assert browser(any_app, office).login(f"nguoila{n:02d}", WRONG).status_code == 401
    # a colleague who has never signed in on this browser, behind the same address
    assert browser(any_app, office).login("ban01").status_code == 302


def test_a_stranger_guessing_a_colleagues_account_from_the_office_does_not_stop_the_colleague(app):
    office = "203.0.113.8"
    desk = known(app, "ban01")
    desk.http.environ_base["REMOTE_ADDR"] = office
    stranger = browser(app, office)
    for _ in range(12):
        stranger.login("ban01", WRONG)
    assert stranger.login("ban01").status_code == 429  # the right password, from the guesser
    assert desk.login("ban01").status_code == 302  # the holder's usual browser


def test_a_guesser_on_one_address_and_username_is_stopped_after_the_small_limit(app):
    guesser = browser(app, "198.51.100.1")
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        assert guesser.login("vhxh", WRONG).status_code == 401
    response = guesser.login("vhxh")  # even the right password is not checked now
    assert response.status_code == 429
    assert "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút (lúc" in message(response)
    assert 14 * 60 < int(response.headers["Retry-After"]) <= 15 * 60
    # a new browser from the same address is the same guesser: refused too
    assert browser(app, "198.51.100.1").login("vhxh").status_code == 429
    # the address itself is not locked, nor is the account elsewhere
    assert guesser.login("ban02", WRONG).status_code == 401
    assert browser(app, "198.51.100.2").login("vhxh").status_code == 302


def test_a_spray_of_usernames_from_one_address_is_stopped_only_at_the_much_larger_number(app):
    spray, limit = "198.51.100.9", app.config["LOGIN_ADDRESS_MAX_FAILURES"]
    assert limit >= 10 * app.config["LOGIN_MAX_FAILURES"]
    holder = known(app, "kinhte")
    holder.http.environ_base["REMOTE_ADDR"] = spray
    for n in range(limit - 1):  # written directly: the hashing would cost a minute
        failures(app, f"doan{n}", spray, timedelta(seconds=30))
    sprayer = browser(app, spray)
    assert sprayer.login("doan-cuoi", WRONG).status_code == 401  # the limit-th is still checked
    response = sprayer.login("doan-them", WRONG)
    assert response.status_code == 429
    assert "Có quá nhiều lần đăng nhập sai từ địa chỉ mạng này" in message(response)
    assert browser(app, spray).login("ban01").status_code == 429  # a new browser waits too
    assert holder.login("kinhte").status_code == 302  # a colleague's usual browser does not
    assert browser(app, "198.51.100.10").login("ban01").status_code == 302  # nor elsewhere


@pytest.mark.parametrize("username", ["mttq", "khong-co-ai"])  # a real account and a made-up one
def test_the_wait_on_an_account_grows_and_is_capped(any_app, username):
    """1, 2, 4, 8, 16, 30, 30 minutes after the last failure, for the 5th … 11th; a made-up
    username waits exactly like a real one, so the answer tells nothing."""
    ip, older = "198.51.100.20", timedelta(hours=2)  # outside the 15 minutes, inside the day
    waits = {5: 1, 6: 2, 7: 4, 8: 8, 9: 16, 10: 30, 11: 30}
    for count, minutes in waits.items():
        delay, margin = timedelta(minutes=minutes), timedelta(seconds=20)
        with any_app.app_context():
            db.session.execute(delete(LoginAttempt))
            db.session.commit()
        failures(any_app, username, ip, *[older] * (count - 1), timedelta(seconds=1))
        response = browser(any_app, ip).login(username)
        assert response.status_code == 429, count
        text = message(response)
        assert f"mỗi lần thử phải đợi lâu hơn. Vui lòng thử lại sau {minutes} phút (lúc" in text
        assert delay.total_seconds() - 60 < int(response.headers["Retry-After"]) <= delay.total_seconds()
        for age, status in ((delay - margin, 429), (delay + margin, 401)):
            # still waiting just before the end; then the password is checked (and counted)
            _age_latest(any_app, age)
            assert browser(any_app, ip).login(username, WRONG).status_code == status, count
    with any_app.app_context():
        assert throttle.account_delay(4) is None
        assert throttle.account_delay(10**6) == any_app.config["LOGIN_DELAY_MAX"]


def test_the_wait_does_not_keep_the_holder_out(app):
    """A guesser on one address: the holder on a new browser elsewhere is let through. A
    guesser hopping addresses: every unknown browser waits, the holder's own does not."""
    holder = known(app, "ban02")
    recent = timedelta(seconds=10)
    failures(app, "ban02", "198.51.100.30", *[timedelta(hours=1)] * 7, recent)
    assert browser(app, "198.51.100.30").login("ban02").status_code == 429
    assert browser(app, "198.51.100.31").login("ban02", WRONG).status_code == 401
    # now failures from two addresses, then a third: the guesser is spreading
    failures(app, "ban02", "198.51.100.32", recent)
    response = browser(app, "198.51.100.33").login("ban02")
    assert response.status_code == 429
    assert "đăng nhập trên máy bạn vẫn thường dùng" in message(response)
    assert holder.login("ban02").status_code == 302


def test_a_shared_pc_that_has_been_guessing_loses_its_standing(app):
    """The holder signed in on the office's shared PC; a colleague there tries their password:
    the PC gets a guesser's few tries, not the holder's free pass."""
    shared = known(app, "ban01", ip="203.0.113.20")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert shared.login("ban01", WRONG).status_code == 401
    assert shared.login("ban01").status_code == 429


def test_a_made_up_or_foreign_browser_cookie_gives_no_standing(app):
    from itsdangerous import URLSafeTimedSerializer
    from app.auth.known_browser import COOKIE, SALT
    failures(app, "ban01", "198.51.100.40", *[timedelta(minutes=1)] * 5)
    forged = URLSafeTimedSerializer("not the app's key", salt=SALT).dumps({"b": "x", "k": ["ban01"]})
    for value in ("rubbish", forged):
        c = browser(app, "198.51.100.40")
        c.http.set_cookie(COOKIE, value, path="/login")
        assert c.login("ban01").status_code == 429, value


def _sign_in_and_land(c: Client, username, password="binhlu2026"):
    """Sign in as a person does and return the page they land on (with its messages)."""
    token = csrf_from(c.get("/login").get_data(as_text=True))
    response = c.http.post("/login", data={"csrf_token": token, "username": username,
                                           "password": password})
    if response.status_code != 302:
        return response
    page = c.get(response.headers["Location"])
    c.token = csrf_from(page.get_data(as_text=True))
    return page


def test_the_holder_is_told_of_the_failures_since_their_last_sign_in(app):
    holder = browser(app, "192.0.2.60")
    assert "lần đăng nhập sai" not in message(_sign_in_and_land(holder, "ban02"))
    assert holder.post("/logout").status_code == 302
    stranger = browser(app, "198.51.100.50")
    for _ in range(3):
        stranger.login("ban02", WRONG)
    assert holder.login("ban02", WRONG).status_code == 401  # the holder's own slip is not news
    page = message(_sign_in_and_land(holder, "ban02"))
    with app.app_context():
        latest = db.session.scalar(select(func.max(LoginAttempt.at))
                                   .where(LoginAttempt.ip == "198.51.100.50"))
    assert re.fullmatch(r"\d\d:\d\d \d\d/\d\d/\d{4}", throttle.clock(latest))
    assert ("Có 3 lần đăng nhập sai vào tài khoản của bạn kể từ lần đăng nhập trước "
            f"(lần gần nhất lúc {throttle.clock(latest)}).") in page
    assert holder.post("/logout").status_code == 302
    # told once: the next sign-in has nothing new to say
    assert "lần đăng nhập sai" not in message(_sign_in_and_land(holder, "ban02"))


def test_the_audit_log_records_when_an_account_starts_to_wait(app):
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.username == "ban01"))
    guesser = browser(app, "198.51.100.60")
    for _ in range(app.config["LOGIN_ACCOUNT_FREE_FAILURES"]):
        guesser.login("ban01", WRONG)
    browser(app, "198.51.100.61").login("ban01", WRONG)  # a 6th, from elsewhere
    for n in range(3):
        browser(app, "198.51.100.62").login(f"nguoila{n}", WRONG)  # no account: nothing logged
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.guessed")).all()
        assert [(e.entity, e.entity_id) for e in events] == [("user", user_id)]
        assert '"failures": 5' in events[0].after and "198.51.100.60" in events[0].after


def test_failures_no_rule_asks_about_are_deleted(app):
    kept = app.config["LOGIN_ATTEMPTS_KEPT"]
    failures(app, "ban01", "198.51.100.70", kept + timedelta(days=1), kept - timedelta(days=1))
    browser(app, "198.51.100.71").login("nguoila", WRONG)
    with app.app_context():
        ages = db.session.scalars(select(LoginAttempt.at).where(LoginAttempt.username_key == "ban01"))
        assert [utcnow() - at < kept for at in ages] == [True]
