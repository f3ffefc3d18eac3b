"""the audit chain's head in one round trip on PostgreSQL

A writer must read the newest event's hash only once no other writer can add one: it took
the chain's advisory lock, then read the hash — two statements on every change. The
function does both on the server. It is VOLATILE, so its SELECT takes a snapshot after the
lock is granted and sees an event committed while it waited (a plain
`SELECT pg_advisory_xact_lock(…), (SELECT hash …)` would read with the snapshot taken
before it waited, and fork the chain). SQLite serialises writers with BEGIN IMMEDIATE and
needs nothing.

Revision ID: 0007
Revises: 0006
"""
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""
        CREATE OR REPLACE FUNCTION audit_chain_head() RETURNS varchar
        LANGUAGE plpgsql VOLATILE AS $$
        DECLARE
            head varchar;
        BEGIN
            PERFORM pg_advisory_xact_lock(7031);
            SELECT hash INTO head FROM audit_event ORDER BY id DESC LIMIT 1;
            RETURN head;
        END
        $$
    """)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_chain_head()")
