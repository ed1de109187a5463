"""Tests of the migration runner, its lock, and the three versions (on mongomock-motor; explain on real MongoDB)."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import io
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any

import pytest
from bson import ObjectId
from mongomock_motor import AsyncMongoMockClient

from migrations.__main__ import EXIT_LOCK_BUSY, EXIT_OK, EXIT_USAGE, build_parser, main, run
from migrations.runner import (
    LOCK_COLLECTION,
    MIGRATIONS_COLLECTION,
    LockBusy,
    LockLost,
    Migration,
    MigrationError,
    MigrationLock,
    MigrationRunner,
    load_migrations,
)
from service import state
from service.repository import DocumentRepository

indexes: ModuleType = importlib.import_module("migrations.versions.0001_indexes")
validator: ModuleType = importlib.import_module("migrations.versions.0002_validator")
backfill: ModuleType = importlib.import_module("migrations.versions.0003_backfill_legacy")

Doc = dict[str, Any]
UpFn = Callable[..., Awaitable[list[str]]]
T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def db() -> Any:
    # A fresh database name per test: mongomock clients share one in-process store.
    return AsyncMongoMockClient(tz_aware=True)[f"migrations_{uuid.uuid4().hex}"]


def make_migration(version: str, up: UpFn, name: str = "test") -> Migration:
    return Migration(version=version, name=name, description=f"test {version}", up=up, checksum=version)


async def recorded(db: Any) -> list[Doc]:
    return [doc async for doc in db[MIGRATIONS_COLLECTION].find({}).sort("_id", 1)]


async def snapshot(db: Any) -> Doc:
    result: Doc = {}
    for name in sorted(await db.list_collection_names()):
        docs = [doc async for doc in db[name].find({}).sort("_id", 1)]
        result[name] = (docs, await db[name].index_information())
    return result


# -- loading --


def test_load_migrations_orders_versions_and_checksums_sources() -> None:
    migrations = load_migrations()
    assert [(m.version, m.name) for m in migrations] == [
        ("0001", "indexes"),
        ("0002", "validator"),
        ("0003", "backfill_legacy"),
        ("0004", "idempotency_keys"),
        ("0005", "erasure_indexes"),
    ]
    assert all(len(m.checksum) == 64 and m.description for m in migrations)


def test_load_migrations_refuses_a_misnamed_module(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / f"badversions_{uuid.uuid4().hex[:8]}"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "004_typo.py").write_text("description = 'x'\n\nasync def up(db, *, dry_run):\n    return []\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(MigrationError, match="NNNN_name"):
        load_migrations(package.name)


# -- up, status, re-run, dry run --


async def test_up_applies_all_versions_in_order_and_records_them(db: Any) -> None:
    outcomes = await MigrationRunner(db, owner="one").up()

    assert [o.migration.version for o in outcomes] == ["0001", "0002", "0003", "0004", "0005"]
    records = await recorded(db)
    assert [r["_id"] for r in records] == ["0001", "0002", "0003", "0004", "0005"]
    checksums = {m.version: m.checksum for m in load_migrations()}
    for record in records:
        assert record["applied_at"].tzinfo is not None
        assert record["duration_ms"] >= 0
        assert record["checksum"] == checksums[record["_id"]]
        assert record["applied_by"] == "one"
    names = set(await db.documents.index_information())
    assert {spec.name for spec in indexes.INDEXES if spec.collection == "documents"} <= names
    assert "files_id_1_n_1" in await db["fs.chunks"].index_information()
    assert await db[LOCK_COLLECTION].count_documents({}) == 0


async def test_status_lists_applied_and_pending_versions(db: Any) -> None:
    await MigrationRunner(db, load_migrations()[:1]).up()

    rows = await MigrationRunner(db).status()

    assert [(r.version, r.applied, r.changed) for r in rows] == [
        ("0001", True, False),
        ("0002", False, False),
        ("0003", False, False),
        ("0004", False, False),
        ("0005", False, False),
    ]


async def test_status_flags_an_edited_module_and_an_unknown_version(db: Any) -> None:
    await MigrationRunner(db).up()
    await db[MIGRATIONS_COLLECTION].update_one({"_id": "0002"}, {"$set": {"checksum": "old"}})
    await db[MIGRATIONS_COLLECTION].insert_one({"_id": "0099", "name": "from_a_newer_release"})

    rows = {r.version: r for r in await MigrationRunner(db).status()}

    assert rows["0002"].changed and not rows["0001"].changed
    assert rows["0099"].migration is None and rows["0099"].name == "from_a_newer_release"


async def test_running_again_is_a_no_op(db: Any) -> None:
    await MigrationRunner(db).up()
    before = await snapshot(db)

    assert await MigrationRunner(db).up() == []
    assert await snapshot(db) == before


async def test_dry_run_describes_and_changes_nothing(db: Any) -> None:
    await db.documents.insert_one(legacy_doc())
    before = await snapshot(db)

    outcomes = await MigrationRunner(db).up(dry_run=True)

    assert await snapshot(db) == before
    assert [o.migration.version for o in outcomes] == ["0001", "0002", "0003", "0004", "0005"]
    assert all(o.dry_run for o in outcomes)
    assert all(line.startswith("would create") for line in outcomes[0].lines)
    assert outcomes[1].lines[0].startswith("would collMod documents")
    assert "would update 1" in outcomes[2].lines[0]


async def test_an_index_with_the_same_name_and_another_definition_is_an_error(db: Any) -> None:
    await db.documents.create_index([("owner_id", 1)], name="child_owner_created")

    with pytest.raises(MigrationError, match="another definition"):
        await MigrationRunner(db).up()
    assert await recorded(db) == []


async def test_validator_is_reported_not_applied_on_mongomock(db: Any) -> None:
    # mongomock keeps no validators; the record must say so instead of claiming the validator is in place.
    await MigrationRunner(db).up()
    (record,) = [r for r in await recorded(db) if r["_id"] == "0002"]
    assert record["lines"][0].startswith("NOT APPLIED")


# -- the lock --


async def test_a_second_runner_is_refused_while_the_lock_is_held(db: Any) -> None:
    first = MigrationLock(db, "first", ttl=60, clock=lambda: T0)
    assert await first.acquire()

    with pytest.raises(LockBusy) as refused:
        await MigrationRunner(db, owner="second", clock=lambda: T0 + timedelta(seconds=59)).up()

    assert refused.value.owner == "first"
    assert refused.value.expires_at == T0 + timedelta(seconds=60)
    assert await recorded(db) == []
    holder = await first.holder()
    assert holder is not None and holder["owner"] == "first"


async def test_an_expired_lock_can_be_taken_and_its_old_holder_cannot_release_it(db: Any) -> None:
    first = MigrationLock(db, "first", ttl=60, clock=lambda: T0)
    assert await first.acquire()
    second = MigrationLock(db, "second", ttl=60, clock=lambda: T0 + timedelta(seconds=61))

    assert await second.acquire()
    await first.release()
    with pytest.raises(LockLost):
        await first.renew()

    holder = await second.holder()
    assert holder is not None and holder["owner"] == "second"


async def test_a_runner_takes_an_expired_lock_and_applies(db: Any) -> None:
    assert await MigrationLock(db, "crashed", ttl=60, clock=lambda: T0).acquire()

    outcomes = await MigrationRunner(db, owner="next", clock=lambda: T0 + timedelta(minutes=5)).up()

    assert len(outcomes) == 5
    assert await db[LOCK_COLLECTION].count_documents({}) == 0


def counting(calls: list[str], version: str) -> UpFn:
    async def up(db: Any, *, dry_run: bool) -> list[str]:
        calls.append(version)
        return [version]

    return up


async def test_concurrent_runners_apply_each_migration_once(db: Any) -> None:
    calls: list[str] = []
    started, release = asyncio.Event(), asyncio.Event()

    async def blocking(db: Any, *, dry_run: bool) -> list[str]:
        calls.append("0001")
        started.set()
        await release.wait()
        return ["0001"]

    migrations = [make_migration("0001", blocking), make_migration("0002", counting(calls, "0002"))]

    async def contender() -> Any:
        await started.wait()
        try:
            return await MigrationRunner(db, migrations, owner="b").up()
        finally:
            release.set()

    results: tuple[Any, ...] = await asyncio.gather(
        MigrationRunner(db, migrations, owner="a").up(), contender(), return_exceptions=True
    )
    first, second = results

    assert isinstance(second, LockBusy) and second.owner == "a"
    assert not isinstance(first, BaseException) and len(first) == 2
    assert calls == ["0001", "0002"]
    assert [r["_id"] for r in await recorded(db)] == ["0001", "0002"]


async def test_a_waiting_runner_takes_over_and_finds_nothing_pending(db: Any) -> None:
    calls: list[str] = []
    started, release = asyncio.Event(), asyncio.Event()

    async def blocking(db: Any, *, dry_run: bool) -> list[str]:
        calls.append("0001")
        started.set()
        await release.wait()
        return []

    migrations = [make_migration("0001", blocking), make_migration("0002", counting(calls, "0002"))]
    seen: list[Any] = []

    def on_wait(holder: Doc | None) -> None:
        seen.append(holder and holder["owner"])
        release.set()

    async def waiter() -> Any:
        await started.wait()
        runner = MigrationRunner(db, migrations, owner="b", poll_interval=0.001, on_wait=on_wait)
        return await runner.up(wait=30)

    first, second = await asyncio.gather(MigrationRunner(db, migrations, owner="a").up(), waiter())

    assert len(first) == 2 and second == []
    assert seen[0] == "a"
    assert calls == ["0001", "0002"]


async def test_gathered_runners_with_the_real_versions_record_each_version_once(db: Any) -> None:
    results = await asyncio.gather(
        MigrationRunner(db, owner="a").up(), MigrationRunner(db, owner="b").up(), return_exceptions=True
    )

    applied = [o.migration.version for r in results if not isinstance(r, BaseException) for o in r]
    assert sorted(applied) == ["0001", "0002", "0003", "0004", "0005"]
    assert all(isinstance(r, (list, LockBusy)) for r in results)
    assert [r["_id"] for r in await recorded(db)] == ["0001", "0002", "0003", "0004", "0005"]


async def test_a_runner_that_lost_its_lock_records_nothing(db: Any) -> None:
    async def stolen(db: Any, *, dry_run: bool) -> list[str]:
        # Stands for a pause longer than the lock's time to live, after which another runner took it.
        await db[LOCK_COLLECTION].update_one({"_id": "lock"}, {"$set": {"owner": "thief"}})
        return []

    with pytest.raises(LockLost):
        await MigrationRunner(db, [make_migration("0001", stolen)], owner="me").up()
    assert await recorded(db) == []
    holder = await db[LOCK_COLLECTION].find_one({"_id": "lock"})
    assert holder is not None and holder["owner"] == "thief"


async def test_the_lock_is_renewed_while_a_migration_runs(db: Any) -> None:
    renewed = asyncio.Event()

    class WatchedLock(MigrationLock):
        async def renew(self) -> None:
            await super().renew()
            renewed.set()

    async def long(db: Any, *, dry_run: bool) -> list[str]:
        renewed.clear()
        await renewed.wait()
        return ["outlived a renewal"]

    runner = MigrationRunner(db, [make_migration("0001", long)], owner="me", renew_every=0.001)
    runner.lock = WatchedLock(db, "me")

    (outcome,) = await runner.up()

    assert outcome.lines == ["outlived a renewal"]


async def test_a_lost_lock_cancels_the_running_migration(db: Any) -> None:
    cancelled = asyncio.Event()

    async def forever(db: Any, *, dry_run: bool) -> list[str]:
        await db[LOCK_COLLECTION].update_one({"_id": "lock"}, {"$set": {"owner": "thief"}})
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return []

    runner = MigrationRunner(db, [make_migration("0001", forever)], owner="me", renew_every=0.001)
    with pytest.raises(LockLost):
        await runner.up()
    assert cancelled.is_set()
    assert await recorded(db) == []


# -- the command line --


def test_cli_without_mongo_url_says_embedded_needs_no_migrations(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["up"], environ={}) == EXIT_OK
    assert "embedded" in capsys.readouterr().out


def test_cli_reports_a_configuration_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status"], environ={"MONGO_URL": "mongodb://localhost:1", "MAX_UPLOAD_BYTES": "lots"}) == EXIT_USAGE
    assert "MAX_UPLOAD_BYTES" in capsys.readouterr().err


def parse(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(list(argv))


async def test_cli_up_status_and_a_refused_second_runner(db: Any) -> None:
    out = io.StringIO()
    assert await run(parse("up", "--dry-run"), db, out) == EXIT_OK
    assert "dry run: nothing was changed" in out.getvalue()
    assert await recorded(db) == []

    assert await run(parse("up"), db, out) == EXIT_OK
    assert await run(parse("up"), db, out) == EXIT_OK
    assert "nothing to apply" in out.getvalue()

    out = io.StringIO()
    assert await run(parse("status"), db, out) == EXIT_OK
    assert [line.split()[:3] for line in out.getvalue().splitlines()] == [
        ["0001", "indexes", "applied"],
        ["0002", "validator", "applied"],
        ["0003", "backfill_legacy", "applied"],
        ["0004", "idempotency_keys", "applied"],
        ["0005", "erasure_indexes", "applied"],
    ]

    assert await MigrationLock(db, "other").acquire()
    await db[MIGRATIONS_COLLECTION].delete_one({"_id": "0003"})
    out = io.StringIO()
    assert await run(parse("up"), db, out) == EXIT_LOCK_BUSY
    assert "refused" in out.getvalue() and "other" in out.getvalue()


# -- the validator schema, checked by a small evaluator of the $jsonSchema subset it uses --

_BSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "int": (int,),
    "long": (int,),
    "double": (float,),
    "date": (datetime,),
    "object": (dict,),
    "array": (list,),
}


def schema_errors(value: Any, schema: Mapping[str, Any], path: str = "$") -> list[str]:
    errors = []
    types = schema.get("bsonType")
    if types is not None:
        allowed = tuple(t for name in ([types] if isinstance(types, str) else types) for t in _BSON_TYPES[name])
        if isinstance(value, bool) or not isinstance(value, allowed):
            return [f"{path}: {value!r} is not {types}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} not in {schema['enum']}")
    if "minimum" in schema and value < schema["minimum"] or "maximum" in schema and value > schema["maximum"]:
        errors.append(f"{path}: {value!r} out of range")
    if isinstance(value, dict):
        errors += [f"{path}.{name}: required" for name in schema.get("required", ()) if name not in value]
        for name, sub in schema.get("properties", {}).items():
            if name in value:
                errors += schema_errors(value[name], sub, f"{path}.{name}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            errors += schema_errors(item, schema["items"], f"{path}[{i}]")
    return errors


def new_style_doc(**changes: Any) -> Doc:
    doc = state.new_document(
        document_id=ObjectId(),
        child_id="child-1",
        owner_id="owner-1",
        filename="maths.pdf",
        content_type="application/pdf",
        size=1234,
        file_id=ObjectId(),
        token=uuid.uuid4().hex,
        now=T0,
    )
    return doc | changes


def test_schema_accepts_what_the_service_writes_and_rejects_broken_states() -> None:
    assert schema_errors(new_style_doc(), validator.SCHEMA) == []
    assert schema_errors(new_style_doc(scan_status="done"), validator.SCHEMA)
    assert schema_errors(new_style_doc(progress=101), validator.SCHEMA)
    assert schema_errors(new_style_doc(scan_confidence=1.5), validator.SCHEMA)
    assert schema_errors(new_style_doc(scan={"token": "t"}), validator.SCHEMA)
    assert schema_errors({"filename": "x"}, validator.SCHEMA)
    assert validator.OPTIONS["validationLevel"] == "moderate"
    assert validator.OPTIONS["validationAction"] == "error"
    assert "additionalProperties" not in validator.SCHEMA


# -- the legacy backfill --


def legacy_doc(**fields: Any) -> Doc:
    _id = ObjectId.from_datetime(T0 - timedelta(days=30))
    # from_datetime leaves the rest of the id zero; a counter keeps ids unique and ordered by creation.
    _id = ObjectId(_id.binary[:4] + uuid.uuid4().bytes[:8])
    doc = {
        "_id": _id,
        "child_profile_id": "child-1",
        "owner_id": "owner-1",
        "filename": "old.jpg",
        "content_type": "image/jpeg",
        "size": 99,
        "file_id": ObjectId(),
    }
    return doc | fields


def legacy_shapes() -> dict[str, Doc]:
    created = T0 - timedelta(days=10)
    return {
        "bare": legacy_doc(),
        "suggested": legacy_doc(scan_topic_suggestion="fractions", created_at=created),
        "confirmed": legacy_doc(validated_topic="fractions", scan_topic_suggestion="fractions"),
        "rejected": legacy_doc(validation_status="rejected", scan_status="ready"),
        "in_flight": legacy_doc(
            scan_status="processing", created_at=created, scan={"lease_until": T0 - timedelta(days=9)}
        ),
        "confirmed_in_flight": legacy_doc(scan_status="queued", validation_status="confirmed"),
        "deep_in_flight": legacy_doc(scan_status="processing", validation_status="pending", pipeline_stage="ocr"),
        "null_scan": legacy_doc(scan=None, scan_status="failed", validation_status="pending"),
        "partial_scan": legacy_doc(
            scan={"attempt": 2}, scan_status="ready", validation_status="pending", scan_topic_suggestion="verbs"
        ),
    }


async def insert_shapes(db: Any) -> tuple[dict[str, Doc], list[Doc]]:
    shapes = legacy_shapes()
    modern = [
        new_style_doc(),
        new_style_doc(
            scan_status="ready",
            pipeline_stage="queued",
            validation_status="confirmed",
            progress=0,
            validated_topic="fractions",
            handoff={"status": "sent", "requested_at": T0},
        ),
    ]
    await db.documents.insert_many([*shapes.values(), *modern])
    return shapes, modern


async def load(db: Any, doc: Doc) -> Doc:
    stored = await db.documents.find_one({"_id": doc["_id"]})
    assert stored is not None
    return dict(stored)


async def load_document(db: Any, doc: Doc) -> state.Document:
    """The document as the service reads it."""
    stored = await DocumentRepository(db).get_by_id(doc["_id"])
    assert stored is not None
    return stored


async def test_backfill_gives_legacy_documents_consistent_states(db: Any) -> None:
    shapes, modern = await insert_shapes(db)

    lines = await backfill.up(db, dry_run=False)

    after = {name: await load(db, doc) for name, doc in shapes.items()}
    bare = after["bare"]
    assert (bare["validation_status"], bare["scan_status"], bare["pipeline_stage"], bare["progress"]) == (
        "pending",
        "failed",
        "quick_scan_failed",
        100,
    )
    assert bare["scan_error"]["code"] == "legacy_unscanned"
    assert bare["created_at"] == shapes["bare"]["_id"].generation_time
    assert bare["scan"]["attempt"] == 0 and bare["scan"]["runs"] == 0 and len(bare["scan"]["token"]) == 32
    assert bare["scan"]["requested_at"] == bare["created_at"] and bare["stage_history"] == []

    assert (after["suggested"]["scan_status"], after["suggested"]["pipeline_stage"]) == ("ready", "awaiting_validation")
    assert after["suggested"]["scan"]["requested_at"] == T0 - timedelta(days=10)
    assert "scan_error" not in after["suggested"]

    confirmed = after["confirmed"]
    assert (confirmed["validation_status"], confirmed["scan_status"]) == ("confirmed", "ready")
    assert "pipeline_stage" not in confirmed and "progress" not in confirmed

    assert (after["rejected"]["pipeline_stage"], after["rejected"]["progress"]) == ("awaiting_validation", 100)

    in_flight = after["in_flight"]
    assert (in_flight["scan_status"], in_flight["pipeline_stage"], in_flight["progress"]) == (
        "queued",
        "quick_scan_queued",
        5,
    )
    assert "lease_until" not in in_flight["scan"] and in_flight["scan"]["token"]
    assert in_flight["scan"]["requested_at"] == T0 - timedelta(days=10)

    assert after["confirmed_in_flight"]["scan_status"] == "ready"
    assert "pipeline_stage" not in after["confirmed_in_flight"]
    assert after["deep_in_flight"] == shapes["deep_in_flight"]
    assert any(str(shapes["deep_in_flight"]["_id"]) in line for line in lines if line.startswith("left alone"))

    assert after["null_scan"]["scan"]["token"] and after["null_scan"]["pipeline_stage"] == "quick_scan_failed"
    partial = after["partial_scan"]["scan"]
    assert partial["attempt"] == 2 and partial["runs"] == 0 and partial["token"]

    for doc in modern:
        assert await load(db, doc) == doc
    for name, doc in after.items():
        if name != "deep_in_flight":
            assert schema_errors(doc, validator.SCHEMA) == [], name


async def test_after_the_backfill_rescan_is_allowed_exactly_for_unconfirmed_terminal_documents(db: Any) -> None:
    shapes, _ = await insert_shapes(db)
    await backfill.up(db, dry_run=False)
    after = {name: await load_document(db, doc) for name, doc in shapes.items()}

    rescannable = {name for name, doc in after.items() if state.rescan_allowed(doc)}

    assert rescannable == {"bare", "suggested", "rejected", "null_scan", "partial_scan"}
    assert not state.rescan_allowed(after["confirmed"])
    assert not state.rescan_allowed(after["confirmed_in_flight"])
    assert state.confirm_allowed(after["suggested"])


async def test_the_reconciler_picks_up_a_requeued_legacy_scan(db: Any) -> None:
    shapes, _ = await insert_shapes(db)
    await backfill.up(db, dry_run=False)

    stranded = [doc["_id"] async for doc in db.documents.find(state.stranded_queued_filter(T0 - timedelta(minutes=1)))]

    assert shapes["in_flight"]["_id"] in stranded


async def test_backfill_is_idempotent(db: Any) -> None:
    await insert_shapes(db)
    await backfill.up(db, dry_run=False)
    await db[backfill.STATE_COLLECTION].delete_many({})
    before = await snapshot(db)

    lines = await backfill.up(db, dry_run=False)

    assert "updated 0" in lines[0]
    assert {k: v for k, v in (await snapshot(db)).items() if k != backfill.STATE_COLLECTION} == {
        k: v for k, v in before.items() if k != backfill.STATE_COLLECTION
    }


async def test_backfill_resumes_after_an_interruption(db: Any) -> None:
    docs = [legacy_doc() for _ in range(5)]
    docs.sort(key=lambda d: d["_id"])
    await db.documents.insert_many(docs)

    lines = await backfill.up(db, dry_run=False, batch_size=2, max_batches=1)

    assert any("stopped after the batch limit" in line for line in lines)
    checkpoint = await db[backfill.STATE_COLLECTION].find_one({"_id": backfill.STATE_ID})
    assert checkpoint is not None and checkpoint["last_id"] == docs[1]["_id"]
    assert [("scan_status" in await load(db, d)) for d in docs] == [True, True, False, False, False]

    # Undo the first document: a resumed run starts after the checkpoint and must not look at it again.
    await db.documents.update_one({"_id": docs[0]["_id"]}, {"$unset": {"validation_status": ""}})
    runner = MigrationRunner(db, [m for m in load_migrations() if m.version == "0003"])
    (outcome,) = await runner.up()

    assert outcome.lines[0] == f"resuming after _id {docs[1]['_id']}"
    assert "updated 3" in outcome.lines[1]
    assert all(["scan_status" in await load(db, d) for d in docs])
    assert "validation_status" not in await load(db, docs[0])
    checkpoint = await db[backfill.STATE_COLLECTION].find_one({"_id": backfill.STATE_ID})
    assert checkpoint is not None and checkpoint["examined"] == 5 and checkpoint["updated"] == 5


async def test_backfill_dry_run_writes_no_checkpoint(db: Any) -> None:
    await insert_shapes(db)
    before = await snapshot(db)

    lines = await backfill.up(db, dry_run=True, batch_size=2)

    assert "would update 8" in lines[0]
    assert await snapshot(db) == before


async def test_a_backfill_update_never_overwrites_a_concurrent_write(db: Any) -> None:
    doc = legacy_doc(scan_status="ready", scan_topic_suggestion="fractions")
    await db.documents.insert_one(doc)
    plan = backfill.plan_backfill(doc, now=T0, token="t")
    assert plan is not None and plan.update["$set"]["validation_status"] == "pending"

    # Meanwhile the service confirms the document (its confirm filter accepts a missing validation_status).
    await db.documents.update_one(
        {"_id": doc["_id"]}, state.confirm_update(topic="fractions", language="en", now=T0, history_limit=20)
    )
    result = await db.documents.update_one(plan.filter, plan.update)

    assert result.matched_count == 0
    stored = await load(db, doc)
    assert stored["validation_status"] == "confirmed" and stored["pipeline_stage"] == "queued"
    replanned = backfill.plan_backfill(stored, now=T0, token="t")
    assert replanned is not None
    assert {"validation_status", "scan_status", "pipeline_stage", "progress"}.isdisjoint(replanned.update["$set"])


def test_plan_of_a_settled_document_is_empty() -> None:
    assert backfill.plan_backfill(new_style_doc(), now=T0, token="t") is None


# -- indexes cover the service's queries (static check of the ESR rule) --

_RANGE_OPS = {"$lt", "$lte", "$gt", "$gte"}


def query_fields(flt: Mapping[str, Any]) -> tuple[set[str], set[str]]:
    """Equality and range fields of a filter; operators such as `$ne` and a top-level `$or` only filter."""
    equality, ranges = set(), set()
    for name, cond in flt.items():
        if name.startswith("$"):
            continue
        if not isinstance(cond, Mapping):
            equality.add(name)
        elif "$eq" in cond:
            equality.add(name)
        elif _RANGE_OPS & cond.keys():
            ranges.add(name)
    return equality, ranges


def implies(flt: Mapping[str, Any], partial: Mapping[str, Any]) -> bool:
    """Whether every document matching `flt` matches the partial filter (the planner's own test, simplified)."""
    for name, cond in partial.items():
        value = flt.get(name)
        if cond == {"$exists": True}:
            if value is None or isinstance(value, Mapping) and not (_RANGE_OPS | {"$eq"}) & value.keys():
                return False
        elif value != cond:
            return False
    return True


def index_serves(
    keys: Sequence[tuple[str, int]],
    partial: Mapping[str, Any] | None,
    flt: Mapping[str, Any],
    sort: Sequence[tuple[str, int]] = (),
) -> bool:
    """Whether an index's key prefix follows Equality, Sort, Range for this query, so no in-memory sort is needed."""
    if partial is not None and not implies(flt, partial):
        return False
    equality, ranges = query_fields(flt)
    keys = list(keys)
    eq_keys, rest = keys[: len(equality)], keys[len(equality) :]
    if {name for name, _ in eq_keys} != equality:
        return False
    sort_keys, rest = rest[: len(sort)], rest[len(sort) :]
    if sort_keys != list(sort) and sort_keys != [(name, -d) for name, d in sort]:
        return False
    return {name for name, _ in rest[: len(ranges)]} == ranges


NOW = T0
QUERIES: dict[str, tuple[Doc, list[tuple[str, int]], str]] = {
    "list": (
        {
            "child_profile_id": "c",
            "owner_id": "o",
            "$or": [{"created_at": {"$lt": NOW}}, {"created_at": NOW, "_id": {"$lt": ObjectId()}}],
        },
        [("created_at", -1), ("_id", -1)],
        "child_owner_created",
    ),
    "reconcile queued": (state.stranded_queued_filter(NOW), [], "scan_status_requested"),
    "reconcile lease": (state.expired_lease_filter(NOW), [], "scan_status_lease"),
    "handoff": (state.pending_handoff_filter(NOW), [], "handoff_pending"),
    "rescan key": ({"owner_id": "o", "scan.idempotency_key": "k", "_id": {"$ne": ObjectId()}}, [], "owner_rescan_key"),
    "upload key": ({"owner_id": "o", "upload_idempotency_key": "k"}, [], "owner_upload_key"),
}


@pytest.mark.parametrize("query", sorted(QUERIES))
def test_an_index_serves_each_query_of_the_service(query: str) -> None:
    flt, sort, expected = QUERIES[query]
    serving = {
        spec.name
        for spec in indexes.INDEXES
        if spec.collection == "documents" and index_serves(spec.keys, spec.partial, flt, sort)
    }
    assert expected in serving


def test_index_serves_rejects_what_the_planner_could_not_use() -> None:
    flt, sort, _ = QUERIES["list"]
    assert not index_serves([("created_at", -1), ("child_profile_id", 1), ("owner_id", 1)], None, flt, sort)
    assert not index_serves([("child_profile_id", 1), ("owner_id", 1), ("created_at", -1), ("_id", 1)], None, flt, sort)
    assert index_serves([("owner_id", 1), ("child_profile_id", 1), ("created_at", 1), ("_id", 1)], None, flt, sort)
    lease = {"scan_status": "processing"}
    assert not index_serves([("scan_status", 1), ("scan.lease_until", 1)], lease, state.stranded_queued_filter(NOW))
    upload_partial = {"upload_idempotency_key": {"$exists": True}}
    assert not index_serves([("owner_id", 1), ("upload_idempotency_key", 1)], upload_partial, {"owner_id": "o"})


# -- real MongoDB: the planner picks these indexes --

MONGO_TEST_URL = os.environ.get("MONGO_TEST_URL", "")


@pytest.fixture
async def real_db() -> AsyncIterator[Any]:
    from motor.motor_asyncio import AsyncIOMotorClient

    client: Any = AsyncIOMotorClient(MONGO_TEST_URL, tz_aware=True, serverSelectionTimeoutMS=5000)
    name = f"docscan_migrations_{uuid.uuid4().hex[:12]}"
    try:
        yield client[name]
    finally:
        await client.drop_database(name)
        client.close()


def index_scans(plan: Any) -> list[str]:
    """Names of the indexes scanned anywhere in an explain plan (classic and slot-based engine shapes)."""
    found = []
    if isinstance(plan, Mapping):
        if plan.get("stage") == "IXSCAN":
            found.append(str(plan.get("indexName")))
        for value in plan.values():
            found += index_scans(value)
    elif isinstance(plan, list):
        for item in plan:
            found += index_scans(item)
    return found


@pytest.mark.skipif(not MONGO_TEST_URL, reason="needs a real MongoDB in MONGO_TEST_URL")
async def test_explain_picks_the_expected_index_on_real_mongodb(real_db: Any) -> None:
    await MigrationRunner(real_db, owner="explain").up()
    docs = []
    for i in range(300):
        status = ("queued", "processing", "ready", "failed")[i % 4]
        doc = new_style_doc(
            child_profile_id=f"child-{i % 7}",
            owner_id=f"owner-{i % 3}",
            scan_status=status,
            created_at=T0 - timedelta(minutes=i),
        )
        doc["scan"] = doc["scan"] | {"idempotency_key": f"key-{i}", "requested_at": T0 - timedelta(minutes=i)}
        if status == "processing":
            doc["scan"]["lease_until"] = T0 + timedelta(minutes=i - 3)
        if status == "ready" and i % 8 == 2:
            doc["handoff"] = {"status": "pending" if i % 16 == 2 else "sent", "requested_at": T0 - timedelta(hours=i)}
        if i % 5 == 0:
            doc["upload_idempotency_key"] = f"upload-{i}"
        docs.append(doc)
    await real_db.documents.insert_many(docs)

    for name, (flt, sort, expected) in QUERIES.items():
        command: Doc = {"find": "documents", "filter": flt}
        if sort:
            command["sort"] = dict(sort)
        explained = await real_db.command({"explain": command, "verbosity": "queryPlanner"})
        winning = explained["queryPlanner"]["winningPlan"]
        # A contained $or may become several scans of the same index; any other index or a COLLSCAN is wrong.
        assert index_scans(winning) and set(index_scans(winning)) == {expected}, (name, winning)
