"""Uploading, listing and reading a child's documents."""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata

from aiohttp import BodyPartReader, web
from aiohttp.http_exceptions import HttpProcessingError

from ..actions import Upload
from ..auth import require_child
from ..idempotency import Action
from ..keys import actions_key, repository_key, settings_key
from ..problems import MalformedBody, NotFound, PayloadTooLarge, UnsupportedMediaType, ValidationFailed
from ..schemas import ListQuerySchema, load_query, parse_child_id, parse_document_id, parse_idempotency_key
from ..views import decode_cursor, document_view, encode_cursor
from .common import DOCUMENT_PATH, DOCUMENTS_PATH, answer_response, location_of, request_key

logger = logging.getLogger(__name__)
routes = web.RouteTableDef()
LIST_QUERY = ListQuerySchema()

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
    except (ValueError, AssertionError, RuntimeError, HttpProcessingError):
        # Never aiohttp's text: it quotes the body.
        raise MalformedBody("The multipart body could not be read.") from None
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


@routes.post(DOCUMENTS_PATH, name="upload_document")
async def upload_document(request: web.Request) -> web.Response:
    child = parse_child_id(request.match_info["child"])
    identity = require_child(request, child)
    # A malformed key is refused before the body is read.
    parse_idempotency_key(request.headers.getall("Idempotency-Key", []))
    settings = request.app[settings_key]
    part, content = await _read_file_part(request, settings.max_upload_bytes)
    if not content:
        raise ValidationFailed("The file is empty.", extensions={"errors": {"file": ["is empty"]}})
    declared = (part.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()
    upload = Upload(
        filename=clean_filename(part.filename),
        content_type=_check_type(declared, content, settings.allowed_content_types),
        content=content,
    )
    digest = {
        "sha256": hashlib.sha256(content).hexdigest(),
        "filename": upload.filename,
        "content_type": upload.content_type,
    }
    key = request_key(request, Action.UPLOAD, child, "", digest)
    answer = await request.app[actions_key].upload(child, identity.user_id, upload, key, location_of(request, child))
    return answer_response(answer)


@routes.get(DOCUMENTS_PATH, name="list_documents", allow_head=False)
async def list_documents(request: web.Request) -> web.Response:
    child = parse_child_id(request.match_info["child"])
    identity = require_child(request, child)
    settings = request.app[settings_key]
    query = load_query(LIST_QUERY, request.query)
    limit = query["limit"] or settings.page_size_default
    after = decode_cursor(query["cursor"]) if query["cursor"] else None
    page = await request.app[repository_key].list_page(child, identity.user_id, limit, after)
    scan_url = location_of(request, child)
    return web.json_response(
        {
            "items": [document_view(doc, scan_url(doc["_id"])) for doc in page.items],
            "next_cursor": encode_cursor(page.last_key) if page.last_key else None,
        }
    )


@routes.get(DOCUMENT_PATH, name="get_document", allow_head=False)
async def get_document(request: web.Request) -> web.Response:
    child = parse_child_id(request.match_info["child"])
    document_id = parse_document_id(request.match_info["document"])
    identity = require_child(request, child)
    doc = await request.app[repository_key].get(document_id, child, identity.user_id)
    if doc is None:
        raise NotFound("No such child profile or document.")
    return web.json_response(document_view(doc, location_of(request, child)(document_id)))
