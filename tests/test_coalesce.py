"""Coalescing: concurrent identical requests in one process share one decision, and only identical ones do.

The repository here is the real one on mongomock, paced by a gate: its compare-and-sets wait until the test
opens the gate, so the test knows which requests overlapped the leader's decision.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import ClientResponse
from arq.connections import ArqRedis
from pymongo.errors import ServerSelectionTimeoutError

from service.app import create_app
from service.coalesce import SingleFlight
from service.metrics import Metrics
from service.queue import hand_off_job_id
from service.repository import DocumentRepository
from service.settings import Settings
from tests.conftest import CHILD, doc_url, queued_job_ids
from tests.openapi_contract import ContractClient, validated
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

    async def explain(self, document_id: Any, child_id: str, owner_id: str) -> Any:
        self.explains += 1
        if self.before_explain is not None:
            hook, self.before_explain = self.before_explain, None
            await hook()
        return await super().explain(document_id, child_id, owner_id)


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
async def api(
    aiohttp_client: Any, settings: Settings, db: Any, arq_pool: ArqRedis, metrics: Metrics, paced: PacedRepository
) -> ContractClient:
    client = await aiohttp_client(create_app(settings, db=db, arq_pool=arq_pool, metrics=metrics, repository=paced))
    return validated(client)


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
