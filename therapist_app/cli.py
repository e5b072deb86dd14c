"""Flask commands: worksheets check/sync, demo seed, scheduler run, outbox send, plugin migrations,
audit verify, backup and restore."""
import os
import sys
from datetime import date, datetime, timedelta, timezone

import click
from alembic import command
from alembic.config import Config
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from .engine.loader import load_directory
from .extensions import db
from .mail.sender import deliver_pending
from .paths import MIGRATIONS_DIR
from .scheduler import runner
from .security import key_rotation
from .security.audit_chain import verify_chain
from .services.backup import backup, restore
from .services.backup_file import BackupError, read_info
from .services.demo import DemoNotSeeded, seed_demo
from .services.packet_batch import prepare_day
from .services.worksheets import sync_library

worksheets_cli = AppGroup("worksheets", help="The exercise library.")
demo_cli = AppGroup("demo", help="The demo practice.")
scheduler_cli = AppGroup("scheduler", help="The scheduler process (run exactly one).")
outbox_cli = AppGroup("outbox", help="Outgoing email.")
plugin_db_cli = AppGroup("therapist-db", help="The plugin's own migrations, for a host app.")
pdf_cli = AppGroup("pdf", help="Printed documents.")
keys_cli = AppGroup("keys", help="The answer encryption keys.")
audit_cli = AppGroup("audit", help="The audit log.")


@worksheets_cli.command("check")
@click.argument("directory", required=False)
def worksheets_check(directory):
    """Validates every worksheet file; exits 1 and names file and line if any is broken."""
    result = load_directory(directory or current_app.config["THERAPIST_WORKSHEETS_DIR"])
    for slug in result.worksheets:
        click.echo(f"ok      {slug}")
    for error in result.errors:
        click.echo(f"REFUSED {error}", err=True)
    click.echo(f"{len(result.worksheets)} valid, {len(result.errors)} refused")
    sys.exit(1 if result.errors else 0)


@worksheets_cli.command("sync")
def worksheets_sync():
    """Stores changed worksheet files as new versions."""
    result = sync_library(current_app.config["THERAPIST_WORKSHEETS_DIR"])
    click.echo(f"{len(result.worksheets)} worksheets in the library, {len(result.errors)} refused")
    for error in result.errors:
        click.echo(f"REFUSED {error}", err=True)


@demo_cli.command("seed")
@click.option("--reset", is_flag=True, help="Delete the demo practice's own rows and build it again from scratch.")
def demo_seed(reset):
    """Creates the demo practice once (a practice six weeks in), and prints its logins."""
    try:
        created, logins = seed_demo(reset=reset)
    except DemoNotSeeded as refusal:
        raise click.ClickException(str(refusal)) from None
    click.echo(("Demo practice rebuilt." if reset else "Demo practice created.") if created
               else "Demo practice already there (flask demo seed --reset rebuilds it).")
    click.echo("\nDemo logins (demo data only, never real clients):")
    for login in logins:
        click.echo(f"  {login.login:<24} {login.password:<27} {login.sees}")


@scheduler_cli.command("run")
def scheduler_run():
    """Runs reminders and email delivery. Start exactly one, beside the web servers."""
    runner.run(current_app._get_current_object())


@scheduler_cli.command("run-once")
@click.option("--at", "at", default=None, metavar="ISO-8601",
              help="Run as if at this moment (e.g. 2027-03-04T18:05:00+00:00). Default: now.")
def scheduler_run_once(at):
    """Runs every scheduler job once, prints what each queued or sent, and exits."""
    moment = None
    if at:
        try:
            moment = datetime.fromisoformat(at)
        except ValueError:
            raise click.BadParameter("use ISO 8601, e.g. 2027-03-04T18:05:00+00:00", param_hint="--at") from None
        moment = moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
    for job_id, summary in runner.run_once(current_app._get_current_object(), moment):
        click.echo(f"{job_id:<20} {summary}")


@outbox_cli.command("send")
def outbox_send():
    """Delivers due email now (the scheduler does this every few seconds)."""
    click.echo(f"{deliver_pending()} sent")


@plugin_db_cli.command("upgrade")
def plugin_db_upgrade():
    """Applies the plugin's migrations (own version table: ta_alembic_version) to the app's database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    command.upgrade(config, "head")
    click.echo("therapist_app tables are up to date.")


@pdf_cli.command("prep")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The sessions' day (default: tomorrow).")
@click.option("--processes", type=click.IntRange(1, 64), default=None, help="Cores to use (default: all).")
def pdf_prep(day, processes):
    """Lays out every prep packet for a day's sessions ahead of time, across all cores."""
    day = day.date() if day else date.today() + timedelta(days=1)
    bars = []

    def progress(total):
        bars.append(click.progressbar(length=total, label=f"Laying out {total} packet(s)"))
        bars[0].__enter__()
        return lambda: bars[0].update(1)

    result = prepare_day(day, processes or os.cpu_count() or 1, progress)
    if bars:
        bars[0].__exit__(None, None, None)
    click.echo(f"{day.isoformat()}: {result.sessions} session(s); {result.rendered} packet(s) laid out, "
               f"{result.already_cached} already ready, {result.failed} failed")
    sys.exit(1 if result.failed else 0)


@keys_cli.command("rotate")
@click.option("--batch-size", type=click.IntRange(1, 100_000), default=500, show_default=True)
@click.option("--batches", type=click.IntRange(1), default=None, help="Stop after this many batches (run again to go on).")
def keys_rotate(batch_size, batches):
    """Re-encrypts every sealed value under the newest key (the first in THERAPIST_ANSWER_KEYS).
    Online and resumable. Then `flask keys status` shows when an old key holds nothing and may go."""
    result = key_rotation.rotate(batch_size, batches)
    for name, count in result.per_column.items():
        click.echo(f"{name:<36} {count} re-encrypted")
    for where in result.unopenable:
        click.echo(f"DOES NOT OPEN {where}: not sealed for its row (copied or changed in the database); left as it is",
                   err=True)
    click.echo(f"{result.rewritten} value(s) re-encrypted in {result.batches} batch(es); "
               + ("every value is under the newest key." if result.finished and not result.unopenable
                  else "stopped early: run it again to go on." if not result.finished
                  else "some values do not open (above); the rest are under the newest key."))
    sys.exit(1 if result.unopenable else 0)


@keys_cli.command("status")
def keys_status():
    """How many sealed values each key still holds."""
    for key_id, count in sorted(key_rotation.keys_in_use().items()):
        click.echo(f"{key_id:<12} {count} value(s)")


@audit_cli.command("verify")
def audit_verify():
    """Walks the audit log's hash chain; exits 1 and names the first event that does not verify."""
    with db.engine.connect() as connection:
        check = verify_chain(connection)
    if not check.intact:
        click.echo(f"Audit log BROKEN after {check.events} event(s): {check.reason}.", err=True)
        sys.exit(1)
    click.echo(f"Audit log intact: {check.events} event(s), newest {check.head_id}, hash {check.head_hash}")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=True, writable=True))
@with_appcontext
def backup_command(path):
    """Writes a consistent, encrypted backup of the whole database to PATH (a file, or a folder for a
    dated file), readable by its owner only."""
    try:
        info = backup(path)
    except BackupError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    click.echo(f"Backup written: {info.path} ({info.size:,} bytes, {info.kind}, backup key {info.key_id!r}).")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
@with_appcontext
def restore_command(path, yes):
    """Replaces the configured database with a backup made by `flask backup`. Stop the app servers and
    the scheduler first."""
    try:
        made = read_info(path)
    except BackupError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    if not yes:
        click.confirm(f"This REPLACES everything in the configured database with the backup of "
                      f"{made.get('created', '?')}. Continue?", abort=True)
    try:
        header = restore(path)
    except BackupError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    click.echo(f"Restored the {header['kind']} backup made {header['created']}. If it predates this version, "
               "run `flask db upgrade` next.")
    with db.engine.connect() as connection:
        check = verify_chain(connection)
    click.echo(f"Audit log: {'intact, ' if check.intact else 'BROKEN: ' + check.reason + '; '}{check.events} event(s).")


def register_commands(app: Flask) -> None:
    for group in (worksheets_cli, demo_cli, scheduler_cli, outbox_cli, plugin_db_cli, pdf_cli, keys_cli, audit_cli):
        app.cli.add_command(group)
    # `flask backup` / `flask restore` in the standalone app; in a host, under the plugin's own group
    # (`flask therapist-db backup`), so that a host's own command of that name is never replaced.
    if app.extensions["therapist_app"].standalone:
        app.cli.add_command(backup_command)
        app.cli.add_command(restore_command)


plugin_db_cli.add_command(backup_command)
plugin_db_cli.add_command(restore_command)
