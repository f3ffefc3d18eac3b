"""Where evidence content lives: in the database by default (every app process sees it, and
`flask backup` carries it), written and read in chunks so no statement moves a whole file;
or, for larger deployments, an S3-compatible bucket (EVIDENCE_STORE=s3, README "Evidence
files"). One blob per SHA-256: the same photo attached twice is stored once."""
from __future__ import annotations

import hashlib
from contextlib import contextmanager

from flask import current_app
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from app.core.errors import Refused
from app.core.extensions import db
from app.core.vietnamese import _l as _
from app.evidence.models import EvidenceBlob, EvidenceChunk

CHUNK = 256 * 1024


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def put(data: bytes, thumb: bytes | None = None) -> EvidenceBlob:
    """The blob holding `data`, stored now unless it already is."""
    digest = sha256(data)
    blob = db.session.scalar(select(EvidenceBlob).where(EvidenceBlob.sha256 == digest))
    if blob is not None:
        return blob
    kind = current_app.config["EVIDENCE_STORE"]
    pieces = [data[i:i + CHUNK] for i in range(0, len(data), CHUNK)]
    blob = EvidenceBlob(sha256=digest, size=len(data), store=kind, thumb=thumb,
                        chunks=len(pieces) if kind == "db" else 0)
    try:
        # the same content sent twice at once (two phones, one photo): on PostgreSQL the
        # second insert waits for the first and then finds it stored
        with db.session.begin_nested():
            db.session.add(blob)
            db.session.flush()
    except IntegrityError:
        return db.session.scalar(select(EvidenceBlob).where(EvidenceBlob.sha256 == digest))
    if kind == "s3":
        with _bucket_answers():
            _s3().put_object(Bucket=_bucket(), Key=digest, Body=data)
    else:
        for seq, piece in enumerate(pieces):
            # one chunk a statement, no ORM object kept: the session never holds the file
            db.session.execute(insert(EvidenceChunk), {"blob_id": blob.id, "seq": seq,
                                                       "data": piece})
    return blob


def chunks(blob_id: int, store: str, digest: str):
    """The content, a chunk at a time (one statement each). From a bucket the object is
    asked for now, so a store that does not answer is refused before a byte is sent."""
    if store == "s3":
        with _bucket_answers():
            body = _s3().get_object(Bucket=_bucket(), Key=digest)["Body"]
        return iter(lambda: body.read(CHUNK), b"")
    return _db_chunks(blob_id)


def _db_chunks(blob_id: int):
    seq = 0
    while True:
        piece = db.session.scalar(select(EvidenceChunk.data).where(
            EvidenceChunk.blob_id == blob_id, EvidenceChunk.seq == seq))
        if piece is None:
            return
        yield piece
        seq += 1


def read(blob: EvidenceBlob) -> bytes:
    return b"".join(chunks(blob.id, blob.store, blob.sha256))


def verify_all() -> list[str]:
    """The hashes whose stored content no longer matches (after a restore, say)."""
    bad = []
    for blob in db.session.scalars(select(EvidenceBlob).order_by(EvidenceBlob.id)):
        h = hashlib.sha256()
        for piece in chunks(blob.id, blob.store, blob.sha256):
            h.update(piece)
        if h.hexdigest() != blob.sha256:
            bad.append(blob.sha256)
    return bad


def check_evidence() -> tuple[int, list[str]]:
    """After a restore: the evidence contents and the hashes they were stored under (issue
    21). In the database (the default) the files travel inside the backup itself; this says
    they came back whole. Returns (how many, the SHA-256 of any that did not)."""
    return db.session.scalar(select(func.count(EvidenceBlob.id))), verify_all()


# ---- S3-compatible (tests/test_evidence_s3.py, against s3rver) -------------------------

@contextmanager
def _bucket_answers():
    """A bucket that does not answer (network, credentials, a missing object) is a 503 in
    words, the transaction rolled back: the file is not half stored."""
    from botocore.exceptions import BotoCoreError, ClientError
    try:
        yield
    except (BotoCoreError, ClientError) as exc:
        current_app.logger.warning("evidence store: %s", exc)
        raise Refused(_("Kho lưu tệp minh chứng đang không trả lời; tệp chưa được lưu hay đọc. "
                        "Vui lòng thử lại sau ít phút."), 503) from exc


def _bucket() -> str:
    return current_app.config["EVIDENCE_S3_BUCKET"]


def _s3():
    import boto3  # only a deployment that chose S3 installs it
    cfg = current_app.config
    return boto3.client("s3", endpoint_url=cfg["EVIDENCE_S3_ENDPOINT"] or None,
                        region_name=cfg["EVIDENCE_S3_REGION"] or None,
                        aws_access_key_id=cfg["EVIDENCE_S3_KEY"] or None,
                        aws_secret_access_key=cfg["EVIDENCE_S3_SECRET"] or None)
