"""replays: the add-forms' submission token on the milestone and comment rows themselves

A double tap on "add" sends the same token twice; the unique column refuses the second
insert without an extra statement on the first (issue 8).

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TABLES = ("milestone", "comment")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("submission_token", sa.String(length=64), nullable=True))
            batch.create_unique_constraint(batch.f(f"uq_{table}_submission_token"),
                                           ["submission_token"])


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(batch.f(f"uq_{table}_submission_token"), type_="unique")
            batch.drop_column("submission_token")
