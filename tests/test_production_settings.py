"""Production refuses to start unsafe, and the demo loader refuses production."""
import pytest

from app import UnsafeConfiguration, create_app
from config import ProductionConfig

GOOD_SECRET = "x" * 48


def prod(url, **overrides):
    values = {"SECRET_KEY": GOOD_SECRET, "SQLALCHEMY_DATABASE_URI": url, "DEBUG": False}
    values.update(overrides)
    return type("Prod", (ProductionConfig,), values)


@pytest.mark.parametrize("overrides,needle", [
    ({"SECRET_KEY": None}, "SECRET_KEY"),
    ({"SECRET_KEY": "dev-only-not-secret"}, "SECRET_KEY"),
    ({"SECRET_KEY": "short"}, "SECRET_KEY"),
    ({"DEBUG": True}, "debug"),
    ({"DEMO_MODE": True}, "DEMO_MODE"),
])
def test_production_refuses_unsafe_settings(tmp_path, overrides, needle):
    with pytest.raises(UnsafeConfiguration, match=needle):
        create_app(prod(f"sqlite:///{tmp_path / 'p.sqlite'}", **overrides))


def test_production_refuses_a_database_with_demo_accounts(app):
    url = app.config["SQLALCHEMY_DATABASE_URI"]  # migrated and seeded in demo mode
    with pytest.raises(UnsafeConfiguration, match="demo accounts"):
        create_app(prod(url))


def test_production_starts_on_an_empty_migrated_database_and_seed_refuses_it(tmp_path):
    app = create_app(prod(f"sqlite:///{tmp_path / 'p.sqlite'}"))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    result = runner.invoke(args=["seed"])
    assert result.exit_code != 0 and "production" in result.output
    # no commune yet: an administrator of what? The command says how to make one
    result = runner.invoke(args=["create-admin", "--username", "quantri",
                                 "--full-name", "Nguyễn Văn Quản"], input="Mot-Mat-Khau-Dai-2026\n")
    assert result.exit_code != 0 and "flask commune add" in result.output
    # a real production database loads its plan with `flask plan load` (or `commune add`)
    from app.plans.loader import DEFAULT_PLAN_FILE
    result = runner.invoke(args=["plan", "load", str(DEFAULT_PLAN_FILE)])
    assert result.exit_code == 0, result.output
    # the first real account
    result = runner.invoke(args=["create-admin", "--username", "quantri",
                                 "--full-name", "Nguyễn Văn Quản"], input="Mot-Mat-Khau-Dai-2026\n")
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["create-admin", "--username", "QUANTRI",
                                 "--full-name", "Trùng"], input="Mot-Mat-Khau-Dai-2026\n")
    assert result.exit_code != 0 and "đã có" in result.output
    assert create_app(prod(app.config["SQLALCHEMY_DATABASE_URI"])) is not None
