from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.columns import UTCDateTime, utcnow
from app.core.extensions import db


class Commune(db.Model):
    """One commune (or ward) of the province: every tenant row points here. Not itself a
    tenant table: the province lists them all."""

    __tablename__ = "commune"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    province: Mapped[str] = mapped_column(String(120), default="")
    committee: Mapped[str] = mapped_column(String(200), default="")
    # a sample commune of the province demo says so on its pages (issue 31 item 4)
    is_sample: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def kind(self) -> str:
        """"phường" for a ward, else "xã" (as its committee is named)."""
        return "phường" if "phường" in self.committee.lower() else "xã"

    def __repr__(self):
        return f"<Commune {self.slug}>"
