"""The document state machine: the stored document's shape, its states, the transition rules, and the Mongo
filters and updates built from them.

Pure: no I/O. Every compare-and-set of the service takes its filter and its update from here, so each
rule is written once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any, TypedDict

from bson import ObjectId

#: a MongoDB filter, as the compare-and-sets send it
Filter = dict[str, Any]
#: a MongoDB update (``$set``, ``$unset``, ...), as the compare-and-sets send it
Update = dict[str, Any]


class ScanRequest(TypedDict, total=False):
    """The current scan request of a document (``scan``)."""

    token: str
    attempt: int
    runs: int
    requested_at: datetime
    requested_by: str
    lease_until: datetime
    recent_tokens: list[str]
    idempotency_key: str


class StageEvent(TypedDict):
    """One entry of ``stage_history``."""

    stage: str
    progress: int
    at: datetime


class StoredAlternative(TypedDict):
    """A lower-ranked suggestion, as stored in ``scan_alternatives``."""

    topic: str
    language: str
    confidence: float


class ScanRead(TypedDict):
    """What a scan read (``scan_read``)."""

    pages: int
    characters: int
    input_kind: str


class ScanFailure(TypedDict):
    """Why the last scan failed for good (``scan_error``); the message is safe to show a parent."""

    code: str
    message: str


class Handoff(TypedDict, total=False):
    """The delivery of a confirmed document to the deep pipeline (``handoff``)."""

    status: str
    requested_at: datetime
    sent_at: datetime


class ScanOutcome(TypedDict, total=False):
    """What the last scan left on its document: its suggestion, or its failure. A new scan request clears all of it
    (``SUGGESTION_FIELDS``); ``suggestion`` builds the suggestion's part."""

    scan_topic_suggestion: str
    scan_language_suggestion: str
    scan_confidence: float
    scan_alternatives: list[StoredAlternative]
    scan_model: str
    scan_read: ScanRead
    scan_completed_at: datetime
    scan_error: ScanFailure


class Document(ScanOutcome, total=False):
    """A stored document, as the service writes it; any field may be missing from a projection or a legacy
    document (migration 0003 fills in the state fields of legacy documents)."""

    _id: ObjectId
    child_profile_id: str
    owner_id: str
    filename: str
    content_type: str
    size: int
    file_id: ObjectId
    created_at: datetime
    updated_at: datetime
    scan_status: str
    validation_status: str
    pipeline_stage: str
    progress: int
    scan: ScanRequest
    stage_history: list[StageEvent]
    validated_topic: str
    validated_language: str
    validated_at: datetime
    handoff: Handoff


class ScanStatus(StrEnum):
    QUEUED = "queued"  #: a scan request is accepted and its job is (or will be) enqueued
    PROCESSING = "processing"  #: a worker holds the lease and is scanning
    READY = "ready"  #: a suggestion is waiting for the parent
    FAILED = "failed"  #: the last scan failed for good


class ValidationStatus(StrEnum):
    PENDING = "pending"  #: the parent has not confirmed yet
    CONFIRMED = "confirmed"  #: the parent confirmed topic and language
    REJECTED = "rejected"  #: the parent turned the document down


class PipelineStage(StrEnum):
    QUICK_SCAN_QUEUED = "quick_scan_queued"  #: waiting for a worker
    QUICK_SCAN_PROCESSING = "quick_scan_processing"  #: a worker is scanning
    AWAITING_VALIDATION = "awaiting_validation"  #: scanned, waiting for the parent
    QUICK_SCAN_FAILED = "quick_scan_failed"  #: the scan failed; a rescan may help
    DEEP_QUEUED = "queued"  #: confirmed and handed to the deep pipeline, which owns the later stages


class HandoffStatus(StrEnum):
    PENDING = "pending"  #: confirmed; the hand-off job has to deliver it
    SENT = "sent"  #: the deep pipeline has it


#: tokens of the latest accepted scan requests a document remembers
RECENT_TOKENS = 16

TERMINAL_SCAN_STATUSES = (ScanStatus.READY, ScanStatus.FAILED)
RESCANNABLE_STAGES = (PipelineStage.AWAITING_VALIDATION, PipelineStage.QUICK_SCAN_FAILED)
IN_FLIGHT_STATUSES = (ScanStatus.QUEUED, ScanStatus.PROCESSING)

#: the fields a new scan request clears, so no stale suggestion or failure outlives its scan
SUGGESTION_FIELDS: tuple[str, ...] = tuple(ScanOutcome.__annotations__)

PROGRESS = {
    PipelineStage.QUICK_SCAN_QUEUED: 5,
    PipelineStage.QUICK_SCAN_PROCESSING: 30,
    PipelineStage.AWAITING_VALIDATION: 100,
    PipelineStage.QUICK_SCAN_FAILED: 100,
    PipelineStage.DEEP_QUEUED: 0,
}


# -- predicates (used by tests, by explanations of a refused request, and mirrored by the filters) --


def rescan_allowed(doc: Document) -> bool:
    """Whether a rescan may start from this document's state (the rule the rescan filter encodes).

    :param doc: a stored document
    """
    stage = doc.get("pipeline_stage")
    return (
        doc.get("scan_status") in TERMINAL_SCAN_STATUSES
        and doc.get("validation_status") != ValidationStatus.CONFIRMED
        and (stage is None or stage in RESCANNABLE_STAGES)
    )


def confirm_allowed(doc: Document) -> bool:
    """Whether the parent may confirm the current suggestion.

    :param doc: a stored document
    """
    stage = doc.get("pipeline_stage")
    return (
        doc.get("scan_status") == ScanStatus.READY
        and doc.get("validation_status", ValidationStatus.PENDING) == ValidationStatus.PENDING
        and (stage is None or stage == PipelineStage.AWAITING_VALIDATION)
    )


def scan_in_flight(doc: Document) -> bool:
    return doc.get("scan_status") in IN_FLIGHT_STATUSES


class RescanRefusal(StrEnum):
    NOT_FOUND = "not_found"  #: no such document for this owner and child
    IN_FLIGHT = "in_flight"  #: a scan is queued or processing; the client may retry after it
    CONFIRMED = "confirmed"  #: the parent confirmed it; it never goes back
    STAGE = "stage"  #: a later pipeline stage owns it
    NONE = "none"  #: nothing refuses a rescan now: the state changed since the swap was refused; swap again


class ConfirmRefusal(StrEnum):
    NOT_FOUND = "not_found"  #: no such document for this owner and child
    SAME = "same"  #: already confirmed with these values: the confirmation is repeated, nothing new happens
    OTHER = "other"  #: already confirmed with other values
    STALE = "stale"  #: If-Match names a scan that a newer one replaced
    NOT_READY = "not_ready"  #: there is no suggestion to confirm (queued, processing, failed, a later stage)
    NONE = "none"  #: nothing refuses the confirmation now; swap again


#: the fields an explanation reads: a refused request never needs more of the document than these
EXPLAIN_PROJECTION: dict[str, int] = {
    "scan_status": 1,
    "validation_status": 1,
    "pipeline_stage": 1,
    "scan.token": 1,
    "validated_topic": 1,
    "validated_language": 1,
}


def explain_rescan(doc: Document | None) -> RescanRefusal:
    """Why a rescan of this document is refused now (``NONE`` when it is not).

    :param doc: the document as just read (at least ``EXPLAIN_PROJECTION``), or ``None`` if it is not there
    """
    if doc is None:
        return RescanRefusal.NOT_FOUND
    if rescan_allowed(doc):
        return RescanRefusal.NONE
    if scan_in_flight(doc):
        return RescanRefusal.IN_FLIGHT
    if doc.get("validation_status") == ValidationStatus.CONFIRMED:
        return RescanRefusal.CONFIRMED
    return RescanRefusal.STAGE


def explain_confirm(doc: Document | None, topic: str, language: str, token: str | None) -> ConfirmRefusal:
    """Why a confirmation of this document is refused now (``NONE`` when it is not).

    :param doc: the document as just read (at least ``EXPLAIN_PROJECTION``), or ``None`` if it is not there
    :param token: the scan token ``If-Match`` names, ``None`` for any
    """
    if doc is None:
        return ConfirmRefusal.NOT_FOUND
    if doc.get("validation_status") == ValidationStatus.CONFIRMED:
        same = (doc.get("validated_topic"), doc.get("validated_language")) == (topic, language)
        return ConfirmRefusal.SAME if same else ConfirmRefusal.OTHER
    if token is not None and (doc.get("scan") or {}).get("token") != token:
        return ConfirmRefusal.STALE
    if confirm_allowed(doc):
        return ConfirmRefusal.NONE
    return ConfirmRefusal.NOT_READY


# -- filters --


def _stage_is(*stages: PipelineStage) -> Filter:
    # `None` inside `$in` also matches a missing field: legacy documents have no pipeline_stage.
    return {"pipeline_stage": {"$in": [*(s.value for s in stages), None]}}


def rescan_filter(document_id: Any, child_id: str, owner_id: str) -> Filter:
    """The compare-and-set filter of a rescan: the document, its owner, and the rescan-allowed rule."""
    return {
        "_id": document_id,
        "child_profile_id": child_id,
        "owner_id": owner_id,
        "scan_status": {"$in": [s.value for s in TERMINAL_SCAN_STATUSES]},
        "validation_status": {"$ne": ValidationStatus.CONFIRMED.value},
        **_stage_is(*RESCANNABLE_STAGES),
    }


def confirm_filter(document_id: Any, child_id: str, owner_id: str, token: str | None) -> Filter:
    flt: Filter = {
        "_id": document_id,
        "child_profile_id": child_id,
        "owner_id": owner_id,
        "scan_status": ScanStatus.READY.value,
        "validation_status": {"$in": [ValidationStatus.PENDING.value, None]},
        **_stage_is(PipelineStage.AWAITING_VALIDATION),
    }
    if token is not None:
        flt["scan.token"] = token
    return flt


def job_filter(document_id: Any, token: str, status: ScanStatus) -> Filter:
    """The fence of every write of a scan job: the document, its current token, and the expected status."""
    return {"_id": document_id, "scan.token": token, "scan_status": status.value}


def stranded_queued_filter(older_than: datetime) -> Filter:
    return {"scan_status": ScanStatus.QUEUED.value, "scan.requested_at": {"$lt": older_than}}


def expired_lease_filter(now: datetime) -> Filter:
    return {"scan_status": ScanStatus.PROCESSING.value, "scan.lease_until": {"$lt": now}}


def pending_handoff_filter(older_than: datetime) -> Filter:
    return {"handoff.status": HandoffStatus.PENDING.value, "handoff.requested_at": {"$lt": older_than}}


# -- the stored shape of what a scan produced --


def suggestion(
    *,
    topic: str,
    language: str,
    confidence: float,
    alternatives: Iterable[tuple[str, str, float]],
    model: str,
    pages: int,
    characters: int,
    input_kind: str,
) -> ScanOutcome:
    """The fields that store a scan's suggestion, as plain values.

    :param alternatives: ``(topic, language, confidence)`` of each lower-ranked suggestion, best first
    :param model: engine name and versions, kept for audit
    :param pages: pages (or images) read
    :param characters: characters of text read
    """
    return {
        "scan_topic_suggestion": topic,
        "scan_language_suggestion": language,
        "scan_confidence": float(confidence),
        "scan_alternatives": [
            {"topic": other, "language": other_language, "confidence": float(other_confidence)}
            for other, other_language, other_confidence in alternatives
        ],
        "scan_model": model,
        "scan_read": {"pages": int(pages), "characters": int(characters), "input_kind": input_kind},
    }


def scan_failure(code: str, message: str) -> ScanFailure:
    """Why a scan failed for good.

    :param code: a stable code (``scan_timeout``, ``file_missing``, ...)
    :param message: text safe to show a parent
    """
    return {"code": code, "message": message}


# -- updates --


def _event(stage: PipelineStage, at: datetime) -> StageEvent:
    return {"stage": stage.value, "progress": PROGRESS[stage], "at": at}


def _push_event(stage: PipelineStage, at: datetime, history_limit: int) -> Update:
    return {"stage_history": {"$each": [_event(stage, at)], "$slice": -history_limit}}


def _stage(stage: PipelineStage, at: datetime) -> Update:
    return {"pipeline_stage": stage.value, "progress": PROGRESS[stage], "updated_at": at}


def new_document(
    *,
    document_id: ObjectId,
    child_id: str,
    owner_id: str,
    filename: str,
    content_type: str,
    size: int,
    file_id: ObjectId,
    token: str,
    now: datetime,
) -> Document:
    """A freshly uploaded document, already queued for its first scan."""
    stage = PipelineStage.QUICK_SCAN_QUEUED
    return {
        "_id": document_id,
        "child_profile_id": child_id,
        "owner_id": owner_id,
        "filename": filename,
        "content_type": content_type,
        "size": size,
        "file_id": file_id,
        "created_at": now,
        "scan_status": ScanStatus.QUEUED.value,
        "validation_status": ValidationStatus.PENDING.value,
        "pipeline_stage": stage.value,
        "progress": PROGRESS[stage],
        "updated_at": now,
        "scan": {
            "token": token,
            "attempt": 1,
            "runs": 0,
            "requested_at": now,
            "requested_by": owner_id,
            "recent_tokens": [token],
        },
        "stage_history": [_event(stage, now)],
    }


def rescan_update(
    *, token: str, now: datetime, requested_by: str, idempotency_key: str | None, history_limit: int
) -> Update:
    stage = PipelineStage.QUICK_SCAN_QUEUED
    scan: Update = {
        "scan.token": token,
        "scan.requested_at": now,
        "scan.requested_by": requested_by,
        "scan.runs": 0,
    }
    unset = {f: "" for f in SUGGESTION_FIELDS} | {"scan.lease_until": ""}
    if idempotency_key is None:
        unset["scan.idempotency_key"] = ""
    else:
        scan["scan.idempotency_key"] = idempotency_key
    return {
        "$set": {"scan_status": ScanStatus.QUEUED.value, **_stage(stage, now), **scan},
        "$unset": unset,
        "$inc": {"scan.attempt": 1},
        "$push": {
            **_push_event(stage, now, history_limit),
            # Which requests this document accepted: an interrupted keyed request is resolved by it.
            "scan.recent_tokens": {"$each": [token], "$slice": -RECENT_TOKENS},
        },
    }


def claim_update(*, now: datetime, lease_until: datetime, history_limit: int) -> Update:
    stage = PipelineStage.QUICK_SCAN_PROCESSING
    return {
        "$set": {"scan_status": ScanStatus.PROCESSING.value, **_stage(stage, now), "scan.lease_until": lease_until},
        "$inc": {"scan.runs": 1},
        "$push": _push_event(stage, now, history_limit),
    }


def finish_update(*, suggestion: ScanOutcome, now: datetime, history_limit: int) -> Update:
    """Record a scan's suggestion.

    :param suggestion: built by ``suggestion``
    """
    stage = PipelineStage.AWAITING_VALIDATION
    return {
        "$set": {"scan_status": ScanStatus.READY.value, **_stage(stage, now), **suggestion, "scan_completed_at": now},
        "$unset": {"scan.lease_until": "", "scan_error": ""},
        "$push": _push_event(stage, now, history_limit),
    }


def fail_update(*, error: ScanFailure, now: datetime, history_limit: int) -> Update:
    """Record a scan's final failure.

    :param error: built by ``scan_failure``
    """
    stage = PipelineStage.QUICK_SCAN_FAILED
    return {
        "$set": {
            "scan_status": ScanStatus.FAILED.value,
            **_stage(stage, now),
            "scan_error": error,
            "scan_completed_at": now,
        },
        "$unset": {"scan.lease_until": ""},
        "$push": _push_event(stage, now, history_limit),
    }


def requeue_update(*, now: datetime, history_limit: int, token: str | None = None) -> Update:
    """Give a claimed scan back to the queue (a transient error, or an expired lease).

    :param token: a new token for the request, so the job that lost its lease can never write again; ``None``
        keeps the request's token (its own job retries it)
    """
    stage = PipelineStage.QUICK_SCAN_QUEUED
    scan: Update = {"scan.requested_at": now} if token is None else {"scan.token": token, "scan.requested_at": now}
    return {
        "$set": {"scan_status": ScanStatus.QUEUED.value, **_stage(stage, now), **scan},
        "$unset": {"scan.lease_until": ""},
        "$push": _push_event(stage, now, history_limit),
    }


def rotate_token_update(*, token: str, now: datetime) -> Update:
    """A queued request under a new token (its job is lost with a dead worker); the job of the old one is void."""
    return {"$set": {"scan.token": token, "scan.requested_at": now, "updated_at": now}}


def confirm_update(*, topic: str, language: str, now: datetime, history_limit: int) -> Update:
    stage = PipelineStage.DEEP_QUEUED
    handoff: Handoff = {"status": HandoffStatus.PENDING.value, "requested_at": now}
    return {
        "$set": {
            "validation_status": ValidationStatus.CONFIRMED.value,
            "validated_topic": topic,
            "validated_language": language,
            "validated_at": now,
            **_stage(stage, now),
            "handoff": handoff,
        },
        "$push": _push_event(stage, now, history_limit),
    }


def handoff_sent_update(*, now: datetime) -> Update:
    return {"$set": {"handoff.status": HandoffStatus.SENT.value, "handoff.sent_at": now}}


# -- the transition table, for documentation and for test_state.py --

#: (event, from scan_status, to scan_status, to pipeline_stage)
TRANSITIONS: tuple[tuple[str, ScanStatus | None, ScanStatus, PipelineStage], ...] = (
    ("upload", None, ScanStatus.QUEUED, PipelineStage.QUICK_SCAN_QUEUED),
    ("rescan", ScanStatus.READY, ScanStatus.QUEUED, PipelineStage.QUICK_SCAN_QUEUED),
    ("rescan", ScanStatus.FAILED, ScanStatus.QUEUED, PipelineStage.QUICK_SCAN_QUEUED),
    ("claim", ScanStatus.QUEUED, ScanStatus.PROCESSING, PipelineStage.QUICK_SCAN_PROCESSING),
    ("finish", ScanStatus.PROCESSING, ScanStatus.READY, PipelineStage.AWAITING_VALIDATION),
    ("fail", ScanStatus.PROCESSING, ScanStatus.FAILED, PipelineStage.QUICK_SCAN_FAILED),
    ("requeue", ScanStatus.PROCESSING, ScanStatus.QUEUED, PipelineStage.QUICK_SCAN_QUEUED),
    ("confirm", ScanStatus.READY, ScanStatus.READY, PipelineStage.DEEP_QUEUED),
)
