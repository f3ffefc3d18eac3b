"""administration (issue 9): history of indicator target changes

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "indicator_target_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("old_target", sa.Numeric(precision=20, scale=4), nullable=True),
        sa.Column("new_target", sa.Numeric(precision=20, scale=4), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["indicator_id"], ["indicator.id"],
                                name=op.f("fk_indicator_target_change_indicator_id_indicator")),
        sa.ForeignKeyConstraint(["changed_by_id"], ["user_account.id"],
                                name=op.f("fk_indicator_target_change_changed_by_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_target_change")),
    )
    with op.batch_alter_table("indicator_target_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_indicator_target_change_indicator_id"),
                              ["indicator_id"], unique=False)


def downgrade():
    with op.batch_alter_table("indicator_target_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_indicator_target_change_indicator_id"))
    op.drop_table("indicator_target_change")
