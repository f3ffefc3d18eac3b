"""Sign-in throttling, counted in the database so every worker and server shares it.

What it must do: stop someone guessing a password, without letting a stranger keep the
holder — or a whole commune office behind one address — out. A commune's people sign in
from the office (one address for everyone) or a phone (a carrier's shared pool): what they
need is that their own phone or PC keeps working, whoever else is failing. So:

- a browser where the holder signed in before, and that has not failed on the account since
  the holder's last sign-in, is never slowed down: the holder's usual phone or office PC
  works whatever a stranger does, even from the same address;
- any other try is refused once its (address, account) pair has failed LOGIN_MAX_FAILURES
  times in LOGIN_WINDOW (a guesser gets a handful of tries), and once its address has
  failed LOGIN_ADDRESS_MAX_FAILURES times in that window, whatever the usernames (a spray;
  set far above what an office's mistypes reach, so strangers' failures do not stop
  colleagues);
- an account that has failed LOGIN_ACCOUNT_FREE_FAILURES times since its holder's last
  sign-in makes every further try wait longer (1, 2, 4 … minutes, at most
  LOGIN_DELAY_MAX) — not a lock. The wait holds for the addresses that have been failing on
  the account; a new browser on an address that has not is still let through (the holder
  on a borrowed phone), unless the failures come from LOGIN_SPREAD_ADDRESSES addresses or
  more: then the guesser is hopping addresses and every unknown browser waits.

Unknown usernames are throttled exactly like real ones, so a refusal tells nothing about
which accounts exist.
"""
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, case, delete, distinct, func, select

from app.auth.known_browser import Browser
from app.auth.models import LoginAttempt, User, UserSession
from app.core.extensions import db
from app.core.columns import utcnow
from app.core.vietnamese import VN_TZ, format_date


@dataclass(frozen=True)
class Wait:
    """A refused try: until when, and what the person reads."""

    until: datetime
    message: str

    @property
    def seconds(self) -> int:
        return max(1, math.ceil((self.until - utcnow()).total_seconds()))


def clock(instant: datetime) -> str:
    """hh:mm dd/mm/yyyy in Vietnam time, as the messages say it."""
    local = instant.astimezone(VN_TZ)
    return f"{local.hour:02d}:{local.minute:02d} {format_date(local)}"


def account_delay(failures: int) -> timedelta | None:
    """How long a try waits after the last failure, for an account with `failures` of them."""
    cfg = current_app.config
    over = failures - cfg["LOGIN_ACCOUNT_FREE_FAILURES"]
    if over < 0:
        return None
    return min(cfg["LOGIN_DELAY_FIRST"] * 2 ** min(over, 20), cfg["LOGIN_DELAY_MAX"])


def last_sign_in(key: str) -> datetime | None:
    return db.session.scalar(select(func.max(UserSession.created_at))
                             .join(User, User.id == UserSession.user_id)
                             .where(User.username_key == key))


def _account_since(key: str, now: datetime) -> datetime:
    # failures older than the holder's last sign-in were seen by them, or by the audit log
    memory = now - current_app.config["LOGIN_ACCOUNT_MEMORY"]
    last = last_sign_in(key)
    return memory if last is None else max(last, memory)


def _nth_latest(n: int, *where) -> datetime | None:
    """The n-th newest failure matching `where`: while it is in the window, the limit holds."""
    return db.session.scalar(select(LoginAttempt.at).where(*where)
                             .order_by(LoginAttempt.at.desc()).offset(n - 1).limit(1))


def _wait(until: datetime, kind: str) -> Wait:
    minutes = max(1, math.ceil((until - utcnow()).total_seconds() / 60))
    values = {"minutes": minutes, "time": clock(until)}
    if kind == "pair":
        text = _("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(minutes)s phút "
                 "(lúc %(time)s) hoặc liên hệ quản trị viên.", **values)
    elif kind == "address":
        text = _("Có quá nhiều lần đăng nhập sai từ địa chỉ mạng này. Vui lòng thử lại sau "
                 "%(minutes)s phút (lúc %(time)s); trên máy bạn vẫn thường đăng nhập thì "
                 "không phải đợi.", **values)
    else:
        text = _("Tài khoản này vừa bị đăng nhập sai nhiều lần nên mỗi lần thử phải đợi lâu "
                 "hơn. Vui lòng thử lại sau %(minutes)s phút (lúc %(time)s), hoặc đăng nhập "
                 "trên máy bạn vẫn thường dùng.", **values)
    return Wait(until, text)


def check(key: str, ip: str, browser: Browser) -> Wait | None:
    """None when the password may be checked now, else how long this try must wait."""
    cfg = current_app.config
    now = utcnow()
    since = _account_since(key, now)
    if browser.knows(key) and not _browser_failed(key, browser.id, since):
        return None
    window = cfg["LOGIN_WINDOW"]
    recent = LoginAttempt.at > now - window
    nth = _nth_latest(cfg["LOGIN_MAX_FAILURES"], recent, LoginAttempt.ip == ip,
                      LoginAttempt.username_key == key)
    if nth is not None:
        return _wait(nth + window, "pair")
    nth = _nth_latest(cfg["LOGIN_ADDRESS_MAX_FAILURES"], recent, LoginAttempt.ip == ip)
    if nth is not None:
        return _wait(nth + window, "address")
    failures, last, addresses, from_here = db.session.execute(
        select(func.count(), func.max(LoginAttempt.at), func.count(distinct(LoginAttempt.ip)),
               func.coalesce(func.sum(case((LoginAttempt.ip == ip, 1), else_=0)), 0))
        .where(LoginAttempt.username_key == key, LoginAttempt.at > since)).one()
    delay = account_delay(failures)
    if delay is None or last + delay <= now:
        return None
    if from_here or addresses >= cfg["LOGIN_SPREAD_ADDRESSES"]:
        return _wait(last + delay, "account")
    return None  # an address that has not been failing on it: the holder elsewhere


def _browser_failed(key: str, browser_id: str, since: datetime) -> bool:
    return db.session.scalar(select(LoginAttempt.id).where(
        LoginAttempt.username_key == key, LoginAttempt.browser == browser_id,
        LoginAttempt.at > since).limit(1)) is not None


def record_failure(key: str, ip: str, browser_id: str) -> int:
    """Write the failure; the account's failures since its holder's last sign-in, this one
    included (the caller tells the audit log when the delays begin)."""
    now = utcnow()
    # what no rule and no holder will ask about again goes, so a long attack cannot fill the disk
    db.session.execute(delete(LoginAttempt).where(
        LoginAttempt.at < now - current_app.config["LOGIN_ATTEMPTS_KEPT"]))
    db.session.add(LoginAttempt(username_key=key[:60], ip=ip[:64], browser=browser_id[:32],
                                at=now))
    db.session.flush()
    return db.session.scalar(select(func.count()).where(
        LoginAttempt.username_key == key, LoginAttempt.at > _account_since(key, now)))


def failures_to_tell(user: User, browser_id: str, before: datetime | None):
    """(count, latest) of the failures on the holder's account since their previous sign-in
    (`before`, None for a first one), leaving out this browser's own mistypes of the last
    few minutes (the holder's; older ones may be a colleague's at a shared PC)."""
    own = and_(LoginAttempt.browser == browser_id,
               LoginAttempt.at > utcnow() - current_app.config["LOGIN_WINDOW"])
    where = [LoginAttempt.username_key == user.username_key, ~own]
    if before is not None:
        where.append(LoginAttempt.at > before)
    return db.session.execute(select(func.count(), func.max(LoginAttempt.at))
                              .where(and_(*where))).one()
