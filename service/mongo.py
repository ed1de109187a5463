"""The one place a MongoDB client is created and closed: Motor or PyMongo's ``AsyncMongoClient``, as
``MONGO_DRIVER`` says, or mongomock-motor in the embedded mode.

The rest of the code uses only calls the two drivers share, so the choice is this one setting.
"""

from __future__ import annotations

import inspect
from typing import Any

from motor.motor_asyncio import AsyncIOMotorClient
from pymongo import AsyncMongoClient

from .settings import Settings


def create_client(settings: Settings, appname: str = "docscan", server_selection_timeout_ms: int = 5000) -> Any:
    """A client for ``MONGO_URL`` on the driver ``MONGO_DRIVER`` names, or an in-memory mongomock client in the
    embedded mode.

    :param settings: the service settings
    :param appname: how the process names itself to the server (in its logs and ``currentOp``)
    :param server_selection_timeout_ms: how long an operation waits for a reachable server
    """
    if not settings.mongo_url:
        from mongomock_motor import AsyncMongoMockClient

        return AsyncMongoMockClient(tz_aware=True)
    options: dict[str, Any] = {
        "tz_aware": True,
        "retryWrites": True,
        "serverSelectionTimeoutMS": server_selection_timeout_ms,
        "connectTimeoutMS": 5000,
        # A bound on every operation: a `majority` write never hangs when a majority of the set is down.
        "timeoutMS": settings.mongo_timeout_ms,
        "appname": appname,
    }
    if settings.mongo_driver == "pymongo":
        return AsyncMongoClient(settings.mongo_url, **options)
    return AsyncIOMotorClient(settings.mongo_url, **options)


async def close_client(client: Any) -> None:
    """Close a client from ``create_client``: PyMongo's async client closes with a coroutine, Motor's and
    mongomock's with a plain call.

    :param client: what ``create_client`` returned
    """
    close = getattr(client, "close", None)
    if callable(close):
        closing = close()
        if inspect.isawaitable(closing):
            await closing
