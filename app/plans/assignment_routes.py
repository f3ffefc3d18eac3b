"""The office's table of who reports what (issue 28): every target × every unit taking part,
the rule that makes the commune's figure and the parts each unit is asked for, seen and
changed at once. The model is app/plans/assignments.py; the save app/plans/editing.py's."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from app.core.editing import save
from app.core.errors import Refused
from app.core.policy import requires
from app.plans import assignments, bp, queries
from app.plans.editing import save_assignments
from app.plans.forms import AssignmentsForm
from app.plans.models import COMBINE, combine_choices
from app.plans.years import ensure_open


def _page(plan, indicators, form, status=200, message=None):
    units, rows = assignments.table(indicators)
    choices = {ind.id: [(c, COMBINE[c]) for c in combine_choices(ind.semantics, ind.unit_of_measure)]
               for ind in indicators}
    return render_template("plans/assignments.html", plan=plan, units=units, rows=rows,
                           choices=choices, form=form, message=message, ind_rule=assignments.rule,
                           closed=plan.closed_reason), status


@bp.route("/plan/assignments", methods=["GET", "POST"])
@requires("plan.edit")
def assignments_table():
    plan = queries.requested_plan()
    indicators = queries.indicators_of(plan, with_contributors=True)
    form = AssignmentsForm()
    if request.method == "GET":
        return _page(plan, indicators, form)
    ensure_open(plan)
    if not form.validate_on_submit():
        return _page(plan, indicators, form, 422, _("Phiên làm việc đã hết hạn. Vui lòng tải lại trang."))
    wanted = assignments.parse_table(request.form, indicators)
    try:
        changed = save(lambda: save_assignments(plan, wanted, user=current_user),
                       message=_("Người khác vừa sửa bảng này: bảng dưới đây là bản mới nhất, "
                                 "vui lòng chọn lại.")).result
    except Refused as refused:
        if refused.status == 409:
            indicators = queries.indicators_of(plan, with_contributors=True)
        return _page(plan, indicators, form, refused.status, refused.message)
    flash(_("Đã lưu phân công báo cáo: %(n)s chỉ tiêu thay đổi.", n=changed), "success")
    return redirect(url_for("plans.assignments_table", year=plan.year))
