"""What ``service/server.py`` takes from aiohttp's internals, pinned: if an aiohttp release changes any of it, this
fails by name before the edges quietly stop working.

The subclass relies on ``RequestHandler`` attributes (``_messages``, ``_waiter``, ``_close``, ``_force_close``,
``_request_in_progress``, ``_reading_paused``, ``_buffer_paused``, ``_loop``), on ``handle_error`` answering
the parser's rejections, on ``Server`` keeping its handler arguments in ``_kwargs``, and on
``AppRunner._make_server`` building the server.
It works around one behaviour, checked here too: once ``close()`` is called, aiohttp drops incoming bytes.
"""

from __future__ import annotations

import asyncio
import gc
import inspect
from importlib import metadata
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import LineTooLong
from aiohttp.http_parser import RawRequestMessage
from aiohttp.web_protocol import RequestHandler

from service.server import GC_THRESHOLDS, MAX_FIELD_SIZE, MAX_LINE_SIZE, ServiceProtocol, tune_gc

#: the range in setup.cfg
TESTED = ((3, 14, 5), (3, 15))


def test_the_installed_aiohttp_is_the_tested_range() -> None:
    installed = tuple(int(part) for part in metadata.version("aiohttp").split(".")[:3] if part.isdigit())
    assert TESTED[0] <= installed < TESTED[1], f"service/server.py was tested on aiohttp {TESTED}, not {installed}"


def test_request_handler_has_the_attributes_the_subclass_uses() -> None:
    slots = {name for cls in RequestHandler.__mro__ for name in getattr(cls, "__slots__", ())}
    for name in (
        "_messages",
        "_waiter",
        "_close",
        "_force_close",
        "_reading_paused",
        "_buffer_paused",
        "_loop",
        "_request_in_progress",
    ):
        assert name in slots, f"aiohttp's RequestHandler has no {name} any more"
    for name in ("data_received", "connection_made", "connection_lost", "handle_error", "force_close"):
        assert callable(getattr(RequestHandler, name)), name
    assert list(inspect.signature(RequestHandler.handle_error).parameters) == [
        "self",
        "request",
        "status",
        "exc",
        "message",
    ]
    assert "max_line_size" in slots and "max_field_size" in slots


def test_app_runner_builds_its_server_in_make_server() -> None:
    assert inspect.iscoroutinefunction(web.AppRunner._make_server)
    assert "_kwargs" in inspect.getsource(web.Server.__init__)
    assert "RequestHandler(self, loop=self._loop, **self._kwargs)" in inspect.getsource(web.Server.__call__)


class _Recorder(RequestHandler):
    """A bare aiohttp connection handler that records what its parser hands over."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        server = web.Server(_never_called, loop=loop)
        super().__init__(server, loop=loop, max_line_size=MAX_LINE_SIZE, max_field_size=MAX_FIELD_SIZE)


async def _never_called(request: Any) -> web.StreamResponse:
    raise AssertionError("not reached")


async def test_aiohttp_drops_incoming_bytes_after_close_which_the_subclass_undoes() -> None:
    handler = _Recorder(asyncio.get_running_loop())
    handler.data_received(b"POST / HTTP/1.1\r\nHost: d\r\nContent-Length: 10\r\n\r\n12345")
    [(_, payload)] = list(handler._messages)
    handler.close()
    handler.data_received(b"67890")
    # If this fails, aiohttp reads bodies during its shutdown now, and ServiceProtocol.data_received's
    # exception for bodies can go.
    assert not payload.is_eof()
    assert issubclass(ServiceProtocol, RequestHandler)


async def test_the_parser_names_the_limit_that_tells_a_long_url_from_a_long_header() -> None:
    handler = _Recorder(asyncio.get_running_loop())
    handler.data_received(b"GET /" + b"a" * (MAX_LINE_SIZE + 10) + b" HTTP/1.1\r\n\r\n")
    [(url_error, _)] = list(handler._messages)
    handler = _Recorder(asyncio.get_running_loop())
    handler.data_received(b"GET / HTTP/1.1\r\nX-A: " + b"a" * (MAX_FIELD_SIZE + 10) + b"\r\n\r\n")
    [(header_error, _)] = list(handler._messages)
    for error, limit in ((url_error, MAX_LINE_SIZE), (header_error, MAX_FIELD_SIZE)):
        assert not isinstance(error, RawRequestMessage)
        assert error.status == 400
        assert isinstance(error.exc, LineTooLong)
        assert error.exc.args[1] == limit


def test_a_listening_web_process_freezes_start_up_out_of_garbage_collection() -> None:
    before = gc.get_threshold()
    # as a process starts (another test's server may have tuned this one already)
    gc.unfreeze()
    gc.set_threshold(700, 10, 10)
    try:
        tune_gc()
        assert gc.get_threshold() == GC_THRESHOLDS
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
