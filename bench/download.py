"""Downloads: throughput, and how much memory the web process holds while it streams a large file.

The web app runs in this process on a local port, on MongoDB (the wire-protocol stand-in through the real
driver, or ``--mongo-url``) and a real redis-server. ``curl``, a process of its own, downloads the file, so
the Python allocations traced here (tracemalloc) are the server's alone. For comparison the same file is
also read whole, as a handler that does not stream would.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import tracemalloc
from typing import Any

from aiohttp import web
from bson import ObjectId

from bench.rescan import _free_port, _mongo, _redis
from service import state
from service.app import create_app
from service.auth import issue_token
from service.keys import repository_key
from service.settings import Settings
from service.stamps import new_token, utcnow

SECRET = "bench-secret-of-at-least-32-bytes-length"
CHILD, OWNER = "child-1", "parent-1"
MIB = 1024 * 1024


async def _curl(url: str, token: str) -> tuple[int, float]:
    proc = await asyncio.create_subprocess_exec(
        "curl", "-sS", "-o", "/dev/null", "-w", "%{http_code} %{size_download} %{time_total}",
        "-H", f"Authorization: Bearer {token}", url,
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, _ = await proc.communicate()
    status, size, seconds = out.decode().split()
    assert status == "200", status
    return int(size), float(seconds)


async def run(args: Any) -> int:
    with _mongo(args.mongo_url) as (mongo_url, _), _redis() as (redis_url, _):
        settings = Settings(mongo_url=mongo_url, redis_url=redis_url, jwt_secret=SECRET, log_json=False)
        app = create_app(settings)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        port = _free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        try:
            repo = app[repository_key]
            content = bytes(range(256)) * (args.size_mib * MIB // 256)
            file_id = await repo.store_file(content, "big.txt", "text/plain", {})
            document_id = ObjectId()
            doc = state.new_document(
                document_id=document_id, child_id=CHILD, owner_id=OWNER, filename="big.txt",
                content_type="text/plain", size=len(content), file_id=file_id, token=new_token(), now=utcnow(),
            )  # fmt: skip
            await repo.insert_document(doc)
            del content
            token = issue_token(SECRET, OWNER, [CHILD])
            url = f"http://127.0.0.1:{port}/api/v1/children/{CHILD}/documents/{document_id}/content"
            await _curl(url, token)  # warm up: connections, imports

            tracemalloc.start()
            base, _ = tracemalloc.get_traced_memory()
            times = []
            started = time.perf_counter()
            for _ in range(args.rounds):
                size, seconds = await _curl(url, token)
                assert size == args.size_mib * MIB
                times.append(seconds)
            elapsed = time.perf_counter() - started
            _, streamed_peak = tracemalloc.get_traced_memory()
            tracemalloc.reset_peak()
            base_whole, _ = tracemalloc.get_traced_memory()
            whole = await repo.read_file(file_id)
            _, whole_peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            assert len(whole) == args.size_mib * MIB
        finally:
            await runner.cleanup()

    total = args.size_mib * args.rounds
    print(f"download of a {args.size_mib} MiB file, {args.rounds} times, one at a time (curl in its own process)")
    print(f"  throughput        {total / elapsed:8.1f} MiB/s")
    print(f"  time per download median {statistics.median(times) * 1000:6.0f} ms, max {max(times) * 1000:6.0f} ms")
    print(f"  server peak Python memory while streaming   {(streamed_peak - base) / MIB:6.2f} MiB")
    print(f"  the same file read whole (no streaming)     {(whole_peak - base_whole) / MIB:6.2f} MiB")
    return 0


def main(argv: list[str]) -> int:
    """Benchmark downloads.

    :param argv: ``--size-mib``, ``--rounds``, ``--mongo-url``
    """
    parser = argparse.ArgumentParser(prog="python -m bench download")
    parser.add_argument("--size-mib", type=int, default=20, help="size of the file (20 MiB is the upload limit)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--mongo-url", default="", help="a MongoDB to use instead of the stand-in")
    return asyncio.run(run(parser.parse_args(argv)))
