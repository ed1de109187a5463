"""The web process's shutdown and start, as a process: SIGTERM with an upload in flight, a Redis that is not
there at start, and the Procfile under honcho as people run it."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from service.auth import issue_token
from tests.helpers import CHILD, JWT_SECRET, USER
from tests.real.harness import ROOT, Cluster, free_port, spawn, terminate, wait_for
from tests.test_edges import Connection, close_connections, multipart, text_of, upload_head

pytestmark = [pytest.mark.real, pytest.mark.timeout(120)]

AUTH = {"Authorization": f"Bearer {issue_token(JWT_SECRET, USER, [CHILD], ttl_seconds=3600)}"}
#: the upload of the original report: 1.9 MB at about 300 KB/s
UPLOAD_BYTES = 1_900_000


@pytest.fixture(autouse=True)
async def connections() -> AsyncIterator[None]:
    """The connections a test opens are closed on its own event loop, not left to a later test."""
    yield
    await close_connections()


def exits_within(cluster: Cluster, proc: object, seconds: float) -> int:
    """The exit code, if the process exits within ``seconds`` (a bound the issue sets, not a measurement)."""
    popen = proc.popen  # type: ignore[attr-defined]
    try:
        code: int = popen.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"still running {seconds} s after SIGTERM:\n{proc.tail()}") from None  # type: ignore[attr-defined]
    cluster.ended.append(proc)  # type: ignore[arg-type]
    return code


async def readiness(port: int) -> int:
    """The status of ``/readyz`` on a connection of its own."""
    connection = await Connection.open(port)
    await connection.send(b"GET /readyz HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n")
    status = (await connection.response()).status
    connection.close()
    return status


async def test_sigterm_lets_an_upload_in_flight_finish_and_exits_within_the_grace(cluster: Cluster, db: object) -> None:
    grace = 12.0
    [web] = await cluster.start_web(SHUTDOWN_GRACE_SECONDS=grace, SHUTDOWN_DRAIN_SECONDS=1)
    body = multipart(text_of(UPLOAD_BYTES))
    connection = await Connection.open(web.port)
    await connection.send(upload_head(AUTH, len(body)))
    upload = asyncio.ensure_future(connection.trickle(body, 30_000, 0.1))
    await asyncio.sleep(0.5)  # the client's pace: the upload is under way when SIGTERM comes
    web.popen.send_signal(signal.SIGTERM)

    async def not_ready() -> bool:
        return await readiness(web.port) == 503

    # Within the drain, while the listener still accepts connections.
    await wait_for(not_ready, 5, "/readyz to answer 503 after SIGTERM", interval=0.05)

    response = await connection.response()
    await upload
    assert response.status == 201, response.body
    assert exits_within(cluster, web, grace + 1) == 0
    assert "requests interrupted" in web.output() and "0 requests interrupted" in web.output()


async def test_sigterm_answers_503_to_an_upload_the_grace_cannot_wait_for(cluster: Cluster) -> None:
    grace = 4.0
    [web] = await cluster.start_web(SHUTDOWN_GRACE_SECONDS=grace, SHUTDOWN_DRAIN_SECONDS=0.5)
    body = multipart(text_of(UPLOAD_BYTES))
    connection = await Connection.open(web.port)
    await connection.send(upload_head(AUTH, len(body)))
    upload = asyncio.ensure_future(connection.trickle(body, 10_000, 0.1))
    await asyncio.sleep(0.5)
    web.popen.send_signal(signal.SIGTERM)

    response = await connection.response()
    upload.cancel()
    assert response.status == 503
    problem = json.loads(response.body)
    assert problem["type"] == "urn:docscan:problem:service-unavailable"
    assert problem["request_id"] == response.headers["x-request-id"]
    assert exits_within(cluster, web, grace + 1) == 0
    assert "Traceback" not in web.output()


@pytest.mark.parametrize("kind", ["web", "worker"])
def test_a_redis_that_is_not_there_at_start_is_one_line_and_exit_1(cluster: Cluster, kind: str) -> None:
    env = cluster.env(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0", STARTUP_TIMEOUT_SECONDS=1, LOG_FORMAT="json")
    arq = Path(sys.executable).parent / "arq"
    argv = [sys.executable, "-m", "service"] if kind == "web" else [str(arq), "service.worker.WorkerSettings"]
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, (done.stdout, done.stderr)
    [line] = done.stderr.splitlines()
    assert "REDIS_URL" in line and "MONGO_URL" not in line and "unreachable" in line


async def test_the_procfile_runs_under_honcho_after_the_release_step(cluster: Cluster, tmp_path: Path) -> None:
    bin_dir = str(Path(sys.executable).parent)
    env = cluster.env(PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", SHUTDOWN_DRAIN_SECONDS=0.5)
    env.pop("PORT", None)
    honcho = str(Path(bin_dir) / "honcho")
    # The release step, as the README runs it: a one-off before the processes.
    release = subprocess.run(
        [honcho, "run", "python", "-m", "migrations", "up", "--wait", "30"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert release.returncode == 0, release.stdout + release.stderr

    port = free_port()
    proc = spawn("honcho", [honcho, "start", "-p", str(port)], env, tmp_path / "honcho.log", port)
    try:

        async def both_up() -> bool:
            assert proc.running, proc.tail()
            output = proc.output()
            if "worker ready" not in output:
                return False
            try:
                return await readiness(port) == 200
            except OSError:
                return False

        await wait_for(both_up, 60, "web and worker under honcho", interval=0.2)
        proc.popen.send_signal(signal.SIGTERM)  # honcho passes it on to web and worker
        proc.popen.wait(timeout=40)
        output = proc.output()
        assert "docscan web stopped" in output and "worker stopped" in output, output
    finally:
        terminate(proc)


def test_migrations_log_in_the_log_format_and_say_each_thing_once(cluster: Cluster) -> None:
    env = cluster.env(LOG_FORMAT="json")
    env.pop("REDIS_URL")
    done = subprocess.run(
        [sys.executable, "-m", "migrations", "up"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    messages = [json.loads(line)["message"] for line in done.stderr.splitlines()]  # every log line is JSON
    assert len(messages) == len(set(messages)), messages
    assert any("examined" in message for message in messages)
    assert messages[0].startswith("docscan ") and "finished (exit code 0)" in messages[-1]
    summary = done.stdout.splitlines()
    assert [line.split(":")[0] for line in summary] == [
        "0001 indexes",
        "0002 validator",
        "0003 backfill_legacy",
        "0004 idempotency_keys",
        "0005 erasure_indexes",
    ]
    assert not any(line in message for line in summary for message in messages)
