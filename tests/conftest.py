"""Fast tier fixtures: the real app on mongomock-motor and a real redis-server the tests start."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any, cast

import pytest
from arq import Worker, create_pool
from arq.connections import ArqRedis, RedisSettings
from mongomock_motor import AsyncMongoMockClient
from pytest_redis import factories

from service.app import create_app
from service.auth import issue_token
from service.metrics import Metrics
from service.repository import DocumentRepository
from service.scanner import create_scanner
from service.server import loop_factory
from service.settings import EVENT_LOOPS, ScannerSettings, Settings
from service.worker import worker_kwargs
from tests.helpers import CHILD, JWT_SECRET, SAMPLE_TEXT, USER, redis_executable
from tests.openapi_contract import ContractClient, validated


def pytest_asyncio_loop_factories(config: pytest.Config, item: pytest.Item) -> Mapping[str, Callable[[], Any]]:
    """The event loops an async test runs on: asyncio's; and every loop ``EVENT_LOOP`` may name for a test marked
    ``every_loop`` (the web server's edges, which ``python -m service`` runs on uvloop's loop by default)."""
    if item.get_closest_marker("every_loop") is None:
        return {"asyncio": asyncio.new_event_loop}
    return {name: loop_factory(name) for name in EVENT_LOOPS}


# pytest-redis documents None as "any free port", though its annotation leaves None out.
redis_proc = factories.redis_proc(executable=redis_executable(), port=None)  # type: ignore[arg-type]


@pytest.fixture
def settings(redis_proc: Any) -> Settings:
    return Settings(
        redis_url=f"redis://{redis_proc.host}:{redis_proc.port}/0",
        jwt_secret=JWT_SECRET,
        max_upload_bytes=2 * 1024 * 1024,
        scan_max_tries=3,
        reconcile_grace_seconds=0,
        log_json=False,
        scanner=ScannerSettings(timeout=30.0),
    )


@pytest.fixture
def db() -> Any:
    return AsyncMongoMockClient(tz_aware=True)["docscan_test"]


@pytest.fixture
def repo(db: Any) -> DocumentRepository:
    return DocumentRepository(db)


@pytest.fixture
async def arq_pool(settings: Settings) -> AsyncIterator[ArqRedis]:
    pool = await create_pool(RedisSettings.from_dsn(settings.redis_url), default_queue_name=settings.queue_name)
    await pool.flushdb()
    yield pool
    await pool.flushdb()
    await pool.aclose()


@pytest.fixture
def metrics() -> Metrics:
    return Metrics()


@pytest.fixture
async def api(aiohttp_client: Any, settings: Settings, db: Any, arq_pool: ArqRedis, metrics: Metrics) -> ContractClient:
    """The app through a client that checks every response against openapi.yaml."""
    client = await aiohttp_client(create_app(settings, db=db, arq_pool=arq_pool, metrics=metrics))
    return validated(client)


@pytest.fixture
def token() -> Callable[..., str]:
    def create(user: str = USER, children: list[str] | None = None, ttl: int = 3600) -> str:
        return issue_token(JWT_SECRET, user, [CHILD] if children is None else children, ttl_seconds=ttl)

    return create


@pytest.fixture
def auth(token: Callable[..., str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {token()}"}


@pytest.fixture
async def scanner(settings: Settings) -> AsyncIterator[Any]:
    engine = create_scanner(settings.scanner)
    yield engine
    await engine.close()


@pytest.fixture
async def run_worker(
    settings: Settings, arq_pool: ArqRedis, repo: DocumentRepository, scanner: Any, metrics: Metrics
) -> AsyncIterator[Callable[..., Any]]:
    """``await run_worker()`` runs every queued job in a burst worker (raising ``FailedJobs`` if one failed)."""

    async def run(**overrides: Any) -> Worker:
        kwargs = worker_kwargs(
            settings,
            redis_pool=arq_pool,
            burst=True,
            handle_signals=False,
            poll_delay=0.01,
            cron_jobs=[],
            ctx={"settings": settings, "repository": repo, "scanner": scanner, "metrics": metrics},
        )
        kwargs.update(overrides)
        worker = Worker(**kwargs)
        # Not worker.close(): it would close the shared pool, which the arq_pool fixture owns.
        await worker.run_check()
        return worker

    yield run


@pytest.fixture
def stored_doc(repo: DocumentRepository) -> Callable[..., Any]:
    """``await stored_doc(scan_status=..., ...)`` stores a document in a given state with real content."""

    async def create(
        child: str = CHILD, owner: str = USER, content: bytes = SAMPLE_TEXT, unset: tuple[str, ...] = (), **fields: Any
    ) -> dict[str, Any]:
        from bson import ObjectId

        from service import state
        from service.stamps import new_token, utcnow

        document_id = ObjectId()
        file_id = await repo.store_file(content, "notes.txt", "text/plain", {})
        doc = state.new_document(
            document_id=document_id,
            child_id=child,
            owner_id=owner,
            filename="notes.txt",
            content_type="text/plain",
            size=len(content),
            file_id=file_id,
            token=new_token(),
            now=utcnow(),
        )
        stored: dict[str, Any] = {**doc, **fields}
        for key in unset:
            stored.pop(key, None)
        # A state the test chose, which may be one the service never writes (a legacy field, a missing one).
        await repo.insert_document(cast(state.Document, stored))
        return stored

    return create
