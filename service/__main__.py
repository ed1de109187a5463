"""``python -m service``: the web process, or web and worker together in the embedded default."""

from __future__ import annotations

import asyncio
import os
import sys

from aiohttp import web

from .app import create_app
from .logs import setup_logging
from .settings import Settings, SettingsError


def main() -> None:
    try:
        settings = Settings.from_env(os.environ)
        settings.require_services()
        setup_logging(settings.log_level, settings.log_json)
        if settings.embedded:
            from . import embedded

            asyncio.run(embedded.run(settings))
            return
        app = create_app(settings)
    except SettingsError as exc:
        print(f"docscan: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    web.run_app(app, host=settings.host, port=settings.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
