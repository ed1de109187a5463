"""Single flight: concurrent requests for the same decision, in one process, share one decision.

The first request for a key leads: it runs the decision in a task of its own, so its client going away
does not cancel what the others wait for. Requests for the same key that arrive while the flight is
open follow: they wait for the leader's outcome (or its exception) instead of deciding again. The leader
closes its flight to newcomers at the point after which its outcome could no longer be ordered inside a
newcomer's request (see ``Flight.close``); whoever comes later starts a new flight.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Flight(Generic[K, V]):
    """One decision in progress, and the requests waiting for it."""

    def __init__(self, group: SingleFlight[K, V], key: K) -> None:
        self._group = group
        self._key = key
        # One future per follower: a follower that goes away cancels its own, never the others'.
        self.waiters: list[asyncio.Future[V]] = []

    def close(self) -> None:
        """Let no more requests join: the decision's outcome is about to stop describing the present."""
        self._group._close(self._key, self)

    def _settle(self, outcome: V | None, error: BaseException | None) -> None:
        for waiter in self.waiters:
            if waiter.done():
                continue
            if error is not None:
                waiter.set_exception(error)
            else:
                waiter.set_result(outcome)  # type: ignore[arg-type]


class SingleFlight(Generic[K, V]):
    """Open flights by key; never shared across keys."""

    def __init__(self) -> None:
        self._open: dict[K, Flight[K, V]] = {}
        #: requests waiting for another request's decision right now
        self.waiting = 0

    async def run(self, key: K, decide: Callable[[Flight[K, V]], Awaitable[V]]) -> tuple[V, bool]:
        """Join the open flight for ``key``, or lead a new one that runs ``decide``.

        :param decide: the decision; it gets its flight, to close it early
        :return: the outcome, and whether this request led (``False``: it followed)
        """
        flight = self._open.get(key)
        if flight is not None:
            waiter: asyncio.Future[V] = asyncio.get_running_loop().create_future()
            flight.waiters.append(waiter)
            self.waiting += 1
            try:
                return await waiter, False
            finally:
                self.waiting -= 1
        flight = Flight(self, key)
        self._open[key] = flight
        # The decision runs in a task of its own: the leader's client going away must not cancel it.
        task = asyncio.ensure_future(self._lead(flight, decide))
        # If the leader went away, its followers still got the exception: it was not lost.
        task.add_done_callback(_retrieve)
        return await asyncio.shield(task), True

    async def _lead(self, flight: Flight[K, V], decide: Callable[[Flight[K, V]], Awaitable[V]]) -> V:
        try:
            outcome = await decide(flight)
        except BaseException as exc:
            flight.close()
            flight._settle(None, exc)
            raise
        flight.close()
        flight._settle(outcome, None)
        return outcome

    def _close(self, key: K, flight: Flight[K, V]) -> None:
        if self._open.get(key) is flight:
            del self._open[key]


def _retrieve(task: asyncio.Task[object]) -> None:
    if not task.cancelled():
        task.exception()
