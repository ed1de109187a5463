"""Liveness, readiness and metrics."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable

from aiohttp import web

from ..keys import arq_pool_key, lifecycle_key, metrics_key, repository_key

logger = logging.getLogger(__name__)
routes = web.RouteTableDef()

READY_TIMEOUT = 2.0


@routes.get("/healthz", name="healthz", allow_head=False)
async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def describe_failure(exc: BaseException) -> str:
    """Why a check failed, in words, even for exceptions whose text is empty (a timeout).

    :param exc: what the probe raised
    """
    if isinstance(exc, TimeoutError):
        return f"no answer within {READY_TIMEOUT:g} s"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


@routes.get("/readyz", name="readyz", allow_head=False)
async def readyz(request: web.Request) -> web.Response:
    if request.app[lifecycle_key].stopping:
        # Tell the load balancer first, before the listener closes.
        return web.json_response(
            {"status": "stopping", "checks": {"mongo": "stopping", "redis": "stopping"}}, status=503
        )

    async def check(name: str, probe: Awaitable[object]) -> str:
        try:
            async with asyncio.timeout(READY_TIMEOUT):
                await probe
        except Exception as exc:  # any failure means "not ready"; the reason goes to the log
            logger.warning("readiness check %s failed: %s", name, describe_failure(exc))
            return "unavailable"
        return "ok"

    mongo, redis = await asyncio.gather(
        check("mongo", request.app[repository_key].ping()),
        check("redis", request.app[arq_pool_key].ping()),
    )
    ok = mongo == "ok" and redis == "ok"
    return web.json_response(
        {"status": "ok" if ok else "unavailable", "checks": {"mongo": mongo, "redis": redis}},
        status=200 if ok else 503,
    )


@routes.get("/metrics", name="metrics", allow_head=False)
async def metrics(request: web.Request) -> web.Response:
    response = web.Response(body=request.app[metrics_key].render())
    response.content_type = "text/plain"
    response.headers["Content-Type"] = "text/plain; version=0.0.4; charset=utf-8"
    return response
