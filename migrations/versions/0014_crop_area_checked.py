"""the commune's crop area (III.2-02) is Phòng Kinh tế's figure, checked against the villages'

The 2026 plan file first said the commune's crop area was the sum of every reporting unit's
area ("sum"): Phòng Kinh tế's commune-wide figure was then added to the six villages' own,
and a commune of 2.050 ha read 3.844 ha (issue 28). The plan file now says "checked": the
lead's figure, checked against the sum of the villages'. A database loaded before keeps
"sum"; this moves it to "checked" only where the target still has the plan file's old
setting — the 2026 plan's III.2-02, led by phong-kinh-te, combined by "sum", its parts the
six villages — so an office that chose otherwise since keeps its choice.

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

CODE, YEAR, LEAD = "III.2-02", 2026, "phong-kinh-te"
OLD_PARTS = {f"ban-mau-0{n}" for n in range(1, 7)}


def _move(old, new):
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT i.id FROM indicator i JOIN plan p ON p.id = i.plan_id "
        "JOIN unit u ON u.id = i.lead_unit_id "
        "WHERE i.code = :code AND p.year = :year AND p.parent_id IS NULL "
        "AND u.slug = :lead AND i.combine = :old"),
        {"code": CODE, "year": YEAR, "lead": LEAD, "old": old}).scalars().all()
    for ind_id in rows:
        parts = set(conn.execute(sa.text(
            "SELECT u.slug FROM indicator_reporter r JOIN unit u ON u.id = r.unit_id "
            "WHERE r.indicator_id = :id"), {"id": ind_id}).scalars())
        if parts == OLD_PARTS:
            conn.execute(sa.text("UPDATE indicator SET combine = :new, version = version + 1 "
                                 "WHERE id = :id"), {"new": new, "id": ind_id})


def upgrade():
    _move("sum", "checked")


def downgrade():
    _move("checked", "sum")
