"""Upload and list, end to end through HTTP and a real burst worker."""

from __future__ import annotations

import asyncio
import io
from typing import Any

import aiohttp
import pytest
from arq.connections import ArqRedis
from bson import ObjectId

from service.queue import quick_scan_job_id
from service.repository import DocumentRepository
from service.settings import Settings
from service.uploads import clean_filename
from tests.helpers import CHILD, SAMPLE_TEXT, queued_job_ids

DOCS = f"/api/v1/children/{CHILD}/documents"


def form(content: bytes, content_type: str = "text/plain", filename: str = "notes.txt") -> aiohttp.FormData:
    data = aiohttp.FormData()
    data.add_field("file", io.BytesIO(content), filename=filename, content_type=content_type)
    return data


async def test_upload_scan_rescan_confirm_end_to_end(
    api: Any, auth: dict[str, str], run_worker: Any, repo: DocumentRepository, arq_pool: ArqRedis, settings: Settings
) -> None:
    created = await api.post(DOCS, data=form(SAMPLE_TEXT), headers=auth)
    assert created.status == 201
    doc = await created.json()
    assert doc["scan"]["scan_status"] == "queued"
    assert created.headers["Location"] == doc["links"]["scan"]
    assert await queued_job_ids(arq_pool, settings) == [quick_scan_job_id(doc["id"], doc["scan"]["token"])]

    await run_worker()
    scan = await api.get(doc["links"]["scan"], headers=auth)
    assert scan.status == 200
    body = await scan.json()
    assert body["scan_status"] == "ready"
    assert body["pipeline_stage"] == "awaiting_validation"
    assert body["suggestion"]["topic"] == "mathematics"
    assert body["suggestion"]["language"] == "en"
    assert body["suggestion"]["read"]["input_kind"] == "text"
    first_token = body["token"]
    unchanged = await api.get(doc["links"]["scan"], headers={**auth, "If-None-Match": scan.headers["ETag"]})
    assert unchanged.status == 304

    rescan = await api.post(f"{DOCS}/{doc['id']}/rescan", headers=auth)
    assert rescan.status == 202
    await run_worker()
    rescanned = await (await api.get(doc["links"]["scan"], headers=auth)).json()
    assert rescanned["scan_status"] == "ready"
    assert rescanned["token"] != first_token
    assert rescanned["attempt"] == 2

    etag = (await api.get(doc["links"]["scan"], headers=auth)).headers["ETag"]
    confirmed = await api.post(
        f"{DOCS}/{doc['id']}/confirm-scan",
        json={"topic": "mathematics", "language": "en"},
        headers={**auth, "If-Match": etag},
    )
    assert confirmed.status == 202
    await run_worker()
    stored = await repo.get_by_id(ObjectId(doc["id"]))
    assert stored is not None
    assert stored["validation_status"] == "confirmed"
    assert stored["pipeline_stage"] == "queued"
    assert stored["handoff"]["status"] == "sent"
    deep = await arq_pool.queued_jobs(queue_name=settings.deep_queue_name)
    assert [job.function for job in deep] == ["deep_pipeline"]


async def test_upload_is_stored_byte_for_byte(api: Any, auth: dict[str, str], repo: DocumentRepository) -> None:
    content = bytes(range(256)) * 4000  # several GridFS chunks, every byte value
    png = b"\x89PNG\r\n\x1a\n" + content
    resp = await api.post(DOCS, data=form(png, "image/png", "photo.png"), headers=auth)
    assert resp.status == 201
    doc = await repo.get_by_id(ObjectId((await resp.json())["id"]))
    assert doc is not None
    assert await repo.read_file(doc["file_id"]) == png
    assert doc["size"] == len(png)


async def test_upload_idempotency_key_returns_the_first_document(
    api: Any, auth: dict[str, str], db: Any, arq_pool: ArqRedis, settings: Settings
) -> None:
    headers = {**auth, "Idempotency-Key": "upload-1"}
    responses = await asyncio.gather(*(api.post(DOCS, data=form(SAMPLE_TEXT), headers=headers) for _ in range(5)))
    assert [r.status for r in responses] == [201] * 5
    assert sum(r.headers.get("Idempotency-Replayed") == "true" for r in responses) == 4
    ids = {(await r.json())["id"] for r in responses}
    assert len(ids) == 1
    assert await db["documents"].count_documents({}) == 1
    assert await db["fs.files"].count_documents({}) == 1
    assert len(await queued_job_ids(arq_pool, settings)) == 1


async def test_list_is_newest_first_and_paginated(api: Any, auth: dict[str, str], stored_doc: Any, token: Any) -> None:
    made = [await stored_doc() for _ in range(7)]
    await stored_doc(child="child-2")
    seen: list[str] = []
    cursor = None
    while True:
        url = f"{DOCS}?limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = await (await api.get(url, headers=auth)).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    expected = sorted(made, key=lambda d: (d["created_at"], d["_id"]), reverse=True)
    assert seen == [str(d["_id"]) for d in expected]
    other_user = {"Authorization": f"Bearer {token(user='parent-2')}"}
    assert (await (await api.get(DOCS, headers=other_user)).json())["items"] == []


async def test_limits_and_types_of_uploads(api: Any, auth: dict[str, str], settings: Settings, db: Any) -> None:
    too_big = await api.post(DOCS, data=form(b"a" * (settings.max_upload_bytes + 1)), headers=auth)
    assert too_big.status == 413
    assert (await too_big.json())["max_bytes"] == settings.max_upload_bytes
    zip_file = await api.post(DOCS, data=form(b"PK\x03\x04" + b"\x00" * 100, "application/zip", "a.zip"), headers=auth)
    assert zip_file.status == 415
    # the declared type is the client's text: it is not repeated back
    made_up = await api.post(DOCS, data=form(b"x", "application/x-made-up-type", "a.txt"), headers=auth)
    assert made_up.status == 415
    assert "made-up" not in await made_up.text()
    mislabelled = await api.post(DOCS, data=form(b"just text, not a picture", "image/png", "a.png"), headers=auth)
    assert mislabelled.status == 415
    fake_pdf = await api.post(
        DOCS, data=form(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "application/pdf", "a.pdf"), headers=auth
    )
    assert fake_pdf.status == 415
    empty = await api.post(DOCS, data=form(b""), headers=auth)
    assert empty.status == 422
    not_multipart = await api.post(DOCS, data=b"hello", headers={**auth, "Content-Type": "text/plain"})
    assert not_multipart.status == 415
    sniffed = await api.post(DOCS, data=form(b"%PDF-1.4\n%%EOF\n", "application/octet-stream", "x.pdf"), headers=auth)
    assert sniffed.status == 201
    assert (await sniffed.json())["content_type"] == "application/pdf"
    assert await db["documents"].count_documents({}) == 1
    assert await db["fs.files"].count_documents({}) == 1


async def test_health_ready_metrics_and_spec(api: Any) -> None:
    assert (await (await api.get("/healthz")).json()) == {"status": "ok"}
    ready = await api.get("/readyz")
    assert ready.status == 200
    assert (await ready.json())["checks"] == {"mongo": "ok", "redis": "ok"}
    await api.get("/healthz")
    metrics = await (await api.get("/metrics")).text()
    assert 'docscan_http_requests_total{method="GET",route="healthz",status="200"} 2.0' in metrics
    spec = await api.get("/openapi.yaml")
    assert (await spec.text()).startswith("openapi: 3.1")


async def test_uncommon_methods_share_one_metrics_label(api: Any) -> None:
    # A label per method a client makes up would let clients grow the metrics without bound.
    for method in ("PROPFIND", "MKCOL", "PROPFIND"):
        assert (await api.request(method, "/healthz")).status == 405
    metrics = await (await api.get("/metrics")).text()
    assert 'docscan_http_requests_total{method="other",route="unmatched",status="405"} 3.0' in metrics
    assert "PROPFIND" not in metrics and "MKCOL" not in metrics


@pytest.mark.parametrize(
    "raw,kept",
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\sheet.pdf", "sheet.pdf"),
        ("..", "upload"),
        (".", "upload"),
        ("\u202etxt.exe", "txt.exe"),
        ("a" * 300 + ".pdf", "a" * 251 + ".pdf"),
        ("a" * 300, "a" * 255),
        ("b" * 300 + "." + "c" * 40, ("b" * 300 + "." + "c" * 40)[:255]),
        ("Cafe\u0301.txt", "Caf\u00e9.txt"),
    ],
)
def test_file_names_are_cleaned_and_keep_their_extension(raw: str, kept: str) -> None:
    assert clean_filename(raw) == kept
