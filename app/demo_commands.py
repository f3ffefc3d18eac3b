"""flask demo accounts: the deployment's demo accounts, one JSON object a line (or the
README's table), read from the database."""
import json

import click
from flask.cli import with_appcontext

demo_cli = click.Group("demo", help="The demo's data (demo mode only).")

KEYS = ("username", "password", "commune", "commune_name", "unit", "unit_kind", "role")


@demo_cli.command("accounts")
@click.option("--markdown", is_flag=True, help="The same accounts as the README's table.")
@with_appcontext
def demo_accounts(markdown):
    """Every demo account: username, password, commune (slug; "" for the province's),
    commune_name, unit (slug), unit_kind, role (the first it holds in the app's order)."""
    from app.demo_province import demo_accounts_rows

    rows = demo_accounts_rows()
    if markdown:
        click.echo(accounts_table(rows))
        return
    for row in rows:
        click.echo(json.dumps({k: row[k] for k in KEYS}, ensure_ascii=False))


def accounts_table(rows) -> str:
    """The README's account table of the province demo: the same facts as the JSON lines."""
    lines = ["| Username | Commune | Unit (kind) | Role |", "|---|---|---|---|"]
    for r in rows:
        commune = f"{r['commune_name']} (`{r['commune']}`)" if r["commune"] else "tỉnh (province)"
        unit = f"`{r['unit']}` ({r['unit_kind']})" if r["unit"] else "—"
        lines.append(f"| `{r['username']}` | {commune} | {unit} | `{r['role']}` |")
    return "\n".join(lines)
