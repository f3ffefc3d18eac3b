"""flask outbox send, flask outbox digest, flask remind: the workers of issue 19, run by
the systemd timers in deploy/ (or cron, README)."""
import click
from flask.cli import AppGroup, with_appcontext

outbox_cli = AppGroup("outbox", help="Send the e-mails and webhook messages waiting.")


def init_app(app):
    app.cli.add_command(outbox_cli)
    app.cli.add_command(remind_cmd)


@outbox_cli.command("send")
@click.option("--limit", default=200, show_default=True, type=click.IntRange(1, 10000))
@with_appcontext
def outbox_send(limit):
    """Tell people of new comments, then send what is due (retried later on failure)."""
    from app.notifications import fanout, outbox
    told = fanout.fan_out_comments()
    counts = outbox.send_due(limit=limit)
    click.echo(f"notified {told}; sent {counts['sent']}, failed {counts['failed']}, "
               f"skipped {counts['skipped']}")


@outbox_cli.command("digest")
@with_appcontext
def outbox_digest():
    """Put today's digest in the outbox for each person who chose one (once a day)."""
    from app.notifications import digest
    click.echo(f"digests {digest.queue_digests()}")


@click.command("remind")
@with_appcontext
def remind_cmd():
    """Remind the units that have not submitted: N days before, on the day, weekly after."""
    from app.notifications import reminders
    click.echo(f"reminders {reminders.run()}")
