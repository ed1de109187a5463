"""Uploading, listing and reading a child's documents."""

from __future__ import annotations

import asyncio
import logging
import re
import unicodedata

from aiohttp import BodyPartReader, web
from aiohttp.http_exceptions import HttpProcessingError
from bson import ObjectId
from pymongo.errors import PyMongoError

from .. import state
from ..auth import require_child
from ..keys import arq_pool_key, metrics_key, repository_key, settings_key
from ..problems import (
    IdempotencyKeyReused,
    MalformedBody,
    NotFound,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
)
from ..queue import QUICK_SCAN, enqueue, quick_scan_job_id
from ..repository import DocumentRepository, new_token, utcnow
from ..schemas import ListQuerySchema, load_query, parse_child_id, parse_document_id, parse_idempotency_key
from ..views import decode_cursor, document_view, encode_cursor

logger = logging.getLogger(__name__)
routes = web.RouteTableDef()

_MULTIPART_OVERHEAD = 64 * 1024
_READ_CHUNK = 64 * 1024
_WEBP = re.compile(rb"^RIFF....WEBP", re.DOTALL)


def sniff_content_type(head: bytes) -> str | None:
    """The type the bytes themselves show, or ``None``.

    :param head: the first bytes of the file
    """
    if head.lstrip(b"\x00\t\n\r\x0c ")[:5] == b"%PDF-" or b"%PDF-" in head[:1024]:
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if _WEBP.match(head[:12]):
        return "image/webp"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" not in head[:8192]:
        # Control bytes other than whitespace are rare in text; many of them mean a binary format we don't know.
        sample = head[:8192]
        controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
        if head.startswith((b"\xff\xfe", b"\xfe\xff")) or controls <= len(sample) // 100:
            return "text/plain"
    return None


def clean_filename(raw: str | None) -> str:
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C").strip()
    return name[:255] or "upload"


def scan_url(request: web.Request, child: str, document_id: object) -> str:
    return str(request.app.router["get_scan"].url_for(child=child, document=str(document_id)))


async def _read_file_part(request: web.Request, max_bytes: int) -> tuple[BodyPartReader, bytes]:
    if request.content_type != "multipart/form-data":
        raise UnsupportedMediaType(
            "Upload the file as multipart/form-data with a part named 'file'.",
            extensions={"allowed_types": ["multipart/form-data"]},
        )
    if request.content_length is not None and request.content_length > max_bytes + _MULTIPART_OVERHEAD:
        raise PayloadTooLarge(f"The file is larger than {max_bytes} bytes.", extensions={"max_bytes": max_bytes})
    try:
        reader = await request.multipart()
        found: tuple[BodyPartReader, bytes] | None = None
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader) or part.name != "file" or found is not None:
                raise MalformedBody("The form must have exactly one part, named 'file'.")
            content = bytearray()
            while chunk := await part.read_chunk(_READ_CHUNK):
                content.extend(chunk)
                if len(content) > max_bytes:
                    raise PayloadTooLarge(
                        f"The file is larger than {max_bytes} bytes.", extensions={"max_bytes": max_bytes}
                    )
            found = (part, bytes(content))
    except (ValueError, AssertionError, RuntimeError, HttpProcessingError) as exc:
        raise MalformedBody(f"The multipart body could not be read: {exc}") from None
    if found is None:
        raise MalformedBody("The form has no part named 'file'.")
    return found


def _check_type(declared: str, content: bytes, allowed: tuple[str, ...]) -> str:
    sniffed = sniff_content_type(content[:8192])
    if declared in ("", "application/octet-stream"):
        declared = sniffed or "application/octet-stream"
    if declared not in allowed:
        raise UnsupportedMediaType(
            f"Files of type {declared} are not accepted.", extensions={"allowed_types": list(allowed)}
        )
    if sniffed != declared:
        raise UnsupportedMediaType(
            f"The file is labelled {declared} but its content is not.", extensions={"allowed_types": list(allowed)}
        )
    return declared


@routes.post("/api/v1/children/{child:[^/]+}/documents", name="upload_document")
async def upload_document(request: web.Request) -> web.Response:
    child = parse_child_id(request.match_info["child"])
    identity = require_child(request, child)
    key = parse_idempotency_key(request.headers.get("Idempotency-Key"))
    settings = request.app[settings_key]
    repo = request.app[repository_key]
    metrics = request.app[metrics_key]

    if key is not None:
        existing = await repo.find_by_upload_key(identity.user_id, key)
        if existing is not None:
            return _replayed_upload(request, existing, child)
        if await repo.rescan_key_used(identity.user_id, key):
            raise IdempotencyKeyReused("This Idempotency-Key was already used for a rescan.")

    part, content = await _read_file_part(request, settings.max_upload_bytes)
    if not content:
        raise ValidationFailed("The file is empty.", extensions={"errors": {"file": ["is empty"]}})
    declared = (part.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()
    content_type = _check_type(declared, content, settings.allowed_content_types)
    filename = clean_filename(part.filename)

    document_id = ObjectId()
    file_id = await repo.store_file(
        content,
        filename,
        content_type,
        {"child_profile_id": child, "owner_id": identity.user_id, "document_id": document_id},
    )
    token = new_token()
    doc = state.new_document(
        document_id=document_id,
        child_id=child,
        owner_id=identity.user_id,
        filename=filename,
        content_type=content_type,
        size=len(content),
        file_id=file_id,
        token=token,
        now=utcnow(),
        upload_key=key,
    )
    try:
        inserted = await repo.insert_document(doc)
    except BaseException:
        # Remove the content if no document points at it; after a timeout the insert may have happened.
        await asyncio.shield(_discard_unused_file(repo, document_id, file_id))
        raise
    if inserted is None:
        # A concurrent retry with the same key won the insert; answer with its document, keep one copy of the file.
        await repo.delete_file(file_id)
        assert key is not None
        existing = await repo.find_by_upload_key(identity.user_id, key)
        if existing is None:
            raise MalformedBody("The upload conflicted with another one; try again.")
        return _replayed_upload(request, existing, child)

    await enqueue(
        request.app[arq_pool_key],
        QUICK_SCAN,
        str(document_id),
        token,
        job_id=quick_scan_job_id(document_id, token),
        queue_name=settings.queue_name,
        metrics=metrics,
    )
    metrics.uploads.labels("created").inc()
    logger.info("uploaded document %s (%s, %d bytes)", document_id, content_type, len(content))
    location = scan_url(request, child, document_id)
    return web.json_response(document_view(doc, location), status=201, headers={"Location": location})


async def _discard_unused_file(repo: DocumentRepository, document_id: ObjectId, file_id: ObjectId) -> None:
    try:
        if await repo.get_by_id(document_id) is None:
            await repo.delete_file(file_id)
    except PyMongoError as exc:
        logger.warning("kept the content %s of an upload whose insert failed: %s", file_id, exc)


def _replayed_upload(request: web.Request, existing: state.Doc, child: str) -> web.Response:
    if existing["child_profile_id"] != child:
        raise IdempotencyKeyReused("This Idempotency-Key was already used for another child's upload.")
    request.app[metrics_key].uploads.labels("replayed").inc()
    location = scan_url(request, child, existing["_id"])
    return web.json_response(
        document_view(existing, location), status=200, headers={"Location": location, "Idempotency-Replayed": "true"}
    )


@routes.get("/api/v1/children/{child:[^/]+}/documents", name="list_documents", allow_head=False)
async def list_documents(request: web.Request) -> web.Response:
    child = parse_child_id(request.match_info["child"])
    identity = require_child(request, child)
    settings = request.app[settings_key]
    query = load_query(ListQuerySchema(), request.query)
    limit = query["limit"] or settings.page_size_default
    after = decode_cursor(query["cursor"]) if query["cursor"] else None
    page = await request.app[repository_key].list_page(child, identity.user_id, limit, after)
    return web.json_response(
        {
            "items": [document_view(doc, scan_url(request, child, doc["_id"])) for doc in page.items],
            "next_cursor": encode_cursor(page.last_key) if page.last_key else None,
        }
    )


@routes.get("/api/v1/children/{child:[^/]+}/documents/{document:[^/]+}", name="get_document", allow_head=False)
async def get_document(request: web.Request) -> web.Response:
    child = parse_child_id(request.match_info["child"])
    document_id = parse_document_id(request.match_info["document"])
    identity = require_child(request, child)
    doc = await request.app[repository_key].get(document_id, child, identity.user_id)
    if doc is None:
        raise NotFound("No such child profile or document.")
    return web.json_response(document_view(doc, scan_url(request, child, document_id)))
