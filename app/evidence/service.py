"""Attaching and removing evidence: limits, content checks, storage and the audit event, in
the caller's transaction. A file's content never changes; removing one marks its row."""
from __future__ import annotations

import fcntl
import re
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

from flask import current_app, request
from sqlalchemy import func, select

from app.audit import service as audit
from app.auth.models import User
from app.core import idempotency
from app.core.columns import utcnow
from app.core.errors import Refused
from app.core.extensions import db
from app.core.policy import ensure_open
from app.core.vietnamese import _l, fold, nfc
from app.evidence import content, store
from app.evidence.models import KINDS, EvidenceFile

# what a name shows nothing of, or turns around: controls, zero-width and joining marks,
# the soft hyphen, byte-order mark, bidirectional overrides, fillers that render blank
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5"
                     "\u180b-\u180f\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f"
                     "\ufeff\uffa0\ufff0-\ufffb]")


def limits() -> dict:
    cfg = current_app.config
    mb = 1024 * 1024
    return {"file": cfg["EVIDENCE_MAX_FILE_MB"] * mb, "record": cfg["EVIDENCE_MAX_RECORD_MB"] * mb,
            "files": cfg["EVIDENCE_MAX_RECORD_FILES"], "file_mb": cfg["EVIDENCE_MAX_FILE_MB"],
            "record_mb": cfg["EVIDENCE_MAX_RECORD_MB"]}


def too_big_message():
    return _l("Tệp quá lớn (tối đa %(n)s MB một tệp). Ảnh chụp bằng điện thoại: hãy bật "
              "JavaScript để ảnh được thu nhỏ trước khi gửi, hoặc gửi ảnh nhỏ hơn.",
              n=limits()["file_mb"])


def upload_limit():
    """Before every request, first of all: a file bigger than the app's usual request limit
    is let in to the attach routes only, and one bigger than the evidence limit is refused
    before its body is read, with the reason in Vietnamese (CSRF's check would read, and
    refuse, the body)."""
    if not (request.endpoint or "").endswith("_attach") or request.blueprint != "evidence":
        return None
    allowed = limits()["file"] + 256 * 1024  # the form's other fields
    request.max_content_length = allowed
    if (request.content_length or 0) > allowed:
        raise Refused(too_big_message(), 413)
    return None


def typed_name(raw: Optional[str]) -> str:
    """The name as the person's device gave it, without a path or invisible characters."""
    name = nfc(raw or "")
    name = re.split(r"[\\/]", name)[-1]
    name = CONTROL.sub("", name).strip()
    return name[:200] or "minh-chung"


def disk_name(typed: str, kind: str) -> str:
    """Safe on any disk and in any header: ASCII letters, digits and dashes, and the
    extension of what the content is (a PDF named photo.jpg downloads as photo.pdf)."""
    stem = typed.rsplit(".", 1)[0] if "." in typed else typed
    safe = re.sub(r"[^a-z0-9]+", "-", fold(stem)).strip("-")[:80] or "minh-chung"
    return f"{safe}.{KINDS[kind][2]}"


def live(owner_key: str, owner_ids):
    """The files attached to these records, not removed, oldest first: one statement; the
    content and thumbnails are not read."""
    ids = list(owner_ids)
    if not ids:
        return []
    return list(db.session.scalars(
        select(EvidenceFile).where(EvidenceFile.owner_kind == owner_key,
                                   EvidenceFile.owner_id.in_(ids),
                                   EvidenceFile.removed_at.is_(None))
        .order_by(EvidenceFile.owner_id, EvidenceFile.id)))


def clean_bounded(data: bytes, lim: dict) -> content.Cleaned:
    """content.clean, at most EVIDENCE_DECODE_SLOTS at once on this machine, whatever the
    app processes (a near-limit image takes a few hundred MB and a core for a second or
    two while decoded: the other core stays free for everyone's saves), memory handed back
    after."""
    with _decode_slot():
        try:
            return content.clean(data, max_side=current_app.config["EVIDENCE_IMAGE_SIDE"],
                                 max_pixels=current_app.config["EVIDENCE_MAX_PIXELS"],
                                 max_bytes=lim["file"], too_big=too_big_message())
        finally:
            content.give_memory_back()


@contextmanager
def _decode_slot():
    """One of the machine's decoding slots: a lock file each, held with flock (released by
    the system if the process dies); a request waits for the first that frees."""
    folder = Path(current_app.config["EVIDENCE_DECODE_LOCKS"])
    folder.mkdir(parents=True, exist_ok=True)
    slots = [folder / f"decode-{n}.lock" for n in range(current_app.config["EVIDENCE_DECODE_SLOTS"])]
    while True:
        for path in slots:
            handle = open(path, "a")  # its own open file: threads exclude each other too
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                continue
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
                handle.close()
            return
        time.sleep(0.05)


def _held(owner_key: str, owner_id: int) -> tuple[int, int]:
    return db.session.execute(
        select(func.count(EvidenceFile.id), func.coalesce(func.sum(EvidenceFile.size), 0))
        .where(EvidenceFile.owner_kind == owner_key, EvidenceFile.owner_id == owner_id,
               EvidenceFile.removed_at.is_(None))).one()


def attach(owner, record, data: bytes, name: Optional[str], token: Optional[str], user):
    """Check, clean, store and record one file; returns (file, sent_again).

    The seconds of decoding and scaling happen outside any transaction: the one this
    request opened (on SQLite it holds the database's write lock from the first statement
    of a POST) ends first, and the file is stored in a new one, where the record is asked
    again whether it is still open — so another person's save never waits on a photo."""
    ensure_open(record)
    lim = limits()
    if len(data) > lim["file"]:
        raise Refused(too_big_message(), 413)
    db.session.commit()
    cleaned = clean_bounded(data, lim)
    ensure_open(record)  # read again, in the transaction that stores the file
    count, held = _held(owner.key, record.id)
    if count >= lim["files"]:
        raise Refused(_l("Hồ sơ đã có %(n)s tệp, mức tối đa; hãy gỡ bớt tệp không cần.",
                         n=lim["files"]), 413)
    if held + len(cleaned.data) > lim["record"]:
        raise Refused(_l("Tổng dung lượng minh chứng của hồ sơ vượt %(n)s MB; hãy gỡ bớt "
                         "tệp không cần.", n=lim["record_mb"]), 413)
    token = idempotency.clean(token)
    typed = typed_name(name)

    def create():
        blob = store.put(cleaned.data, cleaned.thumb)
        f = EvidenceFile(owner_kind=owner.key, owner_id=record.id, unit_id=record.unit_id,
                         blob_id=blob.id, name=typed, disk_name=disk_name(typed, cleaned.kind),
                         kind=cleaned.kind, size=len(cleaned.data), sha256=blob.sha256,
                         width=cleaned.width, height=cleaned.height,
                         created_by_id=user.id, submission_token=token)
        db.session.add(f)
        db.session.flush()
        audit.record("evidence.attach", "evidence_file", f.id, unit_id=f.unit_id, user=user,
                     after=_described(f))
        return f

    return idempotency.first_send(EvidenceFile, token, create)


def remove(f: EvidenceFile, owner, record, user) -> None:
    """Taken off the record, kept in history: the row stays, marked, and the log says who."""
    ensure_open(record)
    if f.removed_at is not None:
        return  # removed already: a second tap, or its answer lost on the way
    f.removed_at, f.removed_by_id = utcnow(), user.id
    audit.record("evidence.remove", "evidence_file", f.id, unit_id=f.unit_id, user=user,
                 before=_described(f))


def restore(f: EvidenceFile, owner, record, user) -> None:
    """A removed file put back on its record by the office, within the record's limits:
    the row was kept for this (and for the history); the log says who put it back."""
    ensure_open(record)
    if f.removed_at is None:
        return  # back already: a second tap, or its answer lost on the way
    lim = limits()
    count, held = _held(owner.key, record.id)
    if count >= lim["files"] or held + f.size > lim["record"]:
        raise Refused(_l("Không thể khôi phục: hồ sơ đã đủ số tệp hoặc dung lượng tối đa; "
                         "hãy gỡ bớt tệp khác trước."), 409)
    f.removed_at, f.removed_by_id = None, None
    audit.record("evidence.restore", "evidence_file", f.id, unit_id=f.unit_id, user=user,
                 after=_described(f))


def removed(owner_key: str, owner_id: int) -> list:
    """The files removed from one record, newest removal first, with who removed each:
    what the office may put back. One statement."""
    return list(db.session.execute(
        select(EvidenceFile, User.full_name)
        .outerjoin(User, User.id == EvidenceFile.removed_by_id)
        .where(EvidenceFile.owner_kind == owner_key, EvidenceFile.owner_id == owner_id,
               EvidenceFile.removed_at.is_not(None))
        .order_by(EvidenceFile.removed_at.desc(), EvidenceFile.id.desc())))


def _described(f: EvidenceFile) -> dict:
    return {"owner": f"{f.owner_kind}:{f.owner_id}", "name": f.name, "kind": f.kind,
            "size": f.size, "sha256": f.sha256}
