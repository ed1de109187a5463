"""Rescan and confirm through HTTP: the compare-and-set decides, the queue follows."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from arq.connections import ArqRedis
from motor.motor_asyncio import AsyncIOMotorClient

from service.app import create_app
from service.queue import hand_off_job_id, quick_scan_job_id
from service.repository import DocumentRepository
from service.settings import Settings
from tests.helpers import counted, doc_url, queued_job_ids
from tests.openapi_contract import validated

READY = {
    "scan_status": "ready",
    "pipeline_stage": "awaiting_validation",
    "scan_topic_suggestion": "mathematics",
    "scan_language_suggestion": "en",
    "scan_confidence": 0.8,
    "scan_alternatives": [],
    "scan_model": "m",
    "scan_read": {"pages": 1, "characters": 120, "input_kind": "text"},
}


async def test_200_concurrent_rescans_accept_exactly_one(
    api: Any, auth: dict[str, str], stored_doc: Any, repo: DocumentRepository, arq_pool: ArqRedis, settings: Settings
) -> None:
    doc = await stored_doc(**READY)
    responses = await asyncio.gather(*(api.post(doc_url(doc, "rescan"), headers=auth) for _ in range(200)))
    statuses = Counter(r.status for r in responses)
    assert statuses == {202: 1, 409: 199}
    stored = await repo.get_by_id(doc["_id"])
    assert stored is not None and stored["scan_status"] == "queued"
    assert stored["scan"]["attempt"] == 2
    assert await queued_job_ids(arq_pool, settings) == [quick_scan_job_id(doc["_id"], stored["scan"]["token"])]
    refused = [r for r in responses if r.status == 409]
    body = await refused[0].json()
    assert body["type"] == "urn:docscan:problem:scan-in-flight"
    assert body["scan_status"] == "queued"
    assert refused[0].headers["Retry-After"] == str(settings.retry_after_seconds)


@pytest.mark.parametrize(
    "fields,unset",
    [
        (READY, ()),
        ({"scan_status": "failed", "pipeline_stage": "quick_scan_failed"}, ()),
        ({"scan_status": "ready"}, ("pipeline_stage", "validation_status")),  # legacy document
        ({"scan_status": "failed"}, ("pipeline_stage",)),  # legacy document
    ],
)
async def test_rescan_allowed_from_terminal_scan_states(
    api: Any,
    auth: dict[str, str],
    stored_doc: Any,
    fields: dict[str, Any],
    unset: tuple[str, ...],
    arq_pool: ArqRedis,
    settings: Settings,
    repo: DocumentRepository,
) -> None:
    doc = await stored_doc(unset=unset, **fields)
    resp = await api.post(doc_url(doc, "rescan"), headers=auth)
    assert resp.status == 202
    body = await resp.json()
    assert body["scan"]["scan_status"] == "queued"
    assert body["scan"]["suggestion"] is None
    assert resp.headers["Location"] == doc_url(doc)
    stored = await repo.get_by_id(doc["_id"])
    assert stored is not None
    assert await queued_job_ids(arq_pool, settings) == [quick_scan_job_id(doc["_id"], stored["scan"]["token"])]


@pytest.mark.parametrize(
    "fields,slug,retry_after",
    [
        ({**READY, "validation_status": "confirmed", "pipeline_stage": "queued"}, "not-rescannable", False),
        ({**READY, "pipeline_stage": "ocr"}, "not-rescannable", False),
        ({**READY, "pipeline_stage": "concept_extraction", "validation_status": "confirmed"}, "not-rescannable", False),
        ({"scan_status": "queued", "pipeline_stage": "quick_scan_queued"}, "scan-in-flight", True),
        ({"scan_status": "processing", "pipeline_stage": "quick_scan_processing"}, "scan-in-flight", True),
    ],
)
async def test_rescan_refused_changes_nothing(
    api: Any,
    auth: dict[str, str],
    stored_doc: Any,
    repo: DocumentRepository,
    arq_pool: ArqRedis,
    settings: Settings,
    fields: dict[str, Any],
    slug: str,
    retry_after: bool,
) -> None:
    doc = await stored_doc(**fields)
    before = await repo.get_by_id(doc["_id"])
    resp = await api.post(doc_url(doc, "rescan"), headers=auth)
    assert resp.status == 409
    body = await resp.json()
    assert body["type"] == f"urn:docscan:problem:{slug}"
    assert body["scan_status"] == fields["scan_status"]
    assert body["pipeline_stage"] == fields["pipeline_stage"]
    assert ("Retry-After" in resp.headers) is retry_after
    assert await repo.get_by_id(doc["_id"]) == before
    assert await queued_job_ids(arq_pool, settings) == []


async def test_idempotency_key_replays_the_original_202(
    api: Any, auth: dict[str, str], stored_doc: Any, arq_pool: ArqRedis, settings: Settings, run_worker: Any
) -> None:
    doc = await stored_doc(**READY)
    headers = {**auth, "Idempotency-Key": "tap-1"}
    responses = await asyncio.gather(*(api.post(doc_url(doc, "rescan"), headers=headers) for _ in range(20)))
    assert Counter(r.status for r in responses) == {202: 20}
    assert sum(r.headers.get("Idempotency-Replayed") == "true" for r in responses) == 19
    assert len(await queued_job_ids(arq_pool, settings)) == 1
    await run_worker()
    # The scan finished; a late retry of the same request still replays, it does not rescan.
    late = await api.post(doc_url(doc, "rescan"), headers=headers)
    assert late.status == 202 and late.headers["Idempotency-Replayed"] == "true"
    # the original answer, byte for byte: the scan as it was queued, not as it is now
    assert await late.read() == await responses[0].read()
    assert (await late.json())["scan"]["scan_status"] == "queued"
    assert late.headers["Location"] == responses[0].headers["Location"]
    assert await queued_job_ids(arq_pool, settings) == []
    # A new key is a new request.
    fresh = await api.post(doc_url(doc, "rescan"), headers={**auth, "Idempotency-Key": "tap-2"})
    assert fresh.status == 202 and "Idempotency-Replayed" not in fresh.headers
    await run_worker()
    # The first key is still bound to its request, however many came after it.
    again = await api.post(doc_url(doc, "rescan"), headers=headers)
    assert again.status == 202 and again.headers["Idempotency-Replayed"] == "true"
    assert await again.read() == await responses[0].read()
    assert await queued_job_ids(arq_pool, settings) == []


async def test_idempotency_key_of_another_document_is_422(
    api: Any, auth: dict[str, str], stored_doc: Any, repo: DocumentRepository
) -> None:
    first, second = await stored_doc(**READY), await stored_doc(**READY)
    headers = {**auth, "Idempotency-Key": "same-key"}
    assert (await api.post(doc_url(first, "rescan"), headers=headers)).status == 202
    before = await repo.get_by_id(second["_id"])
    resp = await api.post(doc_url(second, "rescan"), headers=headers)
    assert resp.status == 422
    assert (await resp.json())["type"] == "urn:docscan:problem:idempotency-key-reused"
    assert await repo.get_by_id(second["_id"]) == before


async def test_stale_job_after_a_newer_rescan_changes_nothing(
    api: Any,
    auth: dict[str, str],
    stored_doc: Any,
    repo: DocumentRepository,
    run_worker: Any,
    metrics: Any,
    arq_pool: ArqRedis,
    settings: Settings,
) -> None:
    doc = await stored_doc(scan_status="failed", pipeline_stage="quick_scan_failed")
    assert (await api.post(doc_url(doc, "rescan"), headers=auth)).status == 202
    old = await repo.get_by_id(doc["_id"])
    assert old is not None
    old_token = old["scan"]["token"]
    # The first scan fails for good, then the parent asks again: two jobs, two tokens in the queue's history.
    await repo.claim_scan(doc["_id"], old_token, lease=timedelta(seconds=60))
    await repo.fail_scan(doc["_id"], old_token, {"code": "x", "message": "y"})
    assert (await api.post(doc_url(doc, "rescan"), headers=auth)).status == 202
    new = await repo.get_by_id(doc["_id"])
    assert new is not None
    new_token = new["scan"]["token"]
    assert len(await queued_job_ids(arq_pool, settings)) == 2
    await run_worker()
    final = await repo.get_by_id(doc["_id"])
    assert final is not None
    assert final["scan_status"] == "ready"
    assert final["scan"]["token"] == new_token
    assert final["scan"]["runs"] == 1
    assert counted(metrics, "docscan_scans", outcome="ready") == 1
    assert counted(metrics, "docscan_scans", outcome="skipped") == 1


async def test_duplicate_delivery_of_a_job_scans_once(
    stored_doc: Any, repo: DocumentRepository, arq_pool: ArqRedis, settings: Settings, run_worker: Any, metrics: Any
) -> None:
    doc = await stored_doc()
    token = doc["scan"]["token"]
    for n in range(3):
        await arq_pool.enqueue_job(
            "quick_scan", str(doc["_id"]), token, _job_id=f"delivery-{n}", _queue_name=settings.queue_name
        )
    await run_worker()
    final = await repo.get_by_id(doc["_id"])
    assert final is not None and final["scan_status"] == "ready"
    assert final["scan"]["runs"] == 1
    assert counted(metrics, "docscan_scans", outcome="ready") == 1
    assert counted(metrics, "docscan_scans", outcome="skipped") == 2
    assert [e["stage"] for e in final["stage_history"]] == [
        "quick_scan_queued",
        "quick_scan_processing",
        "awaiting_validation",
    ]


async def test_confirm_rules(
    api: Any, auth: dict[str, str], stored_doc: Any, arq_pool: ArqRedis, settings: Settings, repo: DocumentRepository
) -> None:
    doc = await stored_doc(**READY)
    scan = await api.get(doc_url(doc), headers=auth)
    etag = scan.headers["ETag"]
    stale = await api.post(
        doc_url(doc, "confirm-scan"),
        json={"topic": "science", "language": "en"},
        headers={**auth, "If-Match": '"0123456789abcdef0123456789abcdef"'},
    )
    assert stale.status == 412
    ok = await api.post(
        doc_url(doc, "confirm-scan"), json={"topic": "science", "language": "en"}, headers={**auth, "If-Match": etag}
    )
    assert ok.status == 202
    body = await ok.json()
    assert body["scan"]["validation_status"] == "confirmed"
    assert body["scan"]["validated"]["topic"] == "science"
    again = await api.post(doc_url(doc, "confirm-scan"), json={"topic": "science", "language": "en"}, headers=auth)
    assert again.status == 200
    other = await api.post(doc_url(doc, "confirm-scan"), json={"topic": "music", "language": "en"}, headers=auth)
    assert other.status == 409
    assert (await other.json())["type"] == "urn:docscan:problem:already-confirmed"
    assert await queued_job_ids(arq_pool, settings) == [hand_off_job_id(doc["_id"])]
    rescan = await api.post(doc_url(doc, "rescan"), headers=auth)
    assert rescan.status == 409


async def test_concurrent_confirms_enqueue_one_hand_off(
    api: Any, auth: dict[str, str], stored_doc: Any, arq_pool: ArqRedis, settings: Settings
) -> None:
    doc = await stored_doc(**READY)
    responses = await asyncio.gather(
        *(
            api.post(doc_url(doc, "confirm-scan"), json={"topic": "history", "language": "fr"}, headers=auth)
            for _ in range(50)
        )
    )
    assert Counter(r.status for r in responses) == {202: 1, 200: 49}
    assert await queued_job_ids(arq_pool, settings) == [hand_off_job_id(doc["_id"])]


@pytest.mark.parametrize(
    "fields,status,slug",
    [
        ({"scan_status": "queued", "pipeline_stage": "quick_scan_queued"}, 409, "not-ready"),
        ({"scan_status": "failed", "pipeline_stage": "quick_scan_failed"}, 409, "not-ready"),
    ],
)
async def test_confirm_refused_before_a_suggestion(
    api: Any,
    auth: dict[str, str],
    stored_doc: Any,
    fields: dict[str, Any],
    status: int,
    slug: str,
    repo: DocumentRepository,
) -> None:
    doc = await stored_doc(**fields)
    before = await repo.get_by_id(doc["_id"])
    resp = await api.post(doc_url(doc, "confirm-scan"), json={"topic": "music", "language": "nl"}, headers=auth)
    assert resp.status == status
    assert (await resp.json())["type"] == f"urn:docscan:problem:{slug}"
    assert await repo.get_by_id(doc["_id"]) == before


async def test_redis_down_after_the_swap_still_answers_202(
    aiohttp_client: Any,
    settings: Settings,
    db: Any,
    auth: dict[str, str],
    stored_doc: Any,
    metrics: Any,
    repo: DocumentRepository,
) -> None:
    dead = ArqRedis.from_url("redis://127.0.0.1:9/0", socket_connect_timeout=0.2)
    try:
        api = validated(await aiohttp_client(create_app(settings, db=db, arq_pool=dead, metrics=metrics)))
        doc = await stored_doc(**READY)
        resp = await api.post(doc_url(doc, "rescan"), headers=auth)
        assert resp.status == 202
        stored = await repo.get_by_id(doc["_id"])
        assert stored is not None and stored["scan_status"] == "queued"
        assert counted(metrics, "docscan_enqueue_failures", job="quick_scan") == 1
    finally:
        await dead.aclose()


async def test_mongo_down_answers_503_and_enqueues_nothing(
    aiohttp_client: Any, settings: Settings, auth: dict[str, str], arq_pool: ArqRedis
) -> None:
    client: Any = AsyncIOMotorClient("mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=200&connectTimeoutMS=200")
    try:
        api = validated(await aiohttp_client(create_app(settings, db=client["x"], arq_pool=arq_pool)))
        resp = await api.post("/api/v1/children/child-1/documents/0123456789abcdef01234567/rescan", headers=auth)
        assert resp.status == 503
        assert (await resp.json())["type"] == "urn:docscan:problem:service-unavailable"
        assert await queued_job_ids(arq_pool, settings) == []
        ready = await api.get("/readyz")
        assert ready.status == 503
        assert (await ready.json())["checks"] == {"mongo": "unavailable", "redis": "ok"}
    finally:
        client.close()


async def test_etag_follows_the_representation(api: Any, auth: dict[str, str], stored_doc: Any, db: Any) -> None:
    doc = await stored_doc(**READY, validation_status="confirmed")
    first = await api.get(doc_url(doc), headers=auth)
    etag = first.headers["ETag"]
    for if_none_match in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        resp = await api.get(doc_url(doc), headers={**auth, "If-None-Match": if_none_match})
        assert resp.status == 304, if_none_match
    # The deep pipeline moves the document on: same token, new representation, new tag.
    await db["documents"].update_one({"_id": doc["_id"]}, {"$set": {"pipeline_stage": "ocr", "progress": 40}})
    moved = await api.get(doc_url(doc), headers={**auth, "If-None-Match": etag})
    assert moved.status == 200
    assert moved.headers["ETag"] != etag
    assert moved.headers["ETag"].startswith(etag.split(".")[0])
    assert (await moved.json())["pipeline_stage"] == "ocr"


async def test_a_quoted_idempotency_key_is_the_same_key(api: Any, auth: dict[str, str], stored_doc: Any) -> None:
    doc = await stored_doc(**READY)
    first = await api.post(doc_url(doc, "rescan"), headers={**auth, "Idempotency-Key": '"tap 1"'})
    again = await api.post(doc_url(doc, "rescan"), headers={**auth, "Idempotency-Key": "tap 1"})
    assert first.status == 202 and again.status == 202
    assert again.headers["Idempotency-Replayed"] == "true"


async def test_error_answers_are_counted(api: Any, auth: dict[str, str], metrics: Any) -> None:
    await api.get("/api/v1/children/child-1/documents")
    await api.get("/api/v1/children/child-2/documents", headers=auth)
    assert counted(metrics, "docscan_http_requests", method="GET", route="list_documents", status="401") == 1
    assert counted(metrics, "docscan_http_requests", method="GET", route="list_documents", status="404") == 1
