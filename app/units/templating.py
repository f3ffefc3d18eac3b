"""What templates call about units: the kind's label, and a row of the units' overview
built by hand (a template loop was measured to cost too much: app/core/speedups.py says
why; tests/test_speedups.py checks it gives what the template would)."""
from flask import g, url_for
from markupsafe import Markup, escape

from app.core.i18n import N_, label
from app.core.templating import label_of
from app.milestones.models import MILESTONE_STATUSES
from app.units.models import UNIT_KINDS


def register_template_globals(app):
    app.jinja_env.filters["unit_kind_label"] = unit_kind_label
    app.jinja_env.globals["unit_overview_row"] = unit_overview_row


def unit_kind_label(value):
    return label_of(UNIT_KINDS, value)


def _overview_columns() -> tuple:
    """The overview's column names in the request's language, made once a request."""
    found = g.get("overview_columns")
    if found is None:
        found = g.overview_columns = (
            label(N_("Quá hạn")), label(N_("Tổng")),
            [(key, label(text)) for key, text in MILESTONE_STATUSES.items()])
    return found


def unit_overview_row(r) -> Markup:
    """One unit's <tr> of the units' overview (app/units/overview.UnitRow): a row per unit,
    ~120 at ×10, each ~250 Python calls as a template loop (issue 33)."""
    late, total, statuses = _overview_columns()
    out = [f'<tr class="late">' if r.overdue else "<tr>",
           f'<td><a href="{escape(url_for("units.show", slug=r.slug))}">{escape(r.name)}</a>'
           f'<br><small class="muted">{label(r.kind_label)}</small></td>'
           f'<td class="num" data-label="{late}">',
           f'<strong class="bad">{r.overdue}</strong>' if r.overdue else "0", "</td>"]
    counts = r.counts
    for key, text in statuses:
        out.append(f'<td class="num" data-label="{text}">{escape(counts[key])}</td>')
    out.append(f'<td class="num" data-label="{total}">{r.total}</td></tr>')
    return Markup("".join(out))  # nosec B704 - values escaped or ints, labels are Markup
