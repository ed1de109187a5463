"""The state machine, pure: every rule against every state, and the filters against the predicates."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

import mongomock
import pytest
from bson import ObjectId

from service import state
from service.state import PipelineStage, ScanStatus, ValidationStatus

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
MISSING = object()

SCAN_STATUSES = [*ScanStatus, MISSING]
VALIDATIONS = [*ValidationStatus, MISSING]
STAGES = [*PipelineStage, "ocr", "concept_extraction", MISSING]


DOC_ID = ObjectId()
FILE_ID = ObjectId()


def make_doc(scan_status: Any, validation: Any, stage: Any) -> state.Document:
    doc: state.Document = {"_id": DOC_ID, "child_profile_id": "c", "owner_id": "u", "scan": {"token": "t1"}}
    if scan_status is not MISSING:
        doc["scan_status"] = str(scan_status)
    if validation is not MISSING:
        doc["validation_status"] = str(validation)
    if stage is not MISSING:
        doc["pipeline_stage"] = str(stage)
    return doc


ALL_STATES = list(itertools.product(SCAN_STATUSES, VALIDATIONS, STAGES))


def new_collection() -> mongomock.Collection[state.Document]:
    client: mongomock.MongoClient[state.Document] = mongomock.MongoClient()
    return client.db.docs


def matches(doc: state.Document, flt: state.Filter) -> bool:
    collection = new_collection()
    collection.insert_one(doc)
    return collection.find_one(flt) is not None


@pytest.mark.parametrize("scan_status,validation,stage", ALL_STATES)
def test_rescan_filter_is_the_rescan_rule(scan_status: Any, validation: Any, stage: Any) -> None:
    doc = make_doc(scan_status, validation, stage)
    assert matches(doc, state.rescan_filter(DOC_ID, "c", "u")) == state.rescan_allowed(doc)


@pytest.mark.parametrize("scan_status,validation,stage", ALL_STATES)
def test_confirm_filter_is_the_confirm_rule(scan_status: Any, validation: Any, stage: Any) -> None:
    doc = make_doc(scan_status, validation, stage)
    assert matches(doc, state.confirm_filter(DOC_ID, "c", "u", None)) == state.confirm_allowed(doc)


@pytest.mark.parametrize(
    "scan_status,validation,stage,allowed",
    [
        (ScanStatus.READY, ValidationStatus.PENDING, PipelineStage.AWAITING_VALIDATION, True),
        (ScanStatus.FAILED, ValidationStatus.PENDING, PipelineStage.QUICK_SCAN_FAILED, True),
        (ScanStatus.READY, ValidationStatus.REJECTED, PipelineStage.AWAITING_VALIDATION, True),
        (ScanStatus.READY, MISSING, MISSING, True),  # legacy
        (ScanStatus.FAILED, MISSING, MISSING, True),  # legacy
        (ScanStatus.READY, ValidationStatus.CONFIRMED, PipelineStage.DEEP_QUEUED, False),
        (ScanStatus.READY, ValidationStatus.CONFIRMED, MISSING, False),
        (ScanStatus.READY, ValidationStatus.PENDING, "ocr", False),
        (ScanStatus.QUEUED, ValidationStatus.PENDING, PipelineStage.QUICK_SCAN_QUEUED, False),
        (ScanStatus.PROCESSING, ValidationStatus.PENDING, PipelineStage.QUICK_SCAN_PROCESSING, False),
        (MISSING, MISSING, MISSING, False),
    ],
)
def test_rescan_allowed_examples(scan_status: Any, validation: Any, stage: Any, allowed: bool) -> None:
    assert state.rescan_allowed(make_doc(scan_status, validation, stage)) is allowed


@pytest.mark.parametrize("scan_status,validation,stage", ALL_STATES)
def test_a_rescan_refusal_is_explained_exactly_when_the_filter_refuses(
    scan_status: Any, validation: Any, stage: Any
) -> None:
    doc = make_doc(scan_status, validation, stage)
    refusal = state.explain_rescan(doc)
    assert (refusal is state.RescanRefusal.NONE) == matches(doc, state.rescan_filter(DOC_ID, "c", "u"))
    if refusal is state.RescanRefusal.IN_FLIGHT:
        assert scan_status in (ScanStatus.QUEUED, ScanStatus.PROCESSING)
    if refusal is state.RescanRefusal.CONFIRMED:
        assert validation is ValidationStatus.CONFIRMED and not state.scan_in_flight(doc)
    assert state.explain_rescan(None) is state.RescanRefusal.NOT_FOUND


@pytest.mark.parametrize("scan_status,validation,stage", ALL_STATES)
@pytest.mark.parametrize("if_match", [None, "t1", "t0"])
def test_a_confirm_refusal_is_explained_exactly_when_the_filter_refuses(
    scan_status: Any, validation: Any, stage: Any, if_match: str | None
) -> None:
    doc = make_doc(scan_status, validation, stage)
    if validation is ValidationStatus.CONFIRMED:
        doc.update({"validated_topic": "music", "validated_language": "en"})
    refusal = state.explain_confirm(doc, "music", "en", if_match)
    assert (refusal is state.ConfirmRefusal.NONE) == matches(doc, state.confirm_filter(DOC_ID, "c", "u", if_match))
    if validation is ValidationStatus.CONFIRMED:
        assert refusal is state.ConfirmRefusal.SAME
        assert state.explain_confirm(doc, "music", "fr", if_match) is state.ConfirmRefusal.OTHER
    elif if_match == "t0":
        assert refusal is state.ConfirmRefusal.STALE


def test_the_explanation_needs_only_the_projected_fields() -> None:
    doc = make_doc(ScanStatus.READY, ValidationStatus.CONFIRMED, PipelineStage.DEEP_QUEUED)
    doc.update(
        {
            "validated_topic": "music",
            "validated_language": "en",
            "filename": "x",
            "stage_history": [{"stage": "ocr", "progress": 20, "at": NOW}] * 3,
        }
    )
    collection = new_collection()
    collection.insert_one(doc)
    projected = collection.find_one({"_id": DOC_ID}, projection=state.EXPLAIN_PROJECTION)
    assert projected is not None
    assert set(projected) == {"_id", *(k.split(".")[0] for k in state.EXPLAIN_PROJECTION)}
    for topic, language, token in [("music", "en", None), ("music", "fr", "t1"), ("art", "en", "t0")]:
        assert state.explain_confirm(projected, topic, language, token) == state.explain_confirm(
            doc, topic, language, token
        )
    assert state.explain_rescan(projected) == state.explain_rescan(doc)


@pytest.mark.parametrize("owner,child", [("other", "c"), ("u", "other")])
def test_filters_carry_the_owner_and_child(owner: str, child: str) -> None:
    doc = make_doc(ScanStatus.READY, ValidationStatus.PENDING, PipelineStage.AWAITING_VALIDATION)
    assert not matches(doc, state.rescan_filter(DOC_ID, child, owner))
    assert not matches(doc, state.confirm_filter(DOC_ID, child, owner, None))


@pytest.mark.parametrize("event,source,target,stage", state.TRANSITIONS)
def test_each_transition_update_lands_in_its_target_state(
    event: str, source: Any, target: ScanStatus, stage: PipelineStage
) -> None:
    collection = new_collection()
    if event == "upload":
        collection.insert_one(
            state.new_document(
                document_id=DOC_ID,
                child_id="c",
                owner_id="u",
                filename="f",
                content_type="text/plain",
                size=1,
                file_id=FILE_ID,
                token="t1",
                now=NOW,
            )
        )
    else:
        doc = make_doc(source, ValidationStatus.PENDING, MISSING)
        doc["scan"] = {"token": "t1", "attempt": 1, "runs": 0}
        collection.insert_one(doc)
        updates = {
            "rescan": lambda: (
                state.rescan_filter(DOC_ID, "c", "u"),
                state.rescan_update(token="t2", now=NOW, requested_by="u", idempotency_key=None, history_limit=3),
            ),
            "claim": lambda: (
                state.job_filter(DOC_ID, "t1", ScanStatus.QUEUED),
                state.claim_update(now=NOW, lease_until=NOW, history_limit=3),
            ),
            "finish": lambda: (
                state.job_filter(DOC_ID, "t1", ScanStatus.PROCESSING),
                state.finish_update(suggestion={"scan_topic_suggestion": "music"}, now=NOW, history_limit=3),
            ),
            "fail": lambda: (
                state.job_filter(DOC_ID, "t1", ScanStatus.PROCESSING),
                state.fail_update(error={"code": "x", "message": "y"}, now=NOW, history_limit=3),
            ),
            "requeue": lambda: (
                state.job_filter(DOC_ID, "t1", ScanStatus.PROCESSING),
                state.requeue_update(now=NOW, history_limit=3),
            ),
            "confirm": lambda: (
                state.confirm_filter(DOC_ID, "c", "u", None),
                state.confirm_update(topic="music", language="en", now=NOW, history_limit=3),
            ),
        }
        flt, update = updates[event]()
        assert collection.find_one_and_update(flt, update) is not None
    stored = collection.find_one({"_id": DOC_ID})
    assert stored is not None
    assert stored["scan_status"] == target
    assert stored["pipeline_stage"] == stage
    assert stored["progress"] == state.PROGRESS[stage]
    assert stored["stage_history"][-1]["stage"] == stage


def test_rescan_clears_the_old_suggestion_and_counts_the_attempt() -> None:
    collection = new_collection()
    doc = make_doc(ScanStatus.READY, ValidationStatus.PENDING, PipelineStage.AWAITING_VALIDATION)
    doc.update(
        {
            "scan": {"token": "t1", "attempt": 2, "idempotency_key": "old"},
            "scan_topic_suggestion": "music",
            "scan_confidence": 0.9,
            "scan_error": {"code": "x", "message": "y"},
        }
    )
    collection.insert_one(doc)
    update = state.rescan_update(token="t2", now=NOW, requested_by="u", idempotency_key=None, history_limit=3)
    stored = collection.find_one_and_update(state.rescan_filter(DOC_ID, "c", "u"), update, return_document=True)
    assert stored is not None
    assert stored["scan"]["token"] == "t2"
    assert stored["scan"]["attempt"] == 3
    assert "idempotency_key" not in stored["scan"]
    assert not set(state.SUGGESTION_FIELDS) & set(stored)


def test_stage_history_keeps_the_last_n_events() -> None:
    collection = new_collection()
    collection.insert_one(make_doc(ScanStatus.READY, ValidationStatus.PENDING, MISSING))
    push = state.claim_update(now=NOW, lease_until=NOW, history_limit=3)["$push"]
    for _ in range(5):
        collection.update_one({"_id": DOC_ID}, {"$push": push})
    stored = collection.find_one({"_id": DOC_ID})
    assert stored is not None and len(stored["stage_history"]) == 3


def test_only_the_same_token_passes_the_job_fence() -> None:
    doc = make_doc(ScanStatus.QUEUED, ValidationStatus.PENDING, PipelineStage.QUICK_SCAN_QUEUED)
    assert matches(doc, state.job_filter(DOC_ID, "t1", ScanStatus.QUEUED))
    assert not matches(doc, state.job_filter(DOC_ID, "t0", ScanStatus.QUEUED))
    assert not matches(doc, state.job_filter(DOC_ID, "t1", ScanStatus.PROCESSING))
