"""What every process does at start: its version, a refusal in one line, and a bounded wait for MongoDB and Redis."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import sys
import time
from collections.abc import Awaitable, Callable
from importlib import metadata
from typing import NoReturn

from pymongo.errors import PyMongoError
from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

from .mongo import close_client, create_client
from .settings import Settings, without_credentials

logger = logging.getLogger(__name__)

EXIT_UNAVAILABLE = 1
EXIT_CONFIGURATION = 2
#: a script that touches no key: whether this Redis runs scripts at all
_PROBE = "return 1"
_PROBE_SHA = hashlib.sha1(_PROBE.encode()).hexdigest()
#: one attempt to reach a store, so that a slow attempt is tried again before the deadline
_ATTEMPT_SECONDS = 5.0
_RETRY_DELAY = 0.5


class StartupError(Exception):
    """A process cannot start: MongoDB or Redis stayed unreachable, or refuses what the service needs. Its text is
    the one line to print.

    :param code: the exit code: ``EXIT_UNAVAILABLE``, or ``EXIT_CONFIGURATION`` when a store refuses (waiting
        longer would not help)
    """

    def __init__(self, message: str, code: int = EXIT_UNAVAILABLE) -> None:
        super().__init__(message)
        self.code = code


def version() -> str:
    """The installed version of docscan."""
    try:
        return metadata.version("docscan")
    except metadata.PackageNotFoundError:
        return "unknown"


def refuse(process: str, message: str, code: int = EXIT_CONFIGURATION) -> NoReturn:
    """Print one line naming the problem to stderr and exit.

    :param process: ``web``, ``worker`` or ``migrate``
    :param message: names the variable at fault
    :param code: 2 for configuration, 1 for an unreachable store
    """
    print(f"docscan {process}: {message}", file=sys.stderr, flush=True)
    raise SystemExit(code)


def settings_line(settings: Settings) -> str:
    """The settings that matter, as ``key=value`` pairs for the start-up line, and the event loop the process runs
    on (``EVENT_LOOP`` for the web process; the worker's is asyncio's, which the arq command makes); never a secret.

    :param settings: the service settings
    """
    pairs = settings.describe() | {"event_loop": running_loop()}
    return " ".join(f"{key}={value}" for key, value in pairs.items())


def running_loop() -> str:
    """The kind of event loop running in this thread: ``uvloop``, ``asyncio``, or ``none``."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return "none"
    return "uvloop" if type(loop).__module__.startswith("uvloop") else "asyncio"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "no answer"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    # pymongo appends the whole topology description; the first clause says what failed.
    return text.split(", Timeout:")[0].split(" (configured timeouts")[0][:300]


async def _retry_until(deadline: float, attempt: Callable[[], Awaitable[object]], what: str) -> None:
    last: BaseException | None = None
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise StartupError(f"{what} is unreachable: {_reason(last) if last else 'no answer'}")
        try:
            async with asyncio.timeout(min(remaining, _ATTEMPT_SECONDS)):
                await attempt()
            return
        except (TimeoutError, OSError, PyMongoError, RedisError) as exc:
            # An attempt cut short by the deadline says less than the failure before it.
            if last is None or not isinstance(exc, TimeoutError):
                last = exc
        await asyncio.sleep(min(_RETRY_DELAY, max(0.0, deadline - time.monotonic())))


async def wait_for_stores(settings: Settings, *, mongo: bool = True, redis: bool = True) -> None:
    """Wait up to ``STARTUP_TIMEOUT_SECONDS`` until MongoDB and Redis answer a ping, or raise ``StartupError``
    naming each that did not.

    :param settings: the service settings
    :param mongo: check MongoDB
    :param redis: check Redis
    """
    deadline = time.monotonic() + settings.startup_timeout_seconds
    waited = f"waited {settings.startup_timeout_seconds:g} s"
    checks = []
    if mongo and settings.mongo_url:
        checks.append(
            _ping_mongo(settings, deadline, f"MONGO_URL: MongoDB at {without_credentials(settings.mongo_url)}")
        )
    if redis and settings.redis_url:
        checks.append(_ping_redis(settings, deadline, f"REDIS_URL: Redis at {without_credentials(settings.redis_url)}"))
    failures = [result for result in await asyncio.gather(*checks, return_exceptions=True) if result]
    if failures:
        refusals = all(isinstance(f, StartupError) and f.code == EXIT_CONFIGURATION for f in failures)
        text = "; ".join(str(f) for f in failures)
        if refusals:
            raise StartupError(text, EXIT_CONFIGURATION)
        raise StartupError(f"{text} ({waited})")


async def _ping_mongo(settings: Settings, deadline: float, what: str) -> StartupError | None:
    # Shorter than one attempt, so that the driver says why (refused, unknown host) before the attempt ends.
    selection_ms = int(min(_ATTEMPT_SECONDS, settings.startup_timeout_seconds) * 400)
    selection_ms = max(100, selection_ms)
    # timeoutMS bounds server selection too (it overrides serverSelectionTimeoutMS), so both are set.
    client = create_client(
        settings.replace(mongo_timeout_ms=selection_ms),
        appname="docscan-startup",
        server_selection_timeout_ms=selection_ms,
    )
    try:
        await _retry_until(deadline, lambda: client.admin.command("ping"), what)
    except StartupError as exc:
        return exc
    finally:
        await close_client(client)
    return None


async def _ping_redis(settings: Settings, deadline: float, what: str) -> StartupError | None:
    connection = Redis.from_url(settings.redis_url, socket_connect_timeout=_ATTEMPT_SECONDS)
    try:
        await _retry_until(deadline, connection.ping, what)
        # Every enqueue is a script, sent with EVALSHA (EVAL when Redis lost it): a Redis that refuses either (an
        # ACL without them, a proxy that drops them) would leave every scan queued forever, so say so now, once.
        # The probe is a script that touches no key.
        await connection.eval(_PROBE, 0)
        await connection.evalsha(_PROBE_SHA, 0)
    except StartupError as exc:
        return exc
    except ResponseError as exc:
        return StartupError(
            f"{what} refuses the Lua scripts every enqueue runs (allow EVAL and EVALSHA, +@scripting, for this "
            f"user): {_reason(exc)}",
            EXIT_CONFIGURATION,
        )
    except (RedisError, OSError) as exc:
        return StartupError(f"{what} is unreachable: {_reason(exc)}")
    finally:
        await connection.aclose()
    return None
