"""Job names, their deterministic ids, and the enqueue that never fails a request that already succeeded."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import logging
import math
from enum import StrEnum
from typing import Any

from arq.connections import ArqRedis, RedisSettings
from arq.constants import job_key_prefix, result_key_prefix
from arq.jobs import Job, JobStatus, serialize_job
from arq.utils import timestamp_ms
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError, RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .metrics import Metrics

logger = logging.getLogger(__name__)

QUICK_SCAN = "quick_scan"
HAND_OFF = "hand_off"
ENQUEUE_TIMEOUT = 3.0


class Enqueued(StrEnum):
    """What asking for a job with a deterministic id did."""

    #: the job was enqueued now
    NEW = "new"
    #: a job with that id exists (queued, deferred, running, or holding its result): nothing was added
    EXISTING = "existing"
    #: Redis failed (logged and counted); the reconciler enqueues the job later
    UNAVAILABLE = "unavailable"


#: arq's enqueue as one script: store and queue the job unless a job or a result holds its id. arq's own
#: ``enqueue_job`` does the same in three round trips (WATCH and EXISTS, then MULTI/PSETEX/ZADD/EXEC); Redis
#: runs a script whole, so this is just as atomic. KEYS: the job, its result, the queue; ARGV: the job's
#: lifetime in ms, the serialized job, its score (enqueue time in ms), its id.
ENQUEUE_SCRIPT = """
if redis.call('exists', KEYS[1], KEYS[2]) ~= 0 then return 0 end
redis.call('psetex', KEYS[1], ARGV[1], ARGV[2])
redis.call('zadd', KEYS[3], ARGV[3], ARGV[4])
return 1
"""
_ENQUEUE_SHA = hashlib.sha1(ENQUEUE_SCRIPT.encode()).hexdigest()

#: how long a worker keeps retrying Redis commands through an outage (a restart, a failover) before it gives up
REDIS_OUTAGE_SECONDS = 60
#: the longest wait between two tries of a command during an outage
OUTAGE_BACKOFF_CAP = 2.0


def redis_settings(dsn: str, ride_out_outages: bool = False) -> RedisSettings:
    """arq's connection settings for a DSN, patient enough for a busy machine.

    :param dsn: ``redis://``, ``rediss://`` or ``unix://``
    :param ride_out_outages: retry a failed command for up to ``REDIS_OUTAGE_SECONDS``, with backoff. For a
        worker: arq's poll does not catch a connection error, so without this a Redis restart ends the process.
        Not for the web process, whose enqueue gives up at once and leaves the job to the reconciler.
    """
    # arq's 1 s connect timeout is shorter than a loaded worker's event loop may stall.
    settings = dataclasses.replace(RedisSettings.from_dsn(dsn), conn_timeout=5, retry_on_timeout=True)
    if not ride_out_outages:
        return settings
    backoff = ExponentialBackoff(cap=OUTAGE_BACKOFF_CAP, base=0.05)
    # 0.1, 0.2, ... up to the cap, then the cap each time: enough retries to span the outage.
    ramp = sum(backoff.compute(failures) for failures in range(1, 7))
    retries = 6 + math.ceil(max(0.0, REDIS_OUTAGE_SECONDS - ramp) / OUTAGE_BACKOFF_CAP)
    # OSError too: a refused connect surfaces as one, before redis-py wraps it. Each connection adds these to
    # the errors its copy of the retry policy retries.
    errors: list[type[Exception]] = [RedisConnectionError, RedisTimeoutError, OSError]
    return dataclasses.replace(settings, retry=Retry(backoff, retries), retry_on_error=errors)


def quick_scan_job_id(document_id: Any, token: str) -> str:
    # Never the bare document id: arq blocks a finished job's id for `keep_result`, which would strand the next rescan.
    return f"{QUICK_SCAN}:{document_id}:{token}"


def hand_off_job_id(document_id: Any) -> str:
    return f"{HAND_OFF}:{document_id}"


async def enqueue(
    pool: ArqRedis, function: str, *args: Any, job_id: str, queue_name: str, metrics: Metrics | None = None
) -> Enqueued:
    """Enqueue a job with a deterministic id, as arq's ``enqueue_job`` does, in one round trip (``ENQUEUE_SCRIPT``)."""
    now = timestamp_ms()
    job = serialize_job(function, args, {}, None, now, serializer=pool.job_serializer)
    keys = (job_key_prefix + job_id, result_key_prefix + job_id, queue_name)
    # redis-py encodes ints and bytes as it does strings; its annotations name only str
    values: tuple[Any, ...] = (pool.expires_extra_ms, job, now, job_id)
    try:
        async with asyncio.timeout(ENQUEUE_TIMEOUT):
            try:
                # redis-py types eval and evalsha for its sync and async clients at once
                added = await pool.evalsha(_ENQUEUE_SHA, len(keys), *keys, *values)  # type: ignore[misc]
            except NoScriptError:
                # The first time on this Redis (or after SCRIPT FLUSH or a restart): send the script itself.
                added = await pool.eval(ENQUEUE_SCRIPT, len(keys), *keys, *values)  # type: ignore[misc]
    except (TimeoutError, RedisError, OSError) as exc:
        _failed(job_id, function, exc, metrics)
        return Enqueued.UNAVAILABLE
    if not added:
        logger.info("job %s was already enqueued", job_id)
        return Enqueued.EXISTING
    return Enqueued.NEW


async def revive_finished(
    pool: ArqRedis, function: str, *args: Any, job_id: str, queue_name: str, metrics: Metrics | None = None
) -> Enqueued:
    """Enqueue again a job whose id holds the result of a run that ended without doing its work.

    :return: as ``enqueue``; ``EXISTING`` when the job is not finished (queued, deferred or running)
    """
    try:
        async with asyncio.timeout(ENQUEUE_TIMEOUT):
            if await Job(job_id, pool, _queue_name=queue_name).status() != JobStatus.complete:
                return Enqueued.EXISTING
            await pool.delete(result_key_prefix + job_id)
    except (TimeoutError, RedisError, OSError) as exc:
        _failed(job_id, function, exc, metrics)
        return Enqueued.UNAVAILABLE
    return await enqueue(pool, function, *args, job_id=job_id, queue_name=queue_name, metrics=metrics)


def _failed(job_id: str, function: str, exc: BaseException, metrics: Metrics | None) -> None:
    # A timeout has no text of its own: name it.
    reason = str(exc) or (
        f"no answer within {ENQUEUE_TIMEOUT:g} s" if isinstance(exc, TimeoutError) else type(exc).__name__
    )
    logger.error("could not enqueue %s: %s", job_id, reason, extra={"job_id": job_id})
    if metrics is not None:
        metrics.enqueue_failures.labels(function).inc()


async def enqueue_scan(
    pool: ArqRedis, document_id: Any, token: str, *, queue_name: str, metrics: Metrics | None = None
) -> Enqueued:
    """Enqueue the quick scan of one accepted request, under its token's job id."""
    return await enqueue(
        pool,
        QUICK_SCAN,
        str(document_id),
        token,
        job_id=quick_scan_job_id(document_id, token),
        queue_name=queue_name,
        metrics=metrics,
    )
