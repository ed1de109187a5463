"""Deleting a document and erasing a child: the content leaves the store, and nothing in flight brings it back."""

from __future__ import annotations

import asyncio
import socket
from datetime import timedelta
from typing import Any

from arq.connections import ArqRedis
from bson import ObjectId

from service import erasure
from service.jobs import reconcile
from service.metrics import Metrics
from service.repository import DocumentRepository
from service.settings import Settings
from service.stamps import utcnow
from tests.helpers import CHILD, SAMPLE_TEXT, USER, doc_url
from tests.test_documents import form
from tests.test_jobs import job_ctx

DOCS = f"/api/v1/children/{CHILD}/documents"


async def stored_content(db: Any, file_id: Any) -> tuple[int, int]:
    """How many ``fs.files`` entries and ``fs.chunks`` the store holds for a file."""
    return (
        await db["fs.files"].count_documents({"_id": file_id}),
        await db["fs.chunks"].count_documents({"files_id": file_id}),
    )


async def deep_jobs(pool: ArqRedis, settings: Settings) -> list[tuple[str, tuple[Any, ...]]]:
    return sorted((job.function, job.args) for job in await pool.queued_jobs(queue_name=settings.deep_queue_name))


async def test_delete_removes_document_and_content(
    api: Any, auth: dict[str, str], stored_doc: Any, db: Any, arq_pool: ArqRedis, settings: Settings
) -> None:
    doc = await stored_doc(content=SAMPLE_TEXT * 3000)  # several chunks
    assert await stored_content(db, doc["file_id"]) == (1, 3)
    kept = await stored_doc()

    resp = await api.delete(f"{DOCS}/{doc['_id']}", headers=auth)
    assert resp.status == 204
    assert await resp.read() == b""
    assert await db.documents.count_documents({"_id": doc["_id"]}) == 0
    assert await stored_content(db, doc["file_id"]) == (0, 0)
    assert await db.deletions.count_documents({}) == 0
    assert await deep_jobs(arq_pool, settings) == [("document_deleted", (str(doc["_id"]),))]
    for path in (f"{DOCS}/{doc['_id']}", f"{DOCS}/{doc['_id']}/content", doc_url(doc)):
        assert (await api.get(path, headers=auth)).status == 404

    again = await api.delete(f"{DOCS}/{doc['_id']}", headers=auth)
    assert again.status == 404
    assert (await again.json(content_type="application/problem+json"))["type"] == "urn:docscan:problem:not-found"
    assert await stored_content(db, kept["file_id"]) == (1, 1)
    assert await db.documents.count_documents({"_id": kept["_id"]}) == 1


async def test_delete_of_someone_elses_document_is_404_and_changes_nothing(
    api: Any, auth: dict[str, str], token: Any, stored_doc: Any, db: Any
) -> None:
    theirs = await stored_doc(owner="parent-2")
    other_child = await stored_doc(child="child-2")
    both = {"Authorization": f"Bearer {token(children=[CHILD, 'child-2'])}"}
    for doc, headers in ((theirs, auth), (other_child, auth), (other_child, both | {}), (theirs, both)):
        path = f"/api/v1/children/{CHILD}/documents/{doc['_id']}"
        resp = await api.delete(path, headers=headers)
        assert resp.status == 404
    for doc in (theirs, other_child):
        assert await db.documents.count_documents({"_id": doc["_id"]}) == 1
        assert await stored_content(db, doc["file_id"]) == (1, 1)


async def test_delete_with_a_body_is_400_and_changes_nothing(api: Any, auth: dict[str, str], stored_doc: Any) -> None:
    doc = await stored_doc()
    for path in (f"{DOCS}/{doc['_id']}", DOCS):
        resp = await api.delete(path, headers=auth, json={"really": True})
        assert resp.status == 400
        assert (await resp.json(content_type="application/problem+json"))[
            "type"
        ] == "urn:docscan:problem:malformed-body"
    assert (await api.get(f"{DOCS}/{doc['_id']}", headers=auth)).status == 200


async def test_a_queued_scan_of_a_deleted_document_writes_nothing(
    api: Any, auth: dict[str, str], run_worker: Any, db: Any
) -> None:
    created = await api.post(DOCS, data=form(SAMPLE_TEXT), headers=auth)
    assert created.status == 201
    document_id = (await created.json())["id"]
    assert (await api.delete(f"{DOCS}/{document_id}", headers=auth)).status == 204
    await run_worker()  # the scan job runs, finds nothing to claim, and ends without error
    assert await db.documents.count_documents({}) == 0
    assert await db["fs.chunks"].count_documents({}) == 0


async def test_a_running_scan_cannot_write_to_a_deleted_document(
    api: Any, auth: dict[str, str], stored_doc: Any, repo: DocumentRepository, db: Any
) -> None:
    doc = await stored_doc()
    token = doc["scan"]["token"]
    assert await repo.claim_scan(doc["_id"], token, timedelta(minutes=1)) is not None  # a worker is scanning
    assert (await api.delete(f"{DOCS}/{doc['_id']}", headers=auth)).status == 204
    assert await repo.finish_scan(doc["_id"], token, {"scan_topic_suggestion": "mathematics"}) is None
    assert await repo.fail_scan(doc["_id"], token, {"code": "x", "message": "y"}) is None
    assert await repo.release_scan(doc["_id"], token, rotate=True) is None
    assert await repo.mark_handoff_sent(doc["_id"]) is False
    assert await db.documents.count_documents({}) == 0


async def test_delete_racing_rescan_confirm_and_a_scan_ends_with_nothing(
    api: Any,
    auth: dict[str, str],
    stored_doc: Any,
    run_worker: Any,
    db: Any,
    arq_pool: ArqRedis,
    settings: Settings,
) -> None:
    for _ in range(5):
        ready = await stored_doc(scan_status="ready", pipeline_stage="awaiting_validation")
        queued = await stored_doc()
        requests = [
            api.post(doc_url(ready, "rescan"), headers=auth),
            api.post(doc_url(ready, "confirm-scan"), headers=auth, json={"topic": "science", "language": "en"}),
            api.delete(f"{DOCS}/{ready['_id']}", headers=auth),
            api.delete(f"{DOCS}/{queued['_id']}", headers=auth),
            run_worker(),  # the queued document's scan runs meanwhile
        ]
        answers = await asyncio.gather(*requests)
        assert [a.status for a in answers[2:4]] == [204, 204]
        assert answers[0].status in (202, 404, 409) and answers[1].status in (202, 404, 409)
        await run_worker()  # whatever the rescan or the confirm enqueued runs now, and fails nothing
        assert await db.documents.count_documents({}) == 0
        for doc in (ready, queued):
            assert await stored_content(db, doc["file_id"]) == (0, 0)
    assert await db.deletions.count_documents({}) == 0
    assert {name for name, _ in await deep_jobs(arq_pool, settings)} == {"document_deleted"}


async def test_a_deletion_cut_short_is_finished_by_the_reconciler(
    stored_doc: Any, repo: DocumentRepository, db: Any, arq_pool: ArqRedis, settings: Settings, metrics: Metrics
) -> None:
    doc = await stored_doc()
    target = await repo.deletion_target(doc["_id"], CHILD, USER)
    assert target is not None
    # The process died after the tombstone and the document, before the content.
    await repo.begin_deletion(target)
    await repo.delete_document(doc["_id"], CHILD, USER)
    assert await stored_content(db, doc["file_id"]) == (1, 1)
    await db.deletions.update_many({}, {"$set": {"requested_at": utcnow() - timedelta(minutes=5)}})

    counts = await reconcile(job_ctx(settings, repo, arq_pool, metrics))
    assert counts["deletions"] == 1
    assert await stored_content(db, doc["file_id"]) == (0, 0)
    assert await db.deletions.count_documents({}) == 0
    assert (await reconcile(job_ctx(settings, repo, arq_pool, metrics)))["deletions"] == 0


async def test_a_deletion_cut_short_is_finished_by_the_next_delete(
    api: Any, auth: dict[str, str], token: Any, stored_doc: Any, repo: DocumentRepository, db: Any
) -> None:
    doc = await stored_doc()
    target = await repo.deletion_target(doc["_id"], CHILD, USER)
    assert target is not None
    await repo.begin_deletion(target)
    await repo.delete_document(doc["_id"], CHILD, USER)
    stranger = {"Authorization": f"Bearer {token(user='parent-2')}"}
    assert (await api.delete(f"{DOCS}/{doc['_id']}", headers=stranger)).status == 404
    assert await stored_content(db, doc["file_id"]) == (1, 1)

    assert (await api.delete(f"{DOCS}/{doc['_id']}", headers=auth)).status == 204
    assert await stored_content(db, doc["file_id"]) == (0, 0)
    assert (await api.delete(f"{DOCS}/{doc['_id']}", headers=auth)).status == 404


async def test_a_deletion_waits_for_redis_to_tell_the_deep_pipeline(
    stored_doc: Any, repo: DocumentRepository, db: Any, settings: Settings, metrics: Metrics, arq_pool: ArqRedis
) -> None:
    doc = await stored_doc()
    target = await repo.deletion_target(doc["_id"], CHILD, USER)
    assert target is not None
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    down = ArqRedis(host="127.0.0.1", port=port, socket_connect_timeout=1)
    try:
        assert await erasure.delete_document(repo, down, settings, target, metrics) is True
    finally:
        await down.aclose()
    assert await db.documents.count_documents({}) == 0
    assert await stored_content(db, doc["file_id"]) == (0, 0)
    assert await db.deletions.count_documents({"_id": doc["_id"]}) == 1  # kept until the notice is out
    tombstone = (await repo.unfinished_deletions(utcnow() + timedelta(seconds=1), 10))[0]
    assert await erasure.finish_deletion(repo, arq_pool, settings, tombstone, metrics) is True
    assert await db.deletions.count_documents({}) == 0


async def test_erase_a_child(
    api: Any, auth: dict[str, str], stored_doc: Any, repo: DocumentRepository, db: Any, arq_pool: ArqRedis
) -> None:
    mine = [await stored_doc() for _ in range(3)]
    others = [await stored_doc(owner="parent-2"), await stored_doc(child="child-2")]
    # content of an upload whose document was never inserted, long enough ago that none will be
    orphan = await repo.store_file(b"x", "a.txt", "text/plain", {"child_profile_id": CHILD, "owner_id": USER})
    theirs = await repo.store_file(b"y", "b.txt", "text/plain", {"child_profile_id": CHILD, "owner_id": "parent-2"})
    # content of an upload in flight: stored, its document not inserted yet
    in_flight = await repo.store_file(b"z", "c.txt", "text/plain", {"child_profile_id": CHILD, "owner_id": USER})
    # an upload that lands after the erasure began (its clock says so): it is not chased
    later = await stored_doc()
    await db.documents.update_one({"_id": later["_id"]}, {"$set": {"created_at": utcnow() + timedelta(hours=1)}})
    long_ago = utcnow() - timedelta(hours=1)
    await db["fs.files"].update_many({"_id": {"$in": [orphan, theirs]}}, {"$set": {"uploadDate": long_ago}})

    resp = await api.delete(DOCS, headers=auth)
    assert resp.status == 200
    assert await resp.json() == {"deleted": 3}
    for doc in mine:
        assert await db.documents.count_documents({"_id": doc["_id"]}) == 0
        assert await stored_content(db, doc["file_id"]) == (0, 0)
    assert await stored_content(db, orphan) == (0, 0)
    for doc in others:
        assert await db.documents.count_documents({"_id": doc["_id"]}) == 1
        assert await stored_content(db, doc["file_id"]) == (1, 1)
    assert await stored_content(db, theirs) == (1, 1)
    assert await stored_content(db, in_flight) == (1, 1)
    assert await stored_content(db, later["file_id"]) == (1, 1)
    assert [item["id"] for item in (await (await api.get(DOCS, headers=auth)).json())["items"]] == [str(later["_id"])]

    again = await api.delete(DOCS, headers=auth)
    assert await again.json() == {"deleted": 0}


async def test_erase_in_batches(
    api: Any, auth: dict[str, str], stored_doc: Any, db: Any, monkeypatch: Any, arq_pool: ArqRedis, settings: Settings
) -> None:
    monkeypatch.setattr(erasure, "ERASE_BATCH", 2)
    docs = [await stored_doc() for _ in range(5)]
    resp = await api.delete(DOCS, headers=auth)
    assert await resp.json() == {"deleted": 5}
    assert await db.documents.count_documents({}) == 0
    assert len(await deep_jobs(arq_pool, settings)) == len(docs)


async def test_erase_needs_the_child_in_the_token(api: Any, token: Any, stored_doc: Any, db: Any) -> None:
    await stored_doc()
    resp = await api.delete(DOCS, headers={"Authorization": f"Bearer {token(children=['child-2'])}"})
    assert resp.status == 404
    assert await db.documents.count_documents({}) == 1


async def test_deleted_ids_are_not_reused_by_an_upload(api: Any, auth: dict[str, str], db: Any) -> None:
    created = await (await api.post(DOCS, data=form(SAMPLE_TEXT), headers=auth)).json()
    assert (await api.delete(f"{DOCS}/{created['id']}", headers=auth)).status == 204
    again = await (await api.post(DOCS, data=form(SAMPLE_TEXT), headers=auth)).json()
    assert again["id"] != created["id"]
    assert await db.documents.count_documents({"_id": ObjectId(created["id"])}) == 0


async def test_a_deleted_document_takes_its_stored_answers_with_it(
    api: Any, auth: dict[str, str], db: Any, arq_pool: ArqRedis, settings: Settings
) -> None:
    keyed = {**auth, "Idempotency-Key": "up-1"}
    uploaded = await api.post(DOCS, data=form(SAMPLE_TEXT, filename="private-name.txt"), headers=keyed)
    assert uploaded.status == 201
    document_id = (await uploaded.json())["id"]
    record = await db.idempotency_keys.find_one({"_id": {"owner": USER, "key": "up-1"}})
    assert "private-name.txt" in record["reply"]["body"]

    assert (await api.delete(f"{DOCS}/{document_id}", headers=auth)).status == 204
    record = await db.idempotency_keys.find_one({"_id": {"owner": USER, "key": "up-1"}})
    assert record["state"] == "erased" and "reply" not in record  # no name, no suggestion left behind
    jobs = await arq_pool.queued_jobs(queue_name=settings.queue_name)
    # A retry of the upload is told the document is gone; it does not store the file again.
    retry = await api.post(DOCS, data=form(SAMPLE_TEXT, filename="private-name.txt"), headers=keyed)
    assert retry.status == 404
    assert "private-name" not in await retry.text()
    assert await db.documents.count_documents({}) == 0 and await db["fs.files"].count_documents({}) == 0
    assert len(await arq_pool.queued_jobs(queue_name=settings.queue_name)) == len(jobs)
    # The key is still bound to that request: another file with it is refused.
    other = await api.post(DOCS, data=form(b"Another sheet entirely, about volcanoes."), headers=keyed)
    assert other.status == 422
