"""flask outbox send, flask outbox digest, flask remind: the workers of issue 19, run by
the systemd timers in deploy/ (or cron, README)."""
import click
from flask.cli import AppGroup, with_appcontext

outbox_cli = AppGroup("outbox", help="Send the e-mails and webhook messages waiting.")


def init_app(app):
    app.cli.add_command(outbox_cli)
    app.cli.add_command(remind_cmd)
    app.cli.add_command(worker_cmd)


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


@click.command("worker")
@click.option("--every", default=30, show_default=True, type=click.IntRange(1, 3600),
              help="seconds between rounds")
@click.option("--once", is_flag=True, help="one round, then stop")
@with_appcontext
def worker_cmd(every, once):
    """What the timers do, in one process (make run starts it beside the web server): each
    round tells people of new comments, queues the reminders and digests due today (each at
    most once, whatever the rounds) and sends what is due."""
    import signal
    import time

    from app.core.extensions import db
    from app.notifications import digest, fanout, outbox, reminders
    stop = []
    signal.signal(signal.SIGTERM, lambda *_a: stop.append(True))
    while True:
        try:
            fanout.fan_out_comments()
            reminded = reminders.run()
            digests = digest.queue_digests()
            db.session.commit()
            counts = outbox.send_due()
            if reminded or digests or counts["sent"] or counts["failed"]:
                click.echo(f"reminders {reminded}, digests {digests}; sent {counts['sent']}, "
                           f"failed {counts['failed']}")
        except Exception as exc:  # noqa: BLE001 - a bad round must not end the worker
            db.session.rollback()
            click.echo(f"worker round failed: {exc}", err=True)
        finally:
            db.session.remove()
        if once or stop:
            return
        for _ in range(every):
            if stop:
                return
            time.sleep(1)
