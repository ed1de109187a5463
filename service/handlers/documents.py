"""Uploading, listing and reading a child's documents."""

from __future__ import annotations

import hashlib
import logging

from aiohttp import BodyPartReader, web
from aiohttp.http_exceptions import HttpProcessingError

from ..actions import Upload
from ..auth import require_child
from ..cursor import decode_cursor, encode_cursor
from ..idempotency import Action
from ..keys import actions_key, repository_key, settings_key
from ..problems import MalformedBody, NotFound, PayloadTooLarge, UnsupportedMediaType, ValidationFailed
from ..schemas import ListQuerySchema, load_query, parse_child_id, parse_document_id, parse_idempotency_key
from ..uploads import checked_content_type, clean_filename
from ..views import document_view
from .common import DOCUMENT_PATH, DOCUMENTS_PATH, answer_response, location_of, request_key

logger = logging.getLogger(__name__)
routes = web.RouteTableDef()
LIST_QUERY = ListQuerySchema()

_MULTIPART_OVERHEAD = 64 * 1024
_READ_CHUNK = 64 * 1024


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
        content_type=checked_content_type(declared, content, settings.allowed_content_types),
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
