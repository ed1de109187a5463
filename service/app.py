"""The web application factory."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from importlib import resources
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler
from arq import create_pool

from .actions import DocumentActions
from .auth import TokenVerifier, auth_middleware_factory
from .handlers import content, deletion, docs, documents, health, scans
from .keys import (
    actions_key,
    arq_pool_key,
    keys_key,
    lifecycle_key,
    metrics_key,
    mongo_client_key,
    mongo_db_key,
    repository_key,
    settings_key,
    spec_json_key,
    spec_key,
    verifier_key,
)
from .lifecycle import Lifecycle, lifecycle_middleware_factory
from .logs import request_id_middleware
from .metrics import Metrics
from .mongo import close_client, create_client
from .problems import error_middleware
from .queue import redis_settings
from .repository import DocumentRepository, IdempotencyKeys
from .settings import Settings

logger = logging.getLogger(__name__)


def mongo_ctx(db: Any = None, repository: DocumentRepository | None = None, keys: IdempotencyKeys | None = None) -> Any:
    """The MongoDB cleanup context; a ``db`` given by the caller (embedded mode, tests) is used and not closed.

    :param db: an already open database
    :param repository: the documents of ``db``, when the caller built them
    :param keys: the Idempotency-Key records of ``db``, when the caller built them
    """

    async def ctx(app: web.Application) -> AsyncIterator[None]:
        settings = app[settings_key]
        client = None
        database = db
        if database is None:
            client = create_client(settings)
            app[mongo_client_key] = client
            database = client[settings.mongo_db]
        app[mongo_db_key] = database
        app[repository_key] = repository or DocumentRepository(database, history_limit=settings.stage_history_limit)
        app[keys_key] = keys or IdempotencyKeys(database)
        yield
        if client is not None:
            await close_client(client)

    return ctx


async def arq_ctx(app: web.Application) -> AsyncIterator[None]:
    if arq_pool_key in app:
        yield  # given by the caller, who closes it
        return
    settings = app[settings_key]
    # Retry the first connection briefly: Redis may start alongside the web process.
    pool = await create_pool(redis_settings(settings.redis_url), default_queue_name=settings.queue_name)
    app[arq_pool_key] = pool
    yield
    await pool.aclose()


async def actions_ctx(app: web.Application) -> AsyncIterator[None]:
    app[actions_key] = DocumentActions(
        app[settings_key], app[repository_key], app[keys_key], app[arq_pool_key], app[metrics_key]
    )
    yield


async def jwks_ctx(app: web.Application) -> AsyncIterator[None]:
    """The HTTP client of the token key set, when ``JWT_JWKS_URL`` is set."""
    jwks = app[verifier_key].jwks
    if jwks is None:
        yield
        return
    await jwks.open()
    yield
    await jwks.close()


@web.middleware
async def metrics_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    started = time.perf_counter()
    response = await handler(request)
    route = request.match_info.route.name or "unmatched"
    request.app[metrics_key].count_request(request.method, route, response.status, time.perf_counter() - started)
    return response


def create_app(
    settings: Settings,
    *,
    db: Any = None,
    arq_pool: Any = None,
    metrics: Metrics | None = None,
    repository: DocumentRepository | None = None,
    keys: IdempotencyKeys | None = None,
) -> web.Application:
    """Build the web application; it opens its connections when it starts.

    :param settings: the service settings
    :param db: use this database instead of connecting to ``MONGO_URL`` (embedded mode, tests)
    :param arq_pool: use this arq pool instead of connecting to ``REDIS_URL``
    :param repository: the documents of ``db``, built by the caller (tests that pace the database)
    :param keys: the Idempotency-Key records of ``db``, built by the caller (tests that pace them)
    """
    verifier = TokenVerifier.from_settings(settings)
    lifecycle = Lifecycle(settings.max_uploads_in_flight, settings.retry_after_seconds)
    app = web.Application(
        # metrics outside the error middleware, so error answers are counted too; the lifecycle inside it, so
        # its 503s are rendered like any other problem
        middlewares=[
            request_id_middleware,
            metrics_middleware,
            error_middleware,
            lifecycle_middleware_factory(lifecycle),
            auth_middleware_factory(verifier),
        ],
        client_max_size=settings.max_upload_bytes + 1024 * 1024,
    )
    app[settings_key] = settings
    app[lifecycle_key] = lifecycle
    app[verifier_key] = verifier
    app[metrics_key] = metrics or Metrics()
    app[spec_key] = resources.files("service").joinpath("openapi.yaml").read_bytes()
    app[spec_json_key] = docs.spec_as_json(app[spec_key])
    if arq_pool is not None:
        app[arq_pool_key] = arq_pool
    # Dependency order: Mongo first, then the queue; aiohttp unwinds them in reverse.
    app.cleanup_ctx.append(mongo_ctx(db, repository, keys))
    app.cleanup_ctx.append(arq_ctx)
    app.cleanup_ctx.append(jwks_ctx)
    app.cleanup_ctx.append(actions_ctx)
    app.add_routes(health.routes)
    app.add_routes(documents.routes)
    app.add_routes(scans.routes)
    app.add_routes(content.routes)
    app.add_routes(deletion.routes)
    app.add_routes(docs.routes)
    return app
