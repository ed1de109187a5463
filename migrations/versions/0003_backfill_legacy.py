"""Give documents of the original app the fields the state machine relies on, in consistent states.

Rules, applied only to fields that are missing (or null):

- ``validation_status``: ``confirmed`` if ``validated_topic`` is set, else ``pending``.
- ``scan_status``: ``ready`` for a confirmed document or one with a ``scan_topic_suggestion``;
  otherwise ``failed`` with ``scan_error`` ``legacy_unscanned``, so the parent can ask for a rescan.
- ``scan_status`` ``queued``/``processing`` without ``scan.token`` (a scan the original app never
  finished): ``queued`` again with a token and ``scan.requested_at`` in the past, so the reconciler
  enqueues it; a confirmed one becomes ``ready`` instead, since its scan no longer matters.
- ``pipeline_stage``: from ``scan_status`` (``awaiting_validation``, ``quick_scan_failed``, ...).
  A confirmed document keeps none: its later stages belong to the deep pipeline, and inventing one
  could rewind it or skip work there. ``rescan_allowed`` already refuses it by ``validation_status``.
- ``progress``: the progress of the scan stage set above (100 for a terminal state); none for a
  confirmed document, for the same reason.
- ``scan``: ``{token, attempt: 0, runs: 0, requested_at}`` (missing sub-fields only, when ``scan``
  is an object); ``requested_at`` is ``created_at``, else the ``_id``'s generation time.
- ``created_at`` from the ``_id``'s generation time; ``stage_history`` an empty list.

Each update is a compare-and-set whose filter holds every value the decision read, so a
concurrent write of the live service is never overwritten: the document is read again and planned
anew. The work goes in batches by ascending ``_id``; after each batch the last ``_id`` is saved in
``migration_state``, so an interrupted run resumes where it stopped. Running it again changes nothing.
Documents in a state these rules cannot settle (a scan in flight on an unconfirmed document in a
deep stage) are left alone and counted.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from bson import ObjectId

from migrations.runner import Collection, Database, utcnow

description = "backfill state fields of legacy documents (batched, resumable, compare-and-set)"

# The state names and progress values this version writes, copied from the service's state machine as it
# was when the version was written. A version must keep meaning what it meant when it was applied: read from
# the live module, a renamed state or a new progress figure there would change what this version does on
# the next database it runs on, while the checksum recorded for it stays the same.


class ScanStatus(StrEnum):
    QUEUED = "queued"
    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"


class ValidationStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"


class PipelineStage(StrEnum):
    QUICK_SCAN_QUEUED = "quick_scan_queued"
    QUICK_SCAN_PROCESSING = "quick_scan_processing"
    AWAITING_VALIDATION = "awaiting_validation"
    QUICK_SCAN_FAILED = "quick_scan_failed"


IN_FLIGHT_STATUSES = (ScanStatus.QUEUED, ScanStatus.PROCESSING)
PROGRESS = {
    PipelineStage.QUICK_SCAN_QUEUED: 5,
    PipelineStage.QUICK_SCAN_PROCESSING: 30,
    PipelineStage.AWAITING_VALIDATION: 100,
    PipelineStage.QUICK_SCAN_FAILED: 100,
}

COLLECTION = "documents"
STATE_COLLECTION = "migration_state"
STATE_ID = "0003_backfill_legacy"
BATCH_SIZE = 500
#: tries of one document's compare-and-set before it is left alone and named in the report
MAX_TRIES = 3
_SHOW_IDS = 20

LEGACY_ERROR = {"code": "legacy_unscanned", "message": "This document was never scanned. Ask for a rescan."}

#: any document that misses one of these fields is a candidate
LEGACY_FILTER: dict[str, Any] = {
    "$or": [
        {"validation_status": None},
        {"scan_status": None},
        {"pipeline_stage": None},
        {"progress": None},
        {"scan.token": None},
        {"created_at": None},
        {"stage_history": None},
    ]
}

_SCAN_STAGE = {
    ScanStatus.QUEUED: PipelineStage.QUICK_SCAN_QUEUED,
    ScanStatus.PROCESSING: PipelineStage.QUICK_SCAN_PROCESSING,
    ScanStatus.READY: PipelineStage.AWAITING_VALIDATION,
    ScanStatus.FAILED: PipelineStage.QUICK_SCAN_FAILED,
}
_QUICK_SCAN_STAGES = frozenset(s.value for s in _SCAN_STAGE.values())


@dataclass
class Plan:
    """The compare-and-set that settles one document.

    :param filter: ``_id`` plus every value the decision read
    :param update: the ``$set`` (and ``$unset``) of the missing fields
    :param rules: names of the rules that fired, for the summary
    """

    filter: dict[str, Any]
    update: dict[str, Any]
    rules: list[str] = field(default_factory=list)


def _missing(doc: Mapping[str, Any], name: str) -> bool:
    return doc.get(name) is None


def _base_time(doc: Mapping[str, Any], now: datetime) -> datetime:
    created = doc.get("created_at")
    if isinstance(created, datetime):
        return created
    if isinstance(doc.get("_id"), ObjectId):
        generated: datetime = doc["_id"].generation_time
        return generated
    return now


class _Planner:
    def __init__(self, doc: Mapping[str, Any]) -> None:
        self.doc = doc
        self.guard: dict[str, Any] = {"_id": doc["_id"]}
        self.set: dict[str, Any] = {}
        self.unset: dict[str, Any] = {}
        self.rules: list[str] = []

    def read(self, name: str) -> Any:
        """A field the decision depends on; the compare-and-set requires it unchanged."""
        value = self.doc.get(name)
        # `None` also matches a missing field, which is what the original app left behind.
        self.guard[name] = value if value is None or isinstance(value, str) else {"$ne": None}
        return value

    def fill(self, name: str, value: Any, rule: str) -> None:
        self.guard.setdefault(name, None)
        self.set[name] = value
        self.rules.append(rule)


def plan_backfill(doc: Mapping[str, Any], *, now: datetime, token: str) -> Plan | None:
    """The update that settles a legacy document, or ``None`` when it needs none (or cannot be settled).

    :param doc: the stored document
    :param now: the time of the run, used when the document carries no time of its own
    :param token: a fresh scan token, used if the document has none
    """
    p = _Planner(doc)
    base = _base_time(doc, now)
    if _missing(doc, "created_at") and isinstance(doc.get("_id"), ObjectId):
        p.fill("created_at", base, "created_at")
    confirmed = _plan_validation(p) == ValidationStatus.CONFIRMED
    settled = _plan_scan_status(p, confirmed)
    if settled is None:
        return None
    status, requeue = settled
    _plan_stage(p, status, confirmed=confirmed, requeue=requeue)
    _plan_scan(p, doc.get("scan"), base, token, requeue)
    if _missing(doc, "stage_history"):
        p.fill("stage_history", [], "stage_history")
    if not p.set:
        return None
    update: dict[str, Any] = {"$set": p.set}
    if p.unset:
        update["$unset"] = p.unset
    return Plan(filter=p.guard, update=update, rules=p.rules)


def _plan_validation(p: _Planner) -> str:
    validation = p.read("validation_status")
    if validation is not None:
        return str(validation)
    confirmed_topic = p.read("validated_topic") is not None
    filled = ValidationStatus.CONFIRMED if confirmed_topic else ValidationStatus.PENDING
    p.fill("validation_status", filled.value, f"validation_status={filled.value}")
    return filled.value


def _plan_scan_status(p: _Planner, confirmed: bool) -> tuple[Any, bool] | None:
    """The scan status after the backfill and whether the scan goes back to the queue; ``None``: leave alone."""
    status = p.read("scan_status")
    if status is None:
        if confirmed or p.read("scan_topic_suggestion") is not None:
            filled = ScanStatus.READY
        else:
            filled = ScanStatus.FAILED
            if _missing(p.doc, "scan_error"):
                p.fill("scan_error", dict(LEGACY_ERROR), "scan_error=legacy_unscanned")
        p.fill("scan_status", filled.value, f"scan_status={filled.value}")
        return filled, False
    if status not in IN_FLIGHT_STATUSES or _has_token(p.doc):
        return status, False
    # A scan the original app started and never finished: no job of ours will ever report on it.
    p.guard["scan.token"] = None
    stage = p.read("pipeline_stage")
    if confirmed:
        filled, requeue = ScanStatus.READY, False
    elif stage is None or stage in _QUICK_SCAN_STAGES:
        filled, requeue = ScanStatus.QUEUED, True
    else:
        return None
    p.set["scan_status"] = filled.value
    p.rules.append(f"legacy {status} -> {filled.value}")
    return filled, requeue


def _plan_stage(p: _Planner, status: Any, *, confirmed: bool, requeue: bool) -> None:
    stage = p.read("pipeline_stage")
    if requeue:
        stage = PipelineStage.QUICK_SCAN_QUEUED.value
        p.set["pipeline_stage"] = stage
        p.set["progress"] = PROGRESS[PipelineStage.QUICK_SCAN_QUEUED]
        return
    if confirmed:
        return
    if stage is None and status in _SCAN_STAGE:
        stage = _SCAN_STAGE[ScanStatus(status)].value
        p.fill("pipeline_stage", stage, f"pipeline_stage={stage}")
    if _missing(p.doc, "progress") and stage in _QUICK_SCAN_STAGES:
        p.fill("progress", PROGRESS[PipelineStage(stage)], "progress")


def _plan_scan(p: _Planner, scan: Any, base: datetime, token: str, requeue: bool) -> None:
    fresh = {"token": token, "attempt": 0, "runs": 0, "requested_at": base}
    if not isinstance(scan, Mapping):
        # Missing, null, or a value the original app stored there: the whole object is replaced.
        p.guard["scan"] = scan
        p.set["scan"] = fresh
        p.rules.append("scan")
        return
    for key, value in fresh.items():
        if scan.get(key) is None:
            p.guard[f"scan.{key}"] = None
            p.set[f"scan.{key}"] = value
            p.rules.append(f"scan.{key}")
    if requeue and "lease_until" in scan:
        p.unset["scan.lease_until"] = ""


@dataclass
class _Progress:
    last_id: Any = None
    examined: int = 0
    updated: int = 0
    rules: dict[str, int] = field(default_factory=dict)
    conflicts: list[Any] = field(default_factory=list)
    unsettled: list[Any] = field(default_factory=list)

    def count(self, plan: Plan) -> None:
        self.updated += 1
        for rule in plan.rules:
            self.rules[rule] = self.rules.get(rule, 0) + 1


async def up(
    db: Database,
    *,
    dry_run: bool,
    batch_size: int = BATCH_SIZE,
    max_batches: int | None = None,
) -> list[str]:
    """Backfill legacy documents in batches, resuming after the last saved ``_id``.

    :param db: the database
    :param dry_run: only count what would change; writes nothing, not even the checkpoint
    :param batch_size: documents per batch
    :param max_batches: stop after this many batches (to spread the work over several runs)
    """
    documents = db.get_collection(COLLECTION)
    states = db.get_collection(STATE_COLLECTION)
    saved = await states.find_one({"_id": STATE_ID}) or {}
    progress = _Progress(last_id=saved.get("last_id"))
    lines = [f"resuming after _id {progress.last_id}"] if progress.last_id is not None else []
    batches = 0
    while max_batches is None or batches < max_batches:
        query = dict(LEGACY_FILTER)
        if progress.last_id is not None:
            query["_id"] = {"$gt": progress.last_id}
        batch = await documents.find(query).sort("_id", 1).limit(batch_size).to_list(batch_size)
        if not batch:
            break
        batches += 1
        examined, updated = progress.examined, progress.updated
        for doc in batch:
            progress.examined += 1
            await _settle(documents, doc, progress, dry_run=dry_run)
        progress.last_id = batch[-1]["_id"]
        if not dry_run:
            await states.update_one(
                {"_id": STATE_ID},
                {
                    "$set": {"last_id": progress.last_id, "updated_at": utcnow()},
                    "$inc": {"examined": progress.examined - examined, "updated": progress.updated - updated},
                },
                upsert=True,
            )
    stopped = max_batches is not None and batches >= max_batches
    return lines + _summary(progress, dry_run=dry_run, stopped=stopped)


async def _settle(documents: Collection, doc: dict[str, Any], progress: _Progress, *, dry_run: bool) -> None:
    for _ in range(MAX_TRIES):
        plan = plan_backfill(doc, now=utcnow(), token=uuid.uuid4().hex)
        if plan is None:
            if doc.get("scan_status") in IN_FLIGHT_STATUSES and not _has_token(doc):
                progress.unsettled.append(doc["_id"])
            return
        if dry_run:
            progress.count(plan)
            return
        result = await documents.update_one(plan.filter, plan.update)
        if result.matched_count == 1:
            progress.count(plan)
            return
        # The live service changed the document since it was read: plan again from what is stored now.
        fresh = await documents.find_one({"_id": doc["_id"]})
        if fresh is None:
            return
        doc = fresh
    progress.conflicts.append(doc["_id"])


def _has_token(doc: Mapping[str, Any]) -> bool:
    scan = doc.get("scan")
    return isinstance(scan, Mapping) and scan.get("token") is not None


def _ids(ids: list[Any]) -> str:
    shown = ", ".join(str(i) for i in ids[:_SHOW_IDS])
    return shown + (f" and {len(ids) - _SHOW_IDS} more" if len(ids) > _SHOW_IDS else "")


def _summary(progress: _Progress, *, dry_run: bool, stopped: bool) -> list[str]:
    verb = "would update" if dry_run else "updated"
    lines = [f"examined {progress.examined} candidate documents, {verb} {progress.updated}"]
    lines += [f"  {rule}: {n}" for rule, n in sorted(progress.rules.items())]
    if progress.unsettled:
        lines.append(f"left alone (legacy scan in flight in a deep stage, needs a look): {_ids(progress.unsettled)}")
    if progress.conflicts:
        lines.append(f"left alone (changed by the service {MAX_TRIES} times while planned): {_ids(progress.conflicts)}")
    if stopped:
        lines.append(f"stopped after the batch limit at _id {progress.last_id}; the next run resumes there")
    return lines
