"""The HTTP server around the app: read timeouts, problem+json for requests aiohttp rejects, graceful shutdown.

aiohttp has no public hook for any of these, so this module subclasses its connection handler
(``aiohttp.web_protocol.RequestHandler``) and the server that makes one per connection. What it relies on
is pinned by ``tests/test_server_internals.py`` and the aiohttp range in ``setup.cfg``.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import logging
import signal
import time
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from aiohttp import web
from aiohttp.web_protocol import RequestHandler
from aiohttp.web_request import BaseRequest

from .keys import lifecycle_key, metrics_key
from .logs import request_id_var
from .metrics import Metrics
from .problems import (
    RequestBodyTimeout,
    RequestTimeout,
    http_error_problem,
    problem_body,
    rejected_request_problem,
    rejected_request_response,
)
from .settings import Settings, SettingsError

logger = logging.getLogger(__name__)

#: aiohttp's default limit on a header field; the request line gets a different limit so that a
#: rejection can tell a long URL (414) from a long header (431)
MAX_FIELD_SIZE = 8190
MAX_LINE_SIZE = 8192


@dataclass(frozen=True)
class Limits:
    """How long a client may take.

    :param header_timeout: seconds from a request's first byte (or the connection's start) to its last header
    :param body_idle_timeout: seconds a request body may go without a byte arriving
    """

    header_timeout: float
    body_idle_timeout: float


class ServiceProtocol(RequestHandler):
    """aiohttp's connection handler with read timeouts, problem+json rejections, and bodies read to the end
    during a shutdown.

    :param limits: the read timeouts
    :param metrics: where rejections are counted
    """

    __slots__ = ("_limits", "_metrics", "_head_timer", "_body", "_body_activity", "_body_timer")

    def __init__(self, manager: web.Server, *, limits: Limits, metrics: Metrics, **kwargs: Any) -> None:
        super().__init__(manager, **kwargs)
        self._limits = limits
        self._metrics = metrics
        self._head_timer: asyncio.TimerHandle | None = None
        #: the body being received, if any
        self._body: Any = None
        self._body_activity = 0.0
        self._body_timer: asyncio.TimerHandle | None = None

    # -- connection events --

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        # A connection that never sends a complete request is held no longer than one that sends it slowly.
        self._arm_head_timer()

    def connection_lost(self, exc: BaseException | None) -> None:
        self._disarm_head_timer()
        self._disarm_body_timer()
        self._body = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if data and self._head_timer is None and not self._receiving_body():
            self._arm_head_timer()
        queued = len(self._messages)
        if self._close and not self._force_close and self._receiving_body():
            # aiohttp drops every byte once close() is called (as the shutdown does to each connection), which
            # would strand a request whose body is still arriving: let its body through.
            self._close = False
            try:
                super().data_received(data)
            finally:
                self._close = True
        else:
            super().data_received(data)
        if self._body is not None:
            self._body_activity = self._loop.time()
        if len(self._messages) > queued:
            self._disarm_head_timer()
            for _message, payload in itertools.islice(self._messages, queued, None):
                if not payload.is_eof():
                    self._track_body(payload)

    def close_if_idle(self) -> bool:
        """Close the connection now if it has no request in progress or queued; returns whether it did.

        aiohttp's ``close()`` only stops an idle keep-alive connection from waiting: it stays open, unread, until
        the server's final cleanup, and a request a client sends on it meanwhile is never answered.
        """
        if self._request_in_progress or self._messages or self._receiving_body():
            return False
        self.force_close()
        return True

    # -- headers --

    def _arm_head_timer(self) -> None:
        self._disarm_head_timer()
        self._head_timer = self._loop.call_later(self._limits.header_timeout, self._on_head_timeout)

    def _disarm_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _on_head_timeout(self) -> None:
        self._head_timer = None
        if self.transport is None or self._force_close:
            return
        if self._waiter is None:
            # A request is being handled; the next one on this connection is not due before its answer.
            self._arm_head_timer()
            return
        self._metrics.http_rejected.labels("header_timeout").inc()
        request_id = uuid.uuid4().hex
        logger.info(
            "closed a connection from %s: no complete request headers within %g s",
            _peer(self.peername),
            self._limits.header_timeout,
            extra={"request_id": request_id},
        )
        problem = RequestTimeout("The request headers did not arrive in time.")
        body = problem_body(problem, None, request_id)
        head = (
            f"HTTP/1.1 {problem.status} Request Timeout\r\n"
            "Content-Type: application/problem+json\r\n"
            f"Content-Length: {len(body)}\r\n"
            f"X-Request-Id: {request_id}\r\n"
            "Connection: close\r\n\r\n"
        )
        self.transport.write(head.encode() + body)
        self.force_close()

    # -- bodies --

    def _receiving_body(self) -> bool:
        return self._body is not None and not self._body.is_eof()

    def _track_body(self, payload: Any) -> None:
        self._body = payload
        self._body_activity = self._loop.time()
        self._disarm_body_timer()
        self._body_timer = self._loop.call_later(self._limits.body_idle_timeout, self._on_body_idle)

    def _disarm_body_timer(self) -> None:
        if self._body_timer is not None:
            self._body_timer.cancel()
            self._body_timer = None

    def _on_body_idle(self) -> None:
        self._body_timer = None
        if not self._receiving_body() or self.transport is None:
            self._body = None
            return
        now = self._loop.time()
        if self._reading_paused or self._buffer_paused:
            # The handler has not read what arrived; the client is not the one holding the body back.
            self._body_activity = now
        due = self._body_activity + self._limits.body_idle_timeout
        if now < due:
            self._body_timer = self._loop.call_at(due, self._on_body_idle)
            return
        self._metrics.http_rejected.labels("body_timeout").inc()
        # The handler's next read raises it; the error middleware answers 408 and the connection closes.
        self._body.set_exception(RequestBodyTimeout())
        self._body = None

    # -- requests aiohttp answers itself --

    def handle_error(
        self, request: BaseRequest, status: int = 500, exc: BaseException | None = None, message: str | None = None
    ) -> web.StreamResponse:
        request_id = uuid.uuid4().hex
        request_id_var.set(request_id)
        if status >= 500:
            logger.error("error handling a request from %s", _peer(self.peername), exc_info=exc)
        else:
            # Never the parser's message: it quotes the offending bytes, a token's prefix among them.
            logger.info(
                "rejected a request from %s that is not valid HTTP (%s)",
                _peer(self.peername),
                type(exc).__name__ if exc is not None else status,
            )
        self._metrics.http_rejected.labels("malformed" if status < 500 else "error").inc()
        if request.writer.output_size > 0:
            raise ConnectionError("Response is sent already, cannot send another response with the error message")
        return rejected_request_response(rejected_request_problem(exc, status, self.max_line_size), request_id)


def _shaped(handler: Any) -> Any:
    """The app's handler, with a problem+json answer for an HTTP error raised before its middlewares run."""

    async def handle(request: BaseRequest) -> web.StreamResponse:
        try:
            response: web.StreamResponse = await handler(request)
        except web.HTTPException as exc:
            # aiohttp checks the Expect header before the middlewares; its answer quotes the header.
            if exc.status < 400:
                raise
            request_id = uuid.uuid4().hex
            request_id_var.set(request_id)
            logger.info("rejected %s %s before routing: %d", request.method, request.path, exc.status)
            return rejected_request_response(http_error_problem(exc), request_id)
        return response

    return handle


def _peer(peername: Any) -> str:
    if isinstance(peername, tuple) and len(peername) >= 2:
        return f"{peername[0]}:{peername[1]}"
    return str(peername or "-")


class ServiceServer(web.Server):
    """aiohttp's low-level server, making a ``ServiceProtocol`` for each connection.

    :param limits: the read timeouts
    :param metrics: where rejections are counted
    """

    def __init__(self, handler: Any, *, limits: Limits, metrics: Metrics, **kwargs: Any) -> None:
        super().__init__(_shaped(handler), **kwargs)
        self.limits = limits
        self.metrics = metrics

    def __call__(self) -> RequestHandler:
        return ServiceProtocol(self, loop=self._loop, limits=self.limits, metrics=self.metrics, **self._kwargs)


class ServiceRunner(web.AppRunner):
    """``web.AppRunner`` whose server makes ``ServiceProtocol`` connections.

    :param app: the application
    :param limits: the read timeouts
    """

    def __init__(self, app: web.Application, *, limits: Limits, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self._limits = limits

    async def _make_server(self) -> web.Server:
        plain = await super()._make_server()
        return ServiceServer(
            plain.request_handler,
            request_factory=plain.request_factory,
            handler_cancellation=plain.handler_cancellation,
            loop=asyncio.get_running_loop(),
            limits=self._limits,
            metrics=self._app[metrics_key],
            **plain._kwargs,
        )


#: the cyclic collector's thresholds in a web process (Python's defaults: 700, 10, 10)
GC_THRESHOLDS = (10_000, 20, 100)


def tune_gc() -> None:
    """Make the cyclic garbage collector cheap for a long-running server, once start-up is done.

    Everything start-up made (modules, the app, its routes and schemas) is frozen out of later collections, and
    the youngest generation is collected after 10,000 new container objects instead of 700: under a storm a
    request allocates dozens, so with the defaults a collection ran every few requests, and the older ones
    walked every object the process holds. Reference counting still frees almost everything at once; only
    cyclic garbage waits a little longer.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


T = TypeVar("T")


def loop_factory(name: str) -> Callable[[], asyncio.AbstractEventLoop]:
    """What makes the event loop ``EVENT_LOOP`` names.

    uvloop's loop runs the sockets, timers and callbacks of asyncio on libuv, in C: under a storm of rescans the
    web process spent 0.87x to 0.96x of the CPU per request it spends on asyncio's own loop (``bench rescan``, three
    interleaved runs).

    :param name: one of ``settings.EVENT_LOOPS``
    :raises SettingsError: uvloop is named but not installed
    """
    if name != "uvloop":
        return asyncio.new_event_loop
    try:
        import uvloop
    except ImportError:
        raise SettingsError(
            "EVENT_LOOP=uvloop needs the uvloop package; install it, or set EVENT_LOOP=asyncio"
        ) from None
    return uvloop.new_event_loop


def run(main: Coroutine[Any, Any, T], factory: Callable[[], asyncio.AbstractEventLoop]) -> T:
    """Run a process's main coroutine to its end on a new event loop (``asyncio.run`` with a loop factory).

    :param factory: from ``loop_factory``
    """
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(main)


def make_runner(app: web.Application, settings: Settings, stop_timeout: float = 1.0) -> ServiceRunner:
    """The runner of the web app, with the settings' timeouts.

    :param app: from ``create_app``
    :param stop_timeout: seconds the final close waits for each connection
    """
    return ServiceRunner(
        app,
        limits=Limits(settings.header_timeout_seconds, settings.body_idle_timeout_seconds),
        access_log=None,
        keepalive_timeout=settings.keepalive_timeout_seconds,
        # A handler keeps running when its client goes away: an upload half stored is cleaned up by its own code.
        handler_cancellation=False,
        shutdown_timeout=stop_timeout,
        max_line_size=MAX_LINE_SIZE,
        max_field_size=MAX_FIELD_SIZE,
    )


class StopSignals:
    """SIGTERM and SIGINT as events: the first asks for a graceful stop, a second one to hurry."""

    def __init__(self) -> None:
        self.stop = asyncio.Event()
        self.hurry = asyncio.Event()
        self.name = ""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self._received, sig)

    def _received(self, sig: signal.Signals) -> None:
        if self.stop.is_set():
            logger.warning("%s again: stopping now", sig.name)
            self.hurry.set()
        else:
            self.name = sig.name
        self.stop.set()

    def remove(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)


class WebServer:
    """The web app on its port, with the graceful shutdown.

    :param app: from ``create_app``
    :param settings: the service settings
    """

    def __init__(self, app: web.Application, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        grace = settings.shutdown_grace_seconds
        #: kept at the end of the grace for the interrupted requests' answers and for closing the connections
        self.reserve = min(2.0, grace / 4)
        self.runner = make_runner(app, settings, stop_timeout=self.reserve / 4)
        self.site: web.TCPSite | None = None

    @property
    def port(self) -> int:
        assert self.site is not None and self.site._server is not None
        sockets = self.site._server.sockets  # type: ignore[attr-defined]
        return int(sockets[0].getsockname()[1])

    async def start(self) -> None:
        """Start the app (it connects to MongoDB and Redis) and listen."""
        await self.runner.setup()
        self.site = web.TCPSite(self.runner, self.settings.host, self.settings.port)
        await self.site.start()
        tune_gc()
        server = self.runner.server
        assert server is not None
        self.app[metrics_key].http_connections.set_function(lambda: len(server.connections))

    async def stop(self, hurry: asyncio.Event | None = None) -> int:
        """Stop gracefully within ``SHUTDOWN_GRACE_SECONDS``; returns how many requests were interrupted.

        Readiness answers 503 at once; new connections are accepted for ``SHUTDOWN_DRAIN_SECONDS`` (a load
        balancer needs that long to notice); then the listener closes, idle connections close, and requests
        in flight get until the end of the grace, less a reserve in which the unfinished ones answer 503.

        :param hurry: set to skip what is left of the waiting
        """
        settings = self.settings
        lifecycle = self.app[lifecycle_key]
        started = time.monotonic()
        interrupt_at = started + settings.shutdown_grace_seconds - self.reserve
        lifecycle.stopping = True
        logger.info(
            "stopping: readiness answers 503; %d requests in flight; new connections accepted for %g s more",
            lifecycle.in_flight,
            settings.shutdown_drain_seconds,
        )
        hurry = hurry or asyncio.Event()
        await _wait_event(hurry, settings.shutdown_drain_seconds)
        if self.site is not None:
            await self.site.stop()
        server = self.runner.server
        if server is not None:
            server.pre_shutdown()
            # Idle keep-alive connections close now, so a client's pool opens a new connection (to another
            # instance) instead of sending a request that would wait unread until the grace ends.
            closed = sum(1 for c in list(server.connections) if isinstance(c, ServiceProtocol) and c.close_if_idle())
            logger.info("stopping: listener closed, %d idle connections closed", closed)
        if not hurry.is_set():
            idle = asyncio.ensure_future(lifecycle.wait_idle(interrupt_at - time.monotonic()))
            hurried = asyncio.ensure_future(hurry.wait())
            await asyncio.wait([idle, hurried], return_when=asyncio.FIRST_COMPLETED)
            idle.cancel()
            hurried.cancel()
        interrupted = lifecycle.interrupt()
        if interrupted:
            logger.warning(
                "stopping: %d requests did not finish within the grace; they answer 503, or are cut short if their "
                "answer had begun",
                interrupted,
            )
            await lifecycle.wait_idle(self.reserve / 2)
        await self.runner.cleanup()
        return interrupted


async def _wait_event(event: asyncio.Event, timeout: float) -> None:
    try:
        async with asyncio.timeout(max(0.0, timeout)):
            await event.wait()
    except TimeoutError:
        pass
