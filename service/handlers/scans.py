"""A document's scan: read it, ask for a rescan, confirm its suggestion."""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import web
from bson import ObjectId

from ..actions import Target
from ..auth import Identity, require_child
from ..conditional import etag_matches, scan_etag, token_from_if_match
from ..idempotency import Action
from ..keys import actions_key, repository_key
from ..problems import MalformedBody, NotFound, PayloadTooLarge, UnsupportedMediaType
from ..repository import DocumentRepository
from ..schemas import ConfirmScanSchema, RescanSchema, load_body, parse_child_id, parse_document_id
from ..state import Document
from ..views import scan_view
from .common import DOCUMENT_PATH, answer_response, location_of, request_key

logger = logging.getLogger(__name__)
routes = web.RouteTableDef()

#: rescan and confirm bodies are a few dozen bytes; anything much larger is a mistake or an attack
MAX_JSON_BYTES = 16 * 1024
RESCAN = RescanSchema()
CONFIRM = ConfirmScanSchema()


def _target(request: web.Request) -> tuple[str, ObjectId, Identity]:
    child = parse_child_id(request.match_info["child"])
    document_id = parse_document_id(request.match_info["document"])
    return child, document_id, require_child(request, child)


async def _json_body(request: web.Request, *, required: bool) -> Any:
    if not request.body_exists:
        if required:
            raise MalformedBody("A JSON body is required.")
        return {}
    if request.content_type != "application/json":
        raise UnsupportedMediaType(
            "The body must be application/json.", extensions={"allowed_types": ["application/json"]}
        )
    too_large = PayloadTooLarge(
        f"A JSON body may have at most {MAX_JSON_BYTES} bytes.", extensions={"max_bytes": MAX_JSON_BYTES}
    )
    if request.content_length is not None and request.content_length > MAX_JSON_BYTES:
        raise too_large
    raw = bytearray()
    while chunk := await request.content.read(4096):
        raw += chunk
        if len(raw) > MAX_JSON_BYTES:
            raise too_large
    if not raw.strip() and not required:
        return {}
    try:
        return json.loads(raw, parse_constant=_not_json)
    except (ValueError, RecursionError):
        raise MalformedBody("The body is not valid JSON.") from None


def _not_json(constant: str) -> Any:
    # Python's decoder takes NaN and Infinity, which JSON (RFC 8259) does not have.
    raise ValueError("not JSON")


async def _current(repo: DocumentRepository, document_id: ObjectId, child: str, identity: Identity) -> Document:
    doc = await repo.get(document_id, child, identity.user_id)
    if doc is None:
        raise NotFound("No such child profile or document.")
    return doc


@routes.get(DOCUMENT_PATH + "/scan", name="get_scan", allow_head=False)
async def get_scan(request: web.Request) -> web.Response:
    child, document_id, identity = _target(request)
    doc = await _current(request.app[repository_key], document_id, child, identity)
    view = scan_view(doc)
    etag = scan_etag(view)
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None and etag_matches(etag, if_none_match):
        return web.Response(status=304, headers=headers)
    return web.json_response(view, headers=headers)


@routes.post(DOCUMENT_PATH + "/rescan", name="rescan_document")
async def rescan_document(request: web.Request) -> web.Response:
    child, document_id, identity = _target(request)
    raw = await _json_body(request, required=False)
    # Rescan takes no options: an empty object (the usual body) has nothing to validate.
    body = load_body(RESCAN, raw) if raw != {} else {}
    key = request_key(request, Action.RESCAN, child, str(document_id), body)
    target = Target(document_id, child, identity.user_id)
    answer = await request.app[actions_key].rescan(target, key, location_of(request, child))
    return answer_response(answer)


@routes.post(DOCUMENT_PATH + "/confirm-scan", name="confirm_scan")
async def confirm_scan(request: web.Request) -> web.Response:
    child, document_id, identity = _target(request)
    if_match = request.headers.get("If-Match")
    token = token_from_if_match(if_match) if if_match is not None else None
    values = load_body(CONFIRM, await _json_body(request, required=True))
    key = request_key(request, Action.CONFIRM, child, str(document_id), {**values, "if_match": token})
    target = Target(document_id, child, identity.user_id)
    answer = await request.app[actions_key].confirm(
        target, values["topic"], values["language"], token, key, location_of(request, child)
    )
    return answer_response(answer)
