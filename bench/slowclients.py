"""Slow and stalled clients against one web process: how many connections it holds over time, and for how long.

Starts ``python -m service`` (the embedded mode: one process, nothing else to run) and opens ``--connections``
connections that misbehave in turn: silent (connect, send nothing), stalled headers (half a request head),
slowloris (one header byte every few seconds), stalled uploads (headers and part of the body, then nothing).
Every second it prints how many of them are still open, the oldest one's age, the server's own count of open
connections, its file descriptors and memory (from ``/metrics``), and how long a ``/healthz`` takes meanwhile.
At the end it compares each kind's longest life with its limit (``HEADER_TIMEOUT_SECONDS`` for the first three,
``BODY_IDLE_TIMEOUT_SECONDS`` after the last byte for uploads); the target is none older than its limit.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import resource
import subprocess
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from tests.embedded import EmbeddedFailed, free_port, ready_token, start_embedded, stop_embedded

KINDS = ("silent", "stalled-head", "slowloris", "stalled-upload")
#: time the server may take beyond a limit to notice and close (its timers, a busy loop)
SLACK = 1.5
BOUNDARY = "bench-boundary"


@dataclass
class Stalled:
    """One misbehaving connection."""

    kind: str
    opened: float = 0.0
    #: when the client last sent a byte
    last_sent: float = 0.0
    closed: float | None = None
    status: str = "-"
    #: the limit this connection's life is held to, from its last byte
    limit: float = 0.0


@dataclass
class Sample:
    at: float
    open: int
    oldest: float
    server_connections: float
    fds: float
    rss_mb: float
    healthz_ms: float


@dataclass
class Report:
    connections: list[Stalled] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)


async def _start_service(
    port: int, header_timeout: float, body_idle: float, log: Path
) -> tuple[subprocess.Popen[bytes], str]:
    settings = {
        "HOST": "127.0.0.1",
        "LOG_LEVEL": "INFO",
        "HEADER_TIMEOUT_SECONDS": str(header_timeout),
        "BODY_IDLE_TIMEOUT_SECONDS": str(body_idle),
    }
    proc = start_embedded(port, log, settings)
    # The embedded worker loads its language models at start, which holds the interpreter for seconds.
    try:
        return proc, await ready_token(proc, log, within=90, worker=True)
    except EmbeddedFailed as exc:
        raise SystemExit(str(exc)) from None


async def _hold(conn: Stalled, port: int, token: str, header_timeout: float, body_idle: float, stop: float) -> None:
    loop = asyncio.get_running_loop()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError as exc:
        conn.status = f"connect failed: {type(exc).__name__}"
        return
    conn.opened = conn.last_sent = loop.time()
    conn.limit = header_timeout

    async def send(data: bytes) -> None:
        writer.write(data)
        await writer.drain()
        conn.last_sent = loop.time()

    async def misbehave() -> None:
        if conn.kind == "stalled-head":
            await send(b"GET /healthz HTTP/1.1\r\nHost: bench\r\nX-Half: ")
        elif conn.kind == "slowloris":
            await send(b"GET /healthz HTTP/1.1\r\nHost: bench\r\n")
            while loop.time() < stop:
                await asyncio.sleep(2.0)  # the attack's own pace
                await send(b"X")
        elif conn.kind == "stalled-upload":
            body = (
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
                "Content-Type: text/plain\r\n\r\n"
            ).encode() + b"a" * 64_000
            head = (
                "POST /api/v1/children/child-1/documents HTTP/1.1\r\nHost: bench\r\n"
                f"Authorization: Bearer {token}\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
                f"Content-Length: {len(body) * 10}\r\n\r\n"
            ).encode()
            await send(head + body)
            conn.limit = body_idle

    sender = asyncio.ensure_future(misbehave())
    try:
        async with asyncio.timeout(max(0.0, stop - loop.time())):
            answer = await reader.read(-1)
        conn.closed = loop.time()
        found = re.match(rb"HTTP/1\.[01] (\d{3})", answer)
        conn.status = found.group(1).decode() if found else "closed"
    except TimeoutError:
        conn.status = "still open"
    except OSError as exc:
        conn.closed = loop.time()
        conn.status = type(exc).__name__
    finally:
        sender.cancel()
        writer.close()


async def _metrics(port: int) -> dict[str, float]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /metrics HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
    text = (await reader.read(-1)).decode(errors="replace")
    writer.close()
    values = {}
    for name in ("docscan_http_connections", "process_open_fds", "process_resident_memory_bytes"):
        found = re.search(rf"^{name} (\S+)$", text, re.MULTILINE)
        values[name] = float(found.group(1)) if found else float("nan")
    return values


async def _healthz_ms(port: int) -> float:
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
    await reader.read(-1)
    writer.close()
    return (time.perf_counter() - started) * 1000


async def _sample(report: Report, port: int, started: float) -> None:
    loop = asyncio.get_running_loop()
    now = loop.time()
    open_ones = [c for c in report.connections if c.opened and c.closed is None]
    try:
        metrics = await _metrics(port)
        healthz = await _healthz_ms(port)
    except OSError:
        metrics, healthz = {}, float("nan")
    sample = Sample(
        at=now - started,
        open=len(open_ones),
        oldest=max((now - c.opened for c in open_ones), default=0.0),
        server_connections=metrics.get("docscan_http_connections", float("nan")),
        fds=metrics.get("process_open_fds", float("nan")),
        rss_mb=metrics.get("process_resident_memory_bytes", float("nan")) / 1e6,
        healthz_ms=healthz,
    )
    report.samples.append(sample)
    print(
        f"  {sample.at:5.0f} s  open {sample.open:5d}  oldest {sample.oldest:5.1f} s  server connections "
        f"{sample.server_connections:5.0f}  fds {sample.fds:5.0f}  rss {sample.rss_mb:6.1f} MB  "
        f"/healthz {sample.healthz_ms:6.1f} ms",
        flush=True,
    )


async def run(connections: int, duration: float, header_timeout: float, body_idle: float) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    port = free_port()
    with tempfile.TemporaryDirectory() as directory:
        proc, token = await _start_service(port, header_timeout, body_idle, Path(directory) / "service.log")
        try:
            return await _attack(port, token, connections, duration, header_timeout, body_idle)
        finally:
            stop_embedded(proc, grace=60)


async def _attack(
    port: int, token: str, connections: int, duration: float, header_timeout: float, body_idle: float
) -> int:
    loop = asyncio.get_running_loop()
    started = loop.time()
    stop = started + duration
    report = Report([Stalled(KINDS[n % len(KINDS)]) for n in range(connections)])
    print(
        f"slow clients: {connections} connections ({', '.join(KINDS)} in turn) against one web process, "
        f"HEADER_TIMEOUT_SECONDS={header_timeout:g}, BODY_IDLE_TIMEOUT_SECONDS={body_idle:g}, {duration:g} s"
    )
    tasks = []
    for batch in range(0, connections, 100):
        for conn in report.connections[batch : batch + 100]:
            tasks.append(asyncio.ensure_future(_hold(conn, port, token, header_timeout, body_idle, stop)))
        await asyncio.sleep(0.05)  # open them in quick batches, as a botnet does
    next_sample = started
    while loop.time() < stop and not all(task.done() for task in tasks):
        if loop.time() >= next_sample:
            await _sample(report, port, started)
            next_sample += 1.0
        await asyncio.sleep(0.05)
    await _sample(report, port, started)
    await asyncio.gather(*tasks, return_exceptions=True)
    return _verdict(report)


def _verdict(report: Report) -> int:
    by_kind: dict[str, list[Stalled]] = defaultdict(list)
    for conn in report.connections:
        by_kind[conn.kind].append(conn)
    worst_over = 0.0
    print("  kind            count  longest life  limit      answers")
    for kind in KINDS:
        conns = by_kind[kind]
        closed = [c for c in conns if c.closed is not None]
        # Headers are bounded from the connection's start, an upload from its last byte.
        over = [
            c.closed - (c.last_sent if kind == "stalled-upload" else c.opened) - c.limit for c in closed if c.closed
        ]
        still_open = len(conns) - len(closed)
        longest = max((c.closed - c.opened for c in closed if c.closed is not None), default=0.0)
        limit = conns[0].limit if conns else 0.0
        statuses = Counter(c.status for c in conns)
        since = "after the last byte" if kind == "stalled-upload" else "from connecting"
        print(f"  {kind:<15} {len(conns):5d}  {longest:9.1f} s  {limit:5.1f} s {since:<20} {dict(statuses)}")
        worst_over = max([worst_over, *over, float("inf") if still_open else 0.0])
    peak = max(report.samples, key=lambda s: s.open) if report.samples else None
    if peak is not None:
        print(
            f"  peak: {peak.open} held at {peak.at:.0f} s ({peak.fds:.0f} fds, {peak.rss_mb:.0f} MB); "
            f"/healthz max {max(s.healthz_ms for s in report.samples):.1f} ms"
        )
    ok = worst_over <= SLACK
    print(f"  none held longer than its limit (+{SLACK} s): {'ok' if ok else 'NO'} (worst {worst_over:+.1f} s)")
    return 0 if ok else 1


def main(argv: list[str]) -> int:
    """``python -m bench slowclients [--connections N] [--duration S] [--header-timeout S] [--body-idle S]``.

    :param argv: command-line arguments after the benchmark's name
    """
    parser = argparse.ArgumentParser(prog="bench slowclients", description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--duration", type=float, default=45.0, help="seconds to run at most")
    parser.add_argument("--header-timeout", type=float, default=10.0, help="HEADER_TIMEOUT_SECONDS of the service")
    parser.add_argument("--body-idle", type=float, default=30.0, help="BODY_IDLE_TIMEOUT_SECONDS of the service")
    args = parser.parse_args(argv)
    return asyncio.run(run(args.connections, args.duration, args.header_timeout, args.body_idle))
