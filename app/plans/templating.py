"""What templates call about plans: the years with a commune plan, and the overview's
targets before their last change."""
from app.plans.editing import previous_targets
from app.plans.years import plan_years


def register_template_globals(app):
    app.jinja_env.globals.update(target_changes=target_changes, plan_years=plan_years)


def target_changes(plan):
    """The overview's {indicator_id: target before the last change}."""
    return previous_targets(plan.id)
