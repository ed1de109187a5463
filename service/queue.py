"""Job names, their deterministic ids, and the enqueue that never fails a request that already succeeded."""
from __future__ import annotations

import asyncio
import logging
from typing import Any

from arq.connections import ArqRedis
from arq.constants import result_key_prefix
from arq.jobs import Job, JobStatus
from redis.exceptions import RedisError

from .metrics import Metrics

logger = logging.getLogger(__name__)

QUICK_SCAN = "quick_scan"
HAND_OFF = "hand_off"
ENQUEUE_TIMEOUT = 3.0


def quick_scan_job_id(document_id: Any, token: str) -> str:
    # Never the bare document id: arq blocks a finished job's id for `keep_result`, which would strand the next rescan.
    return f"{QUICK_SCAN}:{document_id}:{token}"


def hand_off_job_id(document_id: Any) -> str:
    return f"{HAND_OFF}:{document_id}"


async def enqueue(pool: ArqRedis, function: str, *args: Any, job_id: str, queue_name: str,
                  metrics: Metrics | None = None, revive_finished: bool = False) -> bool | None:
    """Enqueue a job with a deterministic id.

    :param revive_finished: if a job of that id already finished (its result blocks the id), drop the result
        and enqueue again; the reconciler uses it for documents whose job ended without moving them
    :return: ``True`` if enqueued now, ``False`` if that job was already there, ``None`` if Redis failed
        (logged and counted; the reconciler enqueues it later)
    """
    try:
        async with asyncio.timeout(ENQUEUE_TIMEOUT):
            job = await pool.enqueue_job(function, *args, _job_id=job_id, _queue_name=queue_name)
            if job is None and revive_finished:
                status = await Job(job_id, pool, _queue_name=queue_name).status()
                if status == JobStatus.complete:
                    await pool.delete(result_key_prefix + job_id)
                    job = await pool.enqueue_job(function, *args, _job_id=job_id, _queue_name=queue_name)
    except (RedisError, OSError, asyncio.TimeoutError) as exc:
        logger.error("could not enqueue %s: %s", job_id, exc, extra={"job_id": job_id})
        if metrics is not None:
            metrics.enqueue_failures.labels(function).inc()
        return None
    if job is None:
        logger.info("job %s was already enqueued", job_id)
        return False
    return True
