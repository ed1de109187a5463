"""The web process of ``bench rescan``: the real app, and the rescan schemes it is compared with, behind its middleware.

``python -m bench.storm_server --mongo-url URL --redis-url URL --db NAME --port N [--driver motor|pymongo]
[--loop uvloop|asyncio]``
serves, on one port and behind the same middlewares (request id, metrics, errors, JWT auth), one route,
``POST /api/v1/children/{child}/documents/{document}/rescan-{variant}``, whose variants are:

- ``real``: the service's own rescan handler, the one its ``.../rescan`` route runs;
- ``bare``: the same compare-and-set (filter and update from ``state``), the enqueue on success, 202 or 409,
  nothing else;
- ``lock``: the scheme the compare-and-set replaced: ``SET lock NX PX 10000`` in Redis, read the document,
  check it in code, update it, enqueue, release the lock with a compare-and-delete script; 409 while the lock
  is held;
- ``lock-problem``: the same lock scheme, answering its refusals as this service must, problem+json through the
  error middleware (``scan-in-flight`` with ``Retry-After``), where ``lock`` answers a small JSON object;
- ``floor``: the ids parsed and the caller checked, then 409 without touching a store: the cost of the HTTP
  server and the middlewares alone.

Every variant is one route, so each request finds its handler at the same cost: routes registered after the
service's own would cost the other variants more routing than the real one.

``GET /bench/counters`` answers the MongoDB commands this process sent, by name (pymongo command monitoring);
``POST /bench/collect`` runs a full collection of cyclic garbage.

It prints ``listening <port>`` once it serves.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import resource
import sys
from collections import Counter
from typing import Any

from aiohttp import web
from arq import create_pool
from bson import ObjectId
from motor.motor_asyncio import AsyncIOMotorClient
from pymongo import AsyncMongoClient, ReturnDocument, WriteConcern, monitoring

from service import state
from service.app import create_app
from service.auth import require_child
from service.handlers.common import DOCUMENT_PATH
from service.handlers.scans import rescan_document
from service.keys import arq_pool_key, repository_key
from service.problems import NotFound, NotRescannable, ScanInFlight
from service.queue import QUICK_SCAN, enqueue, quick_scan_job_id, redis_settings
from service.repository import DOCUMENTS
from service.schemas import parse_child_id, parse_document_id
from service.server import loop_factory, run, tune_gc
from service.settings import DEFAULT_EVENT_LOOP, EVENT_LOOPS, Settings
from service.stamps import new_token, utcnow

SECRET = "bench-secret-bench-secret-bench-secret"
PATH = DOCUMENT_PATH
# The compare-and-delete every Redis lock recipe releases with: only the holder's token deletes the lock.
RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"


class CommandCounter(monitoring.CommandListener):
    """Counts the commands the driver sends, by name."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.counts[event.command_name] += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


documents_key: web.AppKey[Any] = web.AppKey("bench_documents")
listener_key: web.AppKey[CommandCounter] = web.AppKey("bench_listener")


def _target(request: web.Request) -> tuple[str, ObjectId, str]:
    child = parse_child_id(request.match_info["child"])
    document_id = parse_document_id(request.match_info["document"])
    return child, document_id, require_child(request, child).user_id


async def rescan_bare(request: web.Request) -> web.Response:
    child, document_id, owner = _target(request)
    token = new_token()
    flt = state.rescan_filter(document_id, child, owner)
    update = state.rescan_update(token=token, now=utcnow(), requested_by=owner, idempotency_key=None, history_limit=20)
    doc = await request.app[documents_key].find_one_and_update(flt, update, return_document=ReturnDocument.AFTER)
    if doc is None:
        return web.json_response({"status": "refused"}, status=409)
    await enqueue(
        request.app[arq_pool_key],
        QUICK_SCAN,
        str(document_id),
        token,
        job_id=quick_scan_job_id(document_id, token),
        queue_name="scan",
    )
    return web.json_response({"status": "queued", "token": token}, status=202)


async def rescan_lock(request: web.Request) -> web.Response:
    return await _lock_scheme(request, problems=False)


async def rescan_lock_problem(request: web.Request) -> web.Response:
    return await _lock_scheme(request, problems=True)


async def _lock_scheme(request: web.Request, *, problems: bool) -> web.Response:
    child, document_id, owner = _target(request)
    redis = request.app[arq_pool_key]
    lock, token = f"lock:rescan:{document_id}", new_token()
    if not await redis.set(lock, token, nx=True, px=10_000):
        if problems:
            raise ScanInFlight(
                "A rescan of this document is being decided; retry shortly.",
                extensions={"retry_after": 5},
                headers={"Retry-After": "5"},
            )
        return web.json_response({"status": "locked"}, status=409)
    try:
        docs = request.app[documents_key]
        doc = await docs.find_one({"_id": document_id, "child_profile_id": child, "owner_id": owner})
        if doc is None or not state.rescan_allowed(doc):
            if not problems:
                return web.json_response({"status": "refused"}, status=409)
            if doc is None:
                raise NotFound("No such child profile or document.")
            refusal = ScanInFlight if state.scan_in_flight(doc) else NotRescannable
            raise refusal("This document cannot be rescanned now.", extensions={"scan_status": doc.get("scan_status")})
        update = state.rescan_update(
            token=token, now=utcnow(), requested_by=owner, idempotency_key=None, history_limit=20
        )
        await docs.update_one({"_id": document_id}, update)
        await enqueue(
            redis, QUICK_SCAN, str(document_id), token, job_id=quick_scan_job_id(document_id, token), queue_name="scan"
        )
        return web.json_response({"status": "queued", "token": token}, status=202)
    finally:
        await redis.eval(RELEASE, 1, lock, token)  # type: ignore[misc]  # redis-py types eval for both clients


async def rescan_floor(request: web.Request) -> web.Response:
    _target(request)
    return web.json_response({"status": "refused"}, status=409)


VARIANTS = {
    "real": rescan_document,
    "bare": rescan_bare,
    "lock": rescan_lock,
    "lock-problem": rescan_lock_problem,
    "floor": rescan_floor,
}


async def rescan_variant(request: web.Request) -> web.StreamResponse:
    return await VARIANTS[request.match_info["variant"]](request)


async def collect(request: web.Request) -> web.Response:
    collected = gc.collect()
    return web.Response(text=json.dumps({"collected": collected}), content_type="application/json")


async def counters(request: web.Request) -> web.Response:
    return web.Response(text=json.dumps(dict(request.app[listener_key].counts)), content_type="application/json")


def _raise_file_limit() -> None:
    # A storm round keeps every request's socket open at once.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


async def serve(args: Any) -> None:
    listener = CommandCounter()
    driver = AsyncIOMotorClient if args.driver == "motor" else AsyncMongoClient
    client: Any = driver(
        args.mongo_url, tz_aware=True, retryWrites=True, event_listeners=[listener], appname="docscan-bench"
    )
    db = client[args.db]
    settings = Settings(
        mongo_url=args.mongo_url,
        redis_url=args.redis_url,
        jwt_secret=SECRET,
        mongo_db=args.db,
        log_level="WARNING",
        log_json=True,
    )
    pool = await create_pool(redis_settings(args.redis_url))
    app = create_app(settings, db=db, arq_pool=pool)
    app[documents_key] = db.get_collection(DOCUMENTS, write_concern=WriteConcern("majority"))
    app[listener_key] = listener
    app.router.add_post(PATH + "/rescan-{variant:" + "|".join(VARIANTS) + "}", rescan_variant, name="bench_rescan")
    app.router.add_get("/bench/counters", counters)
    app.router.add_post("/bench/collect", collect)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", args.port, backlog=4096).start()
    assert repository_key in app
    tune_gc()  # as the service's web server does once it listens
    print(f"listening {args.port}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
        await pool.aclose()
        client.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.storm_server", description=__doc__)
    parser.add_argument("--mongo-url", required=True)
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--driver", choices=("motor", "pymongo"), default="motor")
    parser.add_argument("--loop", choices=EVENT_LOOPS, default=DEFAULT_EVENT_LOOP)
    args = parser.parse_args(argv)
    _raise_file_limit()
    try:
        run(serve(args), loop_factory(args.loop))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
