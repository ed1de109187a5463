"""Idempotency-Keys: bound to the request they first came with, scoped to their user, kept for their window."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from arq.connections import ArqRedis
from bson import ObjectId
from pymongo.errors import AutoReconnect

from service import idempotency
from service.app import create_app
from service.idempotency import Action
from service.metrics import Metrics
from service.queue import hand_off_job_id
from service.repository import DocumentRepository, IdempotencyKeys
from service.settings import Settings
from service.stamps import utcnow
from tests.helpers import CHILD, SAMPLE_TEXT, USER, doc_url, queued_job_ids
from tests.openapi_contract import validated
from tests.test_documents import DOCS, form
from tests.test_scans import READY


async def key_record(db: Any, key: str, user: str = USER) -> Any:
    return await db["idempotency_keys"].find_one({"_id": idempotency.record_id(user, key)})


async def test_an_upload_key_replays_the_same_file_and_refuses_another(
    api: Any, auth: dict[str, str], db: Any, arq_pool: ArqRedis, settings: Settings
) -> None:
    headers = {**auth, "Idempotency-Key": "upload-1"}
    first = await api.post(DOCS, data=form(SAMPLE_TEXT), headers=headers)
    assert first.status == 201 and "Idempotency-Replayed" not in first.headers
    again = await api.post(DOCS, data=form(SAMPLE_TEXT), headers=headers)
    assert again.status == 201 and again.headers["Idempotency-Replayed"] == "true"
    assert await again.read() == await first.read() and again.headers["Location"] == first.headers["Location"]
    other_file = await api.post(DOCS, data=form(SAMPLE_TEXT + b" And one more sentence."), headers=headers)
    assert other_file.status == 422
    assert (await other_file.json())["type"] == "urn:docscan:problem:idempotency-key-reused"
    other_name = await api.post(DOCS, data=form(SAMPLE_TEXT, filename="other.txt"), headers=headers)
    assert other_name.status == 422
    assert await db["documents"].count_documents({}) == 1 and await db["fs.files"].count_documents({}) == 1
    assert len(await queued_job_ids(arq_pool, settings)) == 1
    record = await key_record(db, "upload-1")
    assert record["state"] == "done" and record["reply"]["status"] == 201
    expected_window = timedelta(seconds=settings.idempotency_ttl_seconds)
    assert record["expires_at"] - record["claimed_at"] == expected_window


async def test_a_key_is_bound_to_one_operation_and_document(
    api: Any, auth: dict[str, str], stored_doc: Any, db: Any, arq_pool: ArqRedis, settings: Settings
) -> None:
    first, second = await stored_doc(**READY), await stored_doc(**READY)
    headers = {**auth, "Idempotency-Key": "k"}
    assert (await api.post(DOCS, data=form(SAMPLE_TEXT), headers=headers)).status == 201
    queued = await queued_job_ids(arq_pool, settings)
    for url, body in ((doc_url(first, "rescan"), None), (doc_url(second, "confirm-scan"), READY_CHOICE)):
        resp = await api.post(url, json=body, headers=headers)
        assert resp.status == 422, url
        assert (await resp.json())["type"] == "urn:docscan:problem:idempotency-key-reused"
    # A confirmation with other values under a rescan's key, or another If-Match, is another request too.
    assert (await api.post(doc_url(first, "rescan"), headers={**auth, "Idempotency-Key": "r"})).status == 202
    assert (await api.post(doc_url(first, "rescan"), headers={**auth, "Idempotency-Key": "r"})).status == 202
    confirm = {**auth, "Idempotency-Key": "c"}
    assert (await api.post(doc_url(second, "confirm-scan"), json=READY_CHOICE, headers=confirm)).status == 202
    other_values = {"topic": "music", "language": "en"}
    assert (await api.post(doc_url(second, "confirm-scan"), json=other_values, headers=confirm)).status == 422
    with_if_match = {**confirm, "If-Match": f'"{second["scan"]["token"]}"'}
    assert (await api.post(doc_url(second, "confirm-scan"), json=READY_CHOICE, headers=with_if_match)).status == 422
    replay = await api.post(doc_url(second, "confirm-scan"), json=READY_CHOICE, headers=confirm)
    assert replay.status == 202 and replay.headers["Idempotency-Replayed"] == "true"
    jobs = await queued_job_ids(arq_pool, settings)
    # the upload's scan, one rescan (not two), one hand-off (not two)
    assert len(queued) == 1 and len(jobs) == 3 and hand_off_job_id(second["_id"]) in jobs
    stored = await db["documents"].find_one({"_id": first["_id"]})
    assert stored["scan"]["attempt"] == 2


READY_CHOICE = {"topic": "mathematics", "language": "en"}


async def test_keys_belong_to_their_user(api: Any, auth: dict[str, str], token: Any, db: Any) -> None:
    other = {"Authorization": f"Bearer {token(user='parent-2')}", "Idempotency-Key": "shared"}
    mine = await api.post(DOCS, data=form(SAMPLE_TEXT), headers={**auth, "Idempotency-Key": "shared"})
    theirs = await api.post(DOCS, data=form(SAMPLE_TEXT), headers=other)
    assert mine.status == theirs.status == 201
    assert "Idempotency-Replayed" not in theirs.headers
    assert (await mine.json())["id"] != (await theirs.json())["id"]
    assert await db["documents"].count_documents({}) == 2


async def test_a_key_whose_first_request_is_still_running_is_409(
    api: Any, auth: dict[str, str], stored_doc: Any, db: Any, settings: Settings
) -> None:
    doc = await stored_doc(**READY)
    # Another web process claimed the key a moment ago and has not answered yet.
    claimed = idempotency.new_record(
        owner_id=USER,
        key="busy",
        action=Action.RESCAN,
        child_id=CHILD,
        document_id=doc["_id"],
        fp=idempotency.fingerprint(Action.RESCAN, CHILD, str(doc["_id"]), {}),
        token="t-elsewhere",
        now=utcnow(),
        ttl=timedelta(hours=24),
    )
    await IdempotencyKeys(db).claim(claimed)
    resp = await api.post(doc_url(doc, "rescan"), headers={**auth, "Idempotency-Key": "busy"})
    assert resp.status == 409
    body = await resp.json()
    assert body["type"] == "urn:docscan:problem:idempotency-key-in-use"
    assert resp.headers["Retry-After"] == str(settings.retry_after_seconds) == str(body["retry_after"])
    same = await api.post(doc_url(doc, "rescan"), json={}, headers={**auth, "Idempotency-Key": "busy"})
    assert same.status == 409  # `{}` and no body are the same rescan
    # Another document is another request: 422 at once, even while the first is running.
    second = await stored_doc(**READY)
    other = await api.post(doc_url(second, "rescan"), headers={**auth, "Idempotency-Key": "busy"})
    assert other.status == 422
    stored = await db["documents"].find_one({"_id": doc["_id"]})
    assert stored["scan_status"] == "ready"


async def interrupted(db: Any, doc: Any, key: str, token: str, settings: Settings) -> None:
    """A claim of a web process that stopped between its claim and its answer, long enough ago."""
    claimed = idempotency.new_record(
        owner_id=USER,
        key=key,
        action=Action.RESCAN,
        child_id=CHILD,
        document_id=doc["_id"],
        fp=idempotency.fingerprint(Action.RESCAN, CHILD, str(doc["_id"]), {}),
        token=token,
        now=utcnow() - timedelta(seconds=settings.idempotency_pending_seconds + 1),
        ttl=timedelta(hours=24),
    )
    await IdempotencyKeys(db).claim(claimed)


async def test_an_interrupted_request_that_swapped_is_answered_not_repeated(
    api: Any, auth: dict[str, str], stored_doc: Any, db: Any, arq_pool: ArqRedis, settings: Settings
) -> None:
    doc = await stored_doc(**READY)
    # It swapped (the document remembers its token), then its process died before storing the answer.
    swapped = await api.post(doc_url(doc, "rescan"), headers=auth)
    token = (await swapped.json())["scan"]["token"]
    await interrupted(db, doc, "lost", token, settings)
    jobs = await queued_job_ids(arq_pool, settings)
    resp = await api.post(doc_url(doc, "rescan"), headers={**auth, "Idempotency-Key": "lost"})
    assert resp.status == 202 and resp.headers["Idempotency-Replayed"] == "true"
    assert (await resp.json())["scan"]["token"] == token
    assert await queued_job_ids(arq_pool, settings) == jobs
    assert (await key_record(db, "lost"))["state"] == "done"


async def test_an_interrupted_request_that_never_swapped_is_decided_anew(
    api: Any, auth: dict[str, str], stored_doc: Any, db: Any, arq_pool: ArqRedis, settings: Settings
) -> None:
    doc = await stored_doc(**READY)
    await interrupted(db, doc, "lost", "never-written", settings)
    resp = await api.post(doc_url(doc, "rescan"), headers={**auth, "Idempotency-Key": "lost"})
    assert resp.status == 202 and "Idempotency-Replayed" not in resp.headers
    assert len(await queued_job_ids(arq_pool, settings)) == 1
    record = await key_record(db, "lost")
    assert record["state"] == "done" and record["token"] == (await resp.json())["scan"]["token"]


async def test_an_expired_key_is_a_new_key(
    api: Any, auth: dict[str, str], stored_doc: Any, db: Any, arq_pool: ArqRedis, settings: Settings, run_worker: Any
) -> None:
    doc = await stored_doc(**READY)
    headers = {**auth, "Idempotency-Key": "old"}
    assert (await api.post(doc_url(doc, "rescan"), headers=headers)).status == 202
    await run_worker()
    # Its window is over; the TTL index has not removed the record yet.
    await db["idempotency_keys"].update_one(
        {"_id": idempotency.record_id(USER, "old")}, {"$set": {"expires_at": utcnow() - timedelta(seconds=1)}}
    )
    resp = await api.post(doc_url(doc, "rescan"), headers=headers)
    assert resp.status == 202 and "Idempotency-Replayed" not in resp.headers
    stored = await db["documents"].find_one({"_id": doc["_id"]})
    assert stored["scan"]["attempt"] == 3


async def test_a_refused_request_leaves_its_key_free(
    api: Any, auth: dict[str, str], stored_doc: Any, db: Any, run_worker: Any
) -> None:
    doc = await stored_doc(scan_status="processing", pipeline_stage="quick_scan_processing")
    headers = {**auth, "Idempotency-Key": "early"}
    refused = await api.post(doc_url(doc, "rescan"), headers=headers)
    assert refused.status == 409
    assert await key_record(db, "early") is None
    missing = await api.post(f"/api/v1/children/{CHILD}/documents/{ObjectId()}/rescan", headers=headers)
    assert missing.status == 404 and await key_record(db, "early") is None
    await db["documents"].update_one({"_id": doc["_id"]}, {"$set": READY})
    accepted = await api.post(doc_url(doc, "rescan"), headers=headers)
    assert accepted.status == 202 and "Idempotency-Replayed" not in accepted.headers


async def test_concurrent_uploads_with_one_key_store_one_file(
    api: Any, auth: dict[str, str], db: Any, arq_pool: ArqRedis, settings: Settings
) -> None:
    headers = {**auth, "Idempotency-Key": "tap"}
    same = [api.post(DOCS, data=form(SAMPLE_TEXT), headers=headers) for _ in range(5)]
    other = [api.post(DOCS, data=form(b"Another sheet about rivers and mountains."), headers=headers)]
    responses = await asyncio.gather(*same, *other)
    statuses = sorted(r.status for r in responses)
    assert statuses == [201] * 5 + [422]
    assert len({(await r.json())["id"] for r in responses if r.status == 201}) == 1
    assert await db["documents"].count_documents({}) == 1 and await db["fs.files"].count_documents({}) == 1
    assert len(await queued_job_ids(arq_pool, settings)) == 1


async def test_legacy_keys_keep_their_documents(
    api: Any, auth: dict[str, str], stored_doc: Any, db: Any, arq_pool: ArqRedis, settings: Settings
) -> None:
    uploaded = await stored_doc()
    rescanned = await stored_doc(scan_status="queued", pipeline_stage="quick_scan_queued")
    for key, action, doc in (("up", "upload", uploaded), ("re", "rescan", rescanned)):
        await db["idempotency_keys"].insert_one(
            {
                "_id": idempotency.record_id(USER, key),
                "state": "legacy",
                "action": action,
                "child_profile_id": CHILD,
                "document_id": doc["_id"],
                "claimed_at": utcnow(),
                "expires_at": utcnow() + timedelta(hours=1),
            }
        )
    upload = await api.post(DOCS, data=form(b"whatever the retry sends"), headers={**auth, "Idempotency-Key": "up"})
    assert upload.status == 201 and upload.headers["Idempotency-Replayed"] == "true"
    assert (await upload.json())["id"] == str(uploaded["_id"])
    rescan = await api.post(doc_url(rescanned, "rescan"), headers={**auth, "Idempotency-Key": "re"})
    assert rescan.status == 202 and rescan.headers["Idempotency-Replayed"] == "true"
    elsewhere = await api.post(doc_url(uploaded, "rescan"), headers={**auth, "Idempotency-Key": "re"})
    assert elsewhere.status == 422
    assert await db["documents"].count_documents({}) == 2
    assert await queued_job_ids(arq_pool, settings) == []


class LostAnswers(DocumentRepository):
    """The real repository; an insert reaches the store but its answer is lost, and reads fail on demand."""

    def __init__(self, db: Any) -> None:
        super().__init__(db)
        self.inserted_then_lost = True
        self.reads_fail = False

    async def insert_document(self, doc: Any) -> Any:
        await super().insert_document(doc)
        if self.inserted_then_lost:
            raise AutoReconnect("connection reset after the insert")
        return doc

    async def get_by_id(self, document_id: Any) -> Any:
        if self.reads_fail:
            raise AutoReconnect("still unreachable")
        return await super().get_by_id(document_id)


@pytest.fixture
async def lossy_api(
    aiohttp_client: Any, settings: Settings, db: Any, arq_pool: ArqRedis, metrics: Metrics
) -> tuple[Any, LostAnswers]:
    repository = LostAnswers(db)
    app = create_app(settings, db=db, arq_pool=arq_pool, metrics=metrics, repository=repository)
    return validated(await aiohttp_client(app)), repository


async def test_an_upload_whose_answer_was_lost_is_one_document(
    lossy_api: tuple[Any, LostAnswers], auth: dict[str, str], db: Any, arq_pool: ArqRedis, settings: Settings
) -> None:
    api, _ = lossy_api
    headers = {**auth, "Idempotency-Key": "lost-answer"}
    first = await api.post(DOCS, data=form(SAMPLE_TEXT), headers=headers)
    # The insert happened: the document read back is the answer, and its scan is enqueued.
    assert first.status == 201 and "Idempotency-Replayed" not in first.headers
    again = await api.post(DOCS, data=form(SAMPLE_TEXT), headers=headers)
    assert again.status == 201 and again.headers["Idempotency-Replayed"] == "true"
    assert (await again.json())["id"] == (await first.json())["id"]
    assert await db["documents"].count_documents({}) == 1 and await db["fs.files"].count_documents({}) == 1
    assert len(await queued_job_ids(arq_pool, settings)) == 1


async def test_an_upload_whose_outcome_stays_unknown_keeps_its_key(
    lossy_api: tuple[Any, LostAnswers], auth: dict[str, str], db: Any, settings: Settings
) -> None:
    api, repository = lossy_api
    headers = {**auth, "Idempotency-Key": "in-doubt"}
    repository.reads_fail = True
    first = await api.post(DOCS, data=form(SAMPLE_TEXT), headers=headers)
    assert first.status == 503 and "Retry-After" in first.headers
    # The document may exist (it does): the key is not given up, so a retry cannot store the file twice.
    assert (await key_record(db, "in-doubt"))["state"] == "pending"
    assert await db["fs.files"].count_documents({}) == 1
    repository.reads_fail = repository.inserted_then_lost = False
    busy = await api.post(DOCS, data=form(SAMPLE_TEXT), headers=headers)
    assert busy.status == 409
    # Once the claim is older than any request takes, the retry finds the document the first one created.
    stale = utcnow() - timedelta(seconds=settings.idempotency_pending_seconds + 1)
    await db["idempotency_keys"].update_one(
        {"_id": idempotency.record_id(USER, "in-doubt")}, {"$set": {"claimed_at": stale}}
    )
    retry = await api.post(DOCS, data=form(SAMPLE_TEXT), headers=headers)
    assert retry.status == 201 and retry.headers["Idempotency-Replayed"] == "true"
    assert await db["documents"].count_documents({}) == 1 and await db["fs.files"].count_documents({}) == 1


async def test_a_quoted_key_is_the_string_it_quotes(
    api: Any, auth: dict[str, str], stored_doc: Any, arq_pool: ArqRedis, settings: Settings
) -> None:
    doc = await stored_doc(**READY)
    first = await api.post(doc_url(doc, "rescan"), headers={**auth, "Idempotency-Key": '"tap \\"one\\""'})
    assert first.status == 202
    # The structured-field string "tap \"one\"" is the key tap "one", sent bare or quoted.
    again = await api.post(doc_url(doc, "rescan"), headers={**auth, "Idempotency-Key": 'tap "one"'})
    assert again.status == 202 and again.headers["Idempotency-Replayed"] == "true"
    assert len(await queued_job_ids(arq_pool, settings)) == 1


async def test_a_forgotten_token_with_nothing_accepted_since_the_claim_is_decided_anew(
    api: Any, auth: dict[str, str], stored_doc: Any, db: Any, arq_pool: ArqRedis, settings: Settings
) -> None:
    doc = await stored_doc(**READY)
    # The document remembers 16 other requests, all accepted before the interrupted claim was made.
    long_ago = utcnow() - timedelta(days=1)
    await db["documents"].update_one(
        {"_id": doc["_id"]},
        {"$set": {"scan.recent_tokens": [f"t{n}" for n in range(16)], "scan.requested_at": long_ago}},
    )
    await interrupted(db, doc, "lost", "never-written", settings)
    resp = await api.post(doc_url(doc, "rescan"), headers={**auth, "Idempotency-Key": "lost"})
    assert resp.status == 202 and "Idempotency-Replayed" not in resp.headers
    assert len(await queued_job_ids(arq_pool, settings)) == 1


async def test_a_keyed_request_too_slow_to_act_within_its_claim_changes_nothing(
    aiohttp_client: Any, settings: Settings, db: Any, arq_pool: ArqRedis, auth: dict[str, str], stored_doc: Any
) -> None:
    # A claim may be judged interrupted after 1 s, and a store call may take 1 s: no time is left to act in.
    hurried = settings.replace(idempotency_pending_seconds=1, mongo_timeout_ms=1000)
    api = validated(await aiohttp_client(create_app(hurried, db=db, arq_pool=arq_pool)))
    doc = await stored_doc(**READY)
    before = await db["documents"].find_one({"_id": doc["_id"]})
    resp = await api.post(doc_url(doc, "rescan"), headers={**auth, "Idempotency-Key": "slow"})
    assert resp.status == 503 and (await resp.json())["type"] == "urn:docscan:problem:service-unavailable"
    assert await db["documents"].find_one({"_id": doc["_id"]}) == before
    assert await key_record(db, "slow") is None  # given up: a retry is decided anew
    assert await queued_job_ids(arq_pool, settings) == []
