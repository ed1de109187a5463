"""Structured logging (one JSON object a line) and the request-id middleware."""

from __future__ import annotations

import contextvars
import json
import logging
import os
import re
import sys
import time
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
logger = logging.getLogger(__name__)
access_logger = logging.getLogger("service.access")

REQUEST_ID_HEADER = "X-Request-Id"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
#: what could end a line, or fake one, in a terminal or a log collector
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object a line, with the request id and any ``extra`` fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id_var.get()),
        }
        for key, value in vars(record).items():
            if key not in _RESERVED and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def escape_controls(text: str) -> str:
    """Write control characters as Python escapes, so text from a request cannot start a forged log line.

    :param text: a formatted log message
    """
    return _CONTROL.sub(lambda found: repr(found.group())[1:-1], text)


class TextFormatter(logging.Formatter):
    """One line a record for a terminal; control characters in the message are escaped (a traceback keeps its
    lines)."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:
        return escape_controls(super().formatMessage(record))


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


def setup_logging(level: str, json_lines: bool) -> None:
    """Configure the root logger once for a process.

    :param level: a logging level name
    :param json_lines: JSON lines (production) or plain text (a terminal)
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if json_lines else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Python's warnings (deprecations, PyJWT's key warnings) come out in the same format, one record each.
    logging.captureWarnings(True)
    # The arq CLI configures its own handler first; let its records reach ours once, in our format.
    for name in ("arq", "arq.worker", "arq.jobs", "arq.connections"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True


def current_request_id() -> str:
    """The id of the request being handled, or ``-`` outside a request."""
    return request_id_var.get()


@web.middleware
async def request_id_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Take the gateway's request id (or make one), expose it to logs and echo it in the response."""
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    request_id = incoming if _VALID_REQUEST_ID.match(incoming) else os.urandom(16).hex()
    token = request_id_var.set(request_id)
    started = time.perf_counter()
    try:
        response = await handler(request)
        response.headers[REQUEST_ID_HEADER] = request_id
        access_logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status,
            extra={"status": response.status, "duration_ms": round((time.perf_counter() - started) * 1000, 2)},
        )
        return response
    finally:
        request_id_var.reset(token)
