"""Write audit events in the caller's transaction; the chain makes tampering visible."""
import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Optional

from flask_login import current_user
from sqlalchemy import Integer, bindparam, event, func, inspect, select

from app.audit.models import AuditEvent
from app.core import tenancy
from app.core.extensions import db
from app.core.columns import utcnow


def _jsonable(value):
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def snapshot(obj, fields=None) -> dict:
    """The column values of a model instance, as JSON-ready data."""
    mapper = inspect(obj).mapper
    names = fields or [c.key for c in mapper.column_attrs]
    return {name: _jsonable(getattr(obj, name)) for name in names}


def _dump(data) -> str:
    return "" if data is None else json.dumps(data, ensure_ascii=False, sort_keys=True)


def event_hash(prev_hash: str, ev: AuditEvent) -> str:
    payload = json.dumps(
        [prev_hash, ev.at.replace(tzinfo=None).isoformat(timespec="microseconds") if ev.at else "", ev.user_id,
         ev.username, ev.action, ev.entity, ev.entity_id, ev.unit_id, ev.before, ev.after],
        ensure_ascii=False, separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def saved_by_me(entity: str, entity_id) -> bool:
    """Whether the signed-in person made the newest change of a record (its newest audit
    event): a clash with one's own earlier save — another device, or a change kept on the
    phone and sent late — is said as such, never as someone else's (issue 30)."""
    if entity_id is None or not (current_user and current_user.is_authenticated):
        return False
    who = db.session.scalar(select(AuditEvent.user_id).where(
        AuditEvent.entity == entity, AuditEvent.entity_id == entity_id)
        .order_by(AuditEvent.id.desc()).limit(1))
    return who is not None and who == current_user.id


def _chain():
    """Each commune keeps its own chain (it can be checked, and leave, on its own); the
    province's own events make one more (no commune)."""
    commune = tenancy.commune_or_province()
    if commune is None:
        return AuditEvent.commune_id.is_(None)
    return AuditEvent.commune_id == commune


def _chain_head() -> Optional[str]:
    """The newest event's hash, read once no other writer can add one until we commit.
    SQLite writers are already serialised by BEGIN IMMEDIATE; on PostgreSQL the function
    (migrations 0007, 0016) takes the chain's advisory lock, then reads, in one round trip."""
    chain = tenancy.commune_or_province()
    stmt = _chain_head_stmt(db.session.get_bind().dialect.name, chain is None)
    return db.session.scalar(stmt, {"chain": chain})


@cache  # every write reads it: built once per process, dialect and kind of chain
def _chain_head_stmt(dialect: str, province: bool):
    if dialect == "postgresql":
        return select(func.audit_chain_head(bindparam("chain", type_=Integer)))
    own = (AuditEvent.commune_id.is_(None) if province
           else AuditEvent.commune_id == bindparam("chain"))
    return select(AuditEvent.hash).where(own).order_by(AuditEvent.id.desc()).limit(1)


def record(action: str, entity: str, entity_id=None, *, unit_id=None, before=None,
           after=None, user=None) -> AuditEvent:
    """Add an audit event to the current session; the caller's commit writes both."""
    if user is None:
        user = current_user if current_user and current_user.is_authenticated else None
    db.session.flush()
    prev = _chain_head()
    ev = AuditEvent(
        commune_id=tenancy.commune_or_province(),
        at=utcnow().replace(tzinfo=None),
        user_id=getattr(user, "id", None),
        username=getattr(user, "username", "") or "",
        action=action, entity=entity, entity_id=entity_id, unit_id=unit_id,
        before=_dump(before), after=_dump(after), prev_hash=prev or "",
    )
    ev.hash = event_hash(ev.prev_hash, ev)
    db.session.add(ev)
    return ev


def verify_chain():
    """Return (ok, first_bad_id, reason) walking the chain in id order.

    Ids may skip (a rolled-back transaction still used its sequence number); a gap only
    means a deleted row when the link across it is broken too.
    """
    prev, prev_id = "", 0
    events = select(AuditEvent).where(_chain()).order_by(AuditEvent.id)
    for ev in db.session.scalars(events).yield_per(500):
        if ev.prev_hash != prev:
            if ev.id != prev_id + 1:
                return False, prev_id + 1, "missing"
            return False, ev.id, "broken link"
        if event_hash(prev, ev) != ev.hash:
            return False, ev.id, "altered"
        prev, prev_id = ev.hash, ev.id
    return True, None, ""


def head():
    """(id, hash) of the newest event, or None for an empty log."""
    row = db.session.execute(select(AuditEvent.id, AuditEvent.hash).where(_chain())
                             .order_by(AuditEvent.id.desc()).limit(1)).first()
    return tuple(row) if row else None


def read_anchors(path) -> list[tuple[int, str]]:
    """The heads noted in an anchor file: lines of `time id hash`; # starts a comment."""
    anchors = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        parts = line.split("#", 1)[0].split()
        if len(parts) == 3 and parts[1].isdigit():
            anchors.append((int(parts[1]), parts[2]))
    return anchors


def check_anchors(anchors) -> tuple[bool, Optional[int], str]:
    """Each head noted outside the database must still be in the log, unchanged: a chain
    that verifies but lost an anchored row was cut at its end (or rebuilt after it)."""
    if not anchors:
        return True, None, ""
    ids = sorted({i for i, _h in anchors})
    found = {}
    for chunk in range(0, len(ids), 500):
        found.update(db.session.execute(select(AuditEvent.id, AuditEvent.hash)
                                        .where(AuditEvent.id.in_(ids[chunk:chunk + 500]))).all())
    for anchor_id, anchor_hash in sorted(anchors):
        if anchor_id not in found:
            return False, anchor_id, "cut"
        if found[anchor_id] != anchor_hash:
            return False, anchor_id, "replaced"
    return True, None, ""


@event.listens_for(AuditEvent, "before_update")
def _no_update(mapper, connection, target):
    raise RuntimeError("audit events are append-only")


@event.listens_for(AuditEvent, "before_delete")
def _no_delete(mapper, connection, target):
    raise RuntimeError("audit events are append-only")
