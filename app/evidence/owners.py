"""The records evidence is attached to, and the rule each follows: the same as the record
(docs/design.md §7 "Evidence files"). Whoever may read the record reads its files; who may
attach is who may change the record — for the emulation's records, which the office keeps,
also the record's own unit (policy "emulation.evidence").

Each owner loads its record with its unit in one statement. Whether files may still be
added or removed is the record's own rule, asked as every change asks it (closed_reason in
app/core/policy.py): a closed year's milestone, a sent report, a decided proposal."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.emulation.models import GoodModel, Proposal
from app.core.extensions import db
from app.core.i18n import N_
from app.milestones.models import Milestone
from app.reports.models import Report


@dataclass(frozen=True)
class Owner:
    key: str            # stored in evidence_file.owner_kind, and the endpoints' prefix
    model: type
    prefix: str         # the record's URL; the evidence page is prefix/<id>/files
    read: str           # policy action to see the record and its files
    attach: str         # policy action to add and remove files
    label: str          # "the milestone", for the page's heading
    title: Callable     # the record's name, shown on the evidence page
    page: Callable      # the page where its evidence block is (attaching comes back here)
    back: Callable      # where the record itself is shown
    joins: tuple = ()

    @property
    def id_arg(self) -> str:
        return f"{self.key}_id"

    @property
    def file_arg(self) -> str:
        return f"{self.key}_file_id"

    def load(self, owner_id: int):
        stmt = select(self.model).where(self.model.id == owner_id)
        for rel in self.joins:
            stmt = stmt.options(joinedload(rel))
        return db.session.scalar(stmt)


def _evidence_page(key):
    return lambda r: url_for(f"evidence.{key}_files", **{f"{key}_id": r.id})


def _report_page(r):
    return url_for("reports.report", slug=r.unit.slug, period_id=r.period_id)


def _proposal_page(p):
    return url_for("emulation.proposal", proposal_id=p.id)


OWNERS = {o.key: o for o in (
    Owner("milestone", Milestone, "/milestones", "unit.view", "unit.edit", N_("Mốc"),
          lambda m: m.title, _evidence_page("milestone"),
          lambda m: url_for("milestones.show", milestone_id=m.id),
          joins=(Milestone.plan,)),  # open while its plan's year is
    Owner("report", Report, "/reports", "report.view", "report.edit", N_("Báo cáo"),
          lambda r: f"{r.unit.name} — {r.period.label}",
          _report_page, _report_page, joins=(Report.unit, Report.period)),
    Owner("model", GoodModel, "/emulation/models", "emulation.view", "emulation.evidence",
          N_("Mô hình hay"), lambda m: m.title, _evidence_page("model"),
          lambda m: url_for("emulation.models", year=m.year, _anchor=f"gm-{m.id}")),
    Owner("proposal", Proposal, "/emulation/proposals", "emulation.view", "emulation.evidence",
          N_("Đề nghị khen thưởng"), lambda p: p.nominee,
          _proposal_page, _proposal_page, joins=(Proposal.unit,)),
)}
