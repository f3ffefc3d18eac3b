"""The emulation overview of a year: for those who follow every unit, the reviews and the
proposals by step; for a unit, its own scores."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user

from app.emulation import bp, queries, settings
from app.emulation.forms import NewReviewForm
from app.emulation.models import PROPOSAL_STATUSES
from app.core.policy import requires, unit_scope


@bp.get("/emulation/")
@requires("emulation.view", scoped_in_view=True)
def index():
    year = queries.requested_year()
    scope = unit_scope("emulation.view")
    overall = scope is None
    ctx = dict(year=year, years=queries.years(), overall=overall)
    if overall:
        ctx["reviews"] = queries.reviews_of(year)
        ctx["new_review"] = form = NewReviewForm(formdata=None)
        held = {r.kind for r in ctx["reviews"]}  # one review of each kind a year
        form.kind.choices = [c for c in form.kind.choices if c.value not in held]
        ctx["counts"] = queries.proposal_counts(year)
        ctx["statuses"] = PROPOSAL_STATUSES
    else:
        # a unit sees its own scores and the proposals about it
        ctx["unit"] = current_user.unit
        ctx["sheets"] = queries.sheets_of_unit(scope, year)
        ctx["thresholds"] = settings.current().thresholds
    return render_template("emulation/index.html", **ctx)
