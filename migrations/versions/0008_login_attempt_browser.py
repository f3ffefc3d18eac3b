"""sign-in throttle: the browser each failed try came from

A browser where the holder signed in before is let through the throttle while it has not
failed on the account since (issue 17); the column says which failures were its own.

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("login_attempt") as batch:
        batch.add_column(sa.Column("browser", sa.String(length=32), nullable=False,
                                   server_default=""))


def downgrade():
    with op.batch_alter_table("login_attempt") as batch:
        batch.drop_column("browser")
