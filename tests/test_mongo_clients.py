"""The client factory builds the driver ``MONGO_DRIVER`` names, and the repository runs unchanged on Motor and on
PyMongo's native async client (Motor's successor).

Both talk to the same MongoDB wire server (the stand-in, or ``MONGO_TEST_URL``), so this proves the
repository only uses calls the two drivers share.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from bson import ObjectId
from motor.motor_asyncio import AsyncIOMotorClient
from pymongo import AsyncMongoClient

from service import idempotency, state
from service.mongo import close_client, create_client
from service.repository import DocumentRepository, IdempotencyKeys, KeyClaim
from service.settings import DEFAULT_MONGO_DRIVER, MONGO_DRIVERS, Settings, SettingsError
from service.stamps import new_token, utcnow
from tests.standin import running_standin


@pytest.fixture(scope="module")
def mongo_url() -> Iterator[str]:
    if os.environ.get("MONGO_TEST_URL"):
        yield os.environ["MONGO_TEST_URL"]
        return
    with running_standin() as server:
        yield server.url


@pytest.mark.parametrize("driver,kind", [("motor", AsyncIOMotorClient), ("pymongo", AsyncMongoClient)])
async def test_the_factory_builds_the_driver_named(mongo_url: str, driver: str, kind: type[Any]) -> None:
    settings = Settings.from_env({"MONGO_URL": mongo_url, "REDIS_URL": "redis://x", "MONGO_DRIVER": driver.upper()})
    client = create_client(settings)
    try:
        assert type(client) is kind
        assert (await client.admin.command("ping"))["ok"] == 1
    finally:
        await close_client(client)


def test_mongo_driver_defaults_to_one_constant_and_refuses_others() -> None:
    assert Settings.from_env({}).mongo_driver == DEFAULT_MONGO_DRIVER in MONGO_DRIVERS
    with pytest.raises(SettingsError, match="MONGO_DRIVER must be one of motor, pymongo, got 'mongoose'"):
        Settings.from_env({"MONGO_DRIVER": "mongoose"})


@pytest.mark.parametrize("driver", MONGO_DRIVERS)
async def test_repository_on_both_drivers(mongo_url: str, driver: str) -> None:
    client = create_client(Settings(mongo_url=mongo_url, mongo_driver=driver))
    name = f"drivers_{ObjectId()}"
    try:
        repo = DocumentRepository(client[name])
        await repo.ping()
        content = os.urandom(600_000)  # three chunks
        file_id = await repo.store_file(content, "a.bin", "image/png", {"owner_id": "u"})
        assert await repo.read_file(file_id) == content
        doc = state.new_document(
            document_id=ObjectId(),
            child_id="c",
            owner_id="u",
            filename="a.png",
            content_type="image/png",
            size=len(content),
            file_id=file_id,
            token=new_token(),
            now=utcnow(),
        )
        assert await repo.insert_document(doc) is doc
        token = doc["scan"]["token"]
        claimed = await repo.claim_scan(doc["_id"], token, timedelta(seconds=60))
        assert claimed is not None and claimed["scan_status"] == "processing"
        assert await repo.claim_scan(doc["_id"], token, timedelta(seconds=60)) is None
        finished = await repo.finish_scan(doc["_id"], token, {"scan_topic_suggestion": "music"})
        assert finished is not None and finished["scan_status"] == "ready"
        rescanned = await repo.try_rescan(doc["_id"], "c", "u", token=new_token(), idempotency_key="k2")
        assert rescanned is not None and rescanned["scan"]["attempt"] == 2
        assert await repo.try_rescan(doc["_id"], "c", "u", token=new_token(), idempotency_key=None) is None
        assert await repo.explain(doc["_id"], "c", "u") == {
            "_id": doc["_id"],
            "scan_status": "queued",
            "validation_status": "pending",
            "pipeline_stage": "quick_scan_queued",
            "scan": {"token": rescanned["scan"]["token"]},
        }
        keys = IdempotencyKeys(client[name])
        record = idempotency.new_record(
            owner_id="u",
            key="k2",
            action=idempotency.Action.RESCAN,
            child_id="c",
            document_id=doc["_id"],
            fp="fp",
            token="t",
            now=utcnow(),
            ttl=timedelta(hours=1),
        )
        assert await keys.claim(record) == (KeyClaim.CLAIMED, None)
        claim, existing = await keys.claim(record)
        assert claim is KeyClaim.TAKEN and existing is not None and existing["fingerprint"] == "fp"
        page = await repo.list_page("c", "u", 10, None)
        assert [d["_id"] for d in page.items] == [doc["_id"]] and page.last_key is None
        assert [d["_id"] for d in await repo.stranded_queued(utcnow() + timedelta(seconds=1), 10)] == [doc["_id"]]
        await repo.delete_file(file_id)
    finally:
        await client.drop_database(name)
        await close_client(client)
