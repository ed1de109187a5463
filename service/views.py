"""Stored documents turned into the JSON the API answers with (see openapi.yaml)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from .catalog import MAX_ALTERNATIVES, UNDETERMINED
from .state import Document


def iso_time(value: Any) -> str | None:
    """A stored time as the API writes it: UTC, milliseconds, ``Z``; ``None`` for anything but a datetime."""
    if not isinstance(value, datetime):
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    text: str = value.astimezone(UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


def scan_view(doc: Document) -> dict[str, Any]:
    """The ``Scan`` of openapi.yaml: a document's scan state, suggestion, failure and confirmation."""
    scan = doc.get("scan") or {}
    suggestion = None
    if doc.get("scan_topic_suggestion") is not None:
        read: Mapping[str, Any] = doc.get("scan_read") or {}
        suggestion = {
            "topic": doc["scan_topic_suggestion"],
            "language": doc.get("scan_language_suggestion") or UNDETERMINED,
            "confidence": float(doc.get("scan_confidence") or 0.0),
            "alternatives": [
                {"topic": a.get("topic"), "language": a.get("language"), "confidence": float(a.get("confidence", 0))}
                for a in (doc.get("scan_alternatives") or [])
            ][:MAX_ALTERNATIVES],
            "model": doc.get("scan_model") or "",
            "completed_at": iso_time(doc.get("scan_completed_at")),
            "read": {
                "pages": int(read.get("pages", 0)),
                "characters": int(read.get("characters", 0)),
                "input_kind": read.get("input_kind", "text"),
            },
        }
    # Documents of the original app may carry the failure as a bare message.
    error: object = doc.get("scan_error")
    if isinstance(error, str):
        error = {"code": "scan_failed", "message": error}
    validated = None
    if doc.get("validated_topic") is not None:
        validated = {
            "topic": doc["validated_topic"],
            "language": doc.get("validated_language") or UNDETERMINED,
            "at": iso_time(doc.get("validated_at")),
        }
    return {
        "document_id": str(doc["_id"]),
        "scan_status": doc.get("scan_status"),
        "validation_status": doc.get("validation_status") or "pending",
        "pipeline_stage": doc.get("pipeline_stage"),
        "progress": int(doc.get("progress") or 0),
        "token": scan.get("token"),
        "attempt": int(scan.get("attempt") or 0),
        "requested_at": iso_time(scan.get("requested_at")),
        "suggestion": suggestion,
        "error": {"code": str(error.get("code", "scan_failed")), "message": str(error.get("message", ""))}
        if isinstance(error, dict)
        else None,
        "validated": validated,
        "stage_history": [
            {"stage": e.get("stage"), "progress": int(e.get("progress") or 0), "at": iso_time(e.get("at"))}
            for e in (doc.get("stage_history") or [])
            if isinstance(e, dict)
        ],
    }


def document_view(doc: Document, scan_url: str) -> dict[str, Any]:
    """The ``Document`` of openapi.yaml.

    :param scan_url: the URL of the document's scan resource
    """
    return {
        "id": str(doc["_id"]),
        "child_id": doc["child_profile_id"],
        "filename": doc.get("filename") or "",
        "content_type": doc.get("content_type") or "application/octet-stream",
        "size": int(doc.get("size") or 0),
        "created_at": iso_time(doc.get("created_at")),
        "updated_at": iso_time(doc.get("updated_at")),
        "scan": scan_view(doc),
        "links": {"scan": scan_url},
    }
