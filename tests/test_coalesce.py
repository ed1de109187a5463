"""Coalescing: concurrent identical requests in one process share one decision, and only identical ones do.

The repository here is the real one on mongomock, paced by a gate: its compare-and-sets wait until the test
opens the gate, so the test knows which requests overlapped the leader's decision.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from aiohttp import ClientResponse, web
from arq.connections import ArqRedis
from bson import ObjectId
from pymongo.errors import ServerSelectionTimeoutError

from service import idempotency
from service.app import create_app
from service.coalesce import SingleFlight
from service.jobs import reconcile
from service.metrics import Metrics
from service.queue import ENQUEUE_SCRIPT, hand_off_job_id
from service.repository import DocumentRepository, IdempotencyKeys, OutcomeUnknown
from service.settings import Settings
from service.stamps import utcnow
from tests.helpers import CHILD, SAMPLE_TEXT, USER, doc_url, queued_job_ids
from tests.openapi_contract import ContractClient, validated
from tests.test_documents import DOCS, form
from tests.test_idempotency import interrupted
from tests.test_jobs import job_ctx
from tests.test_scans import READY


class PacedRepository(DocumentRepository):
    """The real repository; its compare-and-sets wait for ``gate`` and can fail on demand."""

    def __init__(self, db: Any) -> None:
        super().__init__(db)
        self.gate = asyncio.Event()
        self.gate.set()
        self.swaps = 0
        self.explains = 0
        self.inside = 0
        self.fail: Exception | None = None
        self.before_explain: Callable[[], Awaitable[None]] | None = None
        self.inserted = asyncio.Event()
        self.insert_answers = asyncio.Event()
        self.insert_answers.set()

    async def _swap(self, flt: Any, update: Any) -> Any:
        self.swaps += 1
        self.inside += 1
        try:
            await self.gate.wait()
        finally:
            self.inside -= 1
        if self.fail is not None:
            raise self.fail
        return await super()._swap(flt, update)

    async def insert_document(self, doc: Any) -> Any:
        await super().insert_document(doc)
        self.inserted.set()
        await self.insert_answers.wait()
        return doc

    async def explain(self, document_id: Any, child_id: str, owner_id: str) -> Any:
        self.explains += 1
        if self.before_explain is not None:
            hook, self.before_explain = self.before_explain, None
            await hook()
        return await super().explain(document_id, child_id, owner_id)


class PacedKeys(IdempotencyKeys):
    """The real Idempotency-Key records; a claim waits for ``gate``, storing an answer for ``answers``."""

    def __init__(self, db: Any) -> None:
        super().__init__(db)
        self.gate = asyncio.Event()
        self.gate.set()
        self.inside = 0
        self.answers = asyncio.Event()
        self.answers.set()
        self.answering = 0

    async def claim(self, record: Any) -> Any:
        self.inside += 1
        try:
            await self.gate.wait()
        finally:
            self.inside -= 1
        return await super().claim(record)

    async def complete(self, record_id: Any, token: str, reply: Any) -> None:
        self.answering += 1
        await self.answers.wait()
        await super().complete(record_id, token, reply)


async def until(condition: Callable[[], bool], what: str, deadline: float = 10.0) -> None:
    """Poll until ``condition`` holds; fail naming ``what`` after ``deadline`` seconds."""
    give_up = time.monotonic() + deadline
    while not condition():
        if time.monotonic() > give_up:
            pytest.fail(f"gave up waiting for {what}")
        await asyncio.sleep(0.005)


@pytest.fixture
async def paced(db: Any) -> PacedRepository:
    return PacedRepository(db)


@pytest.fixture
async def paced_keys(db: Any) -> PacedKeys:
    return PacedKeys(db)


@pytest.fixture
async def api(
    aiohttp_client: Any,
    settings: Settings,
    db: Any,
    arq_pool: ArqRedis,
    metrics: Metrics,
    paced: PacedRepository,
    paced_keys: PacedKeys,
) -> ContractClient:
    app = create_app(settings, db=db, arq_pool=arq_pool, metrics=metrics, repository=paced, keys=paced_keys)
    return validated(await aiohttp_client(app))


def waiting(metrics: Metrics) -> float:
    return metrics.registry.get_sample_value("docscan_coalesced_waiting") or 0.0


def coalesced(metrics: Metrics, action: str) -> float:
    return metrics.registry.get_sample_value("docscan_coalesced_total", {"action": action}) or 0.0


async def held_storm(
    paced: PacedRepository, metrics: Metrics, first: Awaitable[ClientResponse], rest: list[Awaitable[ClientResponse]]
) -> list[ClientResponse]:
    """Send ``first``, hold its compare-and-set, send ``rest`` while it is held, then let it through."""
    paced.gate.clear()
    tasks = [asyncio.ensure_future(first)]
    await until(lambda: paced.inside == 1, "the leader's swap")
    tasks += [asyncio.ensure_future(request) for request in rest]
    await until(lambda: waiting(metrics) == len(rest), "every follower to wait for the leader")
    paced.gate.set()
    return list(await asyncio.gather(*tasks))


async def test_followers_of_an_accepted_rescan_share_its_one_swap(
    api: Any,
    auth: dict[str, str],
    stored_doc: Any,
    paced: PacedRepository,
    metrics: Metrics,
    arq_pool: ArqRedis,
    settings: Settings,
) -> None:
    doc = await stored_doc(**READY)
    url = doc_url(doc, "rescan")
    rest = [api.post(url, headers=auth) for _ in range(49)]
    responses = await held_storm(paced, metrics, api.post(url, headers=auth), rest)
    assert Counter(r.status for r in responses) == {202: 1, 409: 49}
    assert paced.swaps == 1 and paced.explains == 0  # one decision, no explaining read
    assert coalesced(metrics, "rescan") == 49
    refused = await responses[1].json()
    assert refused["type"] == "urn:docscan:problem:scan-in-flight" and refused["scan_status"] == "queued"
    assert responses[1].headers["Retry-After"] == str(settings.retry_after_seconds)
    assert len(await queued_job_ids(arq_pool, settings)) == 1


async def test_followers_share_a_refusal_and_its_reason(
    api: Any, auth: dict[str, str], stored_doc: Any, paced: PacedRepository, metrics: Metrics
) -> None:
    doc = await stored_doc(**{**READY, "validation_status": "confirmed", "pipeline_stage": "queued"})
    url = doc_url(doc, "rescan")
    rest = [api.post(url, headers=auth) for _ in range(9)]
    responses = await held_storm(paced, metrics, api.post(url, headers=auth), rest)
    assert [r.status for r in responses] == [409] * 10
    assert {(await r.json())["type"] for r in responses} == {"urn:docscan:problem:not-rescannable"}
    assert paced.swaps == 1 and paced.explains == 1


@contextlib.contextmanager
def garbage_of_requests() -> Iterator[list[str]]:
    """Gather, by type, the requests and errors that only the cyclic garbage collector frees meanwhile.

    Logging is off meanwhile: a log record the test captured would keep its error, and so its request, alive.
    """
    found: list[str] = []
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    logging.disable(logging.CRITICAL)
    try:
        yield found
        gc.collect()
        found += [type(o).__name__ for o in gc.garbage if isinstance(o, (BaseException, web.Request))]
    finally:
        logging.disable(logging.NOTSET)
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()


async def test_refusals_leave_nothing_for_the_garbage_collector(
    api: Any, auth: dict[str, str], stored_doc: Any, paced: PacedRepository, metrics: Metrics, arq_pool: ArqRedis
) -> None:
    # A refusal caught in a reference cycle keeps its whole request alive until the cyclic collector finds it;
    # under a storm, collecting them took a seventh to a fifth of the web process's CPU.
    doc = await stored_doc(**READY)
    url = doc_url(doc, "rescan")
    # Loaded now, the enqueue's script is not missing inside: that NoScriptError, once per Redis, is redis-py's.
    await arq_pool.script_load(ENQUEUE_SCRIPT)
    with garbage_of_requests() as left:
        rest = [api.post(url, headers=auth) for _ in range(9)]
        responses = await held_storm(paced, metrics, api.post(url, headers=auth), rest)
        alone = await api.post(url, headers=auth)  # decided on its own: a refused swap and its explaining read
        gone = await api.post(doc_url({"_id": ObjectId()}, "rescan"), headers=auth)
        invalid = await api.post(doc_url(doc, "confirm-scan"), json={"topic": 5}, headers=auth)
    assert Counter(r.status for r in responses) == {202: 1, 409: 9}
    assert (alone.status, gone.status, invalid.status) == (409, 404, 422)
    assert left == []


async def test_failures_leave_nothing_for_the_garbage_collector(
    api: Any, auth: dict[str, str], stored_doc: Any, paced: PacedRepository, metrics: Metrics
) -> None:
    # The errors a store failure raises are shared by a flight's followers and chained to their causes.
    doc = await stored_doc(**READY)
    url = doc_url(doc, "rescan")
    with garbage_of_requests() as left:
        paced.fail = ServerSelectionTimeoutError("no primary")
        rest = [api.post(url, headers=auth) for _ in range(5)]
        down = await held_storm(paced, metrics, api.post(url, headers=auth), rest)
        paced.fail = OutcomeUnknown("the swap and its read-back both failed")
        rest = [api.post(url, headers=auth) for _ in range(5)]
        unknown = await held_storm(paced, metrics, api.post(url, headers=auth), rest)
        paced.fail = None
    assert [r.status for r in down + unknown] == [503] * 12
    assert left == []


async def test_a_follower_with_the_leaders_key_gets_its_answer_replayed(
    api: Any,
    auth: dict[str, str],
    stored_doc: Any,
    paced: PacedRepository,
    metrics: Metrics,
    arq_pool: ArqRedis,
    settings: Settings,
    run_worker: Any,
) -> None:
    doc = await stored_doc(**READY)
    url = doc_url(doc, "rescan")
    keyed = {**auth, "Idempotency-Key": "tap-1"}
    other = {**auth, "Idempotency-Key": "tap-2"}
    rest = [api.post(url, headers=keyed), api.post(url, headers=other), api.post(url, headers=auth)]
    responses = await held_storm(paced, metrics, api.post(url, headers=keyed), rest)
    leader, same_key, other_key, no_key = responses
    assert leader.status == 202 and "Idempotency-Replayed" not in leader.headers
    assert same_key.status == 202 and same_key.headers["Idempotency-Replayed"] == "true"
    assert await same_key.read() == await leader.read()
    # Another key is another request: it overlapped the leader's, so it meets the scan the leader started.
    assert other_key.status == 409 and (await other_key.json())["type"] == "urn:docscan:problem:scan-in-flight"
    assert no_key.status == 409
    assert paced.swaps == 1
    assert len(await queued_job_ids(arq_pool, settings)) == 1
    # The refused key stayed free: once the document is rescannable, it starts a scan of its own.
    await run_worker()
    later = await api.post(url, headers=other)
    assert later.status == 202 and "Idempotency-Replayed" not in later.headers


async def test_a_follower_of_another_user_or_child_is_never_shared(
    api: Any, auth: dict[str, str], token: Any, stored_doc: Any, paced: PacedRepository, metrics: Metrics
) -> None:
    doc = await stored_doc(**READY)
    stranger = {"Authorization": f"Bearer {token(user='parent-2', children=[CHILD])}"}
    paced.gate.clear()
    leader = asyncio.ensure_future(api.post(doc_url(doc, "rescan"), headers=auth))
    await until(lambda: paced.inside == 1, "the leader's swap")
    # Same document id, same child, another user: a flight of its own, which finds nothing of theirs.
    theirs = asyncio.ensure_future(api.post(doc_url(doc, "rescan"), headers=stranger))
    await until(lambda: paced.inside == 2, "the stranger's own swap")
    assert waiting(metrics) == 0
    paced.gate.set()
    assert (await leader).status == 202
    assert (await theirs).status == 404
    assert paced.swaps == 2


async def test_followers_of_a_failed_leader_get_its_503(
    api: Any,
    auth: dict[str, str],
    stored_doc: Any,
    paced: PacedRepository,
    metrics: Metrics,
    arq_pool: ArqRedis,
    settings: Settings,
    repo: DocumentRepository,
) -> None:
    doc = await stored_doc(**READY)
    url = doc_url(doc, "rescan")
    paced.fail = ServerSelectionTimeoutError("no primary")
    rest = [api.post(url, headers=auth) for _ in range(5)]
    responses = await held_storm(paced, metrics, api.post(url, headers=auth), rest)
    assert [r.status for r in responses] == [503] * 6
    assert {(await r.json())["type"] for r in responses} == {"urn:docscan:problem:service-unavailable"}
    assert paced.swaps == 1
    assert await queued_job_ids(arq_pool, settings) == []
    stored = await repo.get_by_id(doc["_id"])
    assert stored is not None and stored["scan_status"] == "ready"


async def test_a_scan_that_finishes_between_the_refusal_and_its_explanation_is_swapped_again(
    api: Any, auth: dict[str, str], stored_doc: Any, paced: PacedRepository, db: Any
) -> None:
    doc = await stored_doc(scan_status="processing", pipeline_stage="quick_scan_processing")

    async def scan_finishes() -> None:
        await db["documents"].update_one({"_id": doc["_id"]}, {"$set": READY})

    paced.before_explain = scan_finishes
    resp = await api.post(doc_url(doc, "rescan"), headers=auth)
    # Refused while processing, explained as rescannable: swapped again and accepted, never a wrong 409.
    assert resp.status == 202
    assert paced.swaps == 2 and paced.explains == 1


async def test_confirm_followers_answer_by_their_own_values(
    api: Any,
    auth: dict[str, str],
    stored_doc: Any,
    paced: PacedRepository,
    metrics: Metrics,
    arq_pool: ArqRedis,
    settings: Settings,
) -> None:
    doc = await stored_doc(**READY)
    url = doc_url(doc, "confirm-scan")
    token = doc["scan"]["token"]
    same = {"topic": "mathematics", "language": "en"}
    responses = await held_storm(
        paced,
        metrics,
        api.post(url, json=same, headers={**auth, "If-Match": f'"{token}"'}),
        [
            api.post(url, json=same, headers=auth),
            api.post(url, json={"topic": "music", "language": "en"}, headers=auth),
            api.post(url, json=same, headers={**auth, "If-Match": '"0ld"'}),
        ],
    )
    assert [r.status for r in responses] == [202, 200, 409, 200]
    assert (await responses[2].json())["type"] == "urn:docscan:problem:already-confirmed"
    assert paced.swaps == 1 and coalesced(metrics, "confirm") == 3
    assert await queued_job_ids(arq_pool, settings) == [hand_off_job_id(doc["_id"])]


async def test_a_follower_that_leaves_does_not_cancel_the_decision() -> None:
    flights: SingleFlight[str, int] = SingleFlight()
    gate = asyncio.Event()

    async def decide(flight: Any) -> int:
        await gate.wait()
        return 7

    leader = asyncio.ensure_future(flights.run("k", decide))
    await asyncio.sleep(0)
    follower = asyncio.ensure_future(flights.run("k", decide))
    other = asyncio.ensure_future(flights.run("k", decide))
    await until(lambda: flights.waiting == 2, "two followers")
    follower.cancel()
    leader.cancel()  # the leader's own request goes away too; the decision goes on for the other
    gate.set()
    assert await other == (7, False)
    with pytest.raises(asyncio.CancelledError):
        await follower
    assert flights.waiting == 0


async def test_a_key_whose_fate_cannot_be_told_answers_only_its_own_requests(
    api: Any,
    auth: dict[str, str],
    stored_doc: Any,
    paced_keys: PacedKeys,
    metrics: Metrics,
    db: Any,
    settings: Settings,
) -> None:
    doc = await stored_doc(**READY)
    # A keyed request was interrupted, and 16 accepted requests since have pushed its token out of memory.
    await db["documents"].update_one(
        {"_id": doc["_id"]}, {"$set": {"scan.recent_tokens": [f"t{n}" for n in range(16)]}}
    )
    await interrupted(db, doc, "lost", "forgotten", settings)
    url = doc_url(doc, "rescan")
    lost = {**auth, "Idempotency-Key": "lost"}
    paced_keys.gate.clear()
    leader = asyncio.ensure_future(api.post(url, headers=lost))
    await until(lambda: paced_keys.inside == 1, "the leader's claim")
    rest = [asyncio.ensure_future(api.post(url, headers=h)) for h in (lost, auth, auth, auth)]
    await until(lambda: waiting(metrics) == 4, "every follower to wait for the leader")
    paced_keys.gate.set()
    responses = [await leader] + [await r for r in rest]
    # The key's own requests cannot be told what happened to it...
    assert [r.status for r in responses[:2]] == [503, 503]
    assert "Idempotency-Key" in (await responses[1].json())["detail"]
    # ...which says nothing about requests without it: they are decided, one scan and its in-flight refusals.
    assert sorted(r.status for r in responses[2:]) == [202, 409, 409]


def stop_decisions() -> None:
    """Cancel every decision in progress, as the event loop does to the tasks left when the process stops."""
    for task in asyncio.all_tasks():
        if getattr(task.get_coro(), "__qualname__", "") == f"{SingleFlight.__name__}._lead":
            task.cancel()


async def test_a_rescan_stopped_after_its_swap_keeps_its_key(
    api: Any,
    auth: dict[str, str],
    stored_doc: Any,
    paced_keys: PacedKeys,
    db: Any,
    repo: DocumentRepository,
    arq_pool: ArqRedis,
    settings: Settings,
    metrics: Metrics,
    run_worker: Any,
) -> None:
    doc = await stored_doc(**READY)
    url = doc_url(doc, "rescan")
    headers = {**auth, "Idempotency-Key": "tap"}
    paced_keys.answers.clear()
    first = asyncio.ensure_future(api.post(url, headers=headers))
    await until(lambda: paced_keys.answering == 1, "the accepted rescan to store its answer")
    stop_decisions()
    with contextlib.suppress(aiohttp.ClientError):
        await first
    paced_keys.answers.set()
    swapped = await repo.get_by_id(doc["_id"])
    assert swapped is not None and swapped["scan_status"] == "queued"
    # The swap happened: the key is not given up, whatever stopped the request afterwards.
    record = await db["idempotency_keys"].find_one({"_id": idempotency.record_id(USER, "tap")})
    assert record is not None and record["token"] == swapped["scan"]["token"]
    # The reconciler enqueues the stranded request and its scan runs...
    await reconcile(job_ctx(settings, repo, arq_pool, metrics))
    await run_worker()
    # ...and a retry with the key, once its claim is stale, is the first request's answer, not a second scan.
    stale = utcnow() - timedelta(seconds=settings.idempotency_pending_seconds + 1)
    await db["idempotency_keys"].update_one({"_id": record["_id"]}, {"$set": {"claimed_at": stale}})
    retry = await api.post(url, headers=headers)
    assert retry.status == 202 and retry.headers["Idempotency-Replayed"] == "true"
    assert (await retry.json())["scan"]["token"] == swapped["scan"]["token"]
    stored = await repo.get_by_id(doc["_id"])
    assert stored is not None and stored["scan"]["attempt"] == 2 and stored["scan_status"] == "ready"


async def test_an_upload_stopped_midway_keeps_its_key(
    api: Any, auth: dict[str, str], paced: PacedRepository, db: Any, arq_pool: ArqRedis, settings: Settings
) -> None:
    headers = {**auth, "Idempotency-Key": "upload-tap"}
    paced.insert_answers.clear()
    first = asyncio.ensure_future(api.post(DOCS, data=form(SAMPLE_TEXT), headers=headers))
    await until(paced.inserted.is_set, "the document to be inserted")
    stop_decisions()  # before the insert's answer came back
    with contextlib.suppress(aiohttp.ClientError):
        await first
    paced.insert_answers.set()
    record = await db["idempotency_keys"].find_one({"_id": idempotency.record_id(USER, "upload-tap")})
    assert record is not None and record["state"] == "pending"
    stale = utcnow() - timedelta(seconds=settings.idempotency_pending_seconds + 1)
    await db["idempotency_keys"].update_one({"_id": record["_id"]}, {"$set": {"claimed_at": stale}})
    # The retry learns from the document that the upload happened: its answer, not a second document.
    retry = await api.post(DOCS, data=form(SAMPLE_TEXT), headers=headers)
    assert retry.status == 201 and retry.headers["Idempotency-Replayed"] == "true"
    assert (await retry.json())["id"] == str(record["document_id"])
    assert await db["documents"].count_documents({}) == 1 and await db["fs.files"].count_documents({}) == 1


async def test_a_keyed_confirm_answered_by_a_flight_keeps_its_key(
    api: Any, auth: dict[str, str], stored_doc: Any, paced: PacedRepository, metrics: Metrics
) -> None:
    doc = await stored_doc(**READY)
    url = doc_url(doc, "confirm-scan")
    same = {"topic": "mathematics", "language": "en"}
    keyed = {**auth, "Idempotency-Key": "confirm-tap"}
    leader, follower = await held_storm(
        paced, metrics, api.post(url, json=same, headers=auth), [api.post(url, json=same, headers=keyed)]
    )
    assert leader.status == 202 and follower.status == 200
    # A success keeps its key, bound to its request, however it was decided: another request with it is 422.
    other = await api.post(url, json={"topic": "music", "language": "en"}, headers=keyed)
    assert other.status == 422 and (await other.json())["type"] == "urn:docscan:problem:idempotency-key-reused"
    again = await api.post(url, json=same, headers=keyed)
    assert again.status == 200 and again.headers["Idempotency-Replayed"] == "true"
