"""Good models and effective ways of working (mô hình hay, cách làm hiệu quả): gathered
from the units' accepted reports, or entered by the secretariat."""
from __future__ import annotations

from typing import Mapping, Optional

from sqlalchemy import delete

from app.audit.service import record, snapshot
from app.emulation import queries
from app.emulation.models import GoodModel, ProposalEvidence
from app.emulation.services.rows import check_version, save_row, user_id
from app.core.extensions import db
from app.reports.commune import phrase
from app.core.vietnamese import _l

MODEL_FIELDS = ("unit_id", "area_id", "title", "description")
TITLE_WORDS = 14


def title_from(text: str) -> str:
    """A short title from a report's section: its first line, cut at a word."""
    first = next((line.strip(" -–•*\t") for line in text.splitlines() if line.strip()), "")
    words = first.split()
    return " ".join(words[:TITLE_WORDS]) + ("…" if len(words) > TITLE_WORDS else "")


def gather_models(year: int, user=None) -> int:
    """One good model per accepted report of the year whose section names one, not yet
    gathered; the secretariat then sets its area and edits its wording."""
    found = queries.reports_with_models(year)
    for report, unit, period in found:
        db.session.add(GoodModel(
            year=year, unit_id=unit.id, title=title_from(report.good_models)[:300],
            description=f"{report.good_models.strip()}\n(Nguồn: báo cáo {phrase(period)})",
            source_report_id=report.id, created_by_id=user_id(user)))
    if found:
        db.session.flush()
        record("good_model.gather", "good_model", None, user=user,
               after={"year": year, "reports": [r.id for r, _u, _p in found]})
    return len(found)


def save_model(model: Optional[GoodModel], values: Mapping, version=None, year=None,
               user=None) -> GoodModel:
    return save_row(model, lambda: GoodModel(year=year, created_by_id=user_id(user)),
                     MODEL_FIELDS, values, version, _l("Mô hình"), "good_model", user=user,
                     unit_of=lambda m: m.unit_id)


def delete_model(model: GoodModel, version, user=None) -> None:
    check_version(model, version, _l("Mô hình"))
    db.session.execute(delete(ProposalEvidence).where(ProposalEvidence.kind == "model",
                                                      ProposalEvidence.ref_id == model.id))
    before = snapshot(model, MODEL_FIELDS)
    db.session.delete(model)
    db.session.flush()
    record("good_model.delete", "good_model", model.id, unit_id=model.unit_id, user=user,
           before=before)
