"""flask seed, flask create-admin, flask plan load, flask audit verify."""
import getpass
import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from app.audit.service import record, verify_chain
from app.extensions import db


def init_app(app):
    app.cli.add_command(seed)
    app.cli.add_command(create_admin)
    app.cli.add_command(plan_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(backup_cmd)
    app.cli.add_command(restore_cmd)


@click.command("seed")
@with_appcontext
@click.option("--scale", default=1, show_default=True, type=click.IntRange(1, 100),
              help="Multiply the sample content (villages, milestones) for budget tests.")
def seed(scale):
    """Load the 2026 plan, and in demo mode the demo accounts and sample content."""
    from app import demo
    from app.plans.loader import DEFAULT_PLAN_FILE, load_plan, read_plan_file

    if current_app.config.get("ENV_NAME") == "production":
        raise click.ClickException("seed refuses to touch a production database; "
                                   "use `flask plan load FILE` on an empty one.")
    pf = read_plan_file(DEFAULT_PLAN_FILE)
    plan = load_plan(pf)
    from app.emulation.seed import ensure_defaults
    ensure_defaults()  # scoring tables and titles a commune starts from (idempotent)
    if current_app.config.get("DEMO_MODE"):
        created = demo.load_demo_accounts()
        demo.load_demo_content(plan.year, scale=scale)
        from app.emulation.demo import load_demo
        load_demo(plan.year)
        db.session.commit()
        click.echo(f"Kế hoạch {plan.year} của xã đã sẵn sàng. Tài khoản demo "
                   f"(mật khẩu: {demo.DEMO_PASSWORD}):")
        for username, full_name, position, _slug, _roles in demo.DEMO_ACCOUNTS:
            click.echo(f"  {username:<8} {position}")
        if created:
            click.echo(f"  (vừa tạo: {', '.join(created)})")
    else:
        db.session.commit()


@click.command("create-admin")
@with_appcontext
@click.option("--username", required=True)
@click.option("--full-name", required=True)
def create_admin(username, full_name):
    """Create the first real administrator (asks for the password)."""
    from app.accounts_rules import password_problem
    from app.auth.models import User, username_key

    if db.session.scalar(select(User.id).where(User.username_key == username_key(username))):
        raise click.ClickException(f"Tài khoản {username!r} đã có.")
    password = getpass.getpass("Mật khẩu: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
    problem = password_problem(password)
    if problem:
        raise click.ClickException(problem)
    user = User(username=username, username_key=username_key(username), full_name=full_name,
                position="Quản trị viên")
    user.roles = ("admin",)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record("user.create", "user", user.id, after={"username": username, "roles": ["admin"]})
    db.session.commit()
    click.echo(f"Đã tạo quản trị viên {username}.")


@click.group("plan")
def plan_cli():
    """Plan files."""


@plan_cli.command("check")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def plan_check(path):
    """Validate a plan file without loading it."""
    from app.plans.loader import PlanFileError, read_plan_file

    try:
        pf = read_plan_file(path)
    except PlanFileError as exc:
        raise click.ClickException("\n".join(exc.errors))
    click.echo(f"Tệp hợp lệ: {len(pf.data.get('indicators', []))} chỉ tiêu.")


@plan_cli.command("load")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def plan_load(path):
    """Load a plan file into an empty database (the first step for another commune)."""
    from app.plans.loader import PlanFileError, load_plan, read_plan_file
    from app.plans.models import Plan

    try:
        pf = read_plan_file(path)
    except PlanFileError as exc:
        raise click.ClickException("\n".join(exc.errors))
    if db.session.scalar(select(func.count(Plan.id))):
        raise click.ClickException("Cơ sở dữ liệu đã có kế hoạch; chỉ nạp vào cơ sở dữ liệu trống.")
    plan = load_plan(pf)
    db.session.commit()
    click.echo(f"Đã nạp kế hoạch {plan.year}.")


@click.group("audit")
def audit_cli():
    """The audit log."""


@audit_cli.command("verify")
@with_appcontext
def audit_verify():
    """Check the audit hash chain; name the first altered or missing row."""
    ok, bad_id, reason = verify_chain()
    if ok:
        click.echo("Nhật ký toàn vẹn.")
        return
    raise click.ClickException(f"Nhật ký bị sửa: dòng {bad_id} ({reason}).")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def backup_cmd(path):
    """Online backup of the database to PATH."""
    from app.backup import BackupError, backup

    db.session.remove()
    try:
        backup(current_app.config["SQLALCHEMY_DATABASE_URI"], path)
    except BackupError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"Đã sao lưu vào {path}.")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_cmd(path, yes):
    """Replace the database with the backup at PATH, then verify the audit chain."""
    from app.backup import BackupError, restore

    if not yes:
        click.confirm("Khôi phục sẽ thay toàn bộ dữ liệu hiện tại. Tiếp tục?", abort=True)
    db.session.remove()
    db.engine.dispose()
    try:
        restore(current_app.config["SQLALCHEMY_DATABASE_URI"], path)
    except BackupError as exc:
        raise click.ClickException(str(exc))
    ok, bad_id, reason = verify_chain()
    if not ok:
        raise click.ClickException(f"Đã khôi phục, nhưng nhật ký bị sửa: dòng {bad_id} ({reason}).")
    click.echo("Đã khôi phục; nhật ký toàn vẹn.")
