"""Evidence gathered for documents: a proposal's dossier (.zip) and the review report's list
of each unit's evidence. Content is copied into the zip a chunk at a time."""
from __future__ import annotations

import tempfile
import zipfile

from sqlalchemy import select, union_all

from app.emulation.models import GoodModel, Proposal
from app.evidence import store
from app.evidence.models import EvidenceBlob, EvidenceFile
from app.core.extensions import db
from app.milestones.models import Milestone
from app.plans.models import Plan
from app.reports.models import Report, ReportingPeriod
from app.units.models import Unit

SPOOL = 8 * 1024 * 1024  # a dossier larger than this is built on disk, not in memory


def zip_file(entries, files_by_folder):
    """A zip (a spooled temporary file, at its start) of `entries` — (name, bytes) — and of
    each folder's evidence files, numbered so two files of one name never collide."""
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            zf.writestr(name, data)
        blobs = {b.id: b for b in db.session.scalars(select(EvidenceBlob).where(
            EvidenceBlob.id.in_({f.blob_id for fs in files_by_folder.values() for f in fs})))}
        for folder, files in files_by_folder.items():
            for n, f in enumerate(files, 1):
                blob = blobs[f.blob_id]
                # photos, PDFs and Office files are compressed already: stored as they are
                info = zipfile.ZipInfo(f"{folder}/{n:02d}-{f.disk_name}",
                                       date_time=f.created_at.timetuple()[:6])
                info.compress_type = zipfile.ZIP_STORED
                with zf.open(info, "w") as part:
                    for piece in store.chunks(blob.id, blob.store, blob.sha256):
                        part.write(piece)
    out.seek(0)
    return out


def of_year_by_unit(year: int) -> list[tuple[Unit, list[EvidenceFile]]]:
    """Every unit's evidence on the year's milestones, reports, good models and proposals,
    in the units' order: one statement."""
    owned = union_all(
        select(EvidenceFile.id).join(Milestone, Milestone.id == EvidenceFile.owner_id)
        .join(Plan, Plan.id == Milestone.plan_id)
        .where(EvidenceFile.owner_kind == "milestone", Plan.year == year),
        select(EvidenceFile.id).join(Report, Report.id == EvidenceFile.owner_id)
        .join(ReportingPeriod, ReportingPeriod.id == Report.period_id)
        .where(EvidenceFile.owner_kind == "report", ReportingPeriod.year == year),
        select(EvidenceFile.id).join(GoodModel, GoodModel.id == EvidenceFile.owner_id)
        .where(EvidenceFile.owner_kind == "model", GoodModel.year == year),
        select(EvidenceFile.id).join(Proposal, Proposal.id == EvidenceFile.owner_id)
        .where(EvidenceFile.owner_kind == "proposal", Proposal.year == year))
    rows = db.session.execute(
        select(EvidenceFile, Unit).join(Unit, Unit.id == EvidenceFile.unit_id)
        .where(EvidenceFile.id.in_(select(owned.subquery().c.id)),
               EvidenceFile.removed_at.is_(None))
        .order_by(Unit.sort_order, Unit.id, EvidenceFile.id))
    grouped: dict[int, tuple[Unit, list]] = {}
    for f, unit in rows:
        grouped.setdefault(unit.id, (unit, []))[1].append(f)
    return list(grouped.values())
