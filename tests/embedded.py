"""The embedded service as a process of its own, as the README's first command starts it: for the tests and
benchmarks that drive it from outside."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: the banner line the token follows
_TOKEN = re.compile(r"Ready token .*\n\s+(\S+)")


class EmbeddedFailed(RuntimeError):
    """The service exited, or printed no token in time; the message holds its log."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_embedded(
    port: int, log: Path, settings: dict[str, str] | None = None, limit: Callable[[], None] | None = None
) -> subprocess.Popen[bytes]:
    """Start ``python -m service`` in the embedded mode, in a session of its own, its output into ``log``.

    :param settings: environment on top of the embedded defaults (the shell's store and JWT settings are dropped)
    :param limit: run in the child before the service starts (resource limits)
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MONGO_", "REDIS_", "JWT_"))}
    env.update(PORT=str(port), LOG_FORMAT="text", **(settings or {}))
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "service"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=limit,  # noqa: PLW1509 - runs before exec, in a fresh child
        )


async def ready_token(proc: subprocess.Popen[bytes], log: Path, within: float, worker: bool = False) -> str:
    """The token the service prints once it serves.

    :param within: seconds to wait for it
    :param worker: also wait until the embedded worker is ready (it loads its language models first)
    :raises EmbeddedFailed: when the service exits or prints nothing in time
    """
    deadline = time.monotonic() + within
    while True:
        text = log.read_text(errors="replace")
        found = _TOKEN.search(text)
        if found and (not worker or "worker ready" in text):
            return found.group(1)
        if proc.poll() is not None or time.monotonic() > deadline:
            raise EmbeddedFailed(f"the embedded service did not start:\n{text}")
        await asyncio.sleep(0.05)


def stop_embedded(proc: subprocess.Popen[bytes], grace: float = 20) -> int:
    """Stop the service as an orchestrator would: SIGTERM, then SIGKILL to its session after ``grace`` seconds.

    :return: its exit code (negative for a signal)
    """
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        return proc.wait()
