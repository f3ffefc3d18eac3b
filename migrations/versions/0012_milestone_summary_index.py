"""the overview pages' summary index: a plan's milestones by due date, with what they count

The dashboard's late units and the units' list count each unit's milestones (late ones, by
status) by plan; without this index a planner that has no statistics yet (a fresh import)
walked the whole due-date index once per unit (issue 33).

Revision ID: 0012
Revises: 0011
"""
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_milestone_plan_due", "milestone",
                    ["plan_id", "due_on", "status", "unit_id"])


def downgrade():
    op.drop_index("ix_milestone_plan_due", table_name="milestone")
