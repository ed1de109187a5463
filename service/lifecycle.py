"""What the web process is doing (serving or stopping) and the requests it has in flight."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from .problems import ServiceUnavailable

logger = logging.getLogger(__name__)


@dataclass(eq=False)
class InFlight:
    """One request being handled.

    :param task: the task that runs its handler
    :param upload: whether it counts against the cap on uploads in flight
    """

    task: asyncio.Task[object] | None
    upload: bool
    started: float = field(default_factory=time.monotonic)
    #: the shutdown ran out of time for it; it answers 503
    interrupted: bool = False


class Lifecycle:
    """The state of one web process that requests and the shutdown share.

    :param max_uploads: uploads read at the same time; more answer 503
    :param retry_after: seconds a refused client is told to wait
    """

    def __init__(self, max_uploads: int, retry_after: int = 5) -> None:
        self.max_uploads = max_uploads
        self.retry_after = retry_after
        #: set when the process got SIGTERM: readiness fails, responses close their connection
        self.stopping = False
        self._in_flight: set[InFlight] = set()
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def in_flight(self) -> int:
        return len(self._in_flight)

    @property
    def uploads(self) -> int:
        return sum(1 for entry in self._in_flight if entry.upload)

    def enter(self, upload: bool) -> InFlight:
        """Count a request in; a new upload beyond the cap is refused.

        :param upload: whether the request carries an upload
        """
        if upload and self.uploads >= self.max_uploads:
            raise ServiceUnavailable(
                "Too many uploads are in progress on this instance; try again shortly.",
                headers={"Retry-After": str(self.retry_after)},
                extensions={"retry_after": self.retry_after},
            )
        entry = InFlight(asyncio.current_task(), upload)
        self._in_flight.add(entry)
        self._idle.clear()
        return entry

    def leave(self, entry: InFlight) -> None:
        self._in_flight.discard(entry)
        if not self._in_flight:
            self._idle.set()

    async def wait_idle(self, timeout: float) -> bool:
        """Wait until no request is in flight; ``False`` if some still are after ``timeout`` seconds.

        :param timeout: seconds to wait at most
        """
        try:
            async with asyncio.timeout(max(0.0, timeout)):
                await self._idle.wait()
        except TimeoutError:
            return False
        return True

    def interrupt(self) -> int:
        """Cancel every request still in flight; each answers 503. Returns how many there were."""
        count = 0
        for entry in list(self._in_flight):
            if entry.task is not None and not entry.task.done() and not entry.interrupted:
                entry.interrupted = True
                entry.task.cancel()
                count += 1
        return count


def is_upload(request: web.Request) -> bool:
    """Whether a request carries an upload (a multipart body), which may hold up to ``MAX_UPLOAD_BYTES`` in memory.

    :param request: the request
    """
    return request.method == "POST" and request.content_type == "multipart/form-data"


def lifecycle_middleware_factory(lifecycle: Lifecycle) -> Middleware:
    """The middleware that counts requests in flight, caps uploads, and answers 503 for a request the shutdown
    interrupted.

    :param lifecycle: the process's lifecycle
    """

    @web.middleware
    async def lifecycle_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        entry = lifecycle.enter(is_upload(request))
        try:
            response = await handler(request)
        except asyncio.CancelledError:
            task = entry.task
            # Only our own cancellation becomes a 503; any other (the connection's end) goes on.
            if entry.interrupted and task is not None and task.uncancel() == 0:
                raise ServiceUnavailable(
                    "The service is restarting and did not finish this request; retry it "
                    "(an Idempotency-Key makes the retry safe).",
                    headers={"Retry-After": str(lifecycle.retry_after), "Connection": "close"},
                    extensions={"retry_after": lifecycle.retry_after},
                ) from None
            raise
        finally:
            lifecycle.leave(entry)
        if lifecycle.stopping and not response.prepared:
            # Send the client's next request to another instance.
            response.force_close()
        return response

    return lifecycle_middleware
