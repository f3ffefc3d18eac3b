"""PostgreSQL's second wall needs the app to connect as a role the policies bind: not the
tables' owner (FORCE ROW LEVEL SECURITY binds the owner too, but an owner can switch it
off), not a superuser, without BYPASSRLS. Migrations run as the owner; the app as this
role (README, "Production", and `flask commune app-role`)."""
from sqlalchemy import text

from app.core.extensions import db

# what the app may do, table by table: the audit log is only ever added to
GRANTS = (
    "GRANT USAGE ON SCHEMA public TO {role}",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
    "REVOKE UPDATE, DELETE ON audit_event FROM {role}",
    "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role}",
    "GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO {role}",
)


def _quoted(role: str) -> str:
    if not role.replace("_", "").isalnum() or not role[:1].isalpha():
        raise ValueError(f"not a role name: {role!r}")
    return f'"{role}"'


def grant_app_role(role: str) -> None:
    """Make `role` (if new: able to sign in, nothing more) and give it the app's rights on
    this database's tables as they are now. Run again after a migration adds a table."""
    quoted = _quoted(role)
    conn = db.session.connection()
    # roles belong to the server, not the database: another may be making it right now
    conn.execute(text(f"""DO $$ BEGIN
        CREATE ROLE {quoted} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"""))
    database = conn.execute(text("SELECT current_database()")).scalar()
    conn.execute(text(f'GRANT CONNECT ON DATABASE "{database}" TO {quoted}'))
    for grant in GRANTS:
        conn.execute(text(grant.format(role=quoted)))
    db.session.commit()


def unsafe_role_problems() -> list[str]:
    """Why the role the app is connected as would let a forgotten filter through the
    database's policies: none on SQLite, which has no second wall."""
    conn = db.session.connection()
    if conn.dialect.name != "postgresql":
        return []
    problems = []
    superuser, bypass = conn.execute(text(
        "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")).one()
    if superuser:
        problems.append("the database role is a superuser")
    if bypass:
        problems.append("the database role has BYPASSRLS")
    owned = conn.execute(text(
        "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' "
        "AND tableowner = current_user")).scalar()
    if owned:
        problems.append(f"the database role owns {owned} tables (run migrations as the "
                        "owner, the app as another role: flask commune app-role)")
    return problems
