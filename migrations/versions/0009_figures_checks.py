"""figures the chair can trust (issue 16): how the commune's figure is made, who reports
it, plausible bounds, and the checks a sent figure carries

Existing indicators keep what the app counted for the commune: the lead unit's figure
("lead"), with no contributor asked for its own; the office opens the reporting to the
contributors whose figure means something, on the indicator's edit form.

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

AMOUNT = sa.Numeric(20, 4)


def upgrade():
    with op.batch_alter_table("indicator") as batch:
        batch.add_column(sa.Column("combine", sa.String(length=10), nullable=False,
                                   server_default="lead"))
        batch.add_column(sa.Column("low", AMOUNT, nullable=True))
        batch.add_column(sa.Column("high", AMOUNT, nullable=True))
        batch.add_column(sa.Column("over_target_pct", sa.Integer(), nullable=True))
    op.create_table(
        "indicator_reporter",
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["indicator_id"], ["indicator.id"],
                                name=op.f("fk_indicator_reporter_indicator_id_indicator")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"],
                                name=op.f("fk_indicator_reporter_unit_id_unit")),
        sa.PrimaryKeyConstraint("indicator_id", "unit_id", name=op.f("pk_indicator_reporter")),
    )
    with op.batch_alter_table("report_value") as batch:
        batch.add_column(sa.Column("flags", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("confirmed_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("confirmed_at", sa.DateTime(), nullable=True))
        batch.create_foreign_key(op.f("fk_report_value_confirmed_by_id_user_account"),
                                 "user_account", ["confirmed_by_id"], ["id"])


def downgrade():
    with op.batch_alter_table("report_value") as batch:
        batch.drop_constraint(op.f("fk_report_value_confirmed_by_id_user_account"),
                              type_="foreignkey")
        batch.drop_column("confirmed_at")
        batch.drop_column("confirmed_by_id")
        batch.drop_column("flags")
    op.drop_table("indicator_reporter")
    with op.batch_alter_table("indicator") as batch:
        batch.drop_column("over_target_pct")
        batch.drop_column("high")
        batch.drop_column("low")
        batch.drop_column("combine")
