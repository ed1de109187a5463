"""The scan sandbox: every file is read in a child process that can be killed, with its memory and CPU capped.

A pebble ``ProcessPool`` keeps ``processes`` children ready. Each child sets its own limits before it reads any
file (``child.initialize``), and each scan runs under a per-task timeout that pebble enforces by ending the
process. A child that is killed, crashes or runs out of memory fails that scan with a stable code, and pebble
starts a new one. The children are forked from a fork server that has imported the parsers and loaded
Tesseract's models, so a new child is ready in milliseconds, and it inherits none of the worker's threads or sockets.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import signal
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from pebble import ProcessExpired, ProcessPool

from . import child
from .extract import OcrConfig
from .result import (
    CorruptContent,
    EmptyContent,
    EngineUnavailable,
    ScanError,
    ScanTimeout,
    TooComplex,
    TooLarge,
    TransientScanError,
    UnsupportedContent,
)

logger = logging.getLogger(__name__)

#: Seconds past a scan's limit after which the parent stops waiting for pebble and rebuilds the pool.
GUARD_SECONDS = 5.0
#: Seconds the sandbox may take to start its children.
STARTUP_SECONDS = 60.0
#: A child is replaced after this many scans, so what a parser leaks does not add up.
MAX_SCANS_PER_CHILD = 200
#: Modules the fork server imports once, so every child starts with them loaded.
PRELOAD = ["service.scanner.preload"]

_ERRORS: dict[str, type[ScanError]] = {
    error.__name__: error
    for error in (
        ScanError,
        CorruptContent,
        EmptyContent,
        EngineUnavailable,
        ScanTimeout,
        TooComplex,
        TooLarge,
        UnsupportedContent,
    )
}
#: Signals that mean the scan ran out of time rather than out of room: SIGXCPU (the CPU limit) and SIGALRM
#: (the child's own last-resort timer).
_TIME_SIGNALS = frozenset({signal.SIGXCPU, signal.SIGALRM})

_T = TypeVar("_T")


def _exit_error(exitcode: int | None, limits: child.ChildLimits) -> ScanError:
    """The scan error for a child that ended during a scan (a negative exit code is the signal that ended it)."""
    if exitcode is not None and exitcode < 0:
        number = -exitcode
        name = signal.Signals(number).name if number in signal.valid_signals() else str(number)
        if number in _TIME_SIGNALS:
            return ScanTimeout(detail=f"scan process ended by {name} after {limits.timeout} s")
        # SIGKILL is the kernel's OOM killer or an operator; SIGSEGV and SIGABRT a parser that crashed,
        # often on a failed allocation under the memory limit.
        return TooComplex(detail=f"scan process ended by {name}")
    return TooComplex(detail=f"scan process exited with code {exitcode}")


class ScanSandbox:
    """A supervised pool of child processes that read files within memory, CPU and time limits.

    :param processes: children, so scans that run at the same time
    :param memory_mb: address space of each child, in MiB
    :param timeout: seconds one scan may take
    :param ocr: how children call Tesseract
    """

    def __init__(self, *, processes: int, memory_mb: int, timeout: float, ocr: OcrConfig) -> None:
        self.processes = processes
        self.limits = child.ChildLimits(
            memory_bytes=memory_mb * 1024 * 1024, timeout=timeout, cpu_seconds=timeout + 1.0
        )
        self.ocr = ocr
        self._pool: ProcessPool | None = None
        # A scan's limit starts when a child is free for it, not while it waits for one.
        self._slots = asyncio.Semaphore(processes)
        self._restarts = 0

    @property
    def restarts(self) -> int:
        """Return how often the pool was rebuilt because it broke or stalled."""
        return self._restarts

    def _ensure_pool(self) -> ProcessPool:
        if self._pool is None or not self._pool.active:
            if self._pool is not None:
                self._discard(self._pool, "it is no longer active")
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            self._pool = ProcessPool(
                max_workers=self.processes,
                max_tasks=MAX_SCANS_PER_CHILD,
                initializer=child.initialize,
                initargs=(self.limits.memory_bytes,),
                context=context,
            )
        return self._pool

    def _discard(self, pool: ProcessPool, reason: str) -> None:
        self._restarts += 1
        if self._pool is pool:
            self._pool = None
        logger.error("scan sandbox pool rebuilt: %s", reason)
        pool.stop()  # type: ignore[no-untyped-call]
        # Joining waits for the pool's threads; off the loop, and nobody needs to wait for it.
        asyncio.get_running_loop().run_in_executor(None, _join_quietly, pool)

    async def start(self) -> None:
        """Start the children now and wait until each is ready, so the first scan does not pay for it."""
        pool = self._ensure_pool()
        futures = [
            asyncio.wrap_future(pool.schedule(child.ready, timeout=STARTUP_SECONDS)) for _ in range(self.processes)
        ]
        # The first start of the fork server imports the parsers and loads Tesseract's models: about a second.
        async with asyncio.timeout(STARTUP_SECONDS + GUARD_SECONDS):
            await asyncio.gather(*futures)

    async def extract(self, content: bytes, content_type: str, filename: str) -> child.ChildOutcome:
        """Read a file's text in a child process, raising a ``ScanError`` when the file cannot be read.

        :param content: the file's bytes
        :param content_type: the media type
        :param filename: the name the parent gave the file (only logged)
        """
        outcome = await self.run(child.run_scan, (content, content_type, self.ocr, self.limits), filename)
        _report(outcome, filename)
        if outcome.error is not None:
            kind, message, detail = outcome.error
            raise _ERRORS.get(kind, ScanError)(message, detail=detail)
        return outcome

    def _schedule(self, function: Callable[..., _T], args: tuple[Any, ...]) -> tuple[ProcessPool, Any]:
        pool = self._ensure_pool()
        try:
            return pool, pool.schedule(function, args=args, timeout=self.limits.timeout)
        except RuntimeError:
            # A child that died between scans makes pebble give up on the whole pool: start a new one.
            self._discard(pool, "it broke between scans")
            pool = self._ensure_pool()
            return pool, pool.schedule(function, args=args, timeout=self.limits.timeout)

    async def run(self, function: Callable[..., _T], args: tuple[Any, ...], filename: str) -> _T:
        """Run ``function(*args)`` in a sandbox process and return its result, raising a ``ScanError`` when the
        process is killed at the limit (``scan_timeout``) or dies (``too_complex``).

        :param function: a module-level function the child can import
        :param args: its arguments, picklable
        :param filename: what the work is about, for the logs
        """
        async with self._slots:
            try:
                return await self._supervise(function, args, filename)
            except BrokenProcessPool:
                # pebble gives up on a pool when a child dies while no task runs, and fails the tasks waiting
                # for a child with it: this one never started. Reading a file twice does no harm, so once more.
                return await self._supervise(function, args, filename, retry=False)

    async def _supervise(
        self, function: Callable[..., _T], args: tuple[Any, ...], filename: str, *, retry: bool = True
    ) -> _T:
        pool, future = self._schedule(function, args)
        waiting: asyncio.Future[_T] = asyncio.wrap_future(future)
        try:
            async with asyncio.timeout(self.limits.timeout + GUARD_SECONDS):
                return await asyncio.shield(waiting)
        except TimeoutError:
            if not waiting.done():
                # pebble neither finished the scan nor killed it: its supervision is stuck. A new pool, no wait.
                self._discard(pool, f"a scan of {filename!r} was not stopped at its limit")
                raise ScanTimeout(detail="the sandbox did not stop the scan at its limit") from None
            logger.warning("scan of %r passed its %.1f s limit; its process was killed", filename, self.limits.timeout)
            raise ScanTimeout(detail=f"over {self.limits.timeout} s") from None
        except ProcessExpired as exc:
            error = _exit_error(exc.exitcode, self.limits)
            logger.warning("scan process for %r ended during the scan: %s (%s)", filename, error.code, error.detail)
            raise error from None
        except BrokenProcessPool as exc:
            self._discard(pool, f"{exc!r} during a scan of {filename!r}")
            if retry:
                raise
            raise TransientScanError(f"the scan sandbox broke: {exc!r}") from exc
        except asyncio.CancelledError:
            # The job was cancelled (arq's job timeout, shutdown): pebble ends the child that runs it.
            future.cancel()
            raise

    async def close(self) -> None:
        """Stop the children; scans still running are killed."""
        if self._pool is not None:
            pool, self._pool = self._pool, None
            pool.stop()  # type: ignore[no-untyped-call]
            await asyncio.get_running_loop().run_in_executor(None, _join_quietly, pool)


def _join_quietly(pool: ProcessPool) -> None:
    try:
        pool.join(timeout=10)
    except Exception as exc:  # a pool that cannot be joined leaks its threads, not the caller's work
        logger.warning("scan sandbox pool did not stop cleanly: %r", exc)


def _report(outcome: child.ChildOutcome, filename: str) -> None:
    if outcome.warnings:
        total = sum(outcome.warnings.values())
        top = sorted(outcome.warnings.items(), key=lambda item: -item[1])[:5]
        logger.warning(
            "scan of %r: %d parser warnings (%s)", filename, total, "; ".join(f"{n} x {text}" for text, n in top)
        )
    if outcome.setup_problems:
        logger.error("scan process runs without some of its limits: %s", "; ".join(outcome.setup_problems))
