"""Commendation proposals: drawn up by the secretariat with their evidence, voted by the
council, decided by the chair (or sent upward when a higher level awards the title), and
commented on."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Iterable, Mapping, Optional

from sqlalchemy import select

from app.audit.service import record, snapshot
from app.emulation import events
from app.emulation.models import (NOMINEE_KINDS, VOTES, AwardTitle, Proposal, ProposalEvidence,
                                  ProposalVote)
from app.emulation.services.rows import check_version, holds, user_id
from app.core.errors import Refused
from app.core.extensions import db
from app.core.policy import ensure_open
from app.core.columns import utcnow
from app.core.vietnamese import _l

PROPOSAL_FIELDS = ("nominee_kind", "unit_id", "person_name", "person_position", "title_id",
                   "achievements")


def _check_nominee(values: Mapping, title: Optional[AwardTitle]) -> None:
    fields = {}
    if values["nominee_kind"] not in NOMINEE_KINDS:
        fields["nominee_kind"] = _l("Lựa chọn không hợp lệ.")
    elif values["nominee_kind"] == "individual" and not values["person_name"].strip():
        fields["person_name"] = _l("Vui lòng nhập họ và tên người được đề nghị.")
    if title is None or not title.active:
        fields["title_id"] = _l("Lựa chọn không hợp lệ; hãy chọn trong danh sách.")
    elif values["nominee_kind"] in NOMINEE_KINDS and not title.fits(values["nominee_kind"]):
        fields["title_id"] = _l("“%(title)s” dành cho %(who)s.", title=title.name,
                                who=_l(title.nominee_label).lower())
    if not values["achievements"].strip():
        fields["achievements"] = _l("Vui lòng tóm tắt thành tích.")
    if fields:
        raise Refused(_l("Vui lòng kiểm tra lại các ô được đánh dấu."), 422, fields)


def _proposal_snapshot(p: Proposal) -> dict:
    return snapshot(p, (*PROPOSAL_FIELDS, "status", "decision_number", "decision_date"))


def create_proposal(year: int, values: Mapping, user=None) -> Proposal:
    title = db.session.get(AwardTitle, values["title_id"]) if values["title_id"] else None
    _check_nominee(values, title)
    p = Proposal(year=year, status="proposed", created_by_id=user_id(user),
                 **{k: values[k] for k in PROPOSAL_FIELDS})
    if p.nominee_kind == "collective":
        p.person_name = p.person_position = ""
    db.session.add(p)
    db.session.flush()
    record("proposal.create", "proposal", p.id, unit_id=p.unit_id, user=user,
           after=_proposal_snapshot(p))
    return p


def update_proposal(p: Proposal, version, values: Mapping, user=None) -> None:
    ensure_open(p)
    if not p.editable:
        raise Refused(_l("Đề nghị đã trình Hội đồng nên không sửa được nữa."), 409)
    if holds(p, PROPOSAL_FIELDS, values):
        return
    check_version(p, version, _l("Đề nghị"))
    title = db.session.get(AwardTitle, values["title_id"]) if values["title_id"] else None
    _check_nominee(values, title)
    before = _proposal_snapshot(p)
    for key in PROPOSAL_FIELDS:
        setattr(p, key, values[key])
    if p.nominee_kind == "collective":
        p.person_name = p.person_position = ""
    db.session.flush()
    record("proposal.update", "proposal", p.id, unit_id=p.unit_id, user=user, before=before,
           after=_proposal_snapshot(p))


def set_evidence(p: Proposal, chosen: Iterable[tuple[str, int]],
                 allowed: set[tuple[str, int]], user=None) -> None:
    """Link exactly the chosen reports, good models and score sheets (of those offered)."""
    ensure_open(p)
    chosen = set(chosen)
    if not chosen <= allowed:
        raise Refused(_l("Minh chứng không thuộc đơn vị được đề nghị."), 422)
    current = {(e.kind, e.ref_id): e for e in db.session.scalars(
        select(ProposalEvidence).where(ProposalEvidence.proposal_id == p.id))}
    if set(current) == chosen:
        return
    for key, e in current.items():
        if key not in chosen:
            db.session.delete(e)
    for kind, ref in chosen - set(current):
        db.session.add(ProposalEvidence(proposal_id=p.id, kind=kind, ref_id=ref))
    db.session.flush()
    record("proposal.evidence", "proposal", p.id, unit_id=p.unit_id, user=user,
           before=sorted(f"{k}:{r}" for k, r in current),
           after=sorted(f"{k}:{r}" for k, r in chosen))


def _move(p: Proposal, version, expected: str, new: str, action: str, user=None, **extra):
    ensure_open(p)
    if p.status != expected:
        raise Refused(_l("Đề nghị không ở bước này (hiện: %(status)s). Vui lòng tải lại trang.",
                         status=_l(p.status_label)), 409)
    check_version(p, version, _l("Đề nghị"))
    before = {"status": p.status}
    p.status = new
    for key, value in extra.items():
        setattr(p, key, value)
    db.session.flush()
    record(action, "proposal", p.id, unit_id=p.unit_id, user=user, before=before,
           after={"status": new, **{k: (v.isoformat() if isinstance(v, date) else v)
                                    for k, v in extra.items() if k != "decided_by_id"}})


def send_to_council(p: Proposal, version, user=None) -> None:
    _move(p, version, "proposed", "council", "proposal.send", user)


def tally(votes: Iterable) -> dict[str, int]:
    out = {k: 0 for k in VOTES}
    for v in votes:
        choice = v if isinstance(v, str) else v.vote
        if choice in out:
            out[choice] += 1
    return out


def passes(yes: int, members: int, pass_percent: Decimal) -> bool:
    """More than `pass_percent` % of the council's members voted for it."""
    return members > 0 and Decimal(yes) * 100 > pass_percent * members


def cast_vote(p: Proposal, user, choice: str) -> ProposalVote:
    """A council member's vote; voting again changes it (until the vote is closed). The
    vote's window, the council step, lies inside the proposal's open life (ensure_open)."""
    if choice not in VOTES:
        raise Refused(_l("Lựa chọn không hợp lệ."), 422)
    if p.status != "council":
        raise Refused(_l("Đề nghị không còn trong thời gian biểu quyết."), 409)
    mine = next((v for v in p.votes if v.user_id == user.id), None)
    before = mine.vote if mine else None
    if mine is None:
        mine = ProposalVote(proposal_id=p.id, user_id=user.id, vote=choice, user=user)
        p.votes.append(mine)
    elif mine.vote == choice:
        return mine
    mine.vote, mine.at = choice, utcnow()
    db.session.flush()
    record("proposal.vote", "proposal", p.id, unit_id=p.unit_id, user=user,
           before={"vote": before}, after={"vote": choice})
    return mine


def close_vote(p: Proposal, version, members: int, pass_percent: Decimal, user=None) -> bool:
    """Count the votes (read after the proposal is locked) and pass or reject it."""
    ensure_open(p)
    if p.status != "council":
        raise Refused(_l("Đề nghị không ở bước Hội đồng xét."), 409)
    check_version(p, version, _l("Đề nghị"))
    if members <= 0:
        raise Refused(_l("Chưa có thành viên Hội đồng Thi đua – Khen thưởng nào."), 409)
    counted = tally(db.session.scalars(select(ProposalVote.vote)
                                       .where(ProposalVote.proposal_id == p.id)))
    ok = passes(counted["yes"], members, pass_percent)
    _move(p, version, "council", "approved" if ok else "rejected", "proposal.close", user,
          votes_yes=counted["yes"], votes_no=counted["no"], votes_abstain=counted["abstain"],
          members=members)
    events.proposal_decided.send(p, actor=user)
    return ok


def decline(p: Proposal, version, reason: str, user=None) -> None:
    """The chair does not award what the council passed, and says why (issue 30): the
    proposal ends, its unit and who drew it up are told with the reason."""
    ensure_open(p)
    if not reason.strip():
        raise Refused(_l("Vui lòng ghi lý do không khen thưởng."), 422,
                      {"reason": _l("Vui lòng ghi lý do không khen thưởng.")})
    _move(p, version, "approved", "declined", "proposal.decline", user,
          decision_reason=reason.strip(), decided_by_id=user_id(user))
    events.proposal_decided.send(p, actor=user)


def decide(p: Proposal, version, number: str, on: date, user=None) -> None:
    """The chair's decision (a title the commune awards), or the submission upward."""
    ensure_open(p)
    fields = {}
    if not number.strip():
        fields["decision_number"] = _l("Vui lòng nhập số văn bản.")
    if on is None:
        fields["decision_date"] = _l("Vui lòng nhập ngày ký.")
    if fields:
        raise Refused(_l("Vui lòng kiểm tra lại các ô được đánh dấu."), 422, fields)
    new = "decided" if p.title.commune_level else "forwarded"
    _move(p, version, "approved", new,
          "proposal.decide" if new == "decided" else "proposal.forward", user,
          decision_number=number.strip(), decision_date=on, decided_by_id=user_id(user))
    events.proposal_decided.send(p, actor=user)
