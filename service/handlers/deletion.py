"""Deleting a document, and erasing every document of a child."""

from __future__ import annotations

import logging

from aiohttp import web

from .. import erasure
from ..auth import require_child
from ..keys import arq_pool_key, metrics_key, repository_key, settings_key
from ..problems import MalformedBody, NotFound
from ..schemas import parse_child_id, parse_document_id
from .common import DOCUMENT_PATH, DOCUMENTS_PATH

logger = logging.getLogger(__name__)
routes = web.RouteTableDef()


def _no_body(request: web.Request) -> None:
    if request.body_exists:
        raise MalformedBody("A DELETE takes no body.")


@routes.delete(DOCUMENT_PATH, name="delete_document")
async def delete_document(request: web.Request) -> web.Response:
    child = parse_child_id(request.match_info["child"])
    document_id = parse_document_id(request.match_info["document"])
    identity = require_child(request, child)
    _no_body(request)
    repo = request.app[repository_key]
    # The document, or the tombstone of a deletion of it that did not finish (then this call finishes it).
    target = await repo.deletion_target(document_id, child, identity.user_id)
    if target is None:
        raise NotFound("No such child profile or document.")
    await erasure.delete_document(
        repo, request.app[arq_pool_key], request.app[settings_key], target, request.app[metrics_key]
    )
    return web.Response(status=204)


@routes.delete(DOCUMENTS_PATH, name="erase_child_documents")
async def erase_child_documents(request: web.Request) -> web.Response:
    child = parse_child_id(request.match_info["child"])
    identity = require_child(request, child)
    _no_body(request)
    deleted = await erasure.erase_child(
        request.app[repository_key],
        request.app[arq_pool_key],
        request.app[settings_key],
        child,
        identity.user_id,
        request.app[metrics_key],
    )
    return web.json_response({"deleted": deleted})
