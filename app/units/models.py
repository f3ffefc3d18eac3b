from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.extensions import db
from app.core.tenancy import Tenant
from app.core.i18n import N_
from app.core.columns import UTCDateTime, utcnow

# Kinds in the order a commune reads them; villages report first, the office compiles last.
UNIT_KINDS = {
    "commune": N_("UBND xã"),
    "office": N_("Văn phòng"),
    "department": N_("Phòng chuyên môn"),
    "service": N_("Đơn vị sự nghiệp, dịch vụ công"),
    "health": N_("Y tế"),
    "school": N_("Trường học"),
    "front": N_("Mặt trận Tổ quốc"),
    "organisation": N_("Đoàn thể"),
    "village": N_("Bản"),
}


def own_short_name(name: str, short_name: str) -> str:
    """One name per unit (docs/design.md §7): a short name that only repeats the full name
    is kept empty, so the full name shows everywhere and a rename reaches every page."""
    return "" if short_name == name else short_name


class Unit(Tenant, db.Model):
    __tablename__ = "unit"
    __table_args__ = (UniqueConstraint("commune_id", "slug", name="one_slug_per_commune"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(80), default="")
    kind: Mapped[str] = mapped_column(String(20), index=True)
    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("unit.id"))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    archived_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    parent: Mapped[Optional["Unit"]] = relationship(remote_side=[id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def kind_label(self) -> str:
        return UNIT_KINDS.get(self.kind, self.kind)

    @property
    def is_village(self) -> bool:
        return self.kind == "village"

    def __repr__(self):
        return f"<Unit {self.slug}>"
