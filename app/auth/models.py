from datetime import datetime
from typing import Optional

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.core.extensions import db
from app.core.tenancy import TenantOrProvince
from app.core.i18n import N_
from app.core.columns import UTCDateTime, utcnow
from app.core.vietnamese import fold

# Roles a person can hold; a person may hold several (vhxh: secretariat and editor).
ROLES = {
    "admin": N_("Quản trị hệ thống"),
    "chair": N_("Chủ tịch UBND xã"),
    "secretariat": N_("Thường trực thi đua (Phòng VH-XH)"),
    "supervisor": N_("Giám sát (MTTQ)"),
    "editor": N_("Cán bộ đơn vị"),
    "council": N_("Thành viên Hội đồng TĐKT"),
    # the province's accounts (no commune: app/core/tenancy.py), issue 31
    "province_admin": N_("Quản trị hệ thống tỉnh"),
    "province_board": N_("Ban Thi đua – Khen thưởng tỉnh"),
}


def username_key(username: str) -> str:
    """Usernames are unique regardless of case, accents and spaces."""
    return fold(username).replace(" ", "")


class User(TenantOrProvince, UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60))
    # casefolded, accent-free form: "Bản01" and "ban01" cannot both exist
    username_key: Mapped[str] = mapped_column(String(60), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    position: Mapped[str] = mapped_column(String(120), default="")
    unit_id: Mapped[Optional[int]] = mapped_column(ForeignKey("unit.id"), index=True)
    roles_text: Mapped[str] = mapped_column("roles", String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    unit: Mapped[Optional["Unit"]] = relationship(lazy="joined")  # noqa: F821
    # read with the account by the session loader's one statement: every page names it
    commune: Mapped[Optional["Commune"]] = relationship(lazy="joined")  # noqa: F821

    __mapper_args__ = {"version_id_col": version}

    # Flask-Login stores get_id() in the cookie: we store the session row's id instead of
    # the user's, so ending that row ends the session everywhere.
    session_id = None  # set by the session loader, not a column

    def get_id(self):
        return self.session_id

    @property
    def is_active(self):
        return self.active

    @property
    def roles(self) -> frozenset:
        text = self.roles_text
        parsed = self.__dict__.get("_roles_parsed")  # asked for by every can()
        if parsed is None or parsed[0] != text:
            parsed = self.__dict__["_roles_parsed"] = (text, frozenset(text.split()))
        return parsed[1]

    @roles.setter
    def roles(self, values):
        unknown = set(values) - set(ROLES)
        if unknown:
            raise ValueError(f"unknown roles: {sorted(unknown)}")
        self.roles_text = " ".join(sorted(set(values)))

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __repr__(self):
        return f"<User {self.username}>"


class UserSession(TenantOrProvince, db.Model):
    """A signed-in browser. Revoking the row ends the session for every worker at once."""

    __tablename__ = "user_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    user_agent: Mapped[str] = mapped_column(String(200), default="")

    user: Mapped[User] = relationship()


class LoginAttempt(db.Model):
    """Failed sign-ins, counted per account key, per address and per browser for throttling
    (app/auth/throttle.py)."""

    __tablename__ = "login_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    username_key: Mapped[str] = mapped_column(String(60), index=True)
    ip: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # the browser's id from its known-browser cookie (app/auth/known_browser.py)
    browser: Mapped[str] = mapped_column(String(32), default="", server_default="")
