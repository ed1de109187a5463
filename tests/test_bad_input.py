"""Bad input: a clear 4xx problem+json, never a 500, never a state change, never a job."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import pytest
from arq.connections import ArqRedis
from multidict import CIMultiDict

from service.repository import DocumentRepository
from service.settings import Settings
from tests.helpers import CHILD, queued_job_ids

READY = {
    "scan_status": "ready",
    "pipeline_stage": "awaiting_validation",
    "scan_topic_suggestion": "music",
    "scan_language_suggestion": "en",
    "scan_confidence": 0.5,
    "scan_alternatives": [],
    "scan_model": "m",
}


@pytest.fixture
async def target(stored_doc: Any) -> dict[str, Any]:
    doc: dict[str, Any] = await stored_doc(**READY)
    return doc


def url(doc: dict[str, Any], action: str) -> str:
    return f"/api/v1/children/{CHILD}/documents/{doc['_id']}/{action}"


CONFIRM_CASES = [
    # (kwargs of the request, status, problem slug)
    ({"data": b"{not json", "headers": {"Content-Type": "application/json"}}, 400, "malformed-body"),
    ({"data": b"", "headers": {"Content-Type": "application/json"}}, 400, "malformed-body"),
    (
        {"data": b"topic=music", "headers": {"Content-Type": "application/x-www-form-urlencoded"}},
        415,
        "unsupported-media-type",
    ),
    ({"json": []}, 422, "validation-error"),
    ({"json": "music"}, 422, "validation-error"),
    ({"json": {}}, 422, "validation-error"),
    ({"json": {"topic": "music"}}, 422, "validation-error"),
    ({"json": {"topic": "cooking", "language": "en"}}, 422, "validation-error"),
    ({"json": {"topic": "music", "language": "xx"}}, 422, "validation-error"),
    ({"json": {"topic": "music", "language": "EN"}}, 422, "validation-error"),
    ({"json": {"topic": "music", "language": "english"}}, 422, "validation-error"),
    ({"json": {"topic": {"$ne": None}, "language": "en"}}, 422, "validation-error"),
    (
        {"json": {"topic": "music", "language": "en", "$set": {"validation_status": "confirmed"}}},
        422,
        "validation-error",
    ),
    ({"json": {"topic": "music", "language": "en", "validation_status": "confirmed"}}, 422, "validation-error"),
    ({"json": {"topic": ["music"], "language": "en"}}, 422, "validation-error"),
    # Python's decoder reads NaN and Infinity; JSON has neither
    (
        {"data": b'{"topic": "music", "language": NaN}', "headers": {"Content-Type": "application/json"}},
        400,
        "malformed-body",
    ),
    ({"json": {"topic": "music", "language": "en"}, "headers": {"If-Match": "garbage"}}, 400, "invalid-parameter"),
    ({"json": {"topic": "music", "language": "en"}, "headers": {"If-Match": '"{$ne: 1}"'}}, 400, "invalid-parameter"),
]


@pytest.mark.parametrize("kwargs,status,slug", CONFIRM_CASES)
async def test_bad_confirm_requests(
    api: Any,
    auth: dict[str, str],
    target: dict[str, Any],
    kwargs: dict[str, Any],
    status: int,
    slug: str,
    repo: DocumentRepository,
    arq_pool: ArqRedis,
    settings: Settings,
) -> None:
    before = await repo.get_by_id(target["_id"])
    headers = {**auth, **kwargs.pop("headers", {})}
    resp = await api.post(url(target, "confirm-scan"), headers=headers, **kwargs)
    assert resp.status == status
    body = await resp.json()
    assert body["type"] == f"urn:docscan:problem:{slug}"
    assert body["status"] == status
    assert await repo.get_by_id(target["_id"]) == before
    assert await queued_job_ids(arq_pool, settings) == []


RESCAN_CASES = [
    ({"json": {"force": True}}, 422, "validation-error"),
    ({"json": {"$where": "sleep(1000)"}}, 422, "validation-error"),
    ({"data": b"[1,", "headers": {"Content-Type": "application/json"}}, 400, "malformed-body"),
    ({"data": b"x", "headers": {"Content-Type": "text/plain"}}, 415, "unsupported-media-type"),
    ({"headers": {"Idempotency-Key": ""}}, 400, "invalid-idempotency-key"),
    ({"headers": {"Idempotency-Key": "k" * 256}}, 400, "invalid-idempotency-key"),
    ({"headers": {"Idempotency-Key": "   "}}, 400, "invalid-idempotency-key"),
    ({"headers": {"Idempotency-Key": '""'}}, 400, "invalid-idempotency-key"),
    # two keys combined into one field line, as an intermediary joins repeated fields, are not one key
    ({"headers": {"Idempotency-Key": '"tap-1", "tap-2"'}}, 400, "invalid-idempotency-key"),
    ({"headers": {"Idempotency-Key": '"unterminated'}}, 400, "invalid-idempotency-key"),
    # the same, unquoted
    ({"headers": {"Idempotency-Key": "tap-1, tap-2"}}, 400, "invalid-idempotency-key"),
    ({"data": b"[" * 10_000, "headers": {"Content-Type": "application/json"}}, 400, "malformed-body"),
]


@pytest.mark.parametrize("kwargs,status,slug", RESCAN_CASES)
async def test_bad_rescan_requests(
    api: Any,
    auth: dict[str, str],
    target: dict[str, Any],
    kwargs: dict[str, Any],
    status: int,
    slug: str,
    repo: DocumentRepository,
    arq_pool: ArqRedis,
    settings: Settings,
) -> None:
    before = await repo.get_by_id(target["_id"])
    headers = {**auth, **kwargs.pop("headers", {})}
    resp = await api.post(url(target, "rescan"), headers=headers, **kwargs)
    assert resp.status == status
    assert (await resp.json())["type"] == f"urn:docscan:problem:{slug}"
    assert await repo.get_by_id(target["_id"]) == before
    assert await queued_job_ids(arq_pool, settings) == []


async def test_two_idempotency_keys_are_refused(
    api: Any,
    auth: dict[str, str],
    target: dict[str, Any],
    repo: DocumentRepository,
    arq_pool: ArqRedis,
    settings: Settings,
) -> None:
    headers = CIMultiDict(auth)
    headers.add("Idempotency-Key", "tap-1")
    headers.add("Idempotency-Key", "tap-2")
    before = await repo.get_by_id(target["_id"])
    for path in (url(target, "rescan"), f"/api/v1/children/{CHILD}/documents"):
        resp = await api.post(path, headers=headers)
        assert resp.status == 400, path
        assert (await resp.json())["type"] == "urn:docscan:problem:invalid-idempotency-key"
    assert await repo.get_by_id(target["_id"]) == before
    assert await queued_job_ids(arq_pool, settings) == []


@pytest.mark.parametrize(
    "path,status,slug",
    [
        ("/api/v1/children/child-1/documents/not-an-id/scan", 400, "invalid-parameter"),
        ("/api/v1/children/child-1/documents/0123456789ABCDEF01234567/scan", 400, "invalid-parameter"),
        ("/api/v1/children/child-1/documents/0123456789abcdef01234567%0A/scan", 400, "invalid-parameter"),
        ("/api/v1/children/child-1%0A/documents", 400, "invalid-parameter"),
        ('/api/v1/children/child-1/documents/{"$gt":""}/scan', 400, "invalid-parameter"),
        ("/api/v1/children/ch%24ild/documents", 400, "invalid-parameter"),
        ("/api/v1/children/child-1/documents/0123456789abcdef01234567/scan", 404, "not-found"),
        ("/api/v1/children/child-1/documents?limit=0", 400, "invalid-parameter"),
        ("/api/v1/children/child-1/documents?limit=101", 400, "invalid-parameter"),
        ("/api/v1/children/child-1/documents?limit=ten", 400, "invalid-parameter"),
        # int() reads other scripts' digits, signs and spaces; a query parameter is ASCII digits
        ("/api/v1/children/child-1/documents?limit=%D9%A3", 400, "invalid-parameter"),
        ("/api/v1/children/child-1/documents?limit=%EF%BC%92", 400, "invalid-parameter"),
        ("/api/v1/children/child-1/documents?limit=+5", 400, "invalid-parameter"),
        ("/api/v1/children/child-1/documents?limit=%205", 400, "invalid-parameter"),
        ("/api/v1/children/child-1/documents?cursor=%%%%", 400, "invalid-parameter"),
        ("/api/v1/children/child-1/documents?cursor=eyJ0IjoxfQ", 400, "invalid-parameter"),
        # far-off time zones at the ends of the calendar: the date would not fit BSON once in UTC
        (
            "/api/v1/children/child-1/documents?cursor="
            + base64.urlsafe_b64encode(b'{"t":"9999-12-31T23:59:59-23:59","id":"0123456789abcdef01234567"}').decode(),
            400,
            "invalid-parameter",
        ),
        (
            "/api/v1/children/child-1/documents?cursor="
            + base64.urlsafe_b64encode(b'{"t":"2026-01-01T00:00:00","id":"0123456789abcdef01234567"}').decode(),
            400,
            "invalid-parameter",
        ),
        ("/api/v1/children/child-1/documents?limit=1&limit=2", 400, "invalid-parameter"),
        ("/api/v1/children/child-1/documents?sort[$gt]=1", 400, "invalid-parameter"),
        ("/api/v1/nothing-here", 404, "not-found"),
    ],
)
async def test_bad_paths_and_queries(api: Any, auth: dict[str, str], path: str, status: int, slug: str) -> None:
    resp = await api.get(path, headers=auth)
    assert resp.status == status
    assert (await resp.json())["type"] == f"urn:docscan:problem:{slug}"


async def test_unknown_names_are_refused_without_being_repeated(
    api: Any, auth: dict[str, str], target: dict[str, Any], repo: DocumentRepository
) -> None:
    before = await repo.get_by_id(target["_id"])
    answers = [
        await api.get(f"/api/v1/children/{CHILD}/documents?limit=2&Xecho-me=1", headers=auth),
        await api.post(url(target, "rescan"), json={"Xecho-me": 1}, headers=auth),
        await api.post(
            url(target, "confirm-scan"), json={"topic": "music", "language": "en", "Xecho-me": 1}, headers=auth
        ),
    ]
    for resp, status in zip(answers, (400, 422, 422), strict=True):
        assert resp.status == status
        body = await resp.text()
        assert "echo" not in body.lower()
        assert "Unknown fields are not accepted" in json.loads(body)["errors"]["_schema"][0]
    assert await repo.get_by_id(target["_id"]) == before


async def test_wrong_method_is_405_problem(api: Any, auth: dict[str, str], target: dict[str, Any]) -> None:
    resp = await api.delete(url(target, "scan"), headers=auth)
    assert resp.status == 405
    assert (await resp.json())["type"] == "urn:docscan:problem:method-not-allowed"
    assert "POST" not in resp.headers["Allow"] and "GET" in resp.headers["Allow"]


async def test_malformed_multipart(api: Any, auth: dict[str, str], db: Any) -> None:
    headers = {**auth, "Content-Type": "multipart/form-data; boundary=xyz"}
    resp = await api.post(f"/api/v1/children/{CHILD}/documents", data=b"--xyz\r\nbroken", headers=headers)
    assert resp.status == 400
    assert await db["documents"].count_documents({}) == 0


@pytest.mark.parametrize("size", [20_000, 4 * 1024 * 1024])
async def test_a_json_body_over_the_limit_is_413_problem(
    api: Any, auth: dict[str, str], target: dict[str, Any], size: int, repo: DocumentRepository
) -> None:
    before = await repo.get_by_id(target["_id"])
    huge = b'{"topic": "' + b"m" * size + b'", "language": "en"}'
    for action in ("confirm-scan", "rescan"):
        resp = await api.post(
            url(target, action), data=io.BytesIO(huge), headers={**auth, "Content-Type": "application/json"}
        )
        assert resp.status == 413
        body = await resp.json()
        assert body["type"] == "urn:docscan:problem:payload-too-large"
        assert body["max_bytes"] == 16 * 1024
    assert await repo.get_by_id(target["_id"]) == before
