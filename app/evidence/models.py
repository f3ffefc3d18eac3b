"""Evidence files (minh chứng, issue 21): a file attached to a milestone, a report, a good
model or a proposal. Content lives once per SHA-256 (a blob, in chunks); a file row names
the record it is attached to, how it was typed and what it is. Removing one marks the row
(removed_at), so what was attached stays in history and in the audit log."""
from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from app.core.extensions import db
from app.core.tenancy import Tenant
from app.core.columns import UTCDateTime, utcnow

# what a file is, from its content: label, MIME type, extension on disk
KINDS = {
    "jpeg": ("JPEG", "image/jpeg", "jpg"),
    "png": ("PNG", "image/png", "png"),
    "webp": ("WebP", "image/webp", "webp"),
    "pdf": ("PDF", "application/pdf", "pdf"),
    "docx": ("Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "docx"),
    "xlsx": ("Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "xlsx"),
}
IMAGES = ("jpeg", "png", "webp")


class EvidenceBlob(Tenant, db.Model):
    """One content, stored once whatever records it is attached to."""

    __tablename__ = "evidence_blob"
    # stored once per commune: a commune's files are its own (its backup, its leaving)
    __table_args__ = (UniqueConstraint("commune_id", "sha256", name="one_blob_per_content"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    chunks: Mapped[int] = mapped_column(Integer)
    # "db": the chunks below; "s3": an object named by the hash in the configured bucket
    store: Mapped[str] = mapped_column(String(8), default="db")
    # an image's thumbnail (≤ 10 KB, WebP): read only by the thumbnail's own URL
    thumb: Mapped[Optional[bytes]] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EvidenceChunk(Tenant, db.Model):
    __tablename__ = "evidence_chunk"

    blob_id: Mapped[int] = mapped_column(ForeignKey("evidence_blob.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class EvidenceFile(Tenant, db.Model):
    __tablename__ = "evidence_file"
    __table_args__ = (Index("ix_evidence_file_owner", "owner_kind", "owner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_kind: Mapped[str] = mapped_column(String(12))
    owner_id: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    blob_id: Mapped[int] = mapped_column(ForeignKey("evidence_blob.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))       # as typed, shown as typed
    disk_name: Mapped[str] = mapped_column(String(120))  # safe, with the content's extension
    kind: Mapped[str] = mapped_column(String(8))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[Optional[int]] = mapped_column(Integer)
    height: Mapped[Optional[int]] = mapped_column(Integer)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    removed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    # the upload form's token: a photo sent twice (a retry, the outbox) is attached once
    submission_token: Mapped[Optional[str]] = mapped_column(String(64), unique=True)

    blob: Mapped[EvidenceBlob] = relationship()

    @property
    def label(self) -> str:
        return KINDS[self.kind][0]

    @property
    def mimetype(self) -> str:
        return KINDS[self.kind][1]

    @property
    def is_image(self) -> bool:
        return self.kind in IMAGES
