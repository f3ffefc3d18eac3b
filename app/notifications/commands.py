"""flask outbox send, flask outbox digest, flask remind: the workers of issue 19, run by
the systemd timers in deploy/ (or cron, README)."""
import click
from flask.cli import AppGroup, with_appcontext

from app.communes.service import each

outbox_cli = AppGroup("outbox", help="Send the e-mails and webhook messages waiting.")


def init_app(app):
    app.cli.add_command(outbox_cli)
    app.cli.add_command(remind_cmd)
    app.cli.add_command(worker_cmd)


@outbox_cli.command("send")
@click.option("--limit", default=200, show_default=True, type=click.IntRange(1, 10000))
@with_appcontext
def outbox_send(limit):
    """Tell people of new comments, then send what is due (retried later on failure), in
    every commune."""
    from app.notifications import fanout, outbox
    told, counts = 0, {"sent": 0, "failed": 0, "skipped": 0}
    for _commune in each():
        told += fanout.fan_out_comments()
        for key, n in outbox.send_due(limit=limit).items():
            counts[key] = counts.get(key, 0) + n
    click.echo(f"notified {told}; sent {counts['sent']}, failed {counts['failed']}, "
               f"skipped {counts['skipped']}")


@outbox_cli.command("digest")
@with_appcontext
def outbox_digest():
    """Put today's digest in the outbox for each person who chose one (once a day)."""
    from app.core.extensions import db
    from app.notifications import digest
    queued = 0
    for _commune in each():
        queued += digest.queue_digests()
        db.session.commit()
    click.echo(f"digests {queued}")


@click.command("remind")
@with_appcontext
def remind_cmd():
    """Remind the units that have not submitted: N days before, on the day, weekly after."""
    from app.notifications import reminders
    click.echo(f"reminders {sum(reminders.run() for _commune in each())}")


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
        for commune in each():
            try:
                fanout.fan_out_comments()
                reminded = reminders.run()
                digests = digest.queue_digests()
                db.session.commit()
                counts = outbox.send_due()
                if reminded or digests or counts["sent"] or counts["failed"]:
                    click.echo(f"{commune.slug}: reminders {reminded}, digests {digests}; "
                               f"sent {counts['sent']}, failed {counts['failed']}")
            except Exception as exc:  # noqa: BLE001 - a bad round must not end the worker
                db.session.rollback()
                click.echo(f"worker round failed in {commune.slug}: {exc}", err=True)
        db.session.remove()
        if once or stop:
            return
        for _ in range(every):
            if stop:
                return
            time.sleep(1)
