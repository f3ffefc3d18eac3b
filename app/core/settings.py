"""Settings the office edits, one table of named values for every domain that keeps one:
the scoring thresholds and the council's share (app/emulation/settings.py), the reporting
calendar (app/reports/calendar_setting.py). Each domain owns its keys, defaults and checks;
this module only stores. A row exists once someone saved a value, so a missing row means
"the default". The table keeps the name it was born with (emulation_setting)."""
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from app.core.columns import UTCDateTime, utcnow
from app.core.extensions import db
from app.core.tenancy import Tenant, default_commune


class Setting(Tenant, db.Model):
    __tablename__ = "emulation_setting"

    # each commune its own values: the commune is part of the key
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id"), primary_key=True,
                                            index=True, default=default_commune)
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


def stored(*keys: str) -> dict[str, tuple[str, int]]:
    """{key: (value, version)} of the saved rows among `keys` (all rows when none named):
    one statement."""
    stmt = select(Setting.key, Setting.value, Setting.version)
    if keys:
        stmt = stmt.where(Setting.key.in_(keys))
    return {key: (value, version) for key, value, version in db.session.execute(stmt)}


def put(key: str, value: str) -> None:
    """Store `value` under `key`, making the row the first time; the caller checked the
    version the person read (a row's version moves with each save)."""
    row = db.session.scalar(select(Setting).where(Setting.key == key))
    if row is None:
        db.session.add(Setting(key=key, value=value))
    else:
        row.value = value
