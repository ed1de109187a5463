"""Functions the sandbox tests run in a sandbox process, to make it crash, hang or report its limits."""

from __future__ import annotations

import ctypes
import os
import resource
import signal


def limits() -> dict[str, int]:
    """Return the address-space and core-file limits the process runs with."""
    return {
        "address_space": resource.getrlimit(resource.RLIMIT_AS)[0],
        "core": resource.getrlimit(resource.RLIMIT_CORE)[1],
        "pid": os.getpid(),
    }


def segfault() -> None:
    """Read address zero, as a parser with a bad pointer does."""
    ctypes.string_at(0)


def abort() -> None:
    """Call abort(), as a C library does when an allocation fails."""
    os.abort()


def killed() -> None:
    """End with SIGKILL, as the kernel's OOM killer does."""
    os.kill(os.getpid(), signal.SIGKILL)


def allocate(size: int) -> str:
    """Try to allocate ``size`` bytes and touch them; return what happened.

    :param size: bytes
    """
    try:
        block = bytearray(size)
    except MemoryError:
        return "MemoryError"
    block[-1] = 1
    return "allocated"


def spin() -> None:
    """Spin forever without returning to the interpreter between long calls: only a kill stops it."""
    while True:
        sum(range(10_000_000))
