"""Idempotency-Key records, as data: the request fingerprint, the stored reply, and how a new request is judged.

Pure: the repository stores and reads the records, the scan service decides with the verdicts made here.
A key belongs to one user. Its record is bound to the fingerprint of the request that first carried it
(method, route, path parameters and a digest of the body) and, once that request is answered, holds the
answer, which every retry of the same request gets again until the record expires.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, TypedDict

from bson import ObjectId


class Action(StrEnum):
    UPLOAD = "upload"  #: POST a document
    RESCAN = "rescan"  #: POST .../rescan
    CONFIRM = "confirm"  #: POST .../confirm-scan


class KeyState(StrEnum):
    PENDING = "pending"  #: the first request with this key is being decided
    DONE = "done"  #: answered; the reply is stored
    LEGACY = "legacy"  #: recorded before replies were stored; the reply is rebuilt from the document
    ERASED = "erased"  #: its document was deleted, and the stored reply (personal data) with it


class Verdict(StrEnum):
    REPLAY = "replay"  #: the same request again: answer the stored reply
    MISMATCH = "mismatch"  #: the key was used for another request: 422
    IN_USE = "in_use"  #: the first request is still being decided: 409 with Retry-After
    INTERRUPTED = "interrupted"  #: the first request stopped between its claim and its answer: resolve it
    REBUILD = "rebuild"  #: a legacy record of the same request: answer from the document as it is now
    GONE = "gone"  #: the same request, whose document was deleted since: 404, and nothing is done again


class RecordId(TypedDict):
    """The ``_id`` of a key's record: keys are scoped to the user who sends them."""

    owner: str
    key: str


class StoredReply(TypedDict):
    """A reply as its record stores it."""

    status: int
    body: str
    location: str


class KeyRecord(TypedDict, total=False):
    """An Idempotency-Key record in ``idempotency_keys``; a legacy record (migration 0004) has fewer fields."""

    _id: RecordId
    state: str
    action: str
    child_profile_id: str
    document_id: ObjectId
    fingerprint: str
    token: str
    claimed_at: datetime
    expires_at: datetime
    reply: StoredReply
    answered_at: datetime
    erased_at: datetime


@dataclass(frozen=True)
class Reply:
    """A stored success answer: status, the JSON body exactly as sent, and its ``Location``."""

    status: int
    body: str
    location: str


def fingerprint(action: Action, child_id: str, target: str, payload: Any) -> str:
    """The digest a key is bound to: the action (method and route), its path parameters, and the body.

    :param target: the document id, or ``""`` for an upload (which creates one)
    :param payload: the decoded JSON body, or the digest of the uploaded bytes
    """
    canonical = json.dumps([str(action), child_id, target, payload], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def record_id(owner_id: str, key: str) -> RecordId:
    """The ``_id`` of a key's record: keys are scoped to the user who sends them."""
    return {"owner": owner_id, "key": key}


def new_record(
    *,
    owner_id: str,
    key: str,
    action: Action,
    child_id: str,
    document_id: ObjectId,
    fp: str,
    token: str,
    now: datetime,
    ttl: timedelta,
) -> KeyRecord:
    """The record a first request claims its key with, before it acts.

    :param document_id: the document the request acts on (or creates)
    :param token: the scan token the request will write (or ``""``); it tells an interrupted request's fate
    :param ttl: how long the key is kept; a TTL index removes the record after ``expires_at``
    """
    return {
        "_id": record_id(owner_id, key),
        "state": KeyState.PENDING.value,
        "action": action.value,
        "child_profile_id": child_id,
        "document_id": document_id,
        "fingerprint": fp,
        "token": token,
        "claimed_at": now,
        "expires_at": now + ttl,
    }


def judge(
    record: KeyRecord,
    action: Action,
    child_id: str,
    target: Any,
    fp: str,
    now: datetime,
    stale_after: timedelta,
) -> Verdict:
    """What a request carrying an already recorded key gets.

    :param record: the key's record, not expired
    :param target: the document the request acts on (``None`` for an upload)
    :param stale_after: a pending claim older than this belongs to a request that stopped
    """
    if record.get("state") == KeyState.LEGACY:
        same = record.get("action") == action and record.get("child_profile_id") == child_id
        if target is not None:
            same = same and record.get("document_id") == target
        return Verdict.REBUILD if same else Verdict.MISMATCH
    if record.get("fingerprint") != fp:
        return Verdict.MISMATCH
    if record.get("state") == KeyState.ERASED:
        return Verdict.GONE
    if record.get("state") == KeyState.DONE:
        return Verdict.REPLAY
    claimed_at = record.get("claimed_at")
    if isinstance(claimed_at, datetime) and claimed_at + stale_after <= now:
        return Verdict.INTERRUPTED
    return Verdict.IN_USE


def expired(record: KeyRecord, now: datetime) -> bool:
    """Whether the record outlived its window (the TTL index removes such records, but not at once)."""
    expires_at = record.get("expires_at")
    return isinstance(expires_at, datetime) and expires_at <= now


def stored_reply(record: KeyRecord) -> Reply:
    reply = record["reply"]
    return Reply(status=int(reply["status"]), body=str(reply["body"]), location=str(reply["location"]))


def erased_update(now: datetime) -> dict[str, Any]:
    """Forget a deleted document's stored answers, keeping each key bound to its request until it expires."""
    return {"$set": {"state": KeyState.ERASED.value, "erased_at": now}, "$unset": {"reply": ""}}


def done_update(reply: Reply, now: datetime) -> dict[str, Any]:
    """Store the answer of the request that claimed the key."""
    return {
        "$set": {
            "state": KeyState.DONE.value,
            "reply": {"status": reply.status, "body": reply.body, "location": reply.location},
            "answered_at": now,
        }
    }
