"""Reading a document and downloading its file: bytes as uploaded, headers, byte ranges, and bad input."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import unquote

import aiohttp
import pytest
from bson import ObjectId

from service.handlers.content import accepts, byte_range, content_disposition
from service.problems import Problem
from service.repository import CHUNK_SIZE, DocumentRepository
from tests.helpers import CHILD

DOCS = f"/api/v1/children/{CHILD}/documents"
#: three GridFS chunks and a bit, every byte value
BINARY = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 3100


def form(content: bytes, content_type: str, filename: str) -> aiohttp.FormData:
    # Unquoted, as browsers and curl send a UTF-8 name; aiohttp's default would percent-encode it.
    data = aiohttp.FormData(quote_fields=False)
    data.add_field("file", io.BytesIO(content), filename=filename, content_type=content_type)
    return data


async def upload(api: Any, auth: dict[str, str], content: bytes = BINARY, filename: str = "photo.png") -> Any:
    resp = await api.post(DOCS, data=form(content, "image/png", filename), headers=auth)
    assert resp.status == 201
    return await resp.json()


async def test_get_document_answers_as_the_list_does(api: Any, auth: dict[str, str]) -> None:
    doc = await upload(api, auth)
    resp = await api.get(f"{DOCS}/{doc['id']}", headers=auth)
    assert resp.status == 200
    assert await resp.json() == doc
    listed = await (await api.get(DOCS, headers=auth)).json()
    assert listed["items"] == [doc]


async def test_download_is_the_upload_byte_for_byte(api: Any, auth: dict[str, str]) -> None:
    assert len(BINARY) > 3 * CHUNK_SIZE
    name = 'Zeugnis Grüße "final" 100%.png'
    doc = await upload(api, auth, filename=name)
    resp = await api.get(f"{DOCS}/{doc['id']}/content", headers=auth)
    assert resp.status == 200
    assert await resp.read() == BINARY
    assert resp.headers["Content-Type"] == "image/png"
    assert resp.headers["Content-Length"] == str(len(BINARY))
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Accept-Ranges"] == "bytes"
    assert resp.headers["Cache-Control"] == "private, no-cache"
    disposition = resp.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="Zeugnis Gr__e _final_ 100_.png"; ')
    assert unquote(disposition.split("filename*=UTF-8''", 1)[1]) == name

    etag = resp.headers["ETag"]
    again = await api.get(f"{DOCS}/{doc['id']}/content", headers={**auth, "If-None-Match": etag})
    assert again.status == 304
    assert again.headers["ETag"] == etag


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=0-9", 0, 9),
        (f"bytes={CHUNK_SIZE - 10}-{CHUNK_SIZE + 9}", CHUNK_SIZE - 10, CHUNK_SIZE + 9),  # across a chunk boundary
        (f"bytes={2 * CHUNK_SIZE}-", 2 * CHUNK_SIZE, len(BINARY) - 1),
        ("bytes=-5", len(BINARY) - 5, len(BINARY) - 1),
        ("BYTES=3-3", 3, 3),
        (f"bytes=10-{10**30}", 10, len(BINARY) - 1),  # an end past the end is the end
        (f"bytes=-{10**30}", 0, len(BINARY) - 1),
    ],
)
async def test_one_byte_range(api: Any, auth: dict[str, str], header: str, first: int, last: int) -> None:
    doc = await upload(api, auth)
    resp = await api.get(f"{DOCS}/{doc['id']}/content", headers={**auth, "Range": header})
    assert resp.status == 206
    assert await resp.read() == BINARY[first : last + 1]
    assert resp.headers["Content-Range"] == f"bytes {first}-{last}/{len(BINARY)}"


@pytest.mark.parametrize(
    "header",
    [
        "bytes=0-1,5-6",
        "bytes=5-1",
        "items=0-1",
        "bytes=",
        "bytes=-",
        "0-1",
        "bytes=a-b",
        "bytes = 0-1",
        "bytes=\u0660-\u0663",  # Arabic-Indic digits: a range is ASCII digits (RFC 9110 DIGIT)
    ],
)
async def test_ranges_we_do_not_serve_are_ignored(api: Any, auth: dict[str, str], header: str) -> None:
    doc = await upload(api, auth)
    resp = await api.get(f"{DOCS}/{doc['id']}/content", headers={**auth, "Range": header})
    assert resp.status == 200
    assert await resp.read() == BINARY


@pytest.mark.parametrize("header", [f"bytes={len(BINARY)}-", f"bytes={10**40}-{10**41}", "bytes=-0"])
async def test_a_range_past_the_end_is_a_416_problem(api: Any, auth: dict[str, str], header: str) -> None:
    doc = await upload(api, auth)
    resp = await api.get(f"{DOCS}/{doc['id']}/content", headers={**auth, "Range": header})
    assert resp.status == 416
    body = await resp.json(content_type="application/problem+json")
    assert body["type"] == "urn:docscan:problem:range-not-satisfiable"
    assert body["size"] == len(BINARY)
    assert resp.headers["Content-Range"] == f"bytes */{len(BINARY)}"


async def test_if_range_honours_the_range_only_for_the_current_content(api: Any, auth: dict[str, str]) -> None:
    doc = await upload(api, auth)
    url = f"{DOCS}/{doc['id']}/content"
    etag = (await api.get(url, headers=auth)).headers["ETag"]
    same = await api.get(url, headers={**auth, "Range": "bytes=0-1", "If-Range": etag})
    assert (same.status, await same.read()) == (206, BINARY[:2])
    other = await api.get(url, headers={**auth, "Range": "bytes=0-1", "If-Range": '"something-else"'})
    assert (other.status, len(await other.read())) == (200, len(BINARY))


@pytest.mark.parametrize(
    ("accept", "status"),
    [
        ("image/png", 200),
        ("image/*", 200),
        ("*/*", 200),
        ("application/json, */*;q=0.1", 200),
        ("application/json", 406),
        ("text/*, application/problem+json", 406),
        ("image/png;q=0, */*", 406),
        ("image/*;q=0", 406),
        ("image/png;q=oops", 406),
    ],
)
async def test_accept(api: Any, auth: dict[str, str], accept: str, status: int) -> None:
    doc = await upload(api, auth)
    resp = await api.get(f"{DOCS}/{doc['id']}/content", headers={**auth, "Accept": accept})
    assert resp.status == status
    if status == 406:
        body = await resp.json(content_type="application/problem+json")
        assert (body["type"], body["available_types"]) == ("urn:docscan:problem:not-acceptable", ["image/png"])


async def test_other_users_and_children_get_404(api: Any, auth: dict[str, str], token: Any) -> None:
    doc = await upload(api, auth)
    stranger = {"Authorization": f"Bearer {token(user='parent-2')}"}
    other_child = {"Authorization": f"Bearer {token(children=['child-2'])}"}
    for path in (f"{DOCS}/{doc['id']}", f"{DOCS}/{doc['id']}/content"):
        for headers in (stranger, other_child):
            resp = await api.get(path, headers=headers)
            assert resp.status == 404, (path, headers)
            assert (await resp.json(content_type="application/problem+json"))["type"] == "urn:docscan:problem:not-found"
        resp = await api.get(
            path.replace(CHILD, "child-2"),
            headers={"Authorization": f"Bearer {token(children=['child-1', 'child-2'])}"},
        )
        assert resp.status == 404


async def test_content_gone_is_not_found(api: Any, auth: dict[str, str], repo: DocumentRepository) -> None:
    doc = await upload(api, auth)
    stored = await repo.get_by_id(ObjectId(doc["id"]))
    assert stored is not None
    await repo.delete_file(stored["file_id"])
    resp = await api.get(f"{DOCS}/{doc['id']}/content", headers=auth)
    assert resp.status == 404


@pytest.mark.parametrize("name", ["Range", "If-Range", "If-None-Match"])
async def test_overlong_conditions_are_400(api: Any, auth: dict[str, str], name: str) -> None:
    doc = await upload(api, auth)
    resp = await api.get(f"{DOCS}/{doc['id']}/content", headers={**auth, name: "x" * 1025})
    assert resp.status == 400
    body = await resp.json(content_type="application/problem+json")
    assert body["type"] == "urn:docscan:problem:invalid-parameter"
    assert "x" * 20 not in str(body)


async def test_head_is_not_served(api: Any, auth: dict[str, str]) -> None:
    doc = await upload(api, auth)
    for path in (f"{DOCS}/{doc['id']}/content", f"{DOCS}/{doc['id']}", DOCS, doc["links"]["scan"], "/healthz"):
        resp = await api.client.head(path, headers=auth)
        assert resp.status == 405, path


def test_byte_range_rules() -> None:
    assert byte_range(None, 10) is None
    assert byte_range("bytes=2-4", 10) == (2, 4)
    assert byte_range("bytes=-3", 10) == (7, 9)
    assert byte_range("bytes=-30", 10) == (0, 9)
    assert byte_range("bytes=8-", 10) == (8, 9)
    with pytest.raises(Problem):
        byte_range("bytes=10-", 10)
    with pytest.raises(Problem):
        byte_range("bytes=-1", 0)


def test_accept_rules() -> None:
    assert accepts(None, "text/plain") and accepts("", "text/plain") and accepts(" ", "text/plain")
    assert accepts("text/plain;q=0.5", "text/plain")
    assert not accepts("text/html", "text/plain")


def test_content_disposition_of_plain_and_hostile_names() -> None:
    assert content_disposition("notes.txt") == "attachment; filename=\"notes.txt\"; filename*=UTF-8''notes.txt"
    hostile = content_disposition('a"\\b\r\n.pdf')
    assert "\r" not in hostile and "\n" not in hostile
    assert hostile.startswith('attachment; filename="a__b__.pdf"; ')
