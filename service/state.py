"""The document state machine: states, the transition rules, and the Mongo filters built from them.

Pure: no I/O. Every compare-and-set of the service takes its filter and its update from here, so each
rule is written once.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any

Doc = dict[str, Any]


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

#: suggestion fields a new scan request clears, so no stale suggestion outlives its scan
SUGGESTION_FIELDS = (
    "scan_topic_suggestion",
    "scan_language_suggestion",
    "scan_confidence",
    "scan_alternatives",
    "scan_model",
    "scan_completed_at",
    "scan_error",
    "scan_read",
)

PROGRESS = {
    PipelineStage.QUICK_SCAN_QUEUED: 5,
    PipelineStage.QUICK_SCAN_PROCESSING: 30,
    PipelineStage.AWAITING_VALIDATION: 100,
    PipelineStage.QUICK_SCAN_FAILED: 100,
    PipelineStage.DEEP_QUEUED: 0,
}


# -- predicates (used by tests, by explanations of a refused request, and mirrored by the filters) --


def rescan_allowed(doc: Mapping[str, Any]) -> bool:
    """Whether a rescan may start from this document's state (the rule the rescan filter encodes).

    :param doc: a stored document
    """
    stage = doc.get("pipeline_stage")
    return (
        doc.get("scan_status") in TERMINAL_SCAN_STATUSES
        and doc.get("validation_status") != ValidationStatus.CONFIRMED
        and (stage is None or stage in RESCANNABLE_STAGES)
    )


def confirm_allowed(doc: Mapping[str, Any]) -> bool:
    """Whether the parent may confirm the current suggestion.

    :param doc: a stored document
    """
    stage = doc.get("pipeline_stage")
    return (
        doc.get("scan_status") == ScanStatus.READY
        and doc.get("validation_status", ValidationStatus.PENDING) == ValidationStatus.PENDING
        and (stage is None or stage == PipelineStage.AWAITING_VALIDATION)
    )


def scan_in_flight(doc: Mapping[str, Any]) -> bool:
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


def explain_rescan(doc: Mapping[str, Any] | None) -> RescanRefusal:
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


def explain_confirm(doc: Mapping[str, Any] | None, topic: str, language: str, token: str | None) -> ConfirmRefusal:
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


def _stage_is(*stages: PipelineStage) -> Doc:
    # `None` inside `$in` also matches a missing field: legacy documents have no pipeline_stage.
    return {"pipeline_stage": {"$in": [*(s.value for s in stages), None]}}


def rescan_filter(document_id: Any, child_id: str, owner_id: str) -> Doc:
    """The compare-and-set filter of a rescan: the document, its owner, and the rescan-allowed rule."""
    return {
        "_id": document_id,
        "child_profile_id": child_id,
        "owner_id": owner_id,
        "scan_status": {"$in": [s.value for s in TERMINAL_SCAN_STATUSES]},
        "validation_status": {"$ne": ValidationStatus.CONFIRMED.value},
        **_stage_is(*RESCANNABLE_STAGES),
    }


def confirm_filter(document_id: Any, child_id: str, owner_id: str, token: str | None) -> Doc:
    flt: Doc = {
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


def job_filter(document_id: Any, token: str, status: ScanStatus) -> Doc:
    """The fence of every write of a scan job: the document, its current token, and the expected status."""
    return {"_id": document_id, "scan.token": token, "scan_status": status.value}


def stranded_queued_filter(older_than: datetime) -> Doc:
    return {"scan_status": ScanStatus.QUEUED.value, "scan.requested_at": {"$lt": older_than}}


def expired_lease_filter(now: datetime) -> Doc:
    return {"scan_status": ScanStatus.PROCESSING.value, "scan.lease_until": {"$lt": now}}


def pending_handoff_filter(older_than: datetime) -> Doc:
    return {"handoff.status": HandoffStatus.PENDING.value, "handoff.requested_at": {"$lt": older_than}}


# -- updates --


def _event(stage: PipelineStage | str, progress: int, at: datetime, history_limit: int) -> Doc:
    event = {"stage": str(stage), "progress": progress, "at": at}
    return {"stage_history": {"$each": [event], "$slice": -history_limit}}


def _stage(stage: PipelineStage, at: datetime) -> Doc:
    return {"pipeline_stage": stage.value, "progress": PROGRESS[stage], "updated_at": at}


def new_document(
    *,
    document_id: Any,
    child_id: str,
    owner_id: str,
    filename: str,
    content_type: str,
    size: int,
    file_id: Any,
    token: str,
    now: datetime,
) -> Doc:
    """A freshly uploaded document, already queued for its first scan."""
    doc: Doc = {
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
        **_stage(PipelineStage.QUICK_SCAN_QUEUED, now),
        "scan": {
            "token": token,
            "attempt": 1,
            "runs": 0,
            "requested_at": now,
            "requested_by": owner_id,
            "recent_tokens": [token],
        },
        "stage_history": [{"stage": PipelineStage.QUICK_SCAN_QUEUED.value, "progress": 5, "at": now}],
    }
    return doc


def rescan_update(
    *, token: str, now: datetime, requested_by: str, idempotency_key: str | None, history_limit: int
) -> Doc:
    stage = PipelineStage.QUICK_SCAN_QUEUED
    scan: Doc = {
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
            **_event(stage, PROGRESS[stage], now, history_limit),
            # Which requests this document accepted: an interrupted keyed request is resolved by it.
            "scan.recent_tokens": {"$each": [token], "$slice": -RECENT_TOKENS},
        },
    }


def claim_update(*, now: datetime, lease_until: datetime, history_limit: int) -> Doc:
    stage = PipelineStage.QUICK_SCAN_PROCESSING
    return {
        "$set": {"scan_status": ScanStatus.PROCESSING.value, **_stage(stage, now), "scan.lease_until": lease_until},
        "$inc": {"scan.runs": 1},
        "$push": _event(stage, PROGRESS[stage], now, history_limit),
    }


def finish_update(*, suggestion: Doc, now: datetime, history_limit: int) -> Doc:
    """Record a scan's suggestion.

    :param suggestion: ``scan_*`` fields of the result (topic, language, confidence, alternatives, model, read)
    """
    stage = PipelineStage.AWAITING_VALIDATION
    return {
        "$set": {"scan_status": ScanStatus.READY.value, **_stage(stage, now), **suggestion, "scan_completed_at": now},
        "$unset": {"scan.lease_until": "", "scan_error": ""},
        "$push": _event(stage, PROGRESS[stage], now, history_limit),
    }


def fail_update(*, error: Doc, now: datetime, history_limit: int) -> Doc:
    """Record a scan's final failure.

    :param error: ``{"code": ..., "message": ...}``, the message safe to show a parent
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
        "$push": _event(stage, PROGRESS[stage], now, history_limit),
    }


def requeue_update(*, now: datetime, history_limit: int) -> Doc:
    """Give a claimed scan back to the queue (transient error, or an expired lease)."""
    stage = PipelineStage.QUICK_SCAN_QUEUED
    return {
        "$set": {"scan_status": ScanStatus.QUEUED.value, **_stage(stage, now), "scan.requested_at": now},
        "$unset": {"scan.lease_until": ""},
        "$push": _event(stage, PROGRESS[stage], now, history_limit),
    }


def rotate_token_update(*, token: str, now: datetime) -> Doc:
    """A queued request under a new token (its job is lost with a dead worker); the job of the old one is void."""
    return {"$set": {"scan.token": token, "scan.requested_at": now, "updated_at": now}}


def confirm_update(*, topic: str, language: str, now: datetime, history_limit: int) -> Doc:
    stage = PipelineStage.DEEP_QUEUED
    return {
        "$set": {
            "validation_status": ValidationStatus.CONFIRMED.value,
            "validated_topic": topic,
            "validated_language": language,
            "validated_at": now,
            **_stage(stage, now),
            "handoff": {"status": HandoffStatus.PENDING.value, "requested_at": now},
        },
        "$push": _event(stage, PROGRESS[stage], now, history_limit),
    }


def handoff_sent_update(*, now: datetime) -> Doc:
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
