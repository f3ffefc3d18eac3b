"""The office settles a lead's commune figure that the units' parts contradict (issue 28).

Under the rule "checked" the lead's figure is the commune's, checked against the sum of the
parts; beyond the tolerance the target is in doubt, never "on track", until the office says
which is right. Its choice is a FigureSettlement, read by app/plans/assignments.target_of,
so the dashboard, the indicator page, the scores and the commune report all follow it.
"""
from dataclasses import replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Optional

from flask_babel import gettext as _
from sqlalchemy import select

from app.audit.service import record, snapshot
from app.core.errors import Refused
from app.core.extensions import db
from app.plans.assignments import target_of
from app.plans.models import SETTLE_CHOICES, FigureSettlement, IndicatorValue, Plan
from app.plans.progress import Progress, evaluate
from app.plans.queries import by_indicator, figure_rows
from app.plans.years import ensure_open

FIELDS = ("period_end", "choice", "lead_value", "parts_value")


def unsettled(ind, plan: Plan) -> Progress:
    """The target's progress as if the office had said nothing: its doubt, if any, with
    both numbers and the period's end they were read at."""
    rows = db.session.execute(figure_rows().where(IndicatorValue.indicator_id == ind.id))
    figures = by_indicator(rows).get(ind.id, [])
    return evaluate(replace(target_of(ind), settled=()), figures, plan.year)


def settlement_of(ind, progress: Progress) -> Optional[FigureSettlement]:
    """The office's settlement a progress follows, for the page to say who chose and when."""
    if progress.settled is None:
        return None
    choice, lead, parts = progress.settled
    return next((s for s in ind.settlements if s.choice == choice and s.lead_value == lead
                 and s.parts_value == parts), None)


def read(form) -> tuple[date, Decimal, Decimal, str]:
    """(period end, the lead's figure, the parts' sum, the choice) as the page showed them;
    a form changed by hand is a 400, no choice or an unknown one a 422."""
    try:
        seen = (date.fromisoformat(form.get("as_of", "")), Decimal(form.get("lead", "")),
                Decimal(form.get("parts", "")))
    except (ValueError, InvalidOperation):
        raise Refused(_("Biểu mẫu không hợp lệ; hãy tải lại trang."), 400) from None
    if not all(n.is_finite() for n in seen[1:]):
        raise Refused(_("Biểu mẫu không hợp lệ; hãy tải lại trang."), 400)
    choice = form.get("choice", "")
    if choice not in SETTLE_CHOICES:
        raise Refused(_("Hãy chọn một trong hai số: số của đơn vị chủ trì hoặc tổng các "
                        "đơn vị."), 422, {"choice": _("Hãy chọn một trong hai số.")})
    return (*seen, choice)


def settle(ind, plan: Plan, as_of: date, lead: Decimal, parts: Decimal, choice: str,
           user=None) -> FigureSettlement:
    """Keep the office's choice for the disagreement the page showed. The figures are read
    again first: if they agree now, or are no longer the two numbers shown, nothing is kept
    (409) and the page shows them as they are."""
    ensure_open(plan)
    p = unsettled(ind, plan)
    if p.doubt is None:
        raise Refused(_("Số của đơn vị chủ trì và tổng các đơn vị nay đã khớp nhau, không "
                        "cần chọn nữa."), 409)
    _reason, now_lead, now_parts = p.doubt
    if (p.as_of, now_lead, now_parts) != (as_of, lead, parts):
        raise Refused(_("Số liệu vừa thay đổi: hãy xem lại hai số dưới đây rồi chọn lại."), 409)
    row = db.session.scalar(select(FigureSettlement).where(
        FigureSettlement.indicator_id == ind.id, FigureSettlement.period_end == as_of))
    before = None if row is None else snapshot(row, FIELDS)
    if row is None:
        row = FigureSettlement(indicator_id=ind.id, period_end=as_of)
        db.session.add(row)
    row.choice, row.lead_value, row.parts_value = choice, now_lead, now_parts
    row.settled_by_id = getattr(user, "id", None)
    db.session.flush()
    record("figure.settle", "indicator", ind.id, unit_id=plan.unit_id, user=user,
           before=before, after=snapshot(row, FIELDS))
    return row
