"""Every typed application key of the web app, in one place."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from arq.connections import ArqRedis

from .actions import DocumentActions
from .auth import TokenVerifier
from .lifecycle import Lifecycle
from .metrics import Metrics
from .repository import DocumentRepository, IdempotencyKeys
from .settings import Settings

settings_key = web.AppKey("settings", Settings)
# Any: a Motor client, PyMongo's async client, or mongomock-motor's (embedded mode, tests)
mongo_client_key = web.AppKey("mongo_client", Any)
mongo_db_key = web.AppKey("mongo_db", Any)
repository_key = web.AppKey("repository", DocumentRepository)
keys_key = web.AppKey("idempotency_keys", IdempotencyKeys)
actions_key = web.AppKey("actions", DocumentActions)
arq_pool_key = web.AppKey("arq_pool", ArqRedis)
verifier_key = web.AppKey("verifier", TokenVerifier)
metrics_key = web.AppKey("metrics", Metrics)
spec_key = web.AppKey("openapi_spec", bytes)
lifecycle_key = web.AppKey("lifecycle", Lifecycle)
spec_json_key = web.AppKey("openapi_spec_json", bytes)
