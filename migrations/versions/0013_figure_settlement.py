"""the office settles a lead's figure that its parts contradict (issue 28)

A "checked" target whose lead's commune figure and the sum of the units' parts disagree
beyond the tolerance is in doubt until the office says which is right: its choice for that
period's end, with the two numbers it chose between, is kept here.

Revision ID: 0013
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

AMOUNT = sa.Numeric(20, 4)


def upgrade():
    op.create_table(
        "figure_settlement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("choice", sa.String(length=10), nullable=False),
        sa.Column("lead_value", AMOUNT, nullable=False),
        sa.Column("parts_value", AMOUNT, nullable=False),
        sa.Column("settled_by_id", sa.Integer(), nullable=True),
        sa.Column("settled_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["indicator_id"], ["indicator.id"],
                                name=op.f("fk_figure_settlement_indicator_id_indicator")),
        sa.ForeignKeyConstraint(["settled_by_id"], ["user_account.id"],
                                name=op.f("fk_figure_settlement_settled_by_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_figure_settlement")),
        sa.UniqueConstraint("indicator_id", "period_end", name="one_settlement_per_figure"),
    )
    with op.batch_alter_table("figure_settlement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_figure_settlement_indicator_id"), ["indicator_id"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("figure_settlement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_figure_settlement_indicator_id"))
    op.drop_table("figure_settlement")
