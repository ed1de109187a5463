"""A ``$jsonSchema`` validator on ``documents`` that rejects writes breaking the state machine's fields.

``validationLevel: moderate`` validates every insert, and every update of a document that is already
valid. Legacy documents that miss required fields are invalid, so updates to them stay accepted
until ``0003_backfill_legacy`` has filled them in; from then on they are checked like the rest.
Additional properties are allowed: the deep pipeline adds its own fields.
"""

from __future__ import annotations

from typing import Any

from pymongo.errors import CollectionInvalid, OperationFailure

from migrations.runner import Database

description = "$jsonSchema validator on documents (moderate, error)"

COLLECTION = "documents"
_INT = ["int", "long"]
# The server's code for "collection already exists", when an upload creates it between our check and create.
_NAMESPACE_EXISTS = 48

SCHEMA: dict[str, Any] = {
    "bsonType": "object",
    "required": ["child_profile_id", "owner_id", "filename", "content_type", "size", "file_id", "scan_status"],
    "properties": {
        "filename": {"bsonType": "string"},
        "content_type": {"bsonType": "string"},
        "size": {"bsonType": _INT, "minimum": 0},
        "created_at": {"bsonType": "date"},
        "scan_status": {"enum": ["queued", "processing", "ready", "failed"]},
        "validation_status": {"enum": ["pending", "confirmed", "rejected"]},
        "pipeline_stage": {"bsonType": "string"},
        "progress": {"bsonType": _INT, "minimum": 0, "maximum": 100},
        "scan": {
            "bsonType": "object",
            "required": ["token", "attempt", "requested_at"],
            "properties": {
                "token": {"bsonType": "string"},
                "attempt": {"bsonType": _INT, "minimum": 0},
                "requested_at": {"bsonType": "date"},
            },
        },
        "scan_confidence": {"bsonType": ["double", "int"], "minimum": 0, "maximum": 1},
        "stage_history": {"bsonType": "array", "items": {"bsonType": "object"}},
    },
}

OPTIONS: dict[str, Any] = {
    "validator": {"$jsonSchema": SCHEMA},
    "validationLevel": "moderate",
    "validationAction": "error",
}


async def up(db: Database, *, dry_run: bool) -> list[str]:
    """Set the validator with ``collMod``, or create ``documents`` with it if the collection does not exist.

    :param db: the database
    :param dry_run: only report what would be done
    """
    exists = COLLECTION in await db.list_collection_names()
    action = "collMod" if exists else "create"
    summary = f"{action} {COLLECTION} with a $jsonSchema validator (validationLevel moderate, validationAction error)"
    if dry_run:
        return [f"would {summary}"]
    try:
        if exists:
            await db.command({"collMod": COLLECTION, **OPTIONS})
        else:
            try:
                await db.create_collection(COLLECTION, **OPTIONS)
            except (CollectionInvalid, OperationFailure) as exc:
                if isinstance(exc, OperationFailure) and exc.code != _NAMESPACE_EXISTS:
                    raise
                await db.command({"collMod": COLLECTION, **OPTIONS})
                summary = f"collMod {COLLECTION} (created meanwhile) with the validator"
    except NotImplementedError:
        # Only mongomock raises this: a MongoDB server answers an unknown or failed command with
        # OperationFailure, which propagates so the version stays pending. mongomock keeps no
        # validators at all, so there is nothing to apply; the record says so instead of claiming it.
        return [f"NOT APPLIED: this server does not implement validators (mongomock); wanted: {summary}"]
    return [f"{summary}: done"]
