"""Real tier fixtures: the shared redis-server and MongoDB wire server, a database per test, and the cluster of
service processes (see ``harness.py``); each fixture stops whatever it started."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Generator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from pymongo import AsyncMongoClient, MongoClient

from service.settings import Settings
from tests.real.harness import Api, Cluster, RedisServer, spawn_standin, terminate


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def mongo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """MongoDB when ``MONGO_TEST_URL`` is set; otherwise the stand-in, as a process of its own."""
    url = os.environ.get("MONGO_TEST_URL")
    if url:
        yield url
        return
    proc, url = spawn_standin(tmp_path_factory.mktemp("standin"))
    try:
        yield url
    finally:
        terminate(proc)


@pytest.fixture
def mongo_db(mongo_url: str) -> Iterator[str]:
    """A database name of this test alone, dropped after it."""
    name = f"docscan_real_{uuid.uuid4().hex[:12]}"
    yield name
    client: MongoClient[dict[str, Any]] = MongoClient(mongo_url, serverSelectionTimeoutMS=5000)
    try:
        client.drop_database(name)
    finally:
        client.close()


@pytest.fixture
async def db(mongo_url: str, mongo_db: str) -> AsyncIterator[Any]:
    """The test's database, for arranging and asserting; the processes under test have their own clients."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo_url, tz_aware=True, serverSelectionTimeoutMS=5000)
    try:
        yield client[mongo_db]
    finally:
        await client.close()


@pytest.fixture
def mongo_driver() -> str:
    """The driver of the service's processes: ``MONGO_DRIVER`` of the shell that runs the tests, else the default.

    A test parametrized over ``mongo_driver`` runs on each driver it names instead.
    """
    return Settings.from_env({"MONGO_DRIVER": os.environ.get("MONGO_DRIVER", "")}).mongo_driver


@pytest.fixture
def cluster(
    tmp_path: Path, mongo_url: str, mongo_db: str, redis_server: RedisServer, mongo_driver: str
) -> Iterator[Cluster]:
    """A clean stage: Redis running and empty, a new database; every process started through it is stopped."""
    if not redis_server.running:
        redis_server.start()
    redis_server.flush()
    made = Cluster(tmp_path, mongo_url, mongo_db, redis_server, mongo_driver)
    try:
        yield made
        made.assert_alive()
    finally:
        made.close()
        if not redis_server.running:
            redis_server.start()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failed test's report carries the tail of every process's log."""
    report = yield
    made = getattr(item, "funcargs", {}).get("cluster")
    if isinstance(made, Cluster) and report.when == "call" and report.failed:
        report.sections.append(("process logs", made.report()))
    return report


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    connector = aiohttp.TCPConnector(limit=100)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=60)) as session:
        yield Api(session)
