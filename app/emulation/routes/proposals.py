"""Commendation proposals: the year's list and its workbook, a proposal drawn up and
edited, its evidence, the council's vote, the chair's decision, comments, and the decision
(or submission upward) as a .docx."""
from __future__ import annotations

from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from jinja2_fragments.flask import render_block
from wtforms.fields.choices import SelectChoice

from app.comments import service as comments
from app.core.answers import answer, moved, wants
from app.core.editing import save
from app.core.forms_flow import form_flow, stored_of
from app.emulation import bp, documents, queries, scoring, settings
from app.emulation.forms import (CommentForm, DecideForm, DeclineForm, EvidenceForm,
                                 ProposalForm, StepForm, VoteForm)
from app.emulation.models import EVIDENCE_KINDS, PROPOSAL_STATUSES, VOTES
from app.emulation.routes._common import DOCX, XLSX, attachment, set_unit_choices
from app.emulation.services import proposals as service
from app.core.errors import Refused
from app.evidence import service as evidence
from app.evidence.dossier import zip_file
from app.core.params import query_int
from app.core.policy import can, closed_reason, ensure_open, requires, unit_scope
from app.emulation.templating import level_label
from app.core.vietnamese import _l

CHANGED = _l("Đề nghị vừa được người khác thay đổi; trang đã tải lại trạng thái mới nhất.")


def _unit(found) -> int:
    return found.proposal.unit_id


def _load(proposal_id, lock=None):
    """The proposal read now: again after a rollback, or under a lock while voting or
    closing the vote (see queries.proposal_context)."""
    found = queries.proposal_context(proposal_id, lock=lock)
    if found is None:
        abort(404)
    return found


# ---------------------------------------------------------------- the list

@bp.get("/emulation/proposals")
@requires("emulation.view", scoped_in_view=True)
def proposals():
    year = queries.requested_year()
    status = request.args.get("status")
    if status not in PROPOSAL_STATUSES:
        status = None
    scope = unit_scope("emulation.view")  # a unit sees the proposals about itself
    rows = queries.proposals(year, scope, status)
    return render_template("emulation/proposals.html", year=year, proposals=rows, status=status,
                           statuses=PROPOSAL_STATUSES, overall=scope is None)


@bp.get("/emulation/proposals.xlsx")
@requires("emulation.view", scoped_in_view=True)
def proposals_xlsx():
    year = queries.requested_year()
    rows = queries.proposals(year, unit_scope("emulation.view"))
    return attachment(documents.proposals_workbook(rows, year), XLSX,
                      f"de-nghi-khen-thuong-{year}.xlsx")


# ---------------------------------------------------------------- drawing one up

def _proposal_form(form, keep=None):
    set_unit_choices(form.unit_id, _("— Chọn đơn vị —"), keep)
    titles = queries.titles(active_only=True)
    form.title_id.choices = [SelectChoice("", _("— Chọn —"))] + [
        SelectChoice(t.id, f"{t.name} ({_(t.nominee_label).lower()}; "
                           f"{t.authority or _(t.level_label)})")
        for t in titles]
    return form


def _proposal_values(form) -> dict:
    return {k: (form[k].data if k in ("unit_id", "title_id") else (form[k].data or ""))
            for k in service.PROPOSAL_FIELDS}


@bp.route("/emulation/proposals/new", methods=["GET", "POST"])
@requires("emulation.manage")
def new_proposal():
    year = queries.requested_year()
    form = _proposal_form(ProposalForm(formdata=request.form if request.method == "POST"
                                       else None))
    if request.method == "GET":
        form.unit_id.data = query_int("unit") or form.unit_id.data
    return form_flow(form, store=lambda: save(lambda: service.create_proposal(
        year, _proposal_values(form), user=current_user), token=form.token.data),
        done=lambda saved: _proposal_created(year, saved),
        shown=lambda status, _refused: (render_template(
            "emulation/proposal_edit.html", form=form, proposal=None, year=year),
            200 if status == 200 else 422))


def _proposal_created(year, saved):
    if saved.again:
        return moved(url_for("emulation.proposals", year=year), _("Đề nghị này đã được ghi nhận."))
    return moved(url_for("emulation.proposal", proposal_id=saved.record.id),
                 _("Đã lập đề nghị; hãy chọn minh chứng rồi trình Hội đồng."))


@bp.route("/emulation/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
@requires("emulation.manage", load=queries.proposal_context, unit=_unit)
def edit_proposal(found, proposal_id):
    p = found.proposal
    ensure_open(p)  # a closed proposal offers no form either
    form = _proposal_form(ProposalForm(obj=None if request.method == "POST" else p), p.unit_id)
    return form_flow(form, store=lambda: save(lambda: service.update_proposal(
        p, form.version.data, _proposal_values(form), user=current_user),
        form=form, reload=lambda: _load(proposal_id).proposal),
        done=lambda _saved: moved(url_for("emulation.proposal", proposal_id=p.id),
                                  _("Đã lưu đề nghị.")),
        shown=lambda status, refused: (render_template(
            "emulation/proposal_edit.html", form=form, proposal=stored_of(refused) or p,
            stored=stored_of(refused), year=p.year), status))


# ---------------------------------------------------------------- the proposal page

def _evidence(p):
    """The links of the proposal and the choices offered, with labels."""
    links, reports, models_ = queries.evidence_of(p, p.year)
    sheets = queries.sheets_of_unit(p.unit_id, p.year)
    thresholds = settings.current().thresholds
    offered = [(f"report:{rid}", _("Báo cáo %(label)s", label=period.shown_label),
                url_for("reports.report", slug=p.unit.slug, period_id=period.id))
               for rid, period in reports]
    offered += [(f"model:{mid}", _("Mô hình: %(title)s", title=title),
                 url_for("emulation.models", year=p.year, _anchor=f"gm-{mid}"))
                for mid, title in models_]
    offered += [(f"score:{s.id}", _("%(review)s: %(total)s điểm, %(level)s", review=r.title,
                                    total=scoring.pts(s.total),
                                    level=level_label(scoring.level_of(s.total, thresholds))),
                 url_for("emulation.score", review_id=r.id, slug=p.unit.slug))
                for s, r in sheets]
    chosen = {f"{k}:{ref}" for k, ref in links}
    return offered, chosen


def _needed(members: int, pass_percent: Decimal) -> int:
    """The fewest votes for that pass: more than pass_percent % of the members."""
    n = 0
    while n <= members and not service.passes(n, members, pass_percent):
        n += 1
    return n


def _proposal_page(found, status=200, message=None, comment_form=None, decide_form=None,
                   decline_form=None):
    p, members, pass_percent = found
    offered, chosen = _evidence(p)
    manage = can(current_user, "emulation.manage")
    evidence_form = None
    if manage and closed_reason(p) is None:
        evidence_form = EvidenceForm(formdata=None, evidence=sorted(chosen))
        evidence_form.evidence.choices = [SelectChoice(k, label) for k, label, _url in offered]
    return render_template(
        "emulation/proposal.html", p=p, members=members, offered=offered, chosen=chosen,
        evidence_form=evidence_form, counted=service.tally(p.votes),
        pass_percent=pass_percent, needed=_needed(members, pass_percent),
        mine=next((v.vote for v in p.votes if v.user_id == current_user.id), None),
        comments=queries.comments_of(p.id), votes=VOTES, message=message,
        step=StepForm(formdata=None, version=p.version),
        comment_form=comment_form or CommentForm(formdata=None),
        decide_form=decide_form or DecideForm(formdata=None, version=p.version),
        decline_form=decline_form or DeclineForm(formdata=None, version=p.version),
        evidence_kinds=EVIDENCE_KINDS,
        # the nominee's scores beside the proposal: the chair decides knowing them (issue 28)
        scores=[(label, url) for key, label, url in offered if key.startswith("score:")]), status


@bp.get("/emulation/proposals/<int:proposal_id>")
@requires("emulation.view", load=queries.proposal_context, unit=_unit)
def proposal(found, proposal_id):
    return _proposal_page(found)


# ---------------------------------------------------------------- its steps

def _step(found, act):
    """Run one step of a proposal's life; a refusal comes back on the proposal page."""
    proposal_id = found.proposal.id
    try:
        said = save(lambda: act(*found), message=CHANGED).result
    except Refused as e:
        return _proposal_page(_load(proposal_id), status=e.status, message=e.message)
    flash(said, "success")
    return redirect(url_for("emulation.proposal", proposal_id=proposal_id), 303)


def _pair(value: str):
    kind, _sep, ref = value.partition(":")
    return kind, int(ref)


@bp.post("/emulation/proposals/<int:proposal_id>/evidence")
@requires("emulation.manage", load=queries.proposal_context, unit=_unit)
def set_evidence(found, proposal_id):
    def act(p, _members, _pass):
        offered, _chosen = _evidence(p)
        form = EvidenceForm()
        form.evidence.choices = [SelectChoice(k, label) for k, label, _url in offered]
        if not form.validate():
            raise Refused(_("Minh chứng không thuộc đơn vị được đề nghị."), 422)
        service.set_evidence(p, (_pair(v) for v in form.evidence.data or []),
                             {_pair(k) for k, _label, _url in offered}, user=current_user)
        return _("Đã lưu minh chứng.")
    return _step(found, act)


@bp.post("/emulation/proposals/<int:proposal_id>/send")
@requires("emulation.manage", load=queries.proposal_context, unit=_unit)
def send_proposal(found, proposal_id):
    def act(p, _members, _pass):
        form = StepForm()
        if not form.validate():
            raise Refused(_("Biểu mẫu không hợp lệ; hãy tải lại trang."), 400)
        service.send_to_council(p, form.version.data, user=current_user)
        return _("Đã trình Hội đồng Thi đua – Khen thưởng xét.")
    return _step(found, act)


# The vote and its close read the proposal under a lock, so they load it themselves (their
# actions are granted on every unit: the policy has no unit to ask about first).

@bp.post("/emulation/proposals/<int:proposal_id>/vote")
@requires("emulation.vote")
def vote(proposal_id):
    """A council member votes. In place with htmx (the votes block), else PRG."""
    inline = wants("votes")
    p, members, pass_percent = _load(proposal_id, lock="share")
    form = VoteForm()
    try:
        if not form.validate():
            raise Refused(_("Lựa chọn không hợp lệ; hãy chọn trong danh sách."), 422)
        # the votes block renders from what is loaded: no reload
        save(lambda: service.cast_vote(p, current_user._get_current_object(), form.vote.data),
             keep_loaded=True, message=_("Phiếu của bạn vừa được ghi nhận ở nơi khác."))
    except Refused as e:
        if inline:
            raise  # answered in the page's message area (app/core/web.py)
        return _proposal_page(_load(proposal_id), status=e.status, message=e.message)
    return answer("votes", lambda: render_block(
        "emulation/proposal.html", "votes", p=p, members=members, counted=service.tally(p.votes),
        votes=VOTES, pass_percent=pass_percent, needed=_needed(members, pass_percent),
        mine=form.vote.data, saved=True),
        back=url_for("emulation.proposal", proposal_id=proposal_id, _anchor="votes"),
        said=_("Đã ghi nhận phiếu: %(vote)s.", vote=_(VOTES[form.vote.data])))


@bp.post("/emulation/proposals/<int:proposal_id>/close")
@requires("emulation.manage")
def close_vote(proposal_id):
    def act(p, members, pass_percent):
        form = StepForm()
        if not form.validate():
            raise Refused(_("Biểu mẫu không hợp lệ; hãy tải lại trang."), 400)
        ok = service.close_vote(p, form.version.data, members, pass_percent,
                                user=current_user)
        return (_("Hội đồng đã thông qua đề nghị; trình Chủ tịch UBND xã quyết định.") if ok
                else _("Đề nghị không đủ số phiếu tán thành nên không được thông qua."))
    return _step(_load(proposal_id, lock="update"), act)


@bp.post("/emulation/proposals/<int:proposal_id>/decide")
@requires("emulation.decide", load=queries.proposal_context, unit=_unit)
def decide(found, proposal_id):
    p = found.proposal
    form = DecideForm()
    return form_flow(form, store=lambda: save(lambda: service.decide(
        p, form.version.data, form.decision_number.data or "", form.decision_date.data,
        user=current_user), message=CHANGED),
        done=lambda _saved: moved(url_for("emulation.proposal", proposal_id=proposal_id), _(
            "Đã quyết định khen thưởng.") if p.status == "decided"
            else _("Đã ghi nhận tờ trình đề nghị cấp trên khen thưởng.")),
        # refused: the proposal read again after the rollback, the form as typed
        shown=lambda status, refused: _proposal_page(
            _load(proposal_id) if refused else found, status=status, decide_form=form,
            message=refused.message if refused
            else _("Vui lòng kiểm tra lại các ô được đánh dấu.")))


@bp.post("/emulation/proposals/<int:proposal_id>/decline")
@requires("emulation.decide", load=queries.proposal_context, unit=_unit)
def decline(found, proposal_id):
    """The chair does not award what the council passed, with a reason (issue 30)."""
    form = DeclineForm()
    try:
        if not form.validate():
            raise Refused(_("Vui lòng kiểm tra lại các ô được đánh dấu."), 422)
        save(lambda: service.decline(found.proposal, form.version.data, form.reason.data,
                                     user=current_user), message=CHANGED)
    except Refused as e:
        e.apply_to(form)
        return _proposal_page(_load(proposal_id), status=e.status, message=e.message,
                              decline_form=form)
    flash(_("Đã ghi nhận: Chủ tịch không khen thưởng đề nghị này."), "success")
    return redirect(url_for("emulation.proposal", proposal_id=proposal_id), 303)


@bp.post("/emulation/proposals/<int:proposal_id>/comments")
@requires("emulation.comment", load=queries.proposal_context, unit=_unit)
def comment_proposal(found, proposal_id):
    form = CommentForm()
    if form.validate():
        try:
            c, _again = save(lambda: comments.post(
                "proposal", found.proposal.id, unit_id=found.proposal.unit_id,
                body=form.body.data, user=current_user._get_current_object())).result
        except Refused as e:
            e.apply_to(form)
        else:
            flash(_("Đã gửi ý kiến."), "success")
            return redirect(url_for("emulation.proposal", proposal_id=proposal_id,
                                    _anchor=f"c-{c.id}"), 303)
    return _proposal_page(found, status=422, comment_form=form,
                          message=_("Vui lòng nhập ý kiến."))


def _decision(p):
    """The decision (or the submission upward) as a .docx and its file name; None before
    the council approved the proposal."""
    if p.status in ("proposed", "council", "rejected"):
        return None
    siblings = queries.decision_siblings(p)
    plan = queries.commune_plan(p.year)
    commune_name = plan.unit.name if plan else "Ủy ban nhân dân xã"
    body = documents.decision_document(
        siblings, p.title, p.year, commune_name, settings.current().decision_bases, plan,
        number=p.decision_number, on=p.decision_date,
        signer_name=plan.signer_name if plan else "")
    name = "quyet-dinh" if p.title.commune_level else "to-trinh"
    return body, f"{name}-khen-thuong-{p.year}-{p.id}.docx"


@bp.get("/emulation/proposals/<int:proposal_id>/decision.docx")
@requires("emulation.view", load=queries.proposal_context, unit=_unit)
def decision_docx(found, proposal_id):
    made = _decision(found.proposal) or abort(404)
    return attachment(made[0], DOCX, made[1])


@bp.get("/emulation/proposals/<int:proposal_id>/dossier.zip")
@requires("emulation.view", load=queries.proposal_context, unit=_unit)
def dossier(found, proposal_id):
    """The dossier in one download (issue 21): the draft decision once there is one, the
    proposal's evidence files and those of the reports and good models it cites."""
    p = found.proposal
    made = _decision(p)
    links, _reports, _models = queries.evidence_of(p, p.year)
    cited = {kind: [ref for k, ref in links if k == kind] for kind in ("report", "model")}
    folders = {"minh-chung": evidence.live("proposal", [p.id]),
               "bao-cao": evidence.live("report", cited["report"]),
               "mo-hinh": evidence.live("model", cited["model"])}
    out = zip_file([(made[1], made[0])] if made else [],
                   {k: v for k, v in folders.items() if v})
    return send_file(out, mimetype="application/zip", as_attachment=True,
                     download_name=f"ho-so-khen-thuong-{p.year}-{p.id}.zip")
