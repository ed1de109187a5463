"""RFC 9457 problem details: the stable problem types, the domain exceptions, and the one error middleware."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote_from_bytes

from aiohttp import web
from aiohttp.typedefs import Handler
from pymongo.errors import ConnectionFailure, PyMongoError

from .logs import current_request_id

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
TYPE_PREFIX = "urn:docscan:problem:"


class Problem(Exception):
    """A request that fails in a way the client can understand, rendered as problem+json.

    :param detail: a human-readable explanation of this occurrence
    :param extensions: extra members (``scan_status``, ``errors``, ...)
    :param headers: extra response headers (``Retry-After``, ``WWW-Authenticate``)
    """

    status: int = 500
    slug: str = "internal-error"
    title: str = "Internal error"

    def __init__(
        self,
        detail: str,
        *,
        extensions: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = dict(extensions or {})
        self.headers = dict(headers or {})

    @property
    def type(self) -> str:
        return TYPE_PREFIX + self.slug


def _problem(name: str, status: int, slug: str, title: str) -> type[Problem]:
    return type(name, (Problem,), {"status": status, "slug": slug, "title": title, "__doc__": f"{title}."})


Unauthorized = _problem("Unauthorized", 401, "unauthorized", "Authentication required")
NotFound = _problem("NotFound", 404, "not-found", "Not found")
InvalidParameter = _problem("InvalidParameter", 400, "invalid-parameter", "Invalid parameter")
MalformedBody = _problem("MalformedBody", 400, "malformed-body", "Malformed request body")
ValidationFailed = _problem("ValidationFailed", 422, "validation-error", "Invalid values")
PayloadTooLarge = _problem("PayloadTooLarge", 413, "payload-too-large", "Payload too large")
UnsupportedMediaType = _problem("UnsupportedMediaType", 415, "unsupported-media-type", "Unsupported media type")
ScanInFlight = _problem("ScanInFlight", 409, "scan-in-flight", "A scan is already in progress")
NotRescannable = _problem("NotRescannable", 409, "not-rescannable", "This document cannot be rescanned")
AlreadyConfirmed = _problem("AlreadyConfirmed", 409, "already-confirmed", "Already confirmed")
NotReady = _problem("NotReady", 409, "not-ready", "No suggestion to confirm")
PreconditionFailed = _problem("PreconditionFailed", 412, "precondition-failed", "The scan has changed")
IdempotencyKeyReused = _problem("IdempotencyKeyReused", 422, "idempotency-key-reused", "Idempotency key reused")
IdempotencyKeyInUse = _problem("IdempotencyKeyInUse", 409, "idempotency-key-in-use", "Idempotency key in use")
InvalidIdempotencyKey = _problem("InvalidIdempotencyKey", 400, "invalid-idempotency-key", "Invalid idempotency key")
MethodNotAllowed = _problem("MethodNotAllowed", 405, "method-not-allowed", "Method not allowed")
NotAcceptable = _problem("NotAcceptable", 406, "not-acceptable", "Not acceptable")
RangeNotSatisfiable = _problem("RangeNotSatisfiable", 416, "range-not-satisfiable", "Range not satisfiable")
ServiceUnavailable = _problem("ServiceUnavailable", 503, "service-unavailable", "Service unavailable")
InternalError = _problem("InternalError", 500, "internal-error", "Internal error")


# What may stand in a URI path as it is (RFC 3986 pchar and "/"), or an escape that is already complete.
_NOT_PATH = re.compile(r"%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~!$&'()*+,;=:@/%]+")


def instance_of(request: web.Request) -> str:
    """The request's path as a valid URI reference: as sent, without the query, anything else percent-encoded.

    :param request: the request a problem answers
    """
    # Not request.path: it is decoded, so it may hold spaces, control characters or a bare "%".
    raw = request.raw_path.split("?", 1)[0].split("#", 1)[0]
    return _NOT_PATH.sub(lambda m: quote_from_bytes(m.group().encode("utf-8", "surrogateescape"), safe=""), raw)


def problem_response(problem: Problem, request: web.Request) -> web.Response:
    """Render a problem as an RFC 9457 response.

    :param problem: what went wrong
    :param request: the request it answers
    """
    body: dict[str, Any] = {
        "type": problem.type,
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
        "instance": instance_of(request),
        "request_id": current_request_id(),
    }
    body.update(problem.extensions)
    return web.Response(
        status=problem.status,
        body=json.dumps(body).encode(),
        content_type=PROBLEM_JSON,
        headers=problem.headers,
    )


def _from_http_exception(exc: web.HTTPException) -> Problem:
    by_status: dict[int, type[Problem]] = {
        404: NotFound,
        405: MethodNotAllowed,
        413: PayloadTooLarge,
        400: MalformedBody,
    }
    cls = by_status.get(exc.status, InternalError if exc.status >= 500 else MalformedBody)
    problem = cls(exc.reason if exc.status != 404 else "No such resource.")
    problem.status = exc.status
    if exc.status == 405:
        allow = exc.headers.get("Allow")
        if allow:
            problem.headers["Allow"] = allow
    if exc.status == 413:
        # aiohttp's own limit on a body read whole (client_max_size); it names the limit only in its text.
        found = re.search(r"Maximum request body size (\d+)", exc.text or "")
        problem.extensions["max_bytes"] = int(found.group(1)) if found else 0
    return problem


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Turn every error into problem+json; log what was not expected."""
    try:
        return await handler(request)
    except Problem as problem:
        return problem_response(problem, request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return problem_response(_from_http_exception(exc), request)
    except PyMongoError as exc:
        if not isinstance(exc, ConnectionFailure) and not exc.timeout:
            logger.exception("database error on %s %s", request.method, request.path)
            return problem_response(InternalError("Something went wrong on our side."), request)
        logger.error("database unavailable: %s", exc)
        return problem_response(
            ServiceUnavailable(
                "The document store is unavailable; nothing was changed. Try again shortly.",
                headers={"Retry-After": "5"},
            ),
            request,
        )
    except Exception:
        logger.exception("unhandled error on %s %s", request.method, request.path)
        return problem_response(InternalError("Something went wrong on our side."), request)
