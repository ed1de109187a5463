"""A document's scan: read it, ask for a rescan, confirm its suggestion."""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import web
from bson import ObjectId

from .. import state
from ..auth import Identity, require_child
from ..keys import arq_pool_key, metrics_key, repository_key, settings_key
from ..problems import (
    AlreadyConfirmed,
    IdempotencyKeyReused,
    MalformedBody,
    NotFound,
    NotReady,
    NotRescannable,
    PayloadTooLarge,
    PreconditionFailed,
    Problem,
    ScanInFlight,
    ServiceUnavailable,
    UnsupportedMediaType,
)
from ..queue import HAND_OFF, QUICK_SCAN, enqueue, hand_off_job_id, quick_scan_job_id
from ..repository import DocumentRepository, OutcomeUnknown, new_token
from ..schemas import (
    ConfirmScanSchema,
    RescanSchema,
    load_body,
    parse_child_id,
    parse_document_id,
    parse_idempotency_key,
)
from ..settings import Settings
from ..views import document_view, etag_matches, scan_etag, scan_view, token_from_if_match
from .documents import scan_url

logger = logging.getLogger(__name__)
routes = web.RouteTableDef()

#: rescan and confirm bodies are a few dozen bytes; anything much larger is a mistake or an attack
MAX_JSON_BYTES = 16 * 1024
SCAN_PATH = "/api/v1/children/{child:[^/]+}/documents/{document:[^/]+}"


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
        return json.loads(raw)
    except (ValueError, RecursionError):
        raise MalformedBody("The body is not valid JSON.") from None


def _conflict(doc: state.Doc, settings: Settings, problem: type[Problem], detail: str) -> Problem:
    extensions = {
        "scan_status": doc.get("scan_status"),
        "pipeline_stage": doc.get("pipeline_stage"),
        "validation_status": doc.get("validation_status") or "pending",
    }
    headers = {}
    if state.scan_in_flight(doc):
        extensions["retry_after"] = settings.retry_after_seconds
        headers["Retry-After"] = str(settings.retry_after_seconds)
    return problem(detail, extensions=extensions, headers=headers)


def _document_response(
    doc: state.Doc, location: str, status: int, headers: dict[str, str] | None = None
) -> web.Response:
    return web.json_response(
        document_view(doc, location), status=status, headers={"Location": location, **(headers or {})}
    )


async def _current(repo: DocumentRepository, document_id: ObjectId, child: str, identity: Identity) -> state.Doc:
    doc = await repo.get(document_id, child, identity.user_id)
    if doc is None:
        raise NotFound("No such child profile or document.")
    return doc


@routes.get(SCAN_PATH + "/scan", name="get_scan", allow_head=False)
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


@routes.post(SCAN_PATH + "/rescan", name="rescan_document")
async def rescan_document(request: web.Request) -> web.Response:
    child, document_id, identity = _target(request)
    key = parse_idempotency_key(request.headers.get("Idempotency-Key"))
    load_body(RescanSchema(), await _json_body(request, required=False))
    repo = request.app[repository_key]
    settings = request.app[settings_key]
    metrics = request.app[metrics_key]

    if key is not None and (
        await repo.rescan_key_used(identity.user_id, key, except_document=document_id)
        or await repo.find_by_upload_key(identity.user_id, key) is not None
    ):
        metrics.rescans.labels("key_reused").inc()
        raise IdempotencyKeyReused("This Idempotency-Key was already used for another document or action.")

    token = new_token()
    try:
        doc = await repo.try_rescan(document_id, child, identity.user_id, token=token, idempotency_key=key)
    except OutcomeUnknown:
        raise ServiceUnavailable(
            "The document store did not answer; the rescan may or may not have been accepted. Poll the scan, or "
            "retry with the same Idempotency-Key.",
            headers={"Retry-After": str(settings.retry_after_seconds)},
        ) from None
    location = scan_url(request, child, document_id)
    if doc is not None:
        await enqueue(
            request.app[arq_pool_key],
            QUICK_SCAN,
            str(document_id),
            token,
            job_id=quick_scan_job_id(document_id, token),
            queue_name=settings.queue_name,
            metrics=metrics,
        )
        metrics.rescans.labels("accepted").inc()
        logger.info("rescan of %s accepted", document_id, extra={"document_id": str(document_id)})
        return _document_response(doc, location, 202)

    # The swap was refused; this read only explains why, it decides nothing.
    current = await _current(repo, document_id, child, identity)
    if key is not None and (current.get("scan") or {}).get("idempotency_key") == key:
        metrics.rescans.labels("replayed").inc()
        return _document_response(current, location, 202, {"Idempotency-Replayed": "true"})
    metrics.rescans.labels("conflict").inc()
    if state.scan_in_flight(current):
        raise _conflict(
            current,
            settings,
            ScanInFlight,
            f"A scan of this document is already {current.get('scan_status')}; poll the scan resource.",
        )
    if current.get("validation_status") == state.ValidationStatus.CONFIRMED:
        raise _conflict(current, settings, NotRescannable, "This document is confirmed and cannot be rescanned.")
    raise _conflict(
        current,
        settings,
        NotRescannable,
        f"This document is at stage {current.get('pipeline_stage')} and cannot be rescanned.",
    )


@routes.post(SCAN_PATH + "/confirm-scan", name="confirm_scan")
async def confirm_scan(request: web.Request) -> web.Response:
    child, document_id, identity = _target(request)
    if_match = request.headers.get("If-Match")
    token = token_from_if_match(if_match) if if_match is not None else None
    values = load_body(ConfirmScanSchema(), await _json_body(request, required=True))
    repo = request.app[repository_key]
    settings = request.app[settings_key]
    metrics = request.app[metrics_key]
    location = scan_url(request, child, document_id)

    doc = await repo.try_confirm(
        document_id, child, identity.user_id, topic=values["topic"], language=values["language"], token=token
    )
    if doc is not None:
        await enqueue(
            request.app[arq_pool_key],
            HAND_OFF,
            str(document_id),
            job_id=hand_off_job_id(document_id),
            queue_name=settings.queue_name,
            metrics=metrics,
        )
        metrics.confirms.labels("confirmed").inc()
        logger.info("document %s confirmed", document_id, extra={"document_id": str(document_id)})
        return _document_response(doc, location, 202)

    current = await _current(repo, document_id, child, identity)
    if current.get("validation_status") == state.ValidationStatus.CONFIRMED:
        same = (current.get("validated_topic"), current.get("validated_language")) == (
            values["topic"],
            values["language"],
        )
        if same:
            metrics.confirms.labels("replayed").inc()
            return _document_response(current, location, 200)
        metrics.confirms.labels("conflict").inc()
        raise _conflict(
            current,
            settings,
            AlreadyConfirmed,
            "This document was already confirmed with a different topic or language.",
        )
    metrics.confirms.labels("conflict").inc()
    if token is not None and (current.get("scan") or {}).get("token") != token:
        raise PreconditionFailed(
            "A newer scan replaced the suggestion you saw; fetch the scan again.",
            extensions={"scan_status": current.get("scan_status")},
        )
    raise _conflict(
        current, settings, NotReady, f"There is no suggestion to confirm: the scan is {current.get('scan_status')}."
    )
