"""``python -m migrations up [--dry-run] [--wait SECONDS]`` and ``python -m migrations status``.

Exit codes: 0 done (or nothing to do), 1 a migration failed or the lock was lost, 2 bad usage or
configuration, 3 another runner holds the lock (after waiting ``--wait`` seconds).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

from pymongo.errors import PyMongoError

from migrations.runner import Database, LockBusy, MigrationError, MigrationRunner
from service.logs import setup_logging
from service.mongo import close_client, create_client
from service.settings import Settings, SettingsError, without_credentials
from service.startup import StartupError, version, wait_for_stores

log = logging.getLogger("migrations.__main__")  # not "__main__", under python -m

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_LOCK_BUSY = 3


def build_parser() -> argparse.ArgumentParser:
    """The command line parser of ``docscan-migrate``."""
    parser = argparse.ArgumentParser(prog="docscan-migrate", description="Versioned MongoDB migrations of docscan.")
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="apply the pending migrations in order")
    up.add_argument("--dry-run", action="store_true", help="print what would be applied and change nothing")
    up.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="wait this long for another runner's lock before giving up (default: 0, give up at once)",
    )
    commands.add_parser("status", help="list applied and pending versions and the lock holder")
    return parser


async def run(args: argparse.Namespace, db: Database, out: TextIO = sys.stdout) -> int:
    """Run one parsed command against a database and return the exit code.

    :param args: the parsed command line
    :param db: the database to migrate
    :param out: where the report goes
    """

    def on_wait(holder: dict[str, Any] | None) -> None:
        holder = holder or {}
        print(f"waiting: the lock is held by {holder.get('owner')} until {holder.get('expires_at')}", file=out)

    runner = MigrationRunner(db, on_wait=on_wait)
    if args.command == "status":
        return await _status(runner, out)
    try:
        outcomes = await runner.up(dry_run=args.dry_run, wait=args.wait)
    except LockBusy as exc:
        print(f"refused: {exc}; retry later or pass --wait SECONDS", file=out)
        return EXIT_LOCK_BUSY
    except MigrationError as exc:
        print(f"failed: {exc}", file=out)
        return EXIT_FAILED
    if not outcomes:
        print("nothing to apply: every version is recorded", file=out)
    for outcome in outcomes:
        # What each version did is in the log already (the runner logs it as it goes): one summary line here.
        m = outcome.migration
        verb = (
            f"would apply ({len(outcome.lines)} steps)" if outcome.dry_run else f"applied in {outcome.duration_ms} ms"
        )
        print(f"{m.version} {m.name}: {verb}", file=out)
    if args.dry_run:
        print("dry run: nothing was changed", file=out)
    return EXIT_OK


async def _status(runner: MigrationRunner, out: TextIO) -> int:
    for row in await runner.status():
        if row.record is None:
            state = "pending"
        else:
            state = f"applied {row.record.get('applied_at')} in {row.record.get('duration_ms')} ms"
        if row.migration is None:
            state += " (not in this release)"
        if row.changed:
            state += " (module edited since it was applied)"
        print(f"{row.version} {row.name:<20} {state}", file=out)
    holder = await runner.lock.holder()
    if holder is not None:
        print(f"lock: held by {holder.get('owner')} until {holder.get('expires_at')}", file=out)
    return EXIT_OK


async def _main(args: argparse.Namespace, settings: Settings) -> int:
    try:
        await wait_for_stores(settings, redis=False)
    except StartupError as exc:
        log.error("migrations cannot start: %s", exc)
        return EXIT_FAILED
    # The service's own client: the same timeouts, retryable writes and driver as the web and worker processes.
    client = create_client(settings, appname="docscan-migrate")
    try:
        return await run(args, client[settings.mongo_db])
    finally:
        await close_client(client)


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """The ``docscan-migrate`` console script.

    :param argv: the arguments (default: ``sys.argv[1:]``)
    :param environ: the environment (default: ``os.environ``)
    """
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env(os.environ if environ is None else environ)
    except SettingsError as exc:
        print(f"docscan migrate: configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not settings.mongo_url:
        print("MONGO_URL is not set: the embedded in-memory mode keeps no data and needs no migrations.")
        return EXIT_OK
    setup_logging(settings.log_level, settings.log_json)
    log.info(
        "docscan %s migrate %s: mongo=%s mongo_db=%s mongo_driver=%s",
        version(),
        args.command,
        without_credentials(settings.mongo_url),
        settings.mongo_db,
        settings.mongo_driver,
    )
    try:
        code = asyncio.run(_main(args, settings))
    except (MigrationError, PyMongoError) as exc:
        log.error("migration failed: %s", exc)
        code = EXIT_FAILED
    log.info("docscan migrate %s finished (exit code %d)", args.command, code)
    return code


if __name__ == "__main__":
    sys.exit(main())
