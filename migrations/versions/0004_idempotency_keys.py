"""The Idempotency-Key records: their collection, the TTL index that ends each key's window, and legacy keys.

Keys used to live on the documents (``upload_idempotency_key``, ``scan.idempotency_key``), where a later
rescan overwrote the earlier key. From this version on, each key has a record of its own in
``idempotency_keys`` (``_id`` ``{owner, key}``) that a TTL index removes after its ``expires_at``.
Keys that documents still carry and whose window (24 hours, the service's default, written here so this
version never changes meaning) is not over are copied as ``legacy`` records, so a retry with one of them
keeps getting its document instead of starting something new. Running it again changes nothing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pymongo.errors import BulkWriteError

from migrations.runner import Database, utcnow

description = "idempotency_keys: TTL index on expires_at, legacy keys of documents copied in"

COLLECTION = "idempotency_keys"
DOCUMENTS = "documents"
TTL_INDEX = "expires_at_ttl"
#: the window the service kept keys for when this version was written
WINDOW = timedelta(hours=24)
_DUPLICATE_KEY = 11000


async def up(db: Database, *, dry_run: bool) -> list[str]:
    """Create the TTL index and copy the keys of the last window from the documents.

    :param db: the database
    :param dry_run: only report what would be done
    """
    keys = db.get_collection(COLLECTION)
    lines = []
    existing = (await keys.index_information()).get(TTL_INDEX)
    if existing is not None:
        lines.append(f"present {COLLECTION}.{TTL_INDEX}")
    elif dry_run:
        lines.append(f"would create {COLLECTION}.{TTL_INDEX} (expires_at, expireAfterSeconds 0)")
    else:
        await keys.create_index([("expires_at", 1)], name=TTL_INDEX, expireAfterSeconds=0)
        lines.append(f"created {COLLECTION}.{TTL_INDEX} (expires_at, expireAfterSeconds 0)")
    records = await _legacy_records(db)
    if dry_run:
        lines.append(f"would copy up to {len(records)} legacy keys")
        return lines
    copied = 0
    if records:
        try:
            result = await keys.insert_many(records, ordered=False)
            copied = len(result.inserted_ids)
        except BulkWriteError as exc:
            # A key already recorded (a second run, or a key the service claimed meanwhile) stays as it is.
            errors = exc.details.get("writeErrors", [])
            if any(error.get("code") != _DUPLICATE_KEY for error in errors):
                raise
            copied = int(exc.details.get("nInserted", 0))
    lines.append(f"copied {copied} legacy keys of the last {WINDOW.total_seconds() / 3600:g} h")
    return lines


async def _legacy_records(db: Database) -> list[dict[str, Any]]:
    now = utcnow()
    since = now - WINDOW
    documents = db.get_collection(DOCUMENTS)
    records: dict[tuple[str, str], dict[str, Any]] = {}
    uploads = documents.find(
        {"upload_idempotency_key": {"$exists": True}, "created_at": {"$gt": since}},
        projection={"owner_id": 1, "child_profile_id": 1, "upload_idempotency_key": 1, "created_at": 1},
    )
    async for doc in uploads:
        _add(records, doc, "upload", str(doc["upload_idempotency_key"]), doc["created_at"])
    rescans = documents.find(
        {"scan.idempotency_key": {"$exists": True}, "scan.requested_at": {"$gt": since}},
        projection={"owner_id": 1, "child_profile_id": 1, "scan.idempotency_key": 1, "scan.requested_at": 1},
    )
    async for doc in rescans:
        _add(records, doc, "rescan", str(doc["scan"]["idempotency_key"]), doc["scan"]["requested_at"])
    return list(records.values())


def _add(records: dict[tuple[str, str], dict[str, Any]], doc: dict[str, Any], action: str, key: str, at: Any) -> None:
    owner = str(doc["owner_id"])
    # The first use of a key is the one it belongs to; the old code refused its reuse for another action.
    records.setdefault(
        (owner, key),
        {
            "_id": {"owner": owner, "key": key},
            "state": "legacy",
            "action": action,
            "child_profile_id": doc.get("child_profile_id"),
            "document_id": doc["_id"],
            "claimed_at": at,
            "expires_at": at + WINDOW,
        },
    )
