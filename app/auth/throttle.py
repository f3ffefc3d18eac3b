"""Sign-in throttling, counted in the database so every worker and server shares it."""
from flask import current_app
from sqlalchemy import case, delete, func, or_, select

from app.auth.models import LoginAttempt
from app.extensions import db
from app.models_base import utcnow

# One address may mistype several accounts (a shared office PC), but not without limit.
PER_ADDRESS_FACTOR = 4


def is_locked(username_key: str, ip: str) -> bool:
    cfg = current_app.config
    since = utcnow() - cfg["LOGIN_WINDOW"]
    per_key, per_ip = db.session.execute(
        select(func.coalesce(func.sum(case((LoginAttempt.username_key == username_key, 1),
                                           else_=0)), 0),
               func.coalesce(func.sum(case((LoginAttempt.ip == ip, 1), else_=0)), 0))
        .where(LoginAttempt.at > since,
               or_(LoginAttempt.username_key == username_key, LoginAttempt.ip == ip))
    ).one()
    limit = cfg["LOGIN_MAX_FAILURES"]
    return per_key >= limit or per_ip >= limit * PER_ADDRESS_FACTOR


def record_failure(username_key: str, ip: str) -> None:
    db.session.add(LoginAttempt(username_key=username_key[:60], ip=ip[:64]))


def clear(username_key: str) -> None:
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.username_key == username_key))
