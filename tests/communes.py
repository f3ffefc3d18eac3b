"""A second commune, made the way an operator makes one (`flask commune add --plan FILE`):
Bình Lư's plan file renamed Khổng Lào, the same unit slugs, its own administrator."""
from sqlalchemy import select

from app.communes.models import Commune
from app.core.extensions import db
from app.plans.loader import DEFAULT_PLAN_FILE

OTHER_ADMIN, OTHER_PASSWORD = "qtkhonglao", "Khổng Lào quản trị 2026"


def other_plan(tmp_path):
    """Bình Lư's plan file written for another commune (Khổng Lào)."""
    text_ = DEFAULT_PLAN_FILE.read_text(encoding="utf-8").replace("Bình Lư", "Khổng Lào")
    path = tmp_path / "plan-khong-lao.toml"
    path.write_text(text_, encoding="utf-8")
    return path


def add_other_commune(app, tmp_path):
    """Khổng Lào added; every commune's id by its slug."""
    result = app.test_cli_runner().invoke(
        args=["commune", "add", "--plan", str(other_plan(tmp_path)), "--admin", OTHER_ADMIN],
        input=OTHER_PASSWORD + "\n")
    assert result.exit_code == 0, (result.output, result.exception)
    with app.app_context():
        return {c.slug: c.id for c in db.session.scalars(select(Commune))}
