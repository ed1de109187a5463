"""The real tier for deletion: web and worker processes delete, download and erase on one Redis and one MongoDB
wire server, and the content leaves the store (``fs.files`` and ``fs.chunks``) while scans are running."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import pytest
from bson import ObjectId

from tests.helpers import CHILD
from tests.openapi_contract import check_response
from tests.real.harness import Api, Cluster, Proc, wait_for
from tests.real.test_real_tier import school_text, upload_texts

pytestmark = [pytest.mark.real, pytest.mark.timeout(240)]


async def delete(api: Api, web: Proc, document_id: Any) -> int:
    async with api.session.delete(f"{api.documents_url(web)}/{document_id}", headers=api.headers) as response:
        await check_response(response)
        return response.status


async def download(api: Api, web: Proc, document_id: Any, **headers: str) -> tuple[int, bytes]:
    url = f"{api.documents_url(web)}/{document_id}/content"
    async with api.session.get(url, headers=api.headers | headers) as response:
        body = await response.read()
        await check_response(response, body=body)
        return response.status, body


async def stored(db: Any, ids: list[ObjectId], file_ids: list[Any]) -> tuple[int, int, int, int]:
    """Documents, fs.files entries, fs.chunks and tombstones the store still holds for these documents."""
    return (
        await db.documents.count_documents({"_id": {"$in": ids}}),
        await db["fs.files"].count_documents({"_id": {"$in": file_ids}}),
        await db["fs.chunks"].count_documents({"files_id": {"$in": file_ids}}),
        await db.deletions.count_documents({"_id": {"$in": ids}}),
    )


async def test_deleting_while_workers_scan_leaves_nothing_behind(cluster: Cluster, api: Api, db: Any) -> None:
    cluster.migrate()
    webs = await cluster.start_web(2)
    workers = [await cluster.start_worker(), await cluster.start_worker()]
    # A large file, so its content spans several chunks, and a download reads them back.
    big = school_text(0) + b"\n" + b"x" * 600_000
    first = await api.upload(webs[0], big, "big.txt", "text/plain")
    status, body = await download(api, webs[1], first["id"])
    assert (status, body) == (200, big)
    status, part = await download(api, webs[1], first["id"], Range="bytes=300000-300009")
    assert (status, part) == (206, big[300000:300010])

    ids = [ObjectId(first["id"]), *await upload_texts(api, webs, 20)]
    docs = {d["_id"]: d async for d in db.documents.find({"_id": {"$in": ids}})}
    file_ids = [d["file_id"] for d in docs.values()]
    assert (await stored(db, ids, file_ids))[1] == len(ids)

    # Delete every one while the workers are scanning them, half through each web process.
    statuses = await asyncio.gather(*(delete(api, webs[i % 2], doc_id) for i, doc_id in enumerate(ids)))
    assert statuses == [204] * len(ids)

    # Wait until the workers have run every scan job there was; none may have written a document back.
    def drained() -> bool:
        client = cluster.redis.client()
        try:
            # the synchronous client: its answer is the list itself
            queued = [job.decode() for job in cast(list[bytes], client.zrange("arq:queue:scan", 0, -1))]
        finally:
            client.close()
        running = cluster.in_progress_jobs()
        return not any(job.startswith("quick_scan:") for job in [*queued, *running])

    await wait_for(drained, 120, "the scan queue to drain")
    assert await stored(db, ids, file_ids) == (0, 0, 0, 0)
    assert [await delete(api, webs[0], doc_id) for doc_id in ids[:3]] == [404, 404, 404]
    cluster.assert_alive(*webs, *workers)


async def test_erasing_a_child_over_two_web_processes(cluster: Cluster, api: Api, db: Any) -> None:
    cluster.migrate()
    webs = await cluster.start_web(2)
    await cluster.start_worker()
    ids = await upload_texts(api, webs, 12)
    file_ids = [d["file_id"] async for d in db.documents.find({"_id": {"$in": ids}})]

    async def erase(web: Proc) -> Any:
        async with api.session.delete(api.documents_url(web), headers=api.headers) as response:
            await check_response(response)
            assert response.status == 200
            return (await response.json())["deleted"]

    # Two erasures at once, as a retried gateway event would send: together they delete each document once.
    counts = await asyncio.gather(erase(webs[0]), erase(webs[1]))
    assert sum(counts) == len(ids)
    assert await stored(db, ids, file_ids) == (0, 0, 0, 0)
    assert await db.documents.count_documents({"child_profile_id": CHILD}) == 0
    assert await erase(webs[0]) == 0


async def test_erasures_racing_uploads_on_another_process_strand_no_document(
    cluster: Cluster, api: Api, db: Any
) -> None:
    cluster.migrate()
    webs = await cluster.start_web(2)
    uploaded: list[str] = []
    stranded: list[str] = []

    async def upload_all(tag: int) -> None:
        for n in range(60):
            made = await api.upload(webs[1], school_text(n) + b" %d" % tag, f"u{tag}-{n}.txt", "text/plain")
            uploaded.append(made["id"])
            # Content first, then the document: a deletion removes them in the other order, so a document found
            # after its content was found missing was stranded, not deleted.
            document_id = ObjectId(made["id"])
            content = await db["fs.files"].count_documents({"metadata.document_id": document_id})
            if not content and await db.documents.count_documents({"_id": document_id}):
                stranded.append(made["id"])

    async def erase_until(uploads: asyncio.Future[Any]) -> int:
        # Erasures one after another on the other process for as long as the uploads run, then one more.
        rounds = 0
        while True:
            done = uploads.done()
            async with api.session.delete(api.documents_url(webs[0]), headers=api.headers) as response:
                await check_response(response)
                assert response.status == 200
            rounds += 1
            if done:
                return rounds

    uploads = asyncio.ensure_future(asyncio.gather(upload_all(1), upload_all(2)))
    rounds = await asyncio.gather(erase_until(uploads), erase_until(uploads))
    await uploads
    assert len(uploaded) == 120 and min(rounds) > 1
    assert stranded == []
    # The last erasures began after the last upload answered: nothing of the child is left, and nothing was
    # ever left pointing at content an erasure had taken.
    assert await db.documents.count_documents({"child_profile_id": CHILD}) == 0
    assert await db["fs.files"].count_documents({"metadata.child_profile_id": CHILD}) == 0
