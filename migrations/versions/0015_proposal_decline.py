"""the chair may refuse a council-approved proposal, with a reason (issue 30)

A proposal the council passed could only be decided; a chair who would not award it had no
way to say so, and the proposal waited for ever. Its new end, "declined", keeps the chair's
reason beside the decision fields.

Revision ID: 0015
Revises: 0014
"""
from alembic import op
import sqlalchemy as sa

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("proposal") as batch:
        batch.add_column(sa.Column("decision_reason", sa.Text(), nullable=False,
                                   server_default=""))


def downgrade():
    with op.batch_alter_table("proposal") as batch:
        batch.drop_column("decision_reason")
