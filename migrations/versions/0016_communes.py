"""communes: every record belongs to one commune; PostgreSQL's row-level security (issue 31)

A new table `commune`; every table of a commune's records gets `commune_id`. An
installation that already holds a commune's data becomes "one commune": the commune is
made from its People's Committee unit (the unit of kind "commune"), every row joins it,
nothing else changes. Keys that were unique in the installation become unique within a
commune (a unit's slug, a reporting period's number, a review, an award title's name, a
file's content, a setting's name); usernames stay unique in the whole deployment.

On PostgreSQL every such table gets row-level security, forced (the owner too), with one
policy: a row is seen and written only when its commune is the transaction's
`app.commune` setting, or the setting is "*" (the province, and the few lookups that go
across communes on purpose). app/core/tenancy.py sets it per transaction.

Revision ID: 0016
Revises: 0015
"""
import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

# every table of a commune's records, as at this revision (tests/test_tenancy.py checks
# that each table with a commune_id has its policy, so a later table cannot forget one)
TENANT_TABLES = (
    "unit", "user_account", "user_session", "audit_event", "comment", "submission",
    "emulation_setting", "plan", "plan_section", "area", "indicator", "indicator_contributor",
    "indicator_reporter", "indicator_target_change", "indicator_value", "figure_settlement",
    "milestone", "reporting_period", "period_deadline", "period_unit", "report",
    "report_value", "report_event", "commune_report", "criterion", "review", "score_sheet",
    "score_line", "good_model", "award_title", "proposal", "proposal_evidence",
    "proposal_vote", "notification", "notification_setting", "outbox_message", "reminder",
    "evidence_blob", "evidence_chunk", "evidence_file",
)
# a province account, its sessions and the province's own audit rows have no commune
PROVINCE_TOO = {"user_account", "user_session", "audit_event"}
# (table, old unique constraint, new name, new columns)
UNIQUES = (
    ("unit", "uq_unit_slug", "one_slug_per_commune", ["commune_id", "slug"]),
    ("reporting_period", "one_period_per_number", "one_period_per_number",
     ["commune_id", "year", "kind", "number"]),
    ("review", "one_review_per_kind", "one_review_per_kind", ["commune_id", "year", "kind"]),
    ("award_title", "uq_award_title_name", "one_title_per_name", ["commune_id", "name"]),
    ("evidence_blob", "uq_evidence_blob_sha256", "one_blob_per_content",
     ["commune_id", "sha256"]),
)
COMMITTEE_PREFIX = re.compile(r"^(ủy ban nhân dân|uỷ ban nhân dân|ubnd)\s+(xã|phường|thị trấn)\s+",
                              re.IGNORECASE)


def _slug(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "xa"


def _existing_commune(conn):
    """The commune an installation's data belongs to, made from its committee unit."""
    row = conn.execute(sa.text("SELECT name FROM unit WHERE kind = 'commune' ORDER BY id LIMIT 1")
                       ).first()
    if row is None:
        if conn.execute(sa.text("SELECT count(*) FROM unit")).scalar():
            row = ("Xã",)
        else:
            return None  # an empty database: communes come with `flask commune add`
    committee = row[0]
    name = COMMITTEE_PREFIX.sub("", committee).strip() or committee
    conn.execute(sa.text("INSERT INTO commune (id, slug, name, province, committee, is_sample, "
                         "created_at) VALUES (1, :slug, :name, '', :committee, :no, :now)"),
                 {"slug": _slug(name), "name": name, "committee": committee, "no": False,
                  "now": _now()})
    return 1


def _now():
    from datetime import datetime, timezone
    return datetime.now(timezone.utc).replace(tzinfo=None)


def upgrade():
    op.create_table(
        "commune",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(60), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("province", sa.String(120), nullable=False, server_default=""),
        sa.Column("committee", sa.String(200), nullable=False, server_default=""),
        sa.Column("is_sample", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commune")),
        sa.UniqueConstraint("slug", name=op.f("uq_commune_slug")),
    )
    conn = op.get_bind()
    commune_id = _existing_commune(conn)
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT setval(pg_get_serial_sequence('commune', 'id'), "
                             "coalesce((SELECT max(id) FROM commune), 0) + 1, false)"))

    for table in TENANT_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("commune_id", sa.Integer(), nullable=True))
        if commune_id is not None:
            conn.execute(sa.text(f"UPDATE {table} SET commune_id = :c"), {"c": commune_id})
        with op.batch_alter_table(table) as batch:
            if table not in PROVINCE_TOO:
                batch.alter_column("commune_id", existing_type=sa.Integer(), nullable=False)
            batch.create_foreign_key(op.f(f"fk_{table}_commune_id_commune"), "commune",
                                     ["commune_id"], ["id"])
            batch.create_index(op.f(f"ix_{table}_commune_id"), ["commune_id"])
            for t, old, new, columns in UNIQUES:
                if t == table:
                    batch.drop_constraint(old, type_="unique")
                    batch.create_unique_constraint(new, columns)
            if table == "emulation_setting":
                batch.drop_constraint("pk_emulation_setting", type_="primary")
                batch.create_primary_key("pk_emulation_setting", ["commune_id", "key"])

    if conn.dialect.name == "postgresql":
        _row_level_security(conn)
        _chain_per_commune(conn)


def _chain_per_commune(conn):
    """Each commune's audit chain, and the province's (no commune), with its own lock."""
    conn.execute(sa.text("DROP FUNCTION IF EXISTS audit_chain_head()"))
    conn.execute(sa.text("""
        CREATE OR REPLACE FUNCTION audit_chain_head(chain integer) RETURNS varchar
        LANGUAGE plpgsql VOLATILE AS $$
        DECLARE
            head varchar;
        BEGIN
            PERFORM pg_advisory_xact_lock(7031, coalesce(chain, 0));
            SELECT hash INTO head FROM audit_event
             WHERE (chain IS NULL AND commune_id IS NULL) OR commune_id = chain
             ORDER BY id DESC LIMIT 1;
            RETURN head;
        END
        $$"""))


def _row_level_security(conn):
    # The transaction's scope: a commune's id, "*" for the province, "" for nobody.
    conn.execute(sa.text("""
        CREATE OR REPLACE FUNCTION app_commune() RETURNS integer
        LANGUAGE sql STABLE AS $$
            SELECT CASE WHEN current_setting('app.commune', true) ~ '^[0-9]+$'
                        THEN current_setting('app.commune', true)::integer END
        $$"""))
    conn.execute(sa.text("""
        CREATE OR REPLACE FUNCTION app_all_communes() RETURNS boolean
        LANGUAGE sql STABLE AS $$
            SELECT coalesce(current_setting('app.commune', true) = '*', false)
        $$"""))
    for table in TENANT_TABLES:
        conn.execute(sa.text(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))
        conn.execute(sa.text(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY"))
        conn.execute(sa.text(
            f"CREATE POLICY commune_isolation ON {table} "
            f"USING (app_all_communes() OR commune_id = app_commune()) "
            f"WITH CHECK (app_all_communes() OR commune_id = app_commune())"))


def downgrade():
    conn = op.get_bind()
    if conn.execute(sa.text("SELECT count(*) FROM commune")).scalar() > 1:
        raise RuntimeError("several communes here: a downgrade would merge them into one")
    if conn.dialect.name == "postgresql":
        for table in TENANT_TABLES:
            conn.execute(sa.text(f"DROP POLICY IF EXISTS commune_isolation ON {table}"))
            conn.execute(sa.text(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY"))
            conn.execute(sa.text(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY"))
        conn.execute(sa.text("DROP FUNCTION IF EXISTS app_commune()"))
        conn.execute(sa.text("DROP FUNCTION IF EXISTS app_all_communes()"))
        conn.execute(sa.text("DROP FUNCTION IF EXISTS audit_chain_head(integer)"))
        conn.execute(sa.text("""
            CREATE OR REPLACE FUNCTION audit_chain_head() RETURNS varchar
            LANGUAGE plpgsql VOLATILE AS $$
            DECLARE
                head varchar;
            BEGIN
                PERFORM pg_advisory_xact_lock(7031);
                SELECT hash INTO head FROM audit_event ORDER BY id DESC LIMIT 1;
                RETURN head;
            END
            $$"""))
    for table in reversed(TENANT_TABLES):
        with op.batch_alter_table(table) as batch:
            if table == "emulation_setting":
                batch.drop_constraint("pk_emulation_setting", type_="primary")
                batch.create_primary_key("pk_emulation_setting", ["key"])
            for t, old, new, columns in UNIQUES:
                if t == table:
                    batch.drop_constraint(new, type_="unique")
                    batch.create_unique_constraint(old, [c for c in columns if c != "commune_id"])
            batch.drop_index(op.f(f"ix_{table}_commune_id"))
            batch.drop_constraint(op.f(f"fk_{table}_commune_id_commune"), type_="foreignkey")
            batch.drop_column("commune_id")
    op.drop_table("commune")
