"""The arq jobs: the quick scan, the hand-off to the deep pipeline, and the reconciler.

Every write of a job is a compare-and-set fenced by the scan token, so a duplicate or stale run changes nothing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from arq import Retry
from arq.connections import ArqRedis
from arq.jobs import Job, JobStatus
from bson import ObjectId
from bson.errors import InvalidId
from pymongo.errors import PyMongoError

from .erasure import finish_deletion
from .metrics import Metrics
from .queue import (
    HAND_OFF,
    QUICK_SCAN,
    Enqueued,
    enqueue,
    enqueue_scan,
    hand_off_job_id,
    quick_scan_job_id,
    revive_finished,
)
from .repository import DocumentRepository, FileMissing
from .scanner import ScanError, Scanner, ScanResult, TransientScanError
from .settings import Settings
from .stamps import utcnow
from .state import HandoffStatus, ScanFailure, ScanOutcome, ScanStatus, scan_failure, suggestion

logger = logging.getLogger(__name__)

DEEP_PIPELINE = "deep_pipeline"
#: the job context key of the reconciler's time source (``utcnow`` unless a caller put another one there)
CLOCK = "clock"
#: seconds to wait before the n-th retry of a scan
RETRY_DEFERS = (2, 10, 30, 60)


class QuickScanResult(StrEnum):
    """How a quick scan job ended (its arq result; ``docscan_scans_total`` counts scans by the same names)."""

    #: the suggestion is stored
    READY = "ready"
    #: the scan failed for good, and the failure is stored
    FAILED = "failed"
    #: the scan ran, but a newer request had replaced its token: nothing stored
    DROPPED = "dropped"
    #: a duplicate or stale job (or a malformed id): nothing scanned
    SKIPPED = "skipped"


class HandOffResult(StrEnum):
    """How a hand-off job ended (its arq result)."""

    #: the document is on the deep pipeline's queue
    SENT = "sent"
    #: the document is gone or its hand-off is not pending: nothing sent
    SKIPPED = "skipped"


def _parts(ctx: dict[str, Any]) -> tuple[Settings, DocumentRepository, Metrics]:
    return ctx["settings"], ctx["repository"], ctx["metrics"]


#: failures a scan job stores, with messages safe to show a parent
FILE_MISSING = scan_failure("file_missing", "The uploaded file could not be read. Please upload it again.")
SCAN_UNAVAILABLE = scan_failure("scan_unavailable", "The scan could not run right now. Please ask for a rescan later.")
SCAN_CRASHED = scan_failure("scan_error", "The document could not be scanned. Please try a rescan or another file.")
SCAN_STALLED = scan_failure("scan_stalled", "The scan did not finish. Please ask for a rescan.")


def stored_suggestion(result: ScanResult) -> ScanOutcome:
    """The document fields that store a scan's result.

    :param result: what the scan engine answered
    """
    return suggestion(
        topic=result.topic,
        language=result.language,
        confidence=result.confidence,
        alternatives=[(a.topic, a.language, a.confidence) for a in result.alternatives],
        model=result.model,
        pages=result.pages,
        characters=result.characters,
        input_kind=result.input_kind,
    )


async def quick_scan(ctx: dict[str, Any], document_id: str, token: str) -> QuickScanResult:
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
        return QuickScanResult.SKIPPED
    doc = await repo.claim_scan(oid, token, timedelta(seconds=settings.scan_lease_seconds))
    if doc is None:
        logger.info("quick_scan %s:%s is a duplicate or stale job; nothing to do", document_id, token)
        metrics.scans.labels(QuickScanResult.SKIPPED).inc()
        return QuickScanResult.SKIPPED

    started = time.perf_counter()
    try:
        content = await repo.read_file(doc["file_id"])
        result = await scanner.scan(content, doc["content_type"], doc["filename"])
    except ScanError as exc:
        logger.info("scan of %s failed for good: %s", document_id, exc.code)
        return await _fail(repo, metrics, oid, token, scan_failure(exc.code, exc.public_message))
    except FileMissing as exc:
        logger.error("scan of %s: %s", document_id, exc)
        return await _fail(repo, metrics, oid, token, FILE_MISSING)
    except (TransientScanError, PyMongoError) as exc:
        job_try = int(ctx.get("job_try", 1))
        if job_try >= settings.scan_max_tries:
            logger.error("scan of %s failed after %d tries: %s", document_id, job_try, exc)
            return await _fail(repo, metrics, oid, token, SCAN_UNAVAILABLE)
        # Hand the request back to the queue first, so the retry can claim it again.
        await repo.release_scan(oid, token)
        metrics.scans.labels("retried").inc()
        defer = RETRY_DEFERS[min(job_try, len(RETRY_DEFERS)) - 1]
        logger.warning(
            "scan of %s hit a transient error (try %d), retrying in %ds: %s", document_id, job_try, defer, exc
        )
        raise Retry(defer=defer) from exc
    except asyncio.CancelledError:
        # arq cancels on shutdown or at the job timeout: give the request back now, not when the lease ends.
        await asyncio.shield(_release_quietly(repo, oid, token))
        raise
    except Exception:
        logger.exception("scan of %s crashed", document_id)
        return await _fail(repo, metrics, oid, token, SCAN_CRASHED)

    metrics.scan_seconds.labels(result.input_kind).observe(time.perf_counter() - started)
    if await repo.finish_scan(oid, token, stored_suggestion(result)) is None:
        logger.info("scan of %s finished, but a newer request replaced it; result dropped", document_id)
        metrics.scans.labels(QuickScanResult.DROPPED).inc()
        return QuickScanResult.DROPPED
    metrics.scans.labels(QuickScanResult.READY).inc()
    logger.info("scan of %s ready: %s/%s (%.2f)", document_id, result.topic, result.language, result.confidence)
    return QuickScanResult.READY


async def _release_quietly(repo: DocumentRepository, oid: ObjectId, token: str) -> None:
    try:
        await repo.release_scan(oid, token)
    except PyMongoError as exc:
        logger.warning("could not give %s back to the queue (the reconciler will): %s", oid, exc)


async def _fail(
    repo: DocumentRepository, metrics: Metrics, oid: ObjectId, token: str, error: ScanFailure
) -> QuickScanResult:
    if await repo.fail_scan(oid, token, error) is None:
        metrics.scans.labels(QuickScanResult.DROPPED).inc()
        return QuickScanResult.DROPPED
    metrics.scans.labels(QuickScanResult.FAILED).inc()
    return QuickScanResult.FAILED


async def hand_off(ctx: dict[str, Any], document_id: str) -> HandOffResult:
    """Deliver a confirmed document to the deep pipeline's queue, once.

    :param document_id: the document's id, as hex
    """
    settings, repo, metrics = _parts(ctx)
    oid = ObjectId(document_id)
    doc = await repo.get_by_id(oid)
    if doc is None or (doc.get("handoff") or {}).get("status") != HandoffStatus.PENDING:
        return HandOffResult.SKIPPED
    redis: ArqRedis = ctx["redis"]
    sent = await enqueue(
        redis,
        DEEP_PIPELINE,
        document_id,
        job_id=f"{DEEP_PIPELINE}:{document_id}",
        queue_name=settings.deep_queue_name,
        metrics=metrics,
    )
    if sent is Enqueued.UNAVAILABLE:
        # Still pending: arq runs this again, and the reconciler re-sends a hand-off left pending past its grace.
        raise Retry(defer=RETRY_DEFERS[0])
    await repo.mark_handoff_sent(oid)
    logger.info("document %s handed to the deep pipeline", document_id)
    return HandOffResult.SENT


async def reconcile(ctx: dict[str, Any]) -> dict[str, int]:
    """Make sure no document is stranded between the Mongo swap and the Redis enqueue.

    Re-enqueues queued scans older than the grace period (a no-op when their job exists), gives expired
    leases back to the queue with a new token (or fails them after the attempt limit), and re-enqueues
    pending hand-offs, and finishes deletions a crash or an unreachable Redis left unfinished. Safe on every
    worker at once: each step is a compare-and-set, a unique job id, or a removal that is a no-op when done.
    """
    clock: Callable[[], datetime] = ctx.get(CLOCK, utcnow)
    run = _Reconciliation(*_parts(ctx), ctx["redis"], now=clock())
    await run.stranded_scans()
    await run.expired_leases()
    await run.pending_handoffs()
    await run.unfinished_deletions()
    for action, n in run.counts.items():
        if n:
            run.metrics.reconciled.labels(action).inc(n)
    if any(run.counts.values()):
        logger.info("reconciler: %s", run.counts, extra={"counts": run.counts})
    return run.counts


#: the reconciler's count of each outcome of an enqueue
_COUNTED = {Enqueued.NEW: "enqueued", Enqueued.EXISTING: "already_queued", Enqueued.UNAVAILABLE: "enqueue_errors"}


class _Reconciliation:
    """One run of the reconciler, and what it did."""

    def __init__(
        self, settings: Settings, repo: DocumentRepository, metrics: Metrics, redis: ArqRedis, now: datetime
    ) -> None:
        self.settings, self.repo, self.metrics, self.redis = settings, repo, metrics, redis
        self.now = now
        self.counts = dict.fromkeys(
            (
                "enqueued",
                "already_queued",
                "revived",
                "rotated",
                "requeued",
                "failed",
                "handoffs",
                "deletions",
                "enqueue_errors",
            ),
            0,
        )

    def _count(self, outcome: Enqueued) -> None:
        self.counts[_COUNTED[outcome]] += 1

    async def _enqueue_scan(self, document_id: Any, token: str) -> Enqueued:
        return await enqueue_scan(
            self.redis, document_id, token, queue_name=self.settings.queue_name, metrics=self.metrics
        )

    async def stranded_scans(self) -> None:
        grace = self.now - timedelta(seconds=self.settings.reconcile_grace_seconds)
        for doc in await self.repo.stranded_queued(grace, self.settings.reconcile_batch):
            token = doc["scan"]["token"]
            if int(doc["scan"].get("runs") or 0) >= self.settings.scan_attempt_limit:
                # Claimed that often and back in the queue each time (cancelled at arq's job timeout, say).
                await self._stall(doc["_id"], token, ScanStatus.QUEUED)
                continue
            outcome = await self._enqueue_scan(doc["_id"], token)
            self._count(await self._unblock_scan(doc["_id"], token) if outcome is Enqueued.EXISTING else outcome)

    async def _unblock_scan(self, document_id: Any, token: str) -> Enqueued:
        # Its job id exists. Act only if the document still waits on that very request (a fresh read).
        current = await self.repo.get_by_id(document_id)
        scan = (current or {}).get("scan") or {}
        if current is None or current.get("scan_status") != ScanStatus.QUEUED or scan.get("token") != token:
            return Enqueued.EXISTING
        job_id = quick_scan_job_id(document_id, token)
        # A run that ended without claiming it (Mongo was down, say) keeps its result, which blocks the id.
        revived = await revive_finished(
            self.redis,
            QUICK_SCAN,
            str(document_id),
            token,
            job_id=job_id,
            queue_name=self.settings.queue_name,
            metrics=self.metrics,
        )
        if revived is Enqueued.NEW:
            self.counts["revived"] += 1
        if revived is not Enqueued.EXISTING:
            return revived
        # A worker took the job and died before claiming it: arq holds the job until its in-progress key
        # expires. After a whole lease without a claim, a new token retires that job and a new one runs.
        stale = self.now - timedelta(seconds=self.settings.scan_lease_seconds)
        status = await Job(job_id, self.redis, _queue_name=self.settings.queue_name).status()
        if status == JobStatus.in_progress and scan.get("requested_at", self.now) < stale:
            rotated = await self.repo.rotate_queued_token(document_id, token)
            if rotated is not None:
                self.counts["rotated"] += 1
                return await self._enqueue_scan(document_id, rotated["scan"]["token"])
        return Enqueued.EXISTING

    async def _stall(self, document_id: Any, token: str, status: ScanStatus) -> None:
        if await self.repo.fail_scan(document_id, token, SCAN_STALLED, from_status=status) is not None:
            self.counts["failed"] += 1

    async def expired_leases(self) -> None:
        for doc in await self.repo.expired_leases(self.now, self.settings.reconcile_batch):
            scan = doc.get("scan") or {}
            if int(scan.get("runs") or 0) >= self.settings.scan_attempt_limit:
                await self._stall(doc["_id"], scan["token"], ScanStatus.PROCESSING)
                continue
            released = await self.repo.release_scan(doc["_id"], scan["token"], rotate=True)
            if released is not None:
                self.counts["requeued"] += 1
                self._count(await self._enqueue_scan(doc["_id"], released["scan"]["token"]))

    async def pending_handoffs(self) -> None:
        grace = self.now - timedelta(seconds=self.settings.reconcile_grace_seconds)
        for doc in await self.repo.pending_handoffs(grace, self.settings.reconcile_batch):
            job_id = hand_off_job_id(doc["_id"])
            outcome = await enqueue(
                self.redis,
                HAND_OFF,
                str(doc["_id"]),
                job_id=job_id,
                queue_name=self.settings.queue_name,
                metrics=self.metrics,
            )
            if outcome is Enqueued.EXISTING:
                outcome = await revive_finished(
                    self.redis,
                    HAND_OFF,
                    str(doc["_id"]),
                    job_id=job_id,
                    queue_name=self.settings.queue_name,
                    metrics=self.metrics,
                )
            if outcome is Enqueued.NEW:
                self.counts["handoffs"] += 1

    async def unfinished_deletions(self) -> None:
        grace = self.now - timedelta(seconds=self.settings.reconcile_grace_seconds)
        for tombstone in await self.repo.unfinished_deletions(grace, self.settings.reconcile_batch):
            self.counts["deletions"] += await finish_deletion(
                self.repo, self.redis, self.settings, tombstone, self.metrics
            )
