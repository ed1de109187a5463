"""What runs inside a sandbox process: its limits, the extraction of one file, and the count of parser warnings.

Nothing here may raise across the process boundary: a scan's outcome, good or bad, comes back as a plain
``ChildOutcome``, so the parent never has to unpickle a library's exception.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import math
import os
import resource
import signal
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .extract import Extracted, OcrConfig, extract
from .result import ScanError, TooComplex

#: Distinct warning texts kept per scan; the rest are counted under one key.
MAX_WARNING_KINDS = 12
#: Seconds past the scan's limit at which a child ends itself, should the pool's own kill not come.
SELF_KILL_GRACE = 2.0
#: Above this resident size a child hands freed memory back to the system after a scan.
TRIM_ABOVE_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class ChildLimits:
    """The limits of one sandbox process and of each scan it runs.

    :param memory_bytes: address space of the process (``RLIMIT_AS``), Tesseract included
    :param timeout: seconds one scan may take; the pool kills the process at this limit
    :param cpu_seconds: CPU seconds one scan may use before the system ends the process (``RLIMIT_CPU``)
    """

    memory_bytes: int
    timeout: float
    cpu_seconds: float


@dataclass(frozen=True)
class ChildOutcome:
    """What a scan in a sandbox process gave: the text, or a scan error as plain values, and what was logged.

    :param extracted: the text read, or None when the scan failed
    :param error: the failure's ``ScanError`` subclass name, public message and internal detail
    :param warnings: parser warnings by source and text, with their counts
    :param setup_problems: limits the process could not set (reported once per scan, never silently)
    :param peak_rss_kb: the process's largest resident size so far
    :param cpu_seconds: CPU time the scan used, in the process and in the programs it ran (Tesseract)
    """

    extracted: Extracted | None
    error: tuple[str, str, str] | None = None
    warnings: dict[str, int] = field(default_factory=dict)
    setup_problems: tuple[str, ...] = ()
    peak_rss_kb: int = 0
    cpu_seconds: float = 0.0


class _WarningCounter(logging.Handler):
    """Counts log records and Python warnings instead of writing them: one damaged file can emit thousands."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.counts: Counter[str] = Counter()

    def add(self, source: str, text: str) -> None:
        key = f"{source}: {text[:80]}"
        if key not in self.counts and len(self.counts) >= MAX_WARNING_KINDS:
            key = "other"
        self.counts[key] += 1

    def emit(self, record: logging.LogRecord) -> None:
        self.add(record.name.split(".", 1)[0], str(record.msg))

    def show_warning(self, message: Warning | str, category: type[Warning], *_args: Any, **_kwargs: Any) -> None:
        self.add(category.__name__, str(message))

    def take(self) -> dict[str, int]:
        counts = dict(self.counts)
        self.counts.clear()
        return counts


_counter = _WarningCounter()
_setup_problems: list[str] = []


def initialize(memory_bytes: int) -> None:
    """Set the process's limits and quiet its logging; runs once in each new sandbox process, before any scan.

    It never raises: pebble loses the tasks of a process whose initializer fails, so a limit that cannot
    be set is reported with every scan instead.

    :param memory_bytes: the address-space limit
    """
    try:
        # Both soft and hard: nothing the process runs later can lift it.
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    except (ValueError, OSError) as exc:
        _setup_problems.append(f"RLIMIT_AS: {exc!r}")
    try:
        # A crash of a process holding a gigabyte must not write a gigabyte of core file.
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ValueError, OSError) as exc:
        _setup_problems.append(f"RLIMIT_CORE: {exc!r}")
    # pebble stops a process with SIGTERM, then SIGKILL three seconds later. Its own handler runs only
    # between Python instructions, never inside a long pdfium or zlib call: the default action ends the
    # process at once.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    signal.signal(signal.SIGXCPU, signal.SIG_DFL)
    root = logging.getLogger()
    root.handlers[:] = [_counter]
    root.setLevel(logging.WARNING)
    warnings.showwarning = _counter.show_warning
    warnings.simplefilter("always")
    # The parsers' own objects live as long as the process: keep them out of every garbage collection.
    gc.freeze()


def _arm(limits: ChildLimits) -> None:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    spent = usage.ru_utime + usage.ru_stime
    soft = math.ceil(spent + limits.cpu_seconds)
    try:
        _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
        resource.setrlimit(resource.RLIMIT_CPU, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))
    except (ValueError, OSError) as exc:
        _setup_problems.append(f"RLIMIT_CPU: {exc!r}")
    # The last resort, should the pool's kill not come: SIGALRM's default action ends the process.
    signal.setitimer(signal.ITIMER_REAL, limits.timeout + SELF_KILL_GRACE)


def _disarm() -> None:
    # Disarmed before the result is sent: a process ended while it holds the pool's channel lock would
    # stall every other process of the pool.
    signal.setitimer(signal.ITIMER_REAL, 0)
    try:
        _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
        resource.setrlimit(resource.RLIMIT_CPU, (hard, hard))
    except (ValueError, OSError):
        pass


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    programs = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + programs.ru_utime + programs.ru_stime


def _peak_rss_kb() -> int:
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _current_rss_bytes() -> int:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _give_memory_back() -> None:
    # Only after a large file: a full collection costs tens of milliseconds, more than a text PDF's scan.
    if _current_rss_bytes() > TRIM_ABOVE_BYTES:
        gc.collect()
        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):
            pass


def run_scan(content: bytes, content_type: str, ocr: OcrConfig, limits: ChildLimits) -> ChildOutcome:
    """Read one file's text within the limits; the sandbox pool calls this in a child process.

    :param content: the file's bytes
    :param content_type: the media type
    :param ocr: how to call Tesseract
    :param limits: the scan's time and CPU limits
    """
    _counter.take()
    cpu_before = _cpu_seconds()
    _arm(limits)
    extracted: Extracted | None = None
    error: tuple[str, str, str] | None = None
    try:
        extracted = extract(content, content_type, ocr, time.monotonic() + limits.timeout)
    except ScanError as exc:
        error = (type(exc).__name__, exc.public_message, exc.detail)
    except (MemoryError, RecursionError) as exc:
        error = (TooComplex.__name__, TooComplex.default_message, repr(exc)[:300])
    except Exception as exc:
        error = (ScanError.__name__, ScanError.default_message, repr(exc)[:300])
    finally:
        _disarm()
    outcome = ChildOutcome(
        extracted, error, _counter.take(), tuple(_setup_problems), _peak_rss_kb(), _cpu_seconds() - cpu_before
    )
    _give_memory_back()
    return outcome


def ready() -> int:
    """Return the process id once the process is up (used to start the pool's processes ahead of scans)."""
    return os.getpid()
