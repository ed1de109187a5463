"""The MongoDB stand-in: every operation the service issues gives the same result through the stand-in (motor over
the wire protocol) as on mongomock-motor, and the stand-in is atomic across processes and enforces validators."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import pytest
from bson import Binary, ObjectId
from bson.int64 import Int64
from mongomock_motor import AsyncMongoMockClient
from motor.motor_asyncio import AsyncIOMotorClient, AsyncIOMotorGridFSBucket
from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError, OperationFailure, WriteError

from service import idempotency, state
from service.repository import IdempotencyKeys
from tests.standin import StandInServer, running_standin
from tests.standin.server import schema_errors

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=UTC)  # millisecond precision, as MongoDB stores
HISTORY = 3

Db = Any
Scenario = Callable[[Db], Awaitable[Any]]


@pytest.fixture(scope="module")
def standin() -> Iterator[StandInServer]:
    with running_standin() as server:
        yield server


@pytest.fixture
async def standin_db(standin: StandInServer) -> AsyncIterator[Db]:
    client: AsyncIOMotorClient[Any] = AsyncIOMotorClient(standin.url, tz_aware=True, serverSelectionTimeoutMS=5000)
    db = client[f"t_{uuid.uuid4().hex[:12]}"]
    yield db
    await client.drop_database(db.name)
    client.close()


@pytest.fixture
def mock_db() -> Db:
    return AsyncMongoMockClient(tz_aware=True)["t"]


def typed(value: Any) -> Any:
    """The value with each leaf's type spelled out and key order kept, so ``==`` compares types and order too."""
    if isinstance(value, Mapping):
        return [(key, typed(item)) for key, item in value.items()]
    if isinstance(value, (list, tuple)):
        return [typed(item) for item in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return ("int", int(value))  # int32 and Int64 alike: mongomock keeps Python ints, the wire gives Int64 > 2**31
    if isinstance(value, datetime):
        return ("datetime", value, value.utcoffset())
    return (type(value).__name__, value)


@pytest.fixture
def fidelity(standin_db: Db, mock_db: Db) -> Callable[[Scenario], Awaitable[Any]]:
    async def check(scenario: Scenario) -> Any:
        through_standin = await scenario(standin_db)
        on_mongomock = await scenario(mock_db)
        assert typed(through_standin) == typed(on_mongomock)
        return through_standin

    return check


def new_doc(n: int, **changes: Any) -> state.Document:
    """A document as ``state.new_document`` builds it, with ``changes`` (which may be fields only a legacy document
    has)."""
    doc = state.new_document(
        document_id=ObjectId(f"{n:024x}"),
        child_id="child-1",
        owner_id="owner-1",
        filename=f"page-{n}.pdf",
        content_type="application/pdf",
        size=1234,
        file_id=ObjectId(f"{n + 1000:024x}"),
        token=f"t{n}",
        now=T0,
    )
    return cast(state.Document, {**doc, **changes})


# -- documents and the state machine's compare-and-sets --


async def test_inserted_document_keeps_its_types(fidelity: Callable[[Scenario], Awaitable[Any]]) -> None:
    async def scenario(db: Db) -> Any:
        doc = new_doc(
            1,
            blob=b"\x00\x01",
            binary=Binary(b"\x02", 5),
            nested={"a": [1, {"b": [T0, None]}]},
            ratio=0.5,
            big=Int64(2**40),
            flag=True,
        )
        await db.documents.insert_one(doc)
        return await db.documents.find_one({"_id": doc["_id"]})

    found = await fidelity(scenario)
    assert found["created_at"] == T0 and isinstance(found["_id"], ObjectId) and found["blob"] == b"\x00\x01"


async def test_scan_lifecycle_compare_and_sets(fidelity: Callable[[Scenario], Awaitable[Any]]) -> None:
    async def scenario(db: Db) -> Any:
        docs = db.documents
        doc = new_doc(1)
        await docs.insert_one(doc)
        oid = doc["_id"]
        later = T0 + timedelta(seconds=1)
        after = ReturnDocument.AFTER
        steps = [
            await docs.find_one_and_update(
                state.job_filter(oid, "wrong", state.ScanStatus.QUEUED),
                state.claim_update(now=later, lease_until=later, history_limit=HISTORY),
            ),
            await docs.find_one_and_update(
                state.job_filter(oid, "t1", state.ScanStatus.QUEUED),
                state.claim_update(now=later, lease_until=later, history_limit=HISTORY),
                return_document=after,
            ),
            await docs.find_one_and_update(
                state.job_filter(oid, "t1", state.ScanStatus.PROCESSING),
                state.requeue_update(now=later, history_limit=HISTORY),
            ),
            await docs.find_one_and_update(
                state.job_filter(oid, "t1", state.ScanStatus.QUEUED),
                state.claim_update(now=later, lease_until=later, history_limit=HISTORY),
                return_document=after,
            ),
            await docs.find_one_and_update(
                state.job_filter(oid, "t1", state.ScanStatus.PROCESSING),
                state.finish_update(
                    suggestion={
                        "scan_topic_suggestion": "math",
                        "scan_confidence": 0.75,
                        "scan_alternatives": [{"topic": "physics", "language": "en", "confidence": 0.25}],
                    },
                    now=later,
                    history_limit=HISTORY,
                ),
                return_document=after,
            ),
            await docs.find_one_and_update(
                state.rescan_filter(oid, "child-1", "owner-1"),
                state.rescan_update(
                    token="t2", now=later, requested_by="owner-1", idempotency_key="key-1", history_limit=HISTORY
                ),
                return_document=after,
            ),
            # a second rescan while the first is queued: refused
            await docs.find_one_and_update(
                state.rescan_filter(oid, "child-1", "owner-1"),
                state.rescan_update(
                    token="t3", now=later, requested_by="owner-1", idempotency_key="key-1", history_limit=HISTORY
                ),
            ),
            await docs.find_one_and_update(
                state.job_filter(oid, "t2", state.ScanStatus.QUEUED),
                state.claim_update(now=later, lease_until=later, history_limit=HISTORY),
            ),
            await docs.find_one_and_update(
                state.job_filter(oid, "t2", state.ScanStatus.PROCESSING),
                state.fail_update(error={"code": "unreadable", "message": "no text"}, now=later, history_limit=HISTORY),
                return_document=after,
            ),
            await docs.find_one_and_update(
                state.rescan_filter(oid, "child-1", "owner-1"),
                state.rescan_update(
                    token="t4", now=later, requested_by="owner-1", idempotency_key=None, history_limit=HISTORY
                ),
                return_document=after,
            ),
        ]
        return steps, await docs.find_one({"_id": oid})

    steps, final = await fidelity(scenario)
    assert steps[0] is None and steps[6] is None and steps[7] is not None
    assert final["scan"]["token"] == "t4" and final["scan"]["attempt"] == 3
    assert len(final["stage_history"]) == HISTORY and "scan_error" not in final


async def test_rescan_and_confirm_rules_match_legacy_documents(fidelity: Callable[[Scenario], Awaitable[Any]]) -> None:
    async def scenario(db: Db) -> Any:
        docs = db.documents
        legacy = {
            "_id": ObjectId(f"{1:024x}"),
            "child_profile_id": "child-1",
            "owner_id": "owner-1",
            "scan_status": "ready",
            "created_at": T0,
        }  # no pipeline_stage, no validation_status
        confirmed = new_doc(2, scan_status="ready", validation_status="confirmed", pipeline_stage="queued")
        deep = new_doc(3, scan_status="ready", pipeline_stage="ocr")
        ready = new_doc(4, scan_status="ready", pipeline_stage="awaiting_validation")
        await docs.insert_many([legacy, confirmed, deep, ready])
        results = []
        for doc in (legacy, confirmed, deep, ready):
            results.append(
                await docs.find_one_and_update(
                    state.confirm_filter(doc["_id"], "child-1", "owner-1", None),
                    state.confirm_update(topic="math", language="de", now=T0, history_limit=HISTORY),
                    projection={"validation_status": 1, "stage_history": 1, "handoff": 1},
                    return_document=ReturnDocument.AFTER,
                )
            )
            results.append(
                await docs.find_one_and_update(
                    state.rescan_filter(doc["_id"], "child-1", "owner-1"),
                    state.rescan_update(
                        token="new", now=T0, requested_by="owner-1", idempotency_key=None, history_limit=HISTORY
                    ),
                    projection={"_id": 0, "scan": 1, "scan_status": 1},
                )
            )
        handoffs = await docs.update_many(
            state.pending_handoff_filter(T0 + timedelta(1)), state.handoff_sent_update(now=T0)
        )
        return results, handoffs.matched_count, handoffs.modified_count, await docs.find().sort("_id").to_list(None)

    results, matched, modified, _ = await fidelity(scenario)
    assert results[0] is not None and results[2] is None and results[6] is not None
    assert matched == modified == 2


async def test_reconciler_queries_and_keyset_pages(fidelity: Callable[[Scenario], Awaitable[Any]]) -> None:
    async def scenario(db: Db) -> Any:
        docs = db.documents
        for n in range(1, 8):
            when = T0 + timedelta(minutes=n // 2)  # pairs share created_at: the _id breaks the tie
            await docs.insert_one(
                new_doc(n, created_at=when, scan={"token": f"t{n}", "requested_at": when, "lease_until": when})
            )
        await docs.update_many(
            {"_id": {"$in": [ObjectId(f"{n:024x}") for n in (2, 3)]}}, {"$set": {"scan_status": "processing"}}
        )
        pages, after = [], None
        while True:
            flt: dict[str, Any] = {"child_profile_id": "child-1", "owner_id": "owner-1"}
            if after is not None:
                flt["$or"] = [{"created_at": {"$lt": after[0]}}, {"created_at": after[0], "_id": {"$lt": after[1]}}]
            page = await docs.find(flt).sort([("created_at", DESCENDING), ("_id", DESCENDING)]).limit(3).to_list(3)
            pages.append([doc["_id"] for doc in page])
            if len(page) < 3:
                break
            after = (page[-1]["created_at"], page[-1]["_id"])
        projection = {"_id": 1, "scan": 1, "scan_status": 1, "handoff": 1}
        stranded = (
            await docs.find(state.stranded_queued_filter(T0 + timedelta(minutes=2)), projection=projection)
            .sort("scan.requested_at", ASCENDING)
            .limit(10)
            .to_list(10)
        )
        expired = (
            await docs.find(state.expired_lease_filter(T0 + timedelta(hours=1)), projection=projection)
            .sort("scan.lease_until", ASCENDING)
            .limit(10)
            .to_list(10)
        )
        counts = [
            await docs.count_documents({}),
            await docs.count_documents({"scan_status": "queued"}),
            await docs.count_documents({"scan_status": "queued"}, skip=1, limit=2),
        ]
        grouped = await docs.aggregate(
            [
                {"$match": {"owner_id": "owner-1"}},
                {"$group": {"_id": "$scan_status", "n": {"$sum": 1}}},
                {"$sort": {"_id": 1}},
            ]
        ).to_list(None)
        distinct = sorted(await docs.distinct("scan_status"))
        return pages, stranded, expired, counts, grouped, distinct

    pages, stranded, _, counts, _, _ = await fidelity(scenario)
    assert [len(page) for page in pages] == [3, 3, 1] and len({i for page in pages for i in page}) == 7
    assert len(stranded) == 1 and counts == [7, 5, 2]


async def test_plain_writes_and_upserts(fidelity: Callable[[Scenario], Awaitable[Any]]) -> None:
    async def scenario(db: Db) -> Any:
        coll = db.things
        one = await coll.update_one({"_id": 1}, {"$set": {"a": 1}, "$setOnInsert": {"at": T0}}, upsert=True)
        await coll.insert_many([{"_id": 2, "a": 1, "tags": ["x"]}, {"_id": 3, "a": 2}])
        many = await coll.update_many({"a": 1}, {"$inc": {"n.count": 2}, "$push": {"tags": "y"}})
        replaced = await coll.replace_one({"_id": 3}, {"a": 3})
        removed = await coll.find_one_and_delete({"a": 3}, projection={"a": 1})
        upserted = await coll.find_one_and_update(
            {"_id": 9}, {"$set": {"a": 9}}, upsert=True, return_document=ReturnDocument.AFTER
        )
        deleted = await coll.delete_many({"a": 1})
        return (
            [
                one.matched_count,
                one.modified_count,
                one.upserted_id,
                many.matched_count,
                many.modified_count,
                replaced.modified_count,
                removed,
                upserted,
                deleted.deleted_count,
            ],
            await coll.find({}, {"_id": 0}).to_list(None),
        )

    counts, rest = await fidelity(scenario)
    assert counts[2] == 1 and counts[-1] == 2 and rest == [{"a": 9}]


async def test_unique_partial_index_and_duplicate_key(fidelity: Callable[[Scenario], Awaitable[Any]]) -> None:
    async def scenario(db: Db) -> Any:
        docs = db.documents
        name = await docs.create_index(
            [("owner_id", ASCENDING), ("upload_idempotency_key", ASCENDING)],
            unique=True,
            partialFilterExpression={"upload_idempotency_key": {"$exists": True}},
        )
        await docs.create_index([("child_profile_id", ASCENDING), ("created_at", DESCENDING), ("_id", DESCENDING)])
        await docs.insert_one(new_doc(1, upload_idempotency_key="k"))
        await docs.insert_many([new_doc(2), new_doc(3)])  # without a key: outside the partial index
        errors = []
        for attempt in (new_doc(4, upload_idempotency_key="k"), new_doc(1)):
            try:
                await docs.insert_one(attempt)
            except DuplicateKeyError as exc:
                errors.append(exc.code)
        indexes = sorted([dict(index) async for index in docs.list_indexes()], key=lambda index: index["name"])
        return (
            name,
            errors,
            [(i["name"], dict(i["key"]), i.get("unique"), i.get("partialFilterExpression")) for i in indexes],
        )

    name, errors, indexes = await fidelity(scenario)
    assert name == "owner_id_1_upload_idempotency_key_1" and errors == [11000, 11000] and len(indexes) == 3


async def test_partial_unique_index_over_documents_it_does_not_cover(standin_db: Db) -> None:
    # Legacy documents have no key; like MongoDB (and unlike mongomock) the index build ignores them.
    await standin_db.documents.insert_many([new_doc(1), new_doc(2)])
    await standin_db.documents.create_index(
        [("owner_id", ASCENDING), ("upload_idempotency_key", ASCENDING)],
        unique=True,
        partialFilterExpression={"upload_idempotency_key": {"$type": "string"}},
    )
    await standin_db.documents.insert_one(new_doc(3, upload_idempotency_key="k"))
    with pytest.raises(DuplicateKeyError):
        await standin_db.documents.insert_one(new_doc(4, upload_idempotency_key="k"))


# -- content --


async def test_gridfs_round_trip_of_3_mb(standin_db: Db) -> None:
    content = os.urandom(3 * 1024 * 1024 + 17)
    bucket = AsyncIOMotorGridFSBucket(standin_db)
    file_id = await bucket.upload_from_stream("scan.pdf", content, metadata={"contentType": "application/pdf"})
    stream = await bucket.open_download_stream(file_id)
    # motor's stubs declare AsyncIOMotorGridOut.read as NoReturn; it returns the file.
    read: Callable[[], Awaitable[bytes]] = stream.read
    assert await read() == content and stream.metadata == {"contentType": "application/pdf"}
    chunk = await standin_db["fs.chunks"].find_one({"files_id": file_id, "n": 0})
    assert type(chunk["data"]) is bytes and len(chunk["data"]) == 255 * 1024
    await bucket.delete(file_id)
    assert await standin_db["fs.chunks"].count_documents({}) == 0


async def test_results_larger_than_one_message_come_by_get_more(standin_db: Db) -> None:
    await standin_db.big.insert_many([{"_id": n, "pad": "x" * 200_000} for n in range(120)])  # 24 MB
    ids = [doc["_id"] async for doc in standin_db.big.find().sort("_id", DESCENDING)]
    assert ids == list(range(119, -1, -1))
    some = await standin_db.big.find({}, {"pad": 0}).batch_size(7).skip(5).limit(20).to_list(None)
    assert [doc["_id"] for doc in some] == list(range(5, 25))


async def key_operations(db: Db) -> list[Any]:
    """Every operation the service issues on Idempotency-Key records, in the order a request does them."""
    keys = IdempotencyKeys(db)
    record = idempotency.new_record(
        owner_id="owner-1",
        key="k1",
        action=idempotency.Action.RESCAN,
        child_id="child-1",
        document_id=ObjectId(f"{1:024x}"),
        fp="fp1",
        token="t1",
        now=T0,
        ttl=timedelta(hours=24),
    )
    results: list[Any] = [await keys.claim(record), await keys.claim(record)]
    reply = idempotency.Reply(status=202, body='{"id": "x"}', location="/x")
    await keys.complete(record["_id"], "other-token", reply)
    results.append(await keys.find(record["_id"]))
    await keys.complete(record["_id"], "t1", reply)
    taken = await keys.find(record["_id"])
    results.append(taken)
    assert taken is not None
    newer = record | {"token": "t2", "claimed_at": T0 + timedelta(seconds=1)}
    results.append(await keys.reclaim(newer, taken | {"claimed_at": T0 - timedelta(seconds=1)}))
    results.append(await keys.reclaim(newer, taken))
    await keys.release(record["_id"], "t1")
    results.append(await keys.find(record["_id"]))
    await keys.release(record["_id"], "t2")
    results.append(await keys.find(record["_id"]))
    return results


async def test_repository_against_both_backends(
    fidelity: Callable[[Scenario], Awaitable[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    repository = pytest.importorskip("service.repository")

    async def scenario(db: Db) -> Any:
        ticks = iter(range(1, 10_000))
        # the same clock for both backends, so the documents they write are comparable
        monkeypatch.setattr(repository, "utcnow", lambda: T0 + timedelta(milliseconds=next(ticks)))
        # and the same token for the rotation below
        monkeypatch.setattr(repository, "new_token", lambda: "t1b")
        repo = repository.DocumentRepository(db, history_limit=HISTORY)
        await repo.ping()
        content = bytes(range(256)) * (3 * 4096)
        file_id = await repo.store_file(content, "a.pdf", "application/pdf", {"owner": "owner-1"})
        assert await repo.read_file(file_id) == content
        await repo.delete_file(file_id)
        results: list[Any] = []
        for n in range(1, 5):
            results.append(
                await repo.insert_document(
                    new_doc(n, created_at=T0 + timedelta(seconds=n), upload_idempotency_key=f"u{n}")
                )
            )
        oid = ObjectId(f"{1:024x}")
        results += [
            await repo.explain(ObjectId(f"{2:024x}"), "child-1", "owner-1"),
            await repo.get(oid, "child-1", "owner-1"),
            await repo.get(oid, "child-2", "owner-1"),
            await repo.get_by_id(oid),
            await repo.list_page("child-1", "owner-1", 3, None),
            await repo.list_page("child-1", "owner-1", 3, (T0 + timedelta(seconds=2), ObjectId(f"{2:024x}"))),
        ]
        claimed = await repo.claim_scan(oid, "t1", timedelta(minutes=5))
        results += [claimed is not None, await repo.claim_scan(oid, "t1", timedelta(minutes=5))]
        results.append((await repo.release_scan(oid, "t1", rotate=True)) is not None)
        results.append((await repo.claim_scan(oid, "t1b", timedelta(minutes=5))) is not None)
        results.append((await repo.finish_scan(oid, "t1b", {"scan_topic_suggestion": "math"})) is not None)
        results.append((await repo.try_rescan(oid, "child-1", "owner-1", token="t2", idempotency_key="r1")) is not None)
        results += await key_operations(db)
        results.append((await repo.claim_scan(oid, "t2", timedelta(minutes=5))) is not None)
        results.append((await repo.fail_scan(oid, "t2", {"code": "x", "message": "y"})) is not None)
        results.append(await repo.try_rescan(oid, "child-1", "owner-1", token="t3", idempotency_key="r1"))
        two = ObjectId(f"{2:024x}")
        await repo.claim_scan(two, "t2", timedelta(minutes=5))
        await repo.finish_scan(two, "t2", {"scan_topic_suggestion": "art"})
        results.append(
            (await repo.try_confirm(two, "child-1", "owner-1", topic="art", language="en", token="t2")) is not None
        )
        results.append(await repo.try_confirm(two, "child-1", "owner-1", topic="art", language="en", token=None))
        far = T0 + timedelta(days=3650)
        results += [
            await repo.stranded_queued(far, 10),
            await repo.expired_leases(far, 10),
            await repo.pending_handoffs(far, 10),
        ]
        results.append(await repo.mark_handoff_sent(two))
        results.append(await repo.get_by_id(two))
        return [vars(item) if hasattr(item, "__dataclass_fields__") else item for item in results]

    results = await fidelity(scenario)
    assert results[4] is None or results[4]["_id"] == ObjectId(f"{2:024x}")


async def test_migrations_run_on_the_standin_over_legacy_documents(standin_db: Db) -> None:
    runner_module = pytest.importorskip("migrations.runner")
    legacy = {
        "_id": ObjectId(f"{1:024x}"),
        "child_profile_id": "child-1",
        "owner_id": "owner-1",
        "filename": "a",
        "content_type": "application/pdf",
        "size": 1,
        "file_id": ObjectId(),
        "scan_status": "ready",
        "created_at": T0,
    }
    await standin_db.documents.insert_many([legacy, new_doc(2)])
    outcomes = await runner_module.MigrationRunner(standin_db).up()
    assert outcomes and not await runner_module.MigrationRunner(standin_db).pending()
    names = {index["name"] async for index in standin_db.documents.list_indexes()}
    assert {"owner_upload_key", "child_owner_created"} <= names
    listed = await (await standin_db.list_collections(filter={"name": "documents"})).to_list(None)
    assert listed[0]["options"]["validationLevel"] == "moderate"
    with pytest.raises(WriteError) as caught:
        await standin_db.documents.insert_one({"owner_id": "owner-1", "scan_status": "lost"})
    assert caught.value.code == 121


# -- races between processes --

CAS_CLIENT = """
import asyncio, sys
from motor.motor_asyncio import AsyncIOMotorClient

async def main(url, name, attempts):
    client = AsyncIOMotorClient(url, maxPoolSize=attempts)
    docs = client.race.documents
    await client.admin.command("ping")
    print("ready", flush=True)
    sys.stdin.readline()
    async def attempt(n):
        token = f"{name}-{n}"
        won = await docs.find_one_and_update({"_id": 1, "scan_status": "ready"},
                                             {"$set": {"scan_status": "queued", "scan.token": token},
                                              "$inc": {"scan.attempt": 1}})
        return token if won is not None else None
    wins = [token for token in await asyncio.gather(*(attempt(n) for n in range(attempts))) if token]
    print(" ".join(["won", *wins]), flush=True)
    client.close()

asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
"""


def start_standin_process() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.standin", "--port", "0"], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    line = process.stdout.readline().split()
    assert line[0] == "listening", line
    return process, f"mongodb://{line[1]}/"


def race(url: str, processes: int, attempts: int) -> list[str]:
    """Let ``processes`` client processes try ``attempts`` concurrent swaps each, all released at once."""
    clients = [
        subprocess.Popen(
            [sys.executable, "-c", CAS_CLIENT, url, f"p{i}", str(attempts)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for i in range(processes)
    ]
    try:
        for client in clients:
            assert client.stdout is not None and client.stdout.readline().strip() == "ready"
        for client in clients:
            assert client.stdin is not None
            client.stdin.write("go\n")
            client.stdin.flush()
        outputs = [client.communicate(timeout=30)[0].split() for client in clients]
    finally:
        for client in clients:
            if client.poll() is None:
                client.kill()
            client.wait()
    assert all(client.returncode == 0 for client in clients) and all(out[0] == "won" for out in outputs)
    return [token for out in outputs for token in out[1:]]


async def test_exactly_one_of_many_concurrent_swaps_from_separate_processes_wins() -> None:
    server, url = start_standin_process()
    client: AsyncIOMotorClient[Any] = AsyncIOMotorClient(url, serverSelectionTimeoutMS=5000)
    try:
        docs = client.race.documents
        for _ in range(3):
            await docs.replace_one({"_id": 1}, {"scan_status": "ready", "scan": {"attempt": 0}}, upsert=True)
            winners = await asyncio.to_thread(race, url, 4, 50)
            stored = await docs.find_one({"_id": 1})
            assert stored is not None and len(winners) == 1 and stored["scan"] == {"attempt": 1, "token": winners[0]}
    finally:
        client.close()
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=10) == 0
        assert server.stdout is not None
        server.stdout.close()


# -- validators --

SCHEMA = {
    "bsonType": "object",
    "required": ["owner_id", "scan_status", "created_at"],
    "properties": {
        "owner_id": {"bsonType": "string", "minLength": 1},
        "scan_status": {"enum": ["queued", "processing", "ready", "failed"]},
        "created_at": {"bsonType": "date"},
        "progress": {"bsonType": ["int", "long"], "minimum": 0, "maximum": 100},
        "stage_history": {
            "bsonType": "array",
            "maxItems": 5,
            "items": {"bsonType": "object", "required": ["stage", "at"]},
        },
        "file_id": {"bsonType": ["objectId", "null"]},
    },
}


async def test_strict_validator_rejects_invalid_documents(standin_db: Db) -> None:
    await standin_db.create_collection(
        "documents", validator={"$jsonSchema": SCHEMA}, validationLevel="strict", validationAction="error"
    )
    docs = standin_db.documents
    valid = {
        "_id": 1,
        "owner_id": "o",
        "scan_status": "ready",
        "created_at": T0,
        "progress": 5,
        "stage_history": [{"stage": "s", "at": T0}],
        "file_id": ObjectId(),
    }
    await docs.insert_one(valid)
    for invalid in (
        {"_id": 2, "owner_id": "o", "scan_status": "lost", "created_at": T0},
        {"_id": 3, "owner_id": "o", "scan_status": "ready"},
        {"_id": 4, "owner_id": "o", "scan_status": "ready", "created_at": "today"},
        {"_id": 5, "owner_id": "o", "scan_status": "ready", "created_at": T0, "progress": 101},
    ):
        with pytest.raises(WriteError) as caught:
            await docs.insert_one(invalid)
        assert caught.value.code == 121
    with pytest.raises(WriteError) as caught:
        await docs.update_one({"_id": 1}, {"$push": {"stage_history": {"stage": "no time"}}})
    assert caught.value.code == 121
    with pytest.raises(OperationFailure) as failed:
        await docs.find_one_and_update({"_id": 1}, {"$unset": {"created_at": ""}})
    assert failed.value.code == 121
    assert await docs.find_one({"_id": 1}) == valid
    assert await docs.count_documents({}) == 1
    listed = await (await standin_db.list_collections(filter={"name": "documents"})).to_list(None)
    options = listed[0]["options"]
    assert options == {"validator": {"$jsonSchema": SCHEMA}, "validationLevel": "strict", "validationAction": "error"}


async def test_moderate_validator_lets_legacy_documents_be_updated(standin_db: Db) -> None:
    docs = standin_db.documents
    await docs.insert_many(
        [
            {"_id": "legacy", "owner_id": "o", "scan_status": "scanned"},
            {"_id": "good", "owner_id": "o", "scan_status": "ready", "created_at": T0},
        ]
    )
    await standin_db.command("collMod", "documents", validator={"$jsonSchema": SCHEMA}, validationLevel="moderate")
    await docs.update_one({"_id": "legacy"}, {"$set": {"progress": 5}})
    assert (await docs.find_one({"_id": "legacy"}))["progress"] == 5
    with pytest.raises(WriteError) as caught:
        await docs.update_one({"_id": "good"}, {"$set": {"scan_status": "scanned"}})
    assert caught.value.code == 121
    assert (await docs.find_one({"_id": "good"}))["scan_status"] == "ready"
    with pytest.raises(WriteError):
        await docs.insert_one({"_id": "new", "owner_id": "o"})
    await docs.insert_one({"_id": "bypass", "owner_id": "o"}, bypass_document_validation=True)


@pytest.mark.parametrize(
    ("value", "failures"),
    [
        ({"owner_id": "o", "scan_status": "ready", "created_at": T0}, 0),
        ({"owner_id": "", "scan_status": "ready", "created_at": T0}, 1),
        ({"owner_id": 5, "scan_status": "x", "created_at": T0, "progress": -1}, 3),
        ({"owner_id": "o", "scan_status": "ready", "created_at": T0, "progress": Int64(50), "file_id": None}, 0),
        ({"owner_id": "o", "scan_status": "ready", "created_at": T0, "progress": 2.0}, 1),
        ({"owner_id": "o", "scan_status": "ready", "created_at": T0, "stage_history": [{"stage": "s"}] * 6}, 7),
        ([], 1),
    ],
)
def test_schema_checker(value: Any, failures: int) -> None:
    assert len(schema_errors(SCHEMA, value)) == failures


# -- errors --


async def test_errors_carry_mongodb_codes(standin_db: Db) -> None:
    with pytest.raises(OperationFailure) as unknown:
        await standin_db.command("frobnicate")
    assert unknown.value.code == 59
    assert unknown.value.details is not None and unknown.value.details["codeName"] == "CommandNotFound"
    with pytest.raises(OperationFailure) as cursor:
        await standin_db.command("getMore", Int64(424242), collection="documents")
    assert cursor.value.code == 43
    await standin_db.create_collection("documents")
    with pytest.raises(OperationFailure) as exists:
        await standin_db.command("create", "documents")
    assert exists.value.code == 48
    assert await standin_db.list_collection_names() == ["documents"]
    await standin_db.documents.drop()
    assert await standin_db.list_collection_names() == []


async def test_deletion_and_download_queries(fidelity: Callable[[Scenario], Awaitable[Any]]) -> None:
    from service.repository import CHUNK_SIZE, DocumentRepository

    content = bytes(range(256)) * (CHUNK_SIZE // 128)  # two full chunks and a bit more

    async def scenario(db: Db) -> Any:
        repo = DocumentRepository(db)
        file_id = await repo.store_file(
            content + b"tail", "a.txt", "text/plain", {"child_profile_id": "child-1", "owner_id": "owner-1"}
        )
        doc = new_doc(1, file_id=file_id)
        await repo.insert_document(doc)
        entry = await repo.file_entry(file_id)
        assert entry is not None
        middle = [piece async for piece in repo.stream_chunks(file_id, 1, 2)]
        # the document points at its content: no orphan, and the page ends at that content
        orphans, last = await repo.orphaned_content("child-1", "owner-1", T0.replace(year=2100), None, 10)
        end = await repo.orphaned_content("child-1", "owner-1", T0.replace(year=2100), last, 10)
        target = await repo.deletion_target(doc["_id"], "child-1", "owner-1")
        assert target is not None
        batch = await repo.documents_of("child-1", "owner-1", T0.replace(year=2100), 10)
        await repo.begin_deletion(target)
        await repo.begin_deletion(target)  # a retry writes nothing new
        removed = [await repo.delete_document(doc["_id"], "child-1", "owner-1") for _ in range(2)]
        from_tombstone = await repo.deletion_target(doc["_id"], "child-1", "owner-1")
        unfinished = await repo.unfinished_deletions(T0.replace(year=2100), 10)
        await repo.delete_file(file_id)
        await repo.end_deletion(doc["_id"])

        def same_file(found: Any) -> Any:
            # The file's id is new on each backend; that it is this file is what must agree.
            if isinstance(found, dict):
                return {k: ("this file" if v == file_id else v) for k, v in found.items() if k != "requested_at"}
            return [same_file(item) for item in found] if isinstance(found, list) else found

        return (
            [entry["length"], entry["chunkSize"]],
            [len(piece) for piece in middle],
            [orphans, last == file_id, end],
            same_file(target),
            same_file(batch),
            removed,
            same_file(from_tombstone),
            same_file(unfinished),
            await repo.deletion_target(doc["_id"], "child-1", "owner-1"),
            await repo.file_entry(file_id),
            await db["fs.chunks"].count_documents({"files_id": file_id}),
        )

    sizes, middle, orphans, _, _, removed, from_tombstone, unfinished, gone, *rest = await fidelity(scenario)
    assert sizes == [len(content) + 4, CHUNK_SIZE] and middle == [CHUNK_SIZE, len(content) + 4 - 2 * CHUNK_SIZE]
    assert orphans == [[], True, ([], None)] and removed == [True, False]
    assert from_tombstone is not None and len(unfinished) == 1
    assert gone is None and rest == [None, 0]
