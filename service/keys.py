"""Every typed application key of the web app, in one place."""
from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web
from arq.connections import ArqRedis
from motor.motor_asyncio import AsyncIOMotorClient, AsyncIOMotorDatabase

from .settings import Settings

if TYPE_CHECKING:
    from .auth import TokenVerifier
    from .metrics import Metrics
    from .repository import DocumentRepository

settings_key = web.AppKey("settings", Settings)
mongo_client_key = web.AppKey("mongo_client", AsyncIOMotorClient)  # type: ignore[type-arg]
mongo_db_key = web.AppKey("mongo_db", AsyncIOMotorDatabase)  # type: ignore[type-arg]
repository_key = web.AppKey("repository", "DocumentRepository")
arq_pool_key = web.AppKey("arq_pool", ArqRedis)
verifier_key = web.AppKey("verifier", "TokenVerifier")
metrics_key = web.AppKey("metrics", "Metrics")
spec_key = web.AppKey("openapi_spec", bytes)
