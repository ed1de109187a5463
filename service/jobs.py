"""The arq jobs: the quick scan, the hand-off to the deep pipeline, and the reconciler.

Every write of a job is a compare-and-set fenced by the scan token, so a duplicate or stale run changes nothing.
"""
from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta
from typing import Any

from arq import Retry
from arq.connections import ArqRedis
from bson import ObjectId
from bson.errors import InvalidId
from pymongo.errors import PyMongoError

from .metrics import Metrics
from .queue import HAND_OFF, QUICK_SCAN, enqueue, hand_off_job_id, quick_scan_job_id
from .repository import DocumentRepository, FileMissing, new_token, utcnow
from .scanner import ScanError, Scanner, TransientScanError
from .settings import Settings

logger = logging.getLogger(__name__)

DEEP_PIPELINE = "deep_pipeline"
#: seconds to wait before the n-th retry of a scan
RETRY_DEFERS = (2, 10, 30, 60)


def _parts(ctx: dict[str, Any]) -> tuple[Settings, DocumentRepository, Metrics]:
    return ctx["settings"], ctx["repository"], ctx["metrics"]


def _safe_error(code: str, message: str) -> dict[str, str]:
    return {"code": code, "message": message}


async def quick_scan(ctx: dict[str, Any], document_id: str, token: str) -> str:
    """Scan one document for the scan request its token names.

    :param document_id: the document's id, as hex
    :param token: the scan token of the request that enqueued this job
    """
    settings, repo, metrics = _parts(ctx)
    scanner: Scanner = ctx["scanner"]
    try:
        oid = ObjectId(document_id)
    except (InvalidId, TypeError):
        logger.error("quick_scan got a malformed document id %r", document_id)
        return "skipped"
    doc = await repo.claim_scan(oid, token, timedelta(seconds=settings.scan_lease_seconds))
    if doc is None:
        logger.info("quick_scan %s:%s is a duplicate or stale job; nothing to do", document_id, token)
        metrics.scans.labels("skipped").inc()
        return "skipped"

    started = time.perf_counter()
    try:
        content = await repo.read_file(doc["file_id"])
        result = await scanner.scan(content, doc["content_type"], doc["filename"])
    except ScanError as exc:
        logger.info("scan of %s failed for good: %s", document_id, exc.code)
        return await _fail(repo, metrics, oid, token, _safe_error(exc.code, exc.public_message))
    except FileMissing as exc:
        logger.error("scan of %s: %s", document_id, exc)
        return await _fail(repo, metrics, oid, token, _safe_error(
            "file_missing", "The uploaded file could not be read. Please upload it again."))
    except (TransientScanError, PyMongoError) as exc:
        job_try = int(ctx.get("job_try", 1))
        if job_try >= settings.scan_max_tries:
            logger.error("scan of %s failed after %d tries: %s", document_id, job_try, exc)
            return await _fail(repo, metrics, oid, token, _safe_error(
                "scan_unavailable", "The scan could not run right now. Please ask for a rescan later."))
        # Hand the request back to the queue first, so the retry can claim it again.
        await repo.release_scan(oid, token)
        metrics.scans.labels("retried").inc()
        defer = RETRY_DEFERS[min(job_try, len(RETRY_DEFERS)) - 1]
        logger.warning("scan of %s hit a transient error (try %d), retrying in %ds: %s",
                       document_id, job_try, defer, exc)
        raise Retry(defer=defer) from exc
    except asyncio.CancelledError:
        # arq cancels on shutdown or at the job timeout: give the request back now, not when the lease ends.
        await asyncio.shield(_release_quietly(repo, oid, token))
        raise
    except Exception:
        logger.exception("scan of %s crashed", document_id)
        return await _fail(repo, metrics, oid, token, _safe_error(
            "scan_error", "The document could not be scanned. Please try a rescan or another file."))

    metrics.scan_seconds.labels(result.input_kind).observe(time.perf_counter() - started)
    if await repo.finish_scan(oid, token, result.to_suggestion()) is None:
        logger.info("scan of %s finished, but a newer request replaced it; result dropped", document_id)
        metrics.scans.labels("dropped").inc()
        return "dropped"
    metrics.scans.labels("ready").inc()
    logger.info("scan of %s ready: %s/%s (%.2f)", document_id, result.topic, result.language, result.confidence)
    return "ready"


async def _release_quietly(repo: DocumentRepository, oid: ObjectId, token: str) -> None:
    try:
        await repo.release_scan(oid, token)
    except PyMongoError as exc:
        logger.warning("could not give %s back to the queue (the reconciler will): %s", oid, exc)


async def _fail(repo: DocumentRepository, metrics: Metrics, oid: ObjectId, token: str,
                error: dict[str, str]) -> str:
    if await repo.fail_scan(oid, token, error) is None:
        metrics.scans.labels("dropped").inc()
        return "dropped"
    metrics.scans.labels("failed").inc()
    return "failed"


async def hand_off(ctx: dict[str, Any], document_id: str) -> str:
    """Deliver a confirmed document to the deep pipeline's queue, once.

    :param document_id: the document's id, as hex
    """
    settings, repo, _ = _parts(ctx)
    oid = ObjectId(document_id)
    doc = await repo.get_by_id(oid)
    if doc is None or (doc.get("handoff") or {}).get("status") != "pending":
        return "skipped"
    redis: ArqRedis = ctx["redis"]
    await redis.enqueue_job(DEEP_PIPELINE, document_id, _job_id=f"{DEEP_PIPELINE}:{document_id}",
                            _queue_name=settings.deep_queue_name)
    await repo.mark_handoff_sent(oid)
    logger.info("document %s handed to the deep pipeline", document_id)
    return "sent"


async def reconcile(ctx: dict[str, Any]) -> dict[str, int]:
    """Make sure no document is stranded between the Mongo swap and the Redis enqueue.

    Re-enqueues queued scans older than the grace period (a no-op when their job exists), gives expired
    leases back to the queue with a new token (or fails them after the attempt limit), and re-enqueues
    pending hand-offs. Safe on every worker at once: each step is a compare-and-set or a unique job id.
    """
    settings, repo, metrics = _parts(ctx)
    redis: ArqRedis = ctx["redis"]
    now = utcnow()
    grace = now - timedelta(seconds=settings.reconcile_grace_seconds)
    counts = {"enqueued": 0, "already_queued": 0, "requeued": 0, "failed": 0, "handoffs": 0, "enqueue_errors": 0}

    async def requeue_scan(document_id: Any, token: str) -> None:
        outcome = await enqueue(redis, QUICK_SCAN, str(document_id), token,
                                job_id=quick_scan_job_id(document_id, token), queue_name=settings.queue_name,
                                metrics=metrics, revive_finished=True)
        key = {True: "enqueued", False: "already_queued", None: "enqueue_errors"}[outcome]
        counts[key] += 1

    for doc in await repo.stranded_queued(grace, settings.reconcile_batch):
        await requeue_scan(doc["_id"], doc["scan"]["token"])

    for doc in await repo.expired_leases(now, settings.reconcile_batch):
        scan = doc.get("scan") or {}
        if int(scan.get("runs") or 0) >= settings.scan_attempt_limit:
            failed = await repo.fail_scan(doc["_id"], scan["token"], _safe_error(
                "scan_stalled", "The scan did not finish. Please ask for a rescan."))
            counts["failed"] += failed is not None
            continue
        token = new_token()
        if await repo.release_scan(doc["_id"], scan["token"], new_token=token) is not None:
            counts["requeued"] += 1
            await requeue_scan(doc["_id"], token)

    for doc in await repo.pending_handoffs(grace, settings.reconcile_batch):
        outcome = await enqueue(redis, HAND_OFF, str(doc["_id"]), job_id=hand_off_job_id(doc["_id"]),
                                queue_name=settings.queue_name, metrics=metrics, revive_finished=True)
        counts["handoffs"] += outcome is True

    for action, n in counts.items():
        if n:
            metrics.reconciled.labels(action).inc(n)
    if any(counts.values()):
        logger.info("reconciler: %s", counts, extra={"counts": counts})
    return counts
