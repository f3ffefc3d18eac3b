"""flask commune add / list, and the --commune option of the commands that work inside
one commune."""
import functools

import click
from flask.cli import with_appcontext

from app.core import tenancy
from app.core.extensions import db


def in_commune(command):
    """The command works inside one commune: --commune SLUG, or the deployment's only one."""
    @click.option("--commune", "commune_slug", metavar="SLUG",
                  help="The commune to work in (needed when the deployment holds several).")
    @functools.wraps(command)
    def wrapper(*args, commune_slug=None, **kwargs):
        if commune_slug is None:
            return command(*args, **kwargs)
        from app.communes.service import by_slug
        commune = by_slug(commune_slug)
        if commune is None:
            raise click.ClickException(f"Không có xã {commune_slug!r} (xem: flask commune list).")
        with tenancy.using(commune.id):
            return command(*args, **kwargs)
    return wrapper


commune_cli = click.Group("commune", help="The communes of this deployment.")


@commune_cli.command("list")
@with_appcontext
def commune_list():
    """One line per commune: slug, name, province."""
    from app.communes.service import all_communes
    for c in all_communes():
        sample = " (mẫu)" if c.is_sample else ""
        click.echo(f"{c.slug}\t{c.name}{sample}\t{c.province}")


@commune_cli.command("add")
@click.option("--plan", "plan_path", required=True,
              type=click.Path(exists=True, dir_okay=False), help="The commune's plan file.")
@click.option("--admin", "admin_username", required=True,
              help="The commune's first administrator (asks for the password).")
@click.option("--admin-name", default="Quản trị viên xã", show_default=True)
@with_appcontext
def commune_add(plan_path, admin_username, admin_name):
    """Create a commune from its plan file: the commune, its units, its plan and its first
    administrator."""
    from app.auth.accounts import read_password
    from app.communes.service import CommuneRefused, add_commune, by_slug, slug_of
    from app.core.database import analyze
    from app.plans.loader import PlanFileError, read_plan_file

    try:
        pf = read_plan_file(plan_path)
    except PlanFileError as exc:
        raise click.ClickException("\n".join(exc.errors))
    name = (pf.data.get("commune") or {}).get("name", "")
    if by_slug(slug_of(name)) is not None:  # said before the password is asked for
        raise click.ClickException(f"Xã {name} đã có (flask commune list).")
    password = read_password()
    with tenancy.using(tenancy.PROVINCE):  # the province makes a commune
        try:
            commune, plan = add_commune(pf, admin_username, admin_name, password)
        except CommuneRefused as exc:
            db.session.rollback()
            raise click.ClickException(str(exc))
        said = (f"Đã tạo xã {commune.name} ({commune.slug}): kế hoạch {plan.year}, "
                f"quản trị viên {admin_username}.")
        db.session.commit()
    analyze()
    click.echo(said)


@commune_cli.command("app-role")
@click.argument("role")
@with_appcontext
def commune_app_role(role):
    """PostgreSQL: make ROLE the one the app connects as (no ownership, no BYPASSRLS),
    with the app's rights on every table; run as the tables' owner, after each upgrade."""
    from app.communes.roles import grant_app_role
    if db.engine.dialect.name != "postgresql":
        raise click.ClickException("Chỉ dùng với PostgreSQL.")
    try:
        grant_app_role(role)
    except ValueError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"Vai trò {role} đã có quyền của ứng dụng; đặt DATABASE_URL với vai trò này.")
