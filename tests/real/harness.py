"""The real tier's harness: the real ``web`` and ``worker`` commands as processes, on one redis-server and one
MongoDB wire-protocol server (MongoDB itself, or the stand-in as a process), driven through the HTTP API.

Every wait is a poll with a deadline; ``conftest.py`` holds the fixtures that start and stop all of it.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import redis

from service.auth import issue_token
from service.settings import Settings
from tests.helpers import CHILD, JWT_SECRET, USER, redis_executable
from tests.openapi_contract import check_response

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
#: settings the processes must not inherit from the shell that runs the tests
_INHERITED_SETTINGS = re.compile(
    r"^(MONGO_|REDIS_|JWT_|SCAN_|RECONCILE_|WORKER_|QUEUE_NAME|DEEP_QUEUE_NAME|PORT$|HOST$|LOG_|MAX_UPLOAD|STAGE_)"
)


# -- waiting --


async def wait_for(predicate: Callable[[], Any], timeout: float, what: str, interval: float = 0.05) -> Any:
    """Poll ``predicate`` (sync or async) until it returns something truthy, and return that.

    :param timeout: seconds before the wait fails the test
    :param what: what is awaited, for the failure message
    """
    deadline = time.monotonic() + timeout
    while True:
        last = predicate()
        if inspect.isawaitable(last):
            last = await last
        if last:
            return last
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what} (last: {last!r})")
        await asyncio.sleep(interval)


def wait_until(predicate: Callable[[], Any], timeout: float, what: str, interval: float = 0.02) -> Any:
    """The synchronous ``wait_for``, for session fixtures that run outside an event loop."""
    deadline = time.monotonic() + timeout
    while True:
        last = predicate()
        if last:
            return last
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what} (last: {last!r})")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# -- processes --


@dataclass
class Proc:
    """A process the tests started, in a session (process group) of its own, with its output in a file."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self.popen.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.output().splitlines()[-lines:])


def spawn(name: str, argv: list[str], env: dict[str, str], log: Path, port: int = 0) -> Proc:
    with log.open("wb") as out:
        popen = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Proc(name, popen, log, port)


def _signal_group(proc: Proc, signum: int) -> None:
    try:
        os.killpg(proc.popen.pid, signum)
    except ProcessLookupError:
        pass


def terminate(*procs: Proc, timeout: float = STOP_TIMEOUT) -> None:
    """SIGTERM the process groups, then SIGKILL each whose process is still there after ``timeout``."""
    running = [proc for proc in procs if proc.popen.poll() is None]
    for proc in running:
        _signal_group(proc, signal.SIGTERM)
        _signal_group(proc, signal.SIGCONT)  # a paused process acts on SIGTERM only once it runs again
    deadline = time.monotonic() + timeout
    for proc in running:
        try:
            proc.popen.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal_group(proc, signal.SIGKILL)
            proc.popen.wait(timeout)


def pause(proc: Proc) -> None:
    """SIGSTOP the process group: it holds whatever it holds and does nothing until ``resume``."""
    _signal_group(proc, signal.SIGSTOP)


def resume(proc: Proc) -> None:
    _signal_group(proc, signal.SIGCONT)


def kill(proc: Proc) -> None:
    """SIGKILL the process group: no shutdown code of the process runs."""
    if proc.popen.returncode is None:
        _signal_group(proc, signal.SIGKILL)
        proc.popen.wait(STOP_TIMEOUT)


# -- the shared servers --


class RedisServer:
    """A redis-server the tests own: no persistence, one fixed port, so it can be stopped and started again."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.proc: Proc | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=1, socket_timeout=5)

    def ping(self) -> bool:
        client = self.client()
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.running

    def start(self) -> None:
        assert not self.running, "redis-server is already running"
        self.starts += 1
        argv = [
            redis_executable(),
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(self.directory),
        ]
        self.proc = spawn("redis", argv, dict(os.environ), self.directory / f"redis-{self.starts}.log", self.port)
        wait_until(lambda: self.ping() or not self.running, START_TIMEOUT, "redis-server to answer PING")
        assert self.running, f"redis-server exited:\n{self.proc.tail()}"

    def stop(self) -> None:
        if self.proc is not None:
            terminate(self.proc)

    def flush(self) -> None:
        client = self.client()
        try:
            client.flushall()
        finally:
            client.close()


def _listening(proc: Proc) -> str | None:
    match = re.search(r"^listening (\S+:\d+)$", proc.output(), re.MULTILINE)
    return match.group(1) if match else None


def spawn_standin(directory: Path) -> tuple[Proc, str]:
    """Start the MongoDB stand-in as a process of its own and return it with its ``mongodb://`` URL.

    :param directory: where its log goes
    """
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = spawn("standin", [sys.executable, "-m", "tests.standin", "--port", "0"], env, directory / "standin.log")
    try:
        address = wait_until(lambda: _listening(proc) or not proc.running, START_TIMEOUT, "the stand-in to listen")
        assert proc.running, f"the stand-in exited:\n{proc.tail()}"
    except BaseException:
        terminate(proc)
        raise
    return proc, f"mongodb://{address}/"


# -- the service's processes --


class Cluster:
    """Starts the service's commands as processes against the shared servers, and stops all of them."""

    def __init__(
        self, directory: Path, mongo_url: str, mongo_db: str, redis_server: RedisServer, mongo_driver: str
    ) -> None:
        self.directory = directory
        self.mongo_url = mongo_url
        self.mongo_db = mongo_db
        self.mongo_driver = mongo_driver
        self.redis = redis_server
        self.procs: list[Proc] = []
        #: processes the test stopped or killed on purpose
        self.ended: list[Proc] = []

    def env(self, **settings: object) -> dict[str, str]:
        """The environment of a service process: the shared servers, text logs, and ``settings`` on top."""
        env = {k: v for k, v in os.environ.items() if not _INHERITED_SETTINGS.match(k)}
        env.update(
            MONGO_URL=self.mongo_url,
            MONGO_DB=self.mongo_db,
            MONGO_DRIVER=self.mongo_driver,
            REDIS_URL=self.redis.url,
            JWT_SECRET=JWT_SECRET,
            LOG_FORMAT="text",
            LOG_LEVEL="INFO",
            PYTHONUNBUFFERED="1",
            # one Tesseract thread per page: the machine has two cores and several processes
            OMP_THREAD_LIMIT="1",
            RECONCILE_INTERVAL_SECONDS="1",
        )
        env.update({k: str(v) for k, v in settings.items()})
        return env

    def _spawn(self, kind: str, argv: list[str], env: dict[str, str], port: int) -> Proc:
        count = sum(1 for p in self.procs if p.name.startswith(kind))
        name = f"{kind}-{count + 1}"
        proc = spawn(name, argv, env, self.directory / f"{name}.log", port)
        self.procs.append(proc)
        return proc

    def migrate(self) -> str:
        """Run ``python -m migrations up`` (the release command) and return what it printed: its summary on
        stdout and its log (what each version did) on stderr."""
        env = {k: v for k, v in self.env().items() if k != "REDIS_URL"}
        done = subprocess.run(
            [sys.executable, "-m", "migrations", "up"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, f"migrations failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        assert f"mongo_driver={self.mongo_driver}" in done.stderr, done.stderr
        return done.stdout + done.stderr

    async def start_web(self, count: int = 1, **settings: object) -> list[Proc]:
        """Start ``count`` web processes (``python -m service``) and wait until each answers ``/readyz``."""
        procs = []
        for _ in range(count):
            port = free_port()
            env = self.env(PORT=port, HOST="127.0.0.1", **settings)
            procs.append(self._spawn("web", [sys.executable, "-m", "service"], env, port))
        for proc in procs:
            await self.wait_ready(proc)
            self.assert_driver(proc)
        return procs

    def assert_driver(self, proc: Proc) -> None:
        """Fail unless the process logged that its MongoDB client is on the cluster's driver, and its event loop is
        the one ``EVENT_LOOP`` of the shell that runs the tests names (the default when unset)."""
        output = proc.output()
        assert f"mongo_driver={self.mongo_driver}" in output, f"{proc.name}:\n{proc.tail()}"
        if proc.name.startswith("web"):
            loop = Settings.from_env({"EVENT_LOOP": os.environ.get("EVENT_LOOP", "")}).event_loop
            assert f"event_loop={loop}" in output, f"{proc.name}:\n{proc.tail()}"

    async def wait_ready(self, proc: Proc, timeout: float = START_TIMEOUT) -> None:
        """Wait until a web process answers ``/readyz`` with 200 (MongoDB and Redis reachable)."""

        async def ready() -> bool:
            if not proc.running:
                raise AssertionError(f"{proc.name} exited with {proc.popen.returncode}:\n{proc.tail()}")
            try:
                return (await self.readyz(proc))[0] == 200
            except (TimeoutError, aiohttp.ClientError):
                return False

        await wait_for(ready, timeout, f"{proc.name} /readyz", interval=0.1)

    async def readyz(self, proc: Proc) -> tuple[int, Any]:
        async with aiohttp.ClientSession() as session:
            async with session.get(proc.url + "/readyz", timeout=aiohttp.ClientTimeout(total=10)) as response:
                await check_response(response)
                return response.status, await response.json()

    async def redis_queue_length(self) -> int:
        client = self.redis.client()
        try:
            # redis-py annotates its sync and async clients as one: the sync call's result is typed as awaitable too.
            length: int = client.zcard("arq:queue:scan")  # type: ignore[assignment]
            return length
        finally:
            client.close()

    async def start_worker(self, **settings: object) -> Proc:
        """Start a worker (the Procfile's ``arq service.worker.WorkerSettings``) with its metrics on a port of
        its own, and wait until it logs that it is ready."""
        port = free_port()
        env = self.env(WORKER_METRICS_PORT=port, **settings)
        arq = Path(sys.executable).parent / "arq"
        argv = [str(arq)] if arq.exists() else [sys.executable, "-m", "arq"]
        proc = self._spawn("worker", [*argv, "service.worker.WorkerSettings"], env, port)

        def ready() -> bool:
            if not proc.running:
                raise AssertionError(f"{proc.name} exited with {proc.popen.returncode}:\n{proc.tail()}")
            return "worker ready" in proc.output()

        await wait_for(ready, START_TIMEOUT, f"{proc.name} to log 'worker ready'")
        self.assert_driver(proc)
        return proc

    async def metrics(self, proc: Proc) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
        """A process's Prometheus samples: ``{(name, sorted labels): value}``."""
        self.assert_alive(proc)
        async with aiohttp.ClientSession() as session:
            async with session.get(proc.url + "/metrics", timeout=aiohttp.ClientTimeout(total=10)) as response:
                assert response.status == 200
                text = await response.text()
        return parse_metrics(text)

    def stop(self, proc: Proc) -> None:
        self.ended.append(proc)
        terminate(proc)

    def kill(self, proc: Proc) -> None:
        self.ended.append(proc)
        kill(proc)

    def assert_alive(self, *procs: Proc) -> None:
        """Fail, with its log, if a process exited that the test did not stop.

        :param procs: these processes; by default every one the test started and did not stop
        """
        for proc in procs or [p for p in self.procs if p not in self.ended]:
            assert proc.running, f"{proc.name} exited with {proc.popen.returncode}:\n{proc.tail()}"

    def pause(self, proc: Proc) -> None:
        pause(proc)

    def resume(self, proc: Proc) -> None:
        resume(proc)

    def in_progress_jobs(self) -> set[str]:
        """The ids of the jobs some worker has taken from the queue (arq's in-progress keys)."""
        client = self.redis.client()
        try:
            return {key.decode().removeprefix("arq:in-progress:") for key in client.scan_iter("arq:in-progress:*")}
        finally:
            client.close()

    def close(self) -> None:
        terminate(*self.procs)

    def report(self) -> str:
        return "\n".join(f"----- {p.name} (exit {p.popen.returncode}) -----\n{p.tail(60)}" for p in self.procs)


_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$")
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_metrics(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    samples = {}
    for line in text.splitlines():
        match = _SAMPLE.match(line)
        if match is None or line.startswith("#"):
            continue
        labels = tuple(sorted(_LABEL.findall(match.group(2) or "")))
        samples[(match.group(1), labels)] = float(match.group(3))
    return samples


def metric(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    """One sample's value; 0 when the process never counted it."""
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


# -- the HTTP API --


class Api:
    """The documented HTTP API of several web processes, as the mobile client uses it."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session
        token = issue_token(JWT_SECRET, USER, [CHILD], ttl_seconds=3600)
        self.headers = {"Authorization": f"Bearer {token}"}

    @staticmethod
    def documents_url(web: Proc) -> str:
        return f"{web.url}/api/v1/children/{CHILD}/documents"

    async def upload(self, web: Proc, content: bytes, filename: str, content_type: str) -> dict[str, Any]:
        form = aiohttp.FormData()
        form.add_field("file", content, filename=filename, content_type=content_type)
        async with self.session.post(self.documents_url(web), data=form, headers=self.headers) as response:
            await check_response(response)
            body = await response.json()
            assert response.status == 201, (response.status, body)
            return dict(body)

    async def rescan(
        self, web: Proc, document_id: object, key: str | None = None
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        url = f"{self.documents_url(web)}/{document_id}/rescan"
        headers = self.headers if key is None else {**self.headers, "Idempotency-Key": key}
        async with self.session.post(url, headers=headers) as response:
            await check_response(response)
            return response.status, await response.json(content_type=None), dict(response.headers)

    async def scan(self, web: Proc, document_id: object) -> dict[str, Any]:
        async with self.session.get(f"{self.documents_url(web)}/{document_id}/scan", headers=self.headers) as r:
            await check_response(r)
            assert r.status == 200, r.status
            return dict(await r.json())


# -- reading the outcome --


def stage_events(doc: dict[str, Any], stage: str) -> int:
    return sum(1 for event in doc.get("stage_history") or [] if event.get("stage") == stage)


async def documents_by_id(db: Any, ids: list[Any]) -> dict[Any, dict[str, Any]]:
    return {doc["_id"]: doc async for doc in db.documents.find({"_id": {"$in": ids}})}


async def all_settled(db: Any, ids: list[Any], statuses: tuple[str, ...] = ("ready",)) -> dict[Any, Any] | None:
    """The documents when every one has one of ``statuses``, else ``None`` (a predicate for ``wait_for``)."""
    docs = await documents_by_id(db, ids)
    if len(docs) == len(ids) and all(d.get("scan_status") in statuses for d in docs.values()):
        return docs
    return None
