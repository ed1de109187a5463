"""The quick scan job's failure paths and the reconciler, on mongomock and a real Redis."""

from __future__ import annotations

import asyncio
import socket
from datetime import datetime, timedelta
from typing import Any

import pytest
from aiohttp import web
from arq import Retry
from arq.connections import ArqRedis
from arq.constants import in_progress_key_prefix
from arq.jobs import Job

from service.jobs import CLOCK, HandOffResult, QuickScanResult, hand_off, quick_scan, reconcile
from service.metrics import Metrics
from service.queue import (
    ENQUEUE_TIMEOUT,
    HAND_OFF,
    QUICK_SCAN,
    Enqueued,
    enqueue,
    hand_off_job_id,
    quick_scan_job_id,
)
from service.repository import DocumentRepository
from service.scanner import create_scanner
from service.settings import ScannerSettings, Settings
from service.stamps import utcnow
from tests.helpers import counted, queued_job_ids


def a_second_later() -> datetime:
    """The reconciler's clock here: the tests run it with a 0 s grace right after storing a request, and MongoDB
    keeps milliseconds, so on the real clock a request stored in the same millisecond is not yet older than "now"
    (the filter is ``$lt``). A second ahead, every request stored before the run is past the grace, and none is
    anywhere near a lease (120 s)."""
    return utcnow() + timedelta(seconds=1)


def job_ctx(
    settings: Settings,
    repo: DocumentRepository,
    pool: ArqRedis,
    metrics: Metrics,
    scanner: Any = None,
    job_try: int = 1,
) -> dict[str, Any]:
    return {
        "settings": settings,
        "repository": repo,
        "redis": pool,
        "metrics": metrics,
        "scanner": scanner,
        "job_try": job_try,
        CLOCK: a_second_later,
    }


async def test_reconciler_enqueues_stranded_queued_documents_once(
    stored_doc: Any,
    repo: DocumentRepository,
    arq_pool: ArqRedis,
    settings: Settings,
    metrics: Metrics,
    run_worker: Any,
    db: Any,
) -> None:
    # queued a while ago, but nothing was ever enqueued
    docs = [await stored_doc() for _ in range(5)]
    await db["documents"].update_many({}, {"$set": {"scan.requested_at": utcnow() - timedelta(minutes=5)}})
    ctx = job_ctx(settings, repo, arq_pool, metrics)
    results = await asyncio.gather(*(reconcile(ctx) for _ in range(3)))  # as if on three workers at once
    assert sum(r["enqueued"] for r in results) == 5
    assert sum(r["already_queued"] for r in results) == 10
    expected = sorted(quick_scan_job_id(d["_id"], d["scan"]["token"]) for d in docs)
    assert await queued_job_ids(arq_pool, settings) == expected
    await run_worker()
    for doc in docs:
        stored = await repo.get_by_id(doc["_id"])
        assert stored is not None and stored["scan_status"] == "ready" and stored["scan"]["runs"] == 1
    assert (await reconcile(ctx))["enqueued"] == 0


async def test_grace_period_leaves_fresh_requests_alone(
    stored_doc: Any, repo: DocumentRepository, arq_pool: ArqRedis, settings: Settings, metrics: Metrics
) -> None:
    await stored_doc()
    ctx = job_ctx(settings.replace(reconcile_grace_seconds=3600), repo, arq_pool, metrics)
    assert (await reconcile(ctx))["enqueued"] == 0
    assert await queued_job_ids(arq_pool, settings) == []


async def test_a_request_is_stranded_only_once_it_is_older_than_the_grace(
    stored_doc: Any, repo: DocumentRepository, arq_pool: ArqRedis, settings: Settings, metrics: Metrics
) -> None:
    doc = await stored_doc()
    requested_at = doc["scan"]["requested_at"]
    ctx = job_ctx(settings, repo, arq_pool, metrics)
    ctx[CLOCK] = lambda: requested_at  # the millisecond it was stored in: not older than a 0 s grace
    assert (await reconcile(ctx))["enqueued"] == 0
    ctx[CLOCK] = lambda: requested_at + timedelta(milliseconds=1)
    assert (await reconcile(ctx))["enqueued"] == 1
    assert await queued_job_ids(arq_pool, settings) == [quick_scan_job_id(doc["_id"], doc["scan"]["token"])]


async def test_expired_lease_is_requeued_with_a_new_token(
    stored_doc: Any, repo: DocumentRepository, arq_pool: ArqRedis, settings: Settings, metrics: Metrics, run_worker: Any
) -> None:
    doc = await stored_doc()
    old_token = doc["scan"]["token"]
    claimed = await repo.claim_scan(doc["_id"], old_token, lease=timedelta(seconds=-1))  # a worker died holding it
    assert claimed is not None
    counts = await reconcile(job_ctx(settings, repo, arq_pool, metrics))
    assert counts["requeued"] == 1 and counts["enqueued"] == 1
    stored = await repo.get_by_id(doc["_id"])
    assert stored is not None and stored["scan_status"] == "queued"
    new_token = stored["scan"]["token"]
    assert new_token != old_token
    # The dead worker's job, delivered again, can no longer write.
    await arq_pool.enqueue_job(
        QUICK_SCAN, str(doc["_id"]), old_token, _job_id="redelivered", _queue_name=settings.queue_name
    )
    await run_worker()
    final = await repo.get_by_id(doc["_id"])
    assert final is not None
    assert final["scan_status"] == "ready" and final["scan"]["token"] == new_token
    assert counted(metrics, "docscan_scans", outcome="ready") == 1
    assert counted(metrics, "docscan_scans", outcome="skipped") == 1


async def test_expired_lease_after_the_attempt_limit_fails(
    stored_doc: Any, repo: DocumentRepository, arq_pool: ArqRedis, settings: Settings, metrics: Metrics
) -> None:
    doc = await stored_doc()
    token = doc["scan"]["token"]
    ctx = job_ctx(settings.replace(scan_attempt_limit=2), repo, arq_pool, metrics)
    for _ in range(2):
        stored = await repo.get_by_id(doc["_id"])
        assert stored is not None
        token = stored["scan"]["token"]
        assert await repo.claim_scan(doc["_id"], token, lease=timedelta(seconds=-1)) is not None
        await reconcile(ctx)
    final = await repo.get_by_id(doc["_id"])
    assert final is not None
    assert final["scan_status"] == "failed"
    assert final["pipeline_stage"] == "quick_scan_failed"
    assert final["scan_error"]["code"] == "scan_stalled"


async def test_a_finished_job_id_does_not_strand_a_queued_document(
    stored_doc: Any, repo: DocumentRepository, arq_pool: ArqRedis, settings: Settings, metrics: Metrics, run_worker: Any
) -> None:
    doc = await stored_doc()
    token = doc["scan"]["token"]
    job_id = quick_scan_job_id(doc["_id"], token)
    # A job under that id ends without touching the document (here: a hand-off that finds nothing to hand
    # off); its kept result blocks the id.
    await arq_pool.enqueue_job("hand_off", str(doc["_id"]), _job_id=job_id, _queue_name=settings.queue_name)
    await run_worker()
    assert (
        await enqueue(arq_pool, QUICK_SCAN, str(doc["_id"]), token, job_id=job_id, queue_name=settings.queue_name)
        is Enqueued.EXISTING
    )
    counts = await reconcile(job_ctx(settings, repo, arq_pool, metrics))
    assert counts["enqueued"] == 1
    await run_worker()
    stored = await repo.get_by_id(doc["_id"])
    assert stored is not None and stored["scan_status"] == "ready"


async def pending_hand_off(stored_doc: Any, requested_at: datetime) -> Any:
    """A confirmed document whose hand-off to the deep pipeline is pending since ``requested_at``."""
    return await stored_doc(
        scan_status="ready",
        pipeline_stage="queued",
        validation_status="confirmed",
        handoff={"status": "pending", "requested_at": requested_at},
    )


async def test_pending_hand_off_is_sent_again(
    stored_doc: Any, repo: DocumentRepository, arq_pool: ArqRedis, settings: Settings, metrics: Metrics
) -> None:
    doc = await pending_hand_off(stored_doc, utcnow() - timedelta(minutes=5))
    counts = await reconcile(job_ctx(settings, repo, arq_pool, metrics))
    assert counts["handoffs"] == 1
    assert await queued_job_ids(arq_pool, settings) == [hand_off_job_id(doc["_id"])]


async def test_a_hand_off_that_redis_refuses_stays_pending_and_is_tried_again(
    stored_doc: Any, repo: DocumentRepository, arq_pool: ArqRedis, settings: Settings, metrics: Metrics
) -> None:
    doc = await pending_hand_off(stored_doc, utcnow())
    # A Redis that refuses connections: a port nothing listens on.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    down = ArqRedis(host="127.0.0.1", port=port, socket_connect_timeout=1)
    try:
        with pytest.raises(Retry):
            await hand_off(job_ctx(settings, repo, down, metrics), str(doc["_id"]))
    finally:
        await down.aclose()
    stored = await repo.get_by_id(doc["_id"])
    assert stored is not None and stored["handoff"]["status"] == "pending"
    assert counted(metrics, "docscan_enqueue_failures", job="deep_pipeline") == 1
    # Once Redis answers, the same job hands it off.
    assert await hand_off(job_ctx(settings, repo, arq_pool, metrics), str(doc["_id"])) is HandOffResult.SENT
    assert await arq_pool.zcard(settings.deep_queue_name) == 1


async def test_an_enqueue_redis_never_answers_is_logged_with_a_reason(
    metrics: Metrics, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    # A server that takes the connection and never answers, as a paused or overloaded Redis does.
    taken: list[asyncio.StreamWriter] = []
    silent = await asyncio.start_server(lambda _, writer: taken.append(writer), "127.0.0.1", 0)
    port = silent.sockets[0].getsockname()[1]
    pool = ArqRedis(host="127.0.0.1", port=port, socket_connect_timeout=1)
    try:
        outcome = await enqueue(pool, QUICK_SCAN, "a", "t", job_id="quick_scan:a:t", queue_name=settings.queue_name)
    finally:
        await pool.aclose(close_connection_pool=True)
        for writer in taken:
            writer.close()
        silent.close()
        await silent.wait_closed()
    assert outcome is Enqueued.UNAVAILABLE
    [line] = [r.getMessage() for r in caplog.records if "could not enqueue" in r.getMessage()]
    assert line == f"could not enqueue quick_scan:a:t: no answer within {ENQUEUE_TIMEOUT:g} s"


async def test_permanent_scan_error_ends_failed_with_a_safe_message(
    stored_doc: Any,
    repo: DocumentRepository,
    arq_pool: ArqRedis,
    settings: Settings,
    metrics: Metrics,
    scanner: Any,
    db: Any,
) -> None:
    doc = await stored_doc(content=b"%PDF-1.4 this is not really a pdf")
    await db["documents"].update_one({"_id": doc["_id"]}, {"$set": {"content_type": "application/pdf"}})
    result = await quick_scan(
        job_ctx(settings, repo, arq_pool, metrics, scanner), str(doc["_id"]), doc["scan"]["token"]
    )
    assert result is QuickScanResult.FAILED
    stored = await repo.get_by_id(doc["_id"])
    assert stored is not None
    assert stored["scan_status"] == "failed"
    assert stored["scan_error"]["code"] == "corrupt_file"
    assert "Traceback" not in stored["scan_error"]["message"]


async def test_arq_enqueue_returns_none_for_a_known_job_id(
    arq_pool: ArqRedis, settings: Settings, run_worker: Any, stored_doc: Any
) -> None:
    """Pins the arq behaviour the design relies on: ``None`` means "already enqueued" (or result kept)."""
    doc = await stored_doc()
    args = (str(doc["_id"]), doc["scan"]["token"])
    job_id = quick_scan_job_id(doc["_id"], doc["scan"]["token"])
    assert await arq_pool.enqueue_job(QUICK_SCAN, *args, _job_id=job_id, _queue_name=settings.queue_name)
    assert await arq_pool.enqueue_job(QUICK_SCAN, *args, _job_id=job_id, _queue_name=settings.queue_name) is None
    await run_worker()
    # Finished: the kept result still blocks the id, which is why the id carries the token.
    assert await arq_pool.enqueue_job(QUICK_SCAN, *args, _job_id=job_id, _queue_name=settings.queue_name) is None


async def test_enqueue_stores_the_job_as_arq_does_in_one_round_trip(
    arq_pool: ArqRedis, settings: Settings, run_worker: Any, stored_doc: Any
) -> None:
    """``queue.enqueue`` runs arq's enqueue as one script: the same job, lifetime and queue entry as
    ``enqueue_job``; a known id (queued, or finished with its result kept) adds nothing; a Redis that lost the
    script (restarted, or SCRIPT FLUSH) gets it again."""
    doc = await stored_doc()
    args = (str(doc["_id"]), doc["scan"]["token"])
    ours, arqs = quick_scan_job_id(doc["_id"], "ours"), quick_scan_job_id(doc["_id"], "arqs")
    await arq_pool.script_flush()
    assert await enqueue(arq_pool, QUICK_SCAN, *args, job_id=ours, queue_name=settings.queue_name) is Enqueued.NEW
    assert await arq_pool.enqueue_job(QUICK_SCAN, *args, _job_id=arqs, _queue_name=settings.queue_name)
    infos = [await Job(i, arq_pool, _queue_name=settings.queue_name).info() for i in (ours, arqs)]
    for info in infos:
        assert info is not None
        assert (info.function, info.args, info.kwargs) == (QUICK_SCAN, args, {})
        assert not info.job_try  # none given: the worker counts from 1
    assert infos[0] is not None and infos[0].score == int(infos[0].enqueue_time.timestamp() * 1000)
    ttls = [await arq_pool.pttl(f"arq:job:{i}") for i in (ours, arqs)]
    assert abs(ttls[0] - ttls[1]) < 60_000 and ttls[0] > arq_pool.expires_extra_ms - 60_000
    # One command from the client (the cached script), no transaction: one round trip.
    await arq_pool.config_resetstat()
    assert await enqueue(arq_pool, QUICK_SCAN, *args, job_id=ours, queue_name=settings.queue_name) is Enqueued.EXISTING
    stats = await arq_pool.info("commandstats")
    sent = {name: int(stat["calls"]) for name, stat in stats.items() if name != "cmdstat_info"}
    assert sent.get("cmdstat_evalsha") == 1, sent
    assert not any(name in sent for name in ("cmdstat_watch", "cmdstat_multi", "cmdstat_exec", "cmdstat_eval")), sent
    assert await arq_pool.zcard(settings.queue_name) == 2
    await arq_pool.delete(f"arq:job:{arqs}")
    await arq_pool.zrem(settings.queue_name, arqs)
    await run_worker()
    assert await Job(ours, arq_pool, _queue_name=settings.queue_name).result(timeout=5) is QuickScanResult.READY
    # Finished, its result kept: the id stays taken.
    assert await enqueue(arq_pool, QUICK_SCAN, *args, job_id=ours, queue_name=settings.queue_name) is Enqueued.EXISTING
    assert await arq_pool.zcard(settings.queue_name) == 0


async def test_a_job_result_is_kept_as_its_enum_member(
    arq_pool: ArqRedis, settings: Settings, run_worker: Any, stored_doc: Any
) -> None:
    doc = await stored_doc()
    token = doc["scan"]["token"]
    scan_id, hand_off_id = quick_scan_job_id(doc["_id"], token), hand_off_job_id(doc["_id"])
    await enqueue(arq_pool, QUICK_SCAN, str(doc["_id"]), token, job_id=scan_id, queue_name=settings.queue_name)
    # Nothing confirmed: the hand-off finds nothing to hand off.
    await enqueue(arq_pool, HAND_OFF, str(doc["_id"]), job_id=hand_off_id, queue_name=settings.queue_name)
    await run_worker()
    # arq pickles what a job returns: whoever reads a result back gets the member, not a bare string.
    assert await Job(scan_id, arq_pool, _queue_name=settings.queue_name).result(timeout=5) is QuickScanResult.READY
    assert await Job(hand_off_id, arq_pool, _queue_name=settings.queue_name).result(timeout=5) is HandOffResult.SKIPPED


async def test_transient_errors_retry_then_fail_with_a_safe_message(
    aiohttp_server: Any,
    stored_doc: Any,
    repo: DocumentRepository,
    arq_pool: ArqRedis,
    settings: Settings,
    metrics: Metrics,
) -> None:
    calls = 0

    async def overloaded(request: web.Request) -> web.Response:
        nonlocal calls
        calls += 1
        return web.json_response({"error": {"message": "overloaded"}}, status=503)

    app = web.Application()
    app.router.add_post("/v1/chat/completions", overloaded)
    server = await aiohttp_server(app)
    engine = create_scanner(
        ScannerSettings(
            engine="hosted", hosted_url=str(server.make_url("/v1")), hosted_model="m", hosted_retries=1, timeout=5
        )
    )
    try:
        doc = await stored_doc()
        token = doc["scan"]["token"]
        with pytest.raises(Retry):
            await quick_scan(job_ctx(settings, repo, arq_pool, metrics, engine, job_try=1), str(doc["_id"]), token)
        stored = await repo.get_by_id(doc["_id"])
        assert stored is not None
        # Handed back to the queue under the same token, so arq's retry of this very job can claim it again.
        assert stored["scan_status"] == "queued" and stored["scan"]["token"] == token
        last_try = job_ctx(settings, repo, arq_pool, metrics, engine, job_try=settings.scan_max_tries)
        assert await quick_scan(last_try, str(doc["_id"]), token) is QuickScanResult.FAILED
        final = await repo.get_by_id(doc["_id"])
        assert final is not None
        assert final["scan_status"] == "failed"
        assert final["scan_error"]["code"] == "scan_unavailable"
        assert final["scan"]["runs"] == 2
        assert calls == 2
    finally:
        await engine.close()


async def test_a_job_held_by_a_dead_worker_is_retired_by_a_new_token(
    stored_doc: Any,
    repo: DocumentRepository,
    arq_pool: ArqRedis,
    settings: Settings,
    metrics: Metrics,
    run_worker: Any,
    db: Any,
) -> None:
    doc = await stored_doc()
    old_token = doc["scan"]["token"]
    old_job = quick_scan_job_id(doc["_id"], old_token)
    await arq_pool.enqueue_job(QUICK_SCAN, str(doc["_id"]), old_token, _job_id=old_job, _queue_name=settings.queue_name)
    # A worker took the job (arq marks it in progress) and died before claiming the document.
    await arq_pool.set(in_progress_key_prefix + old_job, b"1", px=600_000)
    ctx = job_ctx(settings, repo, arq_pool, metrics)
    fresh = await reconcile(ctx)
    assert fresh["rotated"] == 0 and fresh["already_queued"] == 1  # not yet a whole lease without a claim
    await db["documents"].update_one(
        {"_id": doc["_id"]},
        {"$set": {"scan.requested_at": utcnow() - timedelta(seconds=settings.scan_lease_seconds + 1)}},
    )
    counts = await reconcile(ctx)
    assert counts["rotated"] == 1 and counts["enqueued"] == 1
    stored = await repo.get_by_id(doc["_id"])
    assert stored is not None and stored["scan_status"] == "queued"
    new_token = stored["scan"]["token"]
    assert new_token != old_token
    assert await queued_job_ids(arq_pool, settings) == sorted([old_job, quick_scan_job_id(doc["_id"], new_token)])
    await arq_pool.delete(in_progress_key_prefix + old_job)  # the dead worker's mark expires
    await run_worker()
    final = await repo.get_by_id(doc["_id"])
    assert final is not None
    assert final["scan_status"] == "ready" and final["scan"]["token"] == new_token and final["scan"]["runs"] == 1
    assert counted(metrics, "docscan_scans", outcome="skipped") == 1  # the retired job wrote nothing


async def test_a_cancelled_scan_gives_its_request_back(
    aiohttp_server: Any,
    stored_doc: Any,
    repo: DocumentRepository,
    arq_pool: ArqRedis,
    settings: Settings,
    metrics: Metrics,
) -> None:
    asked = asyncio.Event()
    never = asyncio.Event()

    async def slow_provider(request: web.Request) -> web.Response:
        asked.set()
        await never.wait()
        return web.json_response({})

    app = web.Application()
    app.router.add_post("/v1/chat/completions", slow_provider)
    server = await aiohttp_server(app)
    engine = create_scanner(
        ScannerSettings(engine="hosted", hosted_url=str(server.make_url("/v1")), hosted_model="m", timeout=30)
    )
    try:
        doc = await stored_doc()
        token = doc["scan"]["token"]
        job = asyncio.create_task(
            quick_scan(job_ctx(settings, repo, arq_pool, metrics, engine), str(doc["_id"]), token)
        )
        await asyncio.wait_for(asked.wait(), 10)  # the scan is under way
        job.cancel()  # what arq does at its job timeout or on shutdown
        with pytest.raises(asyncio.CancelledError):
            await job
        stored = await repo.get_by_id(doc["_id"])
        assert stored is not None
        assert stored["scan_status"] == "queued" and stored["scan"]["token"] == token and stored["scan"]["runs"] == 1
    finally:
        never.set()
        await engine.close()


async def test_a_request_claimed_too_often_fails_instead_of_looping(
    stored_doc: Any, repo: DocumentRepository, arq_pool: ArqRedis, settings: Settings, metrics: Metrics, db: Any
) -> None:
    doc = await stored_doc()
    await db["documents"].update_one(
        {"_id": doc["_id"]},
        {"$set": {"scan.runs": settings.scan_attempt_limit, "scan.requested_at": utcnow() - timedelta(minutes=5)}},
    )
    counts = await reconcile(job_ctx(settings, repo, arq_pool, metrics))
    assert counts["failed"] == 1 and counts["enqueued"] == 0
    stored = await repo.get_by_id(doc["_id"])
    assert stored is not None
    assert stored["scan_status"] == "failed" and stored["scan_error"]["code"] == "scan_stalled"
    assert await queued_job_ids(arq_pool, settings) == []


async def test_hostile_uploads_fail_with_stable_codes_and_the_worker_scans_on(
    stored_doc: Any, repo: DocumentRepository, arq_pool: ArqRedis, settings: Settings, run_worker: Any, db: Any
) -> None:
    from tests.hostile import bezier_bomb_pdf, blank_png, flate_bomb_pdf

    hostile = [
        (flate_bomb_pdf(1 << 30, passes=2), "application/pdf", "too_complex"),
        (bezier_bomb_pdf(), "application/pdf", "too_complex"),
        (blank_png(7700, 7700), "image/png", "too_large"),
    ]
    docs = []
    for content, content_type, _code in hostile:
        doc = await stored_doc(content=content)
        await db["documents"].update_one({"_id": doc["_id"]}, {"$set": {"content_type": content_type}})
        docs.append(doc)
    ordinary = await stored_doc()
    for doc in [*docs, ordinary]:
        token = doc["scan"]["token"]
        await enqueue(
            arq_pool,
            QUICK_SCAN,
            str(doc["_id"]),
            token,
            job_id=quick_scan_job_id(doc["_id"], token),
            queue_name=settings.queue_name,
        )
    await run_worker()
    for doc, (_content, _type, code) in zip(docs, hostile, strict=True):
        stored = await repo.get_by_id(doc["_id"])
        assert stored is not None and stored["scan_status"] == "failed"
        assert stored["scan_error"]["code"] == code
    stored = await repo.get_by_id(ordinary["_id"])
    assert stored is not None and stored["scan_status"] == "ready"
