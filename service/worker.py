"""The arq worker: its settings, and the clients its jobs share."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import ItemsView
from typing import Any

from arq import cron, func
from prometheus_client import start_http_server

from .jobs import hand_off, quick_scan, reconcile
from .logs import request_id_var, setup_logging
from .metrics import Metrics
from .mongo import close_client, create_client
from .queue import redis_settings
from .repository import DocumentRepository
from .scanner import create_scanner
from .scanner.language import detector
from .settings import Settings, SettingsError
from .startup import StartupError, refuse, settings_line, version, wait_for_stores

logger = logging.getLogger(__name__)


async def startup(ctx: dict[str, Any]) -> None:
    """Build what the jobs need, reusing whatever the caller already put in ``ctx`` (tests, embedded mode)."""
    if "settings" not in ctx:
        ctx["settings"] = Settings.from_env(os.environ)
        setup_logging(ctx["settings"].log_level, ctx["settings"].log_json)
    settings: Settings = ctx["settings"]
    ctx.setdefault("metrics", Metrics())
    if "repository" not in ctx:
        client = create_client(settings)
        ctx["_mongo_client"] = client
        ctx["repository"] = DocumentRepository(client[settings.mongo_db], settings.stage_history_limit)
    if "scanner" not in ctx:
        ctx["scanner"] = create_scanner(settings.scanner)
        ctx["_owns_scanner"] = True
    # The sandbox's processes start now, not on the first upload.
    await ctx["scanner"].start()
    # Load the language models now, off the loop: built on the first scan they would stall the event loop
    # long enough for Redis connections to time out.
    await asyncio.to_thread(detector)
    if settings.worker_metrics_port and "_metrics_server" not in ctx:
        server, _thread = start_http_server(settings.worker_metrics_port, registry=ctx["metrics"].registry)
        ctx["_metrics_server"] = server
    logger.info(
        "worker ready: docscan %s on queue %s (scan engine %s) %s",
        version(),
        settings.queue_name,
        ctx["scanner"].name,
        settings_line(settings),
        extra={"settings": settings.describe()},
    )


async def shutdown(ctx: dict[str, Any]) -> None:
    if ctx.pop("_owns_scanner", False):
        await ctx["scanner"].close()
    if "_mongo_client" in ctx:
        await close_client(ctx.pop("_mongo_client"))
    if "_metrics_server" in ctx:
        ctx.pop("_metrics_server").shutdown()
    logger.info("worker stopped")


async def job_started(ctx: dict[str, Any]) -> None:
    """Tag every log line of a job with its id, as web requests are tagged with theirs."""
    # arq runs each job, and this hook, in a task of its own, so the id stays with that job.
    request_id_var.set(f"job:{ctx['job_id']}")


def _reconcile_schedule(interval: int) -> dict[str, set[int]]:
    if interval < 60:
        return {"second": set(range(0, 60, interval))}
    return {"minute": set(range(0, 60, max(1, interval // 60))), "second": {0}}


def worker_kwargs(settings: Settings, **overrides: Any) -> dict[str, Any]:
    """The arguments of ``arq.Worker`` for these settings.

    :param overrides: extra or replaced arguments (``redis_pool``, ``burst``, ``ctx``, ``handle_signals``)
    """
    job_timeout = settings.scan_job_timeout
    kwargs: dict[str, Any] = {
        "functions": [
            func(quick_scan, name="quick_scan", max_tries=settings.scan_max_tries, timeout=job_timeout),
            func(hand_off, name="hand_off", max_tries=10, timeout=30),
        ],
        "cron_jobs": [
            # arq holds a job a dead worker took for the longest function timeout + 10 s: keep this one short.
            cron(
                reconcile,
                name="reconcile",
                run_at_startup=True,
                timeout=60,
                **_reconcile_schedule(settings.reconcile_interval_seconds),  # type: ignore[arg-type]
            ),
        ],
        "on_startup": startup,
        "on_shutdown": shutdown,
        "on_job_start": job_started,
        "queue_name": settings.queue_name,
        "redis_settings": redis_settings(settings.redis_url, ride_out_outages=True) if settings.redis_url else None,
        "job_timeout": job_timeout,
        "max_jobs": settings.worker_max_jobs,
        "max_tries": settings.scan_max_tries,
        "ctx": {"settings": settings},
    }
    kwargs.update(overrides)
    return kwargs


class _WorkerSettingsFromEnv(dict[str, Any]):
    """What the ``arq`` CLI reads; the environment is read when the CLI asks, not when this module is imported."""

    def _load(self) -> None:
        if dict.__len__(self):
            return
        try:
            settings = Settings.from_env(os.environ)
            settings.require_services()
            if settings.embedded:
                raise SettingsError(
                    "the worker needs MONGO_URL and REDIS_URL; `python -m service` alone runs "
                    "web and worker together in the embedded mode"
                )
        except SettingsError as exc:
            refuse("worker", f"configuration error: {exc}")
        setup_logging(settings.log_level, settings.log_json)
        # The arq CLI has no loop yet and builds its own after this; a loop of our own keeps out of its way.
        loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(wait_for_stores(settings))
        except StartupError as exc:
            logger.error("worker cannot start: %s", exc)
            raise SystemExit(exc.code) from None
        finally:
            loop.close()
        self.update(worker_kwargs(settings))

    def items(self) -> ItemsView[str, Any]:  # type: ignore[override]
        self._load()
        return super().items()

    def get(self, key: str, default: Any = None) -> Any:
        self._load()
        return super().get(key, default)


#: for ``arq service.worker.WorkerSettings`` (Procfile ``worker:``)
WorkerSettings = _WorkerSettingsFromEnv()
