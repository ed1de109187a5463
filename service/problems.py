"""RFC 9457 problem details: the stable problem types, the domain exceptions, and the one error middleware."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote_from_bytes

from aiohttp import web
from aiohttp.http_exceptions import BadHttpMessage, LineTooLong
from aiohttp.typedefs import Handler
from pymongo.errors import ConnectionFailure, PyMongoError

from .logs import REQUEST_ID_HEADER, current_request_id

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
BadRequest = _problem("BadRequest", 400, "bad-request", "Not a valid HTTP request")
RequestTimeout = _problem("RequestTimeout", 408, "request-timeout", "Request timeout")
UriTooLong = _problem("UriTooLong", 414, "uri-too-long", "URI too long")
ExpectationFailed = _problem("ExpectationFailed", 417, "expectation-failed", "Expectation failed")
HeaderTooLarge = _problem("HeaderTooLarge", 431, "header-too-large", "Request header fields too large")
#: nginx's code for a client that closed the connection before the answer; it never reaches a client
ClientClosedRequest = _problem("ClientClosedRequest", 499, "client-closed-request", "Client closed request")


class RequestBodyTimeout(TimeoutError):
    """The client stopped sending the request body.

    It is a ``TimeoutError`` because aiohttp, draining the rest of a body after the answer, treats that as the
    end of the connection, not as an unexpected error.
    """


class RejectedRequest(Exception):
    """The reason the HTTP server rejected a request before the application saw it (logged, never answered)."""


def problem_body(problem: Problem, instance: str | None, request_id: str) -> bytes:
    """The JSON of a problem document.

    :param instance: the request path; ``None`` when the path itself may be the offending input
    :param request_id: the id the response and the logs carry
    """
    body: dict[str, Any] = {
        "type": problem.type,
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
    }
    if instance is not None:
        body["instance"] = instance
    body["request_id"] = request_id
    body.update(problem.extensions)
    return json.dumps(body).encode()


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
    return web.Response(
        status=problem.status,
        body=problem_body(problem, instance_of(request), current_request_id()),
        content_type=PROBLEM_JSON,
        headers=problem.headers,
    )


def rejected_request_problem(exc: BaseException | None, status: int, max_line_size: int) -> Problem:
    """The problem answering a request that aiohttp's HTTP parser refused, without a word of the input.

    :param exc: the parser's exception
    :param status: the status aiohttp chose
    :param max_line_size: the server's limit on the request line, which tells a long URL from a long header
    """
    if status >= 500:
        return InternalError("Something went wrong on our side.")
    if isinstance(exc, LineTooLong):
        # The parser names the limit it hit; the request line and the header fields have different limits.
        if len(exc.args) > 1 and exc.args[1] == max_line_size:
            return UriTooLong(f"The request line is longer than {max_line_size} bytes.")
        return HeaderTooLarge("A request header field is too long.")
    if isinstance(exc, BadHttpMessage) and exc.message == "Too many headers received":
        return HeaderTooLarge("The request has too many header fields.")
    return BadRequest("The request is not valid HTTP/1.1, so it was not read.")


def rejected_request_response(problem: Problem, request_id: str) -> web.Response:
    """A response for a request the application never saw: no ``instance``, and the connection closes.

    :param problem: from ``rejected_request_problem``
    :param request_id: a new request id
    """
    response = web.Response(
        status=problem.status,
        body=problem_body(problem, None, request_id),
        content_type=PROBLEM_JSON,
        headers={REQUEST_ID_HEADER: request_id, **problem.headers},
    )
    response.force_close()
    return response


def http_error_problem(exc: web.HTTPException) -> Problem:
    """The problem for one of aiohttp's HTTP errors, in our words rather than its text.

    :param exc: the error aiohttp raised
    """
    return _from_http_exception(exc)


def _from_http_exception(exc: web.HTTPException) -> Problem:
    by_status: dict[int, type[Problem]] = {
        404: NotFound,
        405: MethodNotAllowed,
        413: PayloadTooLarge,
        400: MalformedBody,
        417: ExpectationFailed,
    }
    cls = by_status.get(exc.status, InternalError if exc.status >= 500 else MalformedBody)
    # The reason phrase, never aiohttp's text: that may quote the request.
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
    except Exception as exc:
        response = _error_response(exc, request)
        if response is None:
            raise
        _forget_tracebacks(exc)
        return response


def _error_response(exc: Exception, request: web.Request) -> web.Response | None:
    """The answer to an error a handler raised, logged when it was not expected; ``None``: not an error."""
    if isinstance(exc, Problem):
        return problem_response(exc, request)
    if isinstance(exc, RequestBodyTimeout):
        logger.info("dropped %s %s: the request body stopped arriving", request.method, request.path)
        response = problem_response(
            RequestTimeout("The request body stopped arriving, so the request was dropped."), request
        )
        response.force_close()
        return response
    if isinstance(exc, ConnectionResetError):
        transport = request.transport
        if transport is not None and not transport.is_closing():
            logger.exception("unhandled error on %s %s", request.method, request.path)
            return problem_response(InternalError("Something went wrong on our side."), request)
        # The client went away (a dropped upload, a closed app): nothing to answer and nothing broken here.
        logger.info("client closed the connection during %s %s", request.method, request.path)
        return problem_response(ClientClosedRequest("The client closed the connection."), request)
    if isinstance(exc, web.HTTPException):
        return problem_response(_from_http_exception(exc), request) if exc.status >= 400 else None
    if isinstance(exc, PyMongoError):
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
    logger.exception("unhandled error on %s %s", request.method, request.path)
    return problem_response(InternalError("Something went wrong on our side."), request)


def _forget_tracebacks(exc: BaseException) -> None:
    """Drop the tracebacks of an answered error and of every error it was raised from or during.

    A traceback holds each frame the error passed through. A frame that still holds the error (the variable it
    was raised from, a future shared with other requests) closes a reference cycle, and the request's frames hold
    the request: it would stay alive, headers, task and all, until the cyclic garbage collector found it, and
    under a storm of refusals collecting them took a large share of the process's CPU. Once the error is
    answered (and logged, where it is logged) its tracebacks are no longer needed, and without them all of it
    is freed at once.
    """
    pending: list[BaseException] = [exc]
    seen: set[int] = set()
    while pending:
        error = pending.pop()
        if id(error) in seen:
            continue
        seen.add(id(error))
        error.__traceback__ = None
        pending.extend(e for e in (error.__cause__, error.__context__) if e is not None)
