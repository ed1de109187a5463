"""The one place a MongoDB client is created (Motor now; PyMongo's async client later)."""

from __future__ import annotations

import logging
from typing import Any

from motor.motor_asyncio import AsyncIOMotorClient

from .settings import Settings

logger = logging.getLogger(__name__)


def create_client(settings: Settings, appname: str = "docscan", server_selection_timeout_ms: int = 5000) -> Any:
    """A client for ``MONGO_URL``, or an in-memory mongomock client in the embedded mode.

    :param settings: the service settings
    :param appname: how the process names itself to the server (in its logs and ``currentOp``)
    :param server_selection_timeout_ms: how long an operation waits for a reachable server
    """
    if not settings.mongo_url:
        from mongomock_motor import AsyncMongoMockClient

        return AsyncMongoMockClient(tz_aware=True)
    return AsyncIOMotorClient(
        settings.mongo_url,
        tz_aware=True,
        retryWrites=True,
        serverSelectionTimeoutMS=server_selection_timeout_ms,
        connectTimeoutMS=5000,
        # A bound on every operation: a `majority` write never hangs when a majority of the set is down.
        timeoutMS=settings.mongo_timeout_ms,
        appname=appname,
    )


def close_client(client: Any) -> None:
    close = getattr(client, "close", None)
    if callable(close):
        close()
