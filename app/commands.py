"""flask seed, flask create-admin, flask plan check/load, flask audit verify/head,
flask backup, flask restore."""
from datetime import datetime, timezone
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from app.audit import service as audit
from app.audit.service import record, verify_chain
from app.communes.commands import commune_cli, in_commune
from app.core import tenancy
from app.core.database import analyze
from app.core.extensions import db


def init_app(app):
    app.cli.add_command(seed)
    app.cli.add_command(create_admin)
    app.cli.add_command(plan_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(backup_cmd)
    app.cli.add_command(restore_cmd)
    app.cli.add_command(calendar_cmd)
    app.cli.add_command(commune_cli)
    from app.demo_commands import demo_cli
    app.cli.add_command(demo_cli)
    from app.notifications import commands as notification_commands
    notification_commands.init_app(app)


@click.command("seed")
@with_appcontext
@click.option("--scale", default=1, show_default=True, type=click.IntRange(1, 100),
              help="Multiply the sample content (villages, milestones) for budget tests.")
@click.option("--province", is_flag=True,
              help="The province demo: also the sample communes of app/data/samples/ with "
                   "their accounts and stories, every commune's reporting periods, and the "
                   "province's accounts (demo mode only).")
@click.option("--communes", default=1, show_default=True, type=click.IntRange(1, 100),
              help="With --province: numbered sample communes until the deployment holds "
                   "this many (the budgets at the province's size, 38).")
def seed(scale, province, communes):
    """Load the 2026 plan, and in demo mode the demo accounts and sample content."""
    from app.communes.service import named_in
    from app.plans.loader import DEFAULT_PLAN_FILE, read_plan_file

    if current_app.config.get("ENV_NAME") == "production":
        raise click.ClickException("seed refuses to touch a production database; "
                                   "use `flask plan load FILE` on an empty one.")
    if province and not current_app.config.get("DEMO_MODE"):
        raise click.ClickException("--province is the demo: DEMO_MODE only.")
    pf = read_plan_file(DEFAULT_PLAN_FILE)
    commune = named_in(pf)
    with tenancy.using(commune.id):
        _seed(pf, scale)
        if province:
            from app.reports.services import generate_year
            generate_year(pf.data["plan"]["year"])
            db.session.commit()
    if province:
        _seed_province(scale)
        if communes > 1:
            from app.demo_province import load_more_samples
            click.echo(f"Thêm {len(load_more_samples(communes))} xã mẫu đánh số.")
    elif communes > 1:
        raise click.ClickException("--communes goes with --province.")
    analyze()


def _seed_province(scale):
    from app.demo_province import load_province_demo

    made = load_province_demo(scale)
    db.session.commit()
    for commune, day in made:
        click.echo(f"{commune.kind.capitalize()} mẫu {commune.name} ({commune.slug}): dữ liệu "
                   f"demo tính đến ngày {day:%d/%m/%Y}.")
    click.echo("Tài khoản demo của cả tỉnh: flask demo accounts")


def _seed(pf, scale):
    from app import demo
    from app.plans.loader import load_plan

    plan = load_plan(pf)
    from app.emulation.seed import ensure_defaults
    ensure_defaults()  # scoring tables and titles a commune starts from (idempotent)
    if current_app.config.get("DEMO_MODE"):
        created = demo.load_demo_accounts()
        day = demo.load_story(plan.year, scale=scale)  # the story as on today (DEMO_TODAY)
        db.session.commit()
        click.echo(f"Kế hoạch {plan.year} của xã đã sẵn sàng, dữ liệu demo tính đến ngày "
                   f"{day:%d/%m/%Y}. Tài khoản demo "
                   f"(mật khẩu: {demo.DEMO_PASSWORD}):")
        for username, full_name, position, _slug, _roles in demo.DEMO_ACCOUNTS:
            click.echo(f"  {username:<8} {position}")
        if created:
            click.echo(f"  (vừa tạo: {', '.join(created)})")
    else:
        db.session.commit()


@click.command("create-admin")
@with_appcontext
@in_commune
@click.option("--username", required=True)
@click.option("--full-name", required=True)
@click.option("--province", is_flag=True,
              help="A province account (no commune): the province's administrator, who then "
                   "adds communes on the web (no web page makes the first one).")
@click.option("--role", type=click.Choice(["province_admin", "province_board"]),
              default="province_admin", show_default=True,
              help="With --province: the administrator, or a member of the province's "
                   "emulation board (reads every commune, writes nothing there).")
@click.pass_context
def create_admin(ctx, username, full_name, province, role):
    """Create the first real administrator of the commune, or with --province a province
    account (asks for the password)."""
    from app.auth.accounts import make_admin, read_password

    if province and ctx.params.get("commune_slug"):
        raise click.ClickException("--province và --commune không dùng cùng nhau.")
    if not province and ctx.get_parameter_source("role").name != "DEFAULT":
        raise click.ClickException("--role chỉ dùng với --province.")
    try:
        scope = None if province else tenancy.current()
    except tenancy.NoCommuneChosen:
        raise click.ClickException("Có nhiều xã: chọn xã bằng --commune SLUG.")
    if scope == tenancy.NOBODY:
        raise click.ClickException("Chưa có xã nào: tạo xã cùng quản trị viên đầu tiên bằng "
                                   "`flask commune add --plan TỆP --admin TÊN`, hoặc tài "
                                   "khoản cấp tỉnh bằng `create-admin --province`.")
    password = read_password()
    if province:
        with tenancy.using(tenancy.PROVINCE):
            problem = make_admin(username, full_name, password, roles=(role,))
    else:
        problem = make_admin(username, full_name, password)
    if problem:
        raise click.ClickException(problem)
    db.session.commit()
    said = "tài khoản cấp tỉnh" if province else "quản trị viên"
    click.echo(f"Đã tạo {said} {username}.")


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
    """Load a plan file for the commune it names, made if new (without an administrator:
    `flask commune add` makes both)."""
    from app.plans.loader import PlanFileError, load_plan, read_plan_file
    from app.plans.models import Plan

    try:
        pf = read_plan_file(path)
    except PlanFileError as exc:
        raise click.ClickException("\n".join(exc.errors))
    from app.communes.service import named_in
    commune = named_in(pf)
    with tenancy.using(commune.id):
        if db.session.scalar(select(func.count(Plan.id))):
            raise click.ClickException(f"Xã {commune.name} đã có kế hoạch; chỉ nạp cho xã "
                                       "chưa có kế hoạch.")
        plan = load_plan(pf)
        db.session.commit()
    analyze()
    click.echo(f"Đã nạp kế hoạch {plan.year}.")


@click.command("calendar")
@click.argument("year", type=click.IntRange(2000, 2100))
@with_appcontext
@in_commune
def calendar_cmd(year):
    """Create YEAR's reporting calendar (as the office's "create the year's periods" button
    does); periods that exist are left as they are."""
    from app.reports.services import generate_year

    n = generate_year(year)
    db.session.commit()
    click.echo(f"Đã tạo {n} kỳ báo cáo của năm {year}.")


@click.group("audit")
def audit_cli():
    """The audit log."""


REASONS = {"altered": "đã bị sửa", "missing": "đã bị xóa", "broken link": "mất liên kết",
           "cut": "không còn: nhật ký bị cắt từ sau dòng này",
           "replaced": "bị thay bằng dòng khác"}


def _anchor_file(path=None):
    path = path or current_app.config.get("AUDIT_ANCHORS")
    return Path(path) if path else None


@audit_cli.command("verify")
@click.option("--anchors", type=click.Path(dir_okay=False),
              help="Heads noted earlier (default: AUDIT_ANCHORS, written by flask backup).")
@with_appcontext
def audit_verify(anchors):
    """Check the audit hash chain, and that every head noted by a backup is still there;
    name the first altered, missing or cut row."""
    ok, bad_id, reason = verify_chain()
    anchor_file = _anchor_file(anchors)
    noted = audit.read_anchors(anchor_file) if anchor_file and anchor_file.exists() else []
    if ok:
        ok, bad_id, reason = audit.check_anchors(noted)
    if ok:
        extra = f" ({len(noted)} mốc đầu nhật ký đã đối chiếu)" if noted else ""
        click.echo(f"Nhật ký toàn vẹn.{extra}")
        return
    raise click.ClickException(
        f"Nhật ký bị sửa: dòng {bad_id} {REASONS.get(reason, '')} ({reason}).")


@audit_cli.command("head")
@with_appcontext
def audit_head():
    """Print the newest audit row's id and hash, to keep outside the database."""
    top = audit.head()
    click.echo(f"{top[0]} {top[1]}" if top else "0 -")


def _note_head(path: Path) -> str:
    """Append the log's head to the anchor file; the line written."""
    top = audit.head()
    if top is None:
        return ""
    line = f"{datetime.now(timezone.utc):%Y-%m-%dT%H:%M:%SZ} {top[0]} {top[1]}"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as f:
        f.write(line + "\n")
    return line


def _owner_url() -> str:
    """Backups and restores read and write every commune's rows: on PostgreSQL they run as
    the tables' owner (OWNER_DATABASE_URL), which the policies let through, not as the app's
    role, which sees one commune at a time."""
    cfg = current_app.config
    return cfg.get("OWNER_DATABASE_URL") or cfg["SQLALCHEMY_DATABASE_URI"]


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def backup_cmd(path):
    """Online backup of the database to PATH; the audit log's head goes to AUDIT_ANCHORS."""
    from app.core.backup import BackupError, backup

    db.session.remove()
    try:
        backup(_owner_url(), path)
    except BackupError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"Đã sao lưu vào {path}.")
    if current_app.config.get("EVIDENCE_STORE") == "s3":
        from app.core.backup import S3_NOTE
        click.echo(S3_NOTE)
    anchor_file = _anchor_file()
    if anchor_file:
        line = _note_head(anchor_file)
        click.echo(f"Đầu nhật ký: {line} — đã ghi vào {anchor_file}; hãy lưu tệp này cùng "
                   "bản sao lưu ở máy khác.")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_cmd(path, yes):
    """Replace the database with the backup at PATH, then verify the audit chain."""
    from app.core.backup import BackupError, restore

    if not yes:
        click.confirm("Khôi phục sẽ thay toàn bộ dữ liệu hiện tại. Tiếp tục?", abort=True)
    db.session.remove()
    db.engine.dispose()
    try:
        restore(_owner_url(), path)
    except BackupError as exc:
        raise click.ClickException(str(exc))
    analyze()
    ok, bad_id, reason = verify_chain()
    if not ok:
        raise click.ClickException(f"Đã khôi phục, nhưng nhật ký bị sửa: dòng {bad_id} ({reason}).")
    click.echo("Đã khôi phục; nhật ký toàn vẹn.")
    from app.evidence.store import check_evidence
    files, bad = check_evidence()
    if bad:
        raise click.ClickException(f"Đã khôi phục, nhưng {len(bad)} tệp minh chứng không khớp "
                                   f"mã SHA-256: {', '.join(bad[:5])}")
    click.echo(f"Tệp minh chứng: {files}, nội dung khớp SHA-256.")
    anchor_file = _anchor_file()
    if anchor_file and anchor_file.exists():
        # heads noted after this backup name rows the restore gave up: keep them apart
        kept = anchor_file.with_name(f"{anchor_file.name}.before-restore-"
                                     f"{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}")
        anchor_file.rename(kept)
        _note_head(anchor_file)
        click.echo(f"Các mốc đầu nhật ký trước khi khôi phục được giữ ở {kept}.")
