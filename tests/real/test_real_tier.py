"""The real tier: the ``web`` and ``worker`` commands as separate processes on one Redis and one MongoDB wire server.

Each test asserts the final state of every document and how many scans ran: each claim of a scan pushes a
``quick_scan_processing`` event and counts in ``scan.runs``; each finished scan pushes ``awaiting_validation``.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest
from bson import ObjectId
from pymongo.uri_parser import parse_uri

from service.repository import DocumentRepository
from service.settings import MONGO_DRIVERS
from tests.corpus import PASSAGES, image_bytes
from tests.helpers import CHILD, USER
from tests.real.harness import Api, Cluster, all_settled, documents_by_id, metric, stage_events, wait_for

pytestmark = [pytest.mark.real, pytest.mark.timeout(240)]

SCAN_TOTAL = "docscan_scans_total"
#: a worker that gives expired leases and stranded requests back within seconds. The lease must outlast a scan job
#: (the scan timeout plus 10 s). The scan timeout also runs while a claimed scan waits for one of the engine's two
#: threads (arq runs up to 10 jobs at once), so it must cover the scans queued ahead of it.
# a lease just longer than a job may run: 10 s of scan, one turn for a thread (2 jobs, 2 threads), 10 s
RECOVERING = {"SCAN_TIMEOUT_SECONDS": 10, "WORKER_MAX_JOBS": 2, "SCAN_LEASE_SECONDS": 21, "RECONCILE_GRACE_SECONDS": 1}


class CuttableLink:
    """A TCP relay to a server that the test can cut: then every connection through it is closed and new ones
    are refused, as if the server had gone from this client's network."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self._writers |= {writer, up_writer}

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            except OSError:
                pass
            finally:
                sink.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    def cut(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in self._writers:
            writer.transport.abort()


def school_text(index: int) -> bytes:
    topic, language, text = PASSAGES[index % len(PASSAGES)]
    return f"{text}\n\n({topic}, {language}, sheet {index})".encode()


async def gather_bounded(limit: int, calls: list[Any]) -> list[Any]:
    gate = asyncio.Semaphore(limit)

    async def bounded(call: Any) -> Any:
        async with gate:
            return await call

    return await asyncio.gather(*(bounded(c) for c in calls))


async def upload_texts(api: Api, webs: list[Any], count: int) -> list[ObjectId]:
    bodies = await gather_bounded(
        10, [api.upload(webs[i % len(webs)], school_text(i), f"sheet-{i:03d}.txt", "text/plain") for i in range(count)]
    )
    return [ObjectId(body["id"]) for body in bodies]


async def scans_by_outcome(cluster: Cluster, workers: list[Any]) -> Counter[str]:
    totals: Counter[str] = Counter()
    for worker in workers:
        samples = await cluster.metrics(worker)
        for outcome in ("ready", "failed", "skipped", "dropped", "retried"):
            totals[outcome] += int(metric(samples, SCAN_TOTAL, outcome=outcome))
    return totals


def assert_scans(outcomes: Counter[str], ready: int) -> None:
    """Exactly ``ready`` scans finished and none failed or was dropped.

    A reconciler enqueues at least once, so it may add a duplicate job, which finds its token taken and skips.
    """
    assert (outcomes["ready"], outcomes["failed"], outcomes["dropped"], outcomes["retried"]) == (ready, 0, 0, 0), (
        outcomes
    )


# The storm and the migrations run on both drivers in every run; the rest on MONGO_DRIVER (see conftest.mongo_driver).
@pytest.mark.parametrize("mongo_driver", MONGO_DRIVERS)
async def test_concurrent_rescans_over_four_web_processes_run_one_scan_each(
    cluster: Cluster,
    api: Api,
    db: Any,
) -> None:
    cluster.migrate()
    webs = await cluster.start_web(4)
    ids = await upload_texts(api, webs, 50)
    workers = [await cluster.start_worker(), await cluster.start_worker()]
    docs = await wait_for(lambda: all_settled(db, ids), 90, "the 50 uploads to be scanned")
    for doc in docs.values():
        assert (doc["scan"]["attempt"], doc["scan"]["runs"]) == (1, 1)
        assert stage_events(doc, "awaiting_validation") == 1
    assert await scans_by_outcome(cluster, workers) == Counter(ready=50)

    # Hold the scans back while the burst runs: a scan finishing mid-burst would rightly reopen its document to a
    # rescan, and the burst is about what the web processes decide among themselves.
    for worker in workers:
        cluster.stop(worker)

    # 20 rescans of each document at once, spread over the four web processes.
    order = [(i, r) for i in range(len(ids)) for r in range(20)]
    results = await gather_bounded(64, [api.rescan(webs[n % len(webs)], ids[i]) for n, (i, _) in enumerate(order)])
    statuses = Counter(status for status, _, _ in results)
    assert statuses == Counter({202: 50, 409: 950}), statuses
    accepted: dict[ObjectId, str] = {}
    for (i, _), (status, body, headers) in zip(order, results, strict=True):
        if status == 202:
            assert ids[i] not in accepted, f"two rescans of {ids[i]} were accepted"
            accepted[ids[i]] = body["scan"]["token"]
            assert body["scan"]["scan_status"] == "queued"
        else:
            assert body["type"] == "urn:docscan:problem:scan-in-flight", body
            assert body["scan_status"] == "queued" and headers["Retry-After"] == "5"
    assert set(accepted) == set(ids)

    queued = await documents_by_id(db, ids)
    for doc_id, doc in queued.items():
        assert doc["scan_status"] == "queued"
        assert (doc["scan"]["token"], doc["scan"]["attempt"], doc["scan"]["runs"]) == (accepted[doc_id], 2, 0)

    workers = [await cluster.start_worker(), await cluster.start_worker()]
    docs = await wait_for(lambda: all_settled(db, ids), 90, "the 50 rescans to be scanned")
    for doc_id, doc in docs.items():
        assert doc["scan_status"] == "ready" and doc["pipeline_stage"] == "awaiting_validation"
        assert doc["validation_status"] == "pending"
        assert doc["scan"]["token"] == accepted[doc_id]
        assert (doc["scan"]["attempt"], doc["scan"]["runs"]) == (2, 1)
        assert stage_events(doc, "quick_scan_processing") == 2
        assert stage_events(doc, "awaiting_validation") == 2
        assert doc["scan_topic_suggestion"]
    assert await scans_by_outcome(cluster, workers) == Counter(ready=50)

    await keyed_storm(cluster, api, db, webs, workers, ids, order)


async def keyed_storm(
    cluster: Cluster, api: Api, db: Any, webs: list[Any], workers: list[Any], ids: list[ObjectId], order: list[Any]
) -> None:
    """The storm again, each document's requests now retries of one tap with one Idempotency-Key."""
    for worker in workers:
        cluster.stop(worker)
    keys = {doc_id: f"tap-{doc_id}" for doc_id in ids}
    results = await gather_bounded(
        64, [api.rescan(webs[n % len(webs)], ids[i], keys[ids[i]]) for n, (i, _) in enumerate(order)]
    )
    fresh: dict[ObjectId, dict[str, Any]] = {}
    outcomes: Counter[str] = Counter()
    for (i, _), (status, body, headers) in zip(order, results, strict=True):
        if status == 202 and headers.get("Idempotency-Replayed") != "true":
            assert ids[i] not in fresh, f"two rescans of {ids[i]} were accepted under one key"
            fresh[ids[i]] = body
            outcomes["accepted"] += 1
        elif status == 202:
            outcomes["replayed"] += 1
        else:
            # another web process got the key while its first request was being answered
            assert status == 409 and body["type"] == "urn:docscan:problem:idempotency-key-in-use", body
            outcomes["in_use"] += 1
    assert set(fresh) == set(ids) and outcomes["accepted"] == 50, outcomes
    for (i, _), (status, body, _) in zip(order, results, strict=True):
        if status == 202:
            assert body == fresh[ids[i]]  # every replay is the original answer
    workers = [await cluster.start_worker(), await cluster.start_worker()]
    docs = await wait_for(lambda: all_settled(db, ids), 90, "the 50 keyed rescans to be scanned")
    for doc_id, doc in docs.items():
        assert (doc["scan"]["attempt"], doc["scan"]["runs"]) == (3, 1)
        assert doc["scan"]["token"] == fresh[doc_id]["scan"]["token"]
    # A late retry of each tap, on any process, gets the original answer and starts nothing.
    late = await gather_bounded(
        16, [api.rescan(webs[n % len(webs)], doc_id, keys[doc_id]) for n, doc_id in enumerate(ids)]
    )
    for doc_id, (status, body, headers) in zip(ids, late, strict=True):
        assert status == 202 and headers["Idempotency-Replayed"] == "true" and body == fresh[doc_id]
    assert all(doc["scan"]["attempt"] == 3 for doc in (await documents_by_id(db, ids)).values())


async def upload_images(api: Api, webs: list[Any], count: int) -> list[ObjectId]:
    images = [image_bytes(PASSAGES[i % len(PASSAGES)][2], "PNG") for i in range(count)]
    bodies = await gather_bounded(
        6, [api.upload(webs[i % len(webs)], image, f"page-{i:03d}.png", "image/png") for i, image in enumerate(images)]
    )
    return [ObjectId(body["id"]) for body in bodies]


async def job_ids_of(db: Any, ids: list[ObjectId], status: str) -> set[str]:
    return {
        f"quick_scan:{doc['_id']}:{doc['scan']['token']}"
        async for doc in db.documents.find({"_id": {"$in": ids}, "scan_status": status})
    }


async def kill_while_scanning(cluster: Cluster, db: Any, worker: Any, ids: list[ObjectId]) -> None:
    """SIGKILL the worker while it holds claimed scans, at a moment when every job it took is claimed.

    The worker is paused while the moment is checked, so it cannot take another job in between. A job taken
    but not yet claimed is the case of ``test_job_taken_by_a_worker_killed_before_its_claim_is_scanned``.
    """

    async def claimed_everything_it_took() -> bool:
        processing = await job_ids_of(db, ids, "processing")
        if not processing:
            return False
        cluster.pause(worker)
        taken = {job for job in cluster.in_progress_jobs() if job.startswith("quick_scan:")}
        if taken <= await job_ids_of(db, ids, "processing"):
            return True
        cluster.resume(worker)
        return False

    await wait_for(claimed_everything_it_took, 60, "the worker to hold claimed scans only")
    cluster.kill(worker)


async def test_worker_killed_mid_scan_leaves_nothing_stranded_and_nothing_scanned_twice(
    cluster: Cluster,
    api: Api,
    db: Any,
) -> None:
    cluster.migrate()
    webs = await cluster.start_web(1)
    ids = await upload_images(api, webs, 6)
    first = await cluster.start_worker(**RECOVERING)
    await kill_while_scanning(cluster, db, first, ids)

    # Nothing writes while no worker runs, so this is the state the kill left behind.
    at_kill = await documents_by_id(db, ids)
    interrupted = {i for i, doc in at_kill.items() if doc["scan_status"] == "processing"}
    assert interrupted
    assert {doc["scan_status"] for doc in at_kill.values()} <= {"queued", "processing", "ready"}

    second = await cluster.start_worker(**RECOVERING)
    docs = await wait_for(lambda: all_settled(db, ids, ("ready", "failed")), 90, "every document to settle")
    for doc_id, doc in docs.items():
        before = at_kill[doc_id]
        assert doc["scan_status"] == "ready", (doc_id, doc.get("scan_error"))
        assert doc["scan"]["attempt"] == 1
        assert stage_events(doc, "awaiting_validation") == 1
        if doc_id in interrupted:
            # the reconciler took the expired lease back under a new token, and the second worker scanned it once
            assert doc["scan"]["token"] != before["scan"]["token"]
            assert doc["scan"]["runs"] == 2 and stage_events(doc, "quick_scan_processing") == 2
        else:
            assert doc["scan"]["token"] == before["scan"]["token"]
            assert doc["scan"]["runs"] == 1 and stage_events(doc, "quick_scan_processing") == 1
    samples = await cluster.metrics(second)
    left = sum(1 for doc in at_kill.values() if doc["scan_status"] != "ready")
    assert metric(samples, SCAN_TOTAL, outcome="ready") == left
    assert metric(samples, "docscan_reconciled_total", action="requeued") == len(interrupted)


async def test_job_taken_by_a_worker_killed_before_its_claim_is_scanned(
    cluster: Cluster,
    api: Api,
    db: Any,
    tmp_path: Any,
) -> None:
    cluster.migrate()
    webs = await cluster.start_web(1)
    # This worker loses MongoDB once it is running (a worker refuses to start without it): it takes the job from
    # the queue and hangs in the claim until it is killed.
    [(host, port)] = parse_uri(cluster.mongo_url)["nodelist"][:1]
    link = CuttableLink(host, port)
    await link.start()
    cut_off = await cluster.start_worker(
        MONGO_URL=f"mongodb://127.0.0.1:{link.port}/?directConnection=true", **RECOVERING
    )
    link.cut()
    [doc_id] = await upload_texts(api, webs, 1)
    await wait_for(lambda: f"→ quick_scan:{doc_id}:" in cut_off.output(), 30, "the cut-off worker to take the job")
    cluster.kill(cut_off)
    doc = await db.documents.find_one({"_id": doc_id})
    assert (doc["scan_status"], doc["scan"]["runs"]) == ("queued", 0)

    await cluster.start_worker(**RECOVERING)
    # arq holds the dead worker's job for its in-progress expiry (the longest job timeout + 10 s); after a
    # lease without a claim the reconciler retires it with a new token, so the wait is about one lease.
    docs = await wait_for(lambda: all_settled(db, [doc_id]), 45, "the stranded document to be scanned")
    assert docs[doc_id]["scan"]["runs"] == 1 and stage_events(docs[doc_id], "awaiting_validation") == 1
    assert docs[doc_id]["scan"]["token"] != doc["scan"]["token"]


async def web_samples(cluster: Cluster, webs: list[Any], name: str, **labels: str) -> float:
    return sum([metric(await cluster.metrics(web), name, **labels) for web in webs])


async def test_rescans_accepted_while_redis_is_down_are_scanned_once_by_the_reconciler(
    cluster: Cluster,
    api: Api,
    db: Any,
) -> None:
    cluster.migrate()
    webs = await cluster.start_web(2)
    ids = await upload_texts(api, webs, 10)
    worker = await cluster.start_worker()
    await wait_for(lambda: all_settled(db, ids), 60, "the uploads to be scanned")
    cluster.stop(worker)

    cluster.redis.stop()
    for web in webs:
        assert await cluster.readyz(web) == (
            503,
            {"status": "unavailable", "checks": {"mongo": "ok", "redis": "unavailable"}},
        )
    # The swap in MongoDB decides; the enqueue that fails after it is logged and counted, and the answer is 202.
    results = await gather_bounded(10, [api.rescan(webs[n % len(webs)], doc_id) for n, doc_id in enumerate(ids)])
    assert [status for status, _, _ in results] == [202] * len(ids), results
    accepted = {doc_id: body["scan"]["token"] for doc_id, (_, body, _) in zip(ids, results, strict=True)}
    assert await web_samples(cluster, webs, "docscan_enqueue_failures_total", job="quick_scan") == len(ids)
    for doc_id, doc in (await documents_by_id(db, ids)).items():
        assert (doc["scan_status"], doc["scan"]["token"], doc["scan"]["runs"]) == ("queued", accepted[doc_id], 0)

    cluster.redis.start()
    for web in webs:
        # the web processes' arq pools reconnect by themselves
        await cluster.wait_ready(web)
        assert await cluster.readyz(web) == (200, {"status": "ok", "checks": {"mongo": "ok", "redis": "ok"}})
    assert await cluster.redis_queue_length() == 0

    worker = await cluster.start_worker(**RECOVERING)
    docs = await wait_for(lambda: all_settled(db, ids), 60, "the stranded rescans to be scanned")
    for doc_id, doc in docs.items():
        assert doc["scan"]["token"] == accepted[doc_id]
        assert (doc["scan"]["attempt"], doc["scan"]["runs"]) == (2, 1)
        assert stage_events(doc, "quick_scan_processing") == 2
        assert stage_events(doc, "awaiting_validation") == 2
    # At least once: a reconciler run that read a document as queued may enqueue its job again after it finished.
    samples = await cluster.metrics(worker)
    assert metric(samples, "docscan_reconciled_total", action="enqueued") >= len(ids)
    assert_scans(await scans_by_outcome(cluster, [worker]), ready=len(ids))


async def test_a_worker_rides_out_a_redis_restart(cluster: Cluster, api: Api, db: Any) -> None:
    cluster.migrate()
    [web] = await cluster.start_web(1)
    worker = await cluster.start_worker()
    first = await upload_texts(api, [web], 1)
    await wait_for(lambda: all_settled(db, first), 60, "the first upload to be scanned")

    cluster.redis.stop()
    assert (await cluster.readyz(web))[0] == 503
    # The outage outlasts several of the worker's polls (every 0.5 s), each of which meets a refused connection.
    await asyncio.sleep(2)
    cluster.redis.start()

    after = await upload_texts(api, [web], 1)
    await wait_for(lambda: all_settled(db, after), 60, "an upload after the restart to be scanned")
    assert worker.running, worker.tail()


def legacy_documents(files: dict[str, ObjectId]) -> dict[str, dict[str, Any]]:
    """Documents as the original app left them: no pipeline_stage, validation_status, scan, progress or history."""

    def doc(name: str, **fields: Any) -> dict[str, Any]:
        content = school_text(len(name))
        return {
            "_id": ObjectId(),
            "child_profile_id": CHILD,
            "owner_id": USER,
            "filename": f"{name}.txt",
            "content_type": "text/plain",
            "size": len(content),
            "file_id": files[name],
            **fields,
        }

    return {
        "suggested": doc(
            "suggested",
            scan_status="ready",
            scan_topic_suggestion="mathematics",
            scan_language_suggestion="en",
            created_at=datetime(2024, 3, 1, tzinfo=UTC),
        ),
        "suggested_without_status": doc("suggested_without_status", scan_topic_suggestion="science"),
        "unscanned": doc("unscanned"),
        "failed": doc("failed", scan_status="failed", scan_error="OCR failed"),
        "confirmed": doc(
            "confirmed",
            scan_status="ready",
            scan_topic_suggestion="history",
            validated_topic="history",
            validated_language="en",
        ),
        "confirmed_in_flight": doc(
            "confirmed_in_flight", scan_status="queued", validated_topic="science", validated_language="fr"
        ),
        "in_flight": doc("in_flight", scan_status="processing"),
    }


async def store_legacy(db: Any) -> dict[str, dict[str, Any]]:
    repo = DocumentRepository(db)
    names = [
        "suggested",
        "suggested_without_status",
        "unscanned",
        "failed",
        "confirmed",
        "confirmed_in_flight",
        "in_flight",
    ]
    files = {name: await repo.store_file(school_text(len(name)), f"{name}.txt", "text/plain", {}) for name in names}
    legacy = legacy_documents(files)
    await db.documents.insert_many(list(legacy.values()))
    return legacy


@pytest.mark.parametrize("mongo_driver", MONGO_DRIVERS)
async def test_legacy_documents_after_the_migrations_rescan_like_new_ones(
    cluster: Cluster,
    api: Api,
    db: Any,
) -> None:
    legacy = await store_legacy(db)
    ids = {name: doc["_id"] for name, doc in legacy.items()}
    report = cluster.migrate()
    assert f"examined {len(legacy)} candidate documents, updated {len(legacy)}" in report, report

    # The backfill rules of 0003_backfill_legacy, document by document.
    migrated = {name: doc for name in ids for doc in [await db.documents.find_one({"_id": ids[name]})]}
    expected = {
        "suggested": ("ready", "pending", "awaiting_validation", 100),
        "suggested_without_status": ("ready", "pending", "awaiting_validation", 100),
        "unscanned": ("failed", "pending", "quick_scan_failed", 100),
        "failed": ("failed", "pending", "quick_scan_failed", 100),
        "confirmed": ("ready", "confirmed", None, None),
        "confirmed_in_flight": ("ready", "confirmed", None, None),
        "in_flight": ("queued", "pending", "quick_scan_queued", 5),
    }
    for name, doc in migrated.items():
        state = (doc["scan_status"], doc["validation_status"], doc.get("pipeline_stage"), doc.get("progress"))
        assert state == expected[name], name
        assert (doc["scan"]["attempt"], doc["scan"]["runs"]) == (0, 0) and doc["scan"]["token"], name
        assert doc["stage_history"] == [], name
    assert migrated["unscanned"]["scan_error"]["code"] == "legacy_unscanned"
    assert migrated["suggested"]["scan"]["requested_at"] == datetime(2024, 3, 1, tzinfo=UTC)

    webs = await cluster.start_web(2)
    worker = await cluster.start_worker(**RECOVERING)
    # The scan the original app never finished: the reconciler enqueues it, under the token the backfill gave it.
    [in_flight] = (
        await wait_for(
            lambda: all_settled(db, [ids["in_flight"]]), 60, "the reconciler to scan the legacy in-flight document"
        )
    ).values()
    assert in_flight["scan"]["token"] == migrated["in_flight"]["scan"]["token"]
    assert (in_flight["scan"]["attempt"], in_flight["scan"]["runs"]) == (0, 1)
    assert [e["stage"] for e in in_flight["stage_history"]] == ["quick_scan_processing", "awaiting_validation"]

    before = {name: doc for name in ids for doc in [await db.documents.find_one({"_id": ids[name]})]}
    results = {name: await api.rescan(webs[n % len(webs)], ids[name]) for n, name in enumerate(ids)}
    confirmed = {"confirmed", "confirmed_in_flight"}
    for name, (status, body, _) in results.items():
        if name in confirmed:
            assert (status, body["type"]) == (409, "urn:docscan:problem:not-rescannable"), (name, body)
            assert body["validation_status"] == "confirmed"
        else:
            assert status == 202, (name, body)
    rescanned = [ids[name] for name in ids if name not in confirmed]
    docs = await wait_for(lambda: all_settled(db, rescanned), 60, "the legacy rescans to be scanned")
    for name in ids:
        if name in confirmed:
            assert await db.documents.find_one({"_id": ids[name]}) == before[name], name
            continue
        doc = docs[ids[name]]
        assert doc["scan"]["token"] == results[name][1]["scan"]["token"], name
        assert (doc["scan_status"], doc["validation_status"], doc["pipeline_stage"]) == (
            "ready",
            "pending",
            "awaiting_validation",
        ), name
        assert (doc["scan"]["attempt"], doc["scan"]["runs"]) == (1, 1), name
        assert doc["scan_topic_suggestion"] and "scan_error" not in doc, name
        assert stage_events(doc, "quick_scan_processing") == stage_events(before[name], "quick_scan_processing") + 1
        assert stage_events(doc, "awaiting_validation") == stage_events(before[name], "awaiting_validation") + 1
    assert_scans(await scans_by_outcome(cluster, [worker]), ready=len(rescanned) + 1)
