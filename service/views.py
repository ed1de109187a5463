"""Stored documents turned into the JSON the API answers with (see openapi.yaml)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from bson import ObjectId
from bson.errors import InvalidId

from .catalog import MAX_ALTERNATIVES, UNDETERMINED
from .problems import InvalidParameter
from .state import Document


def _iso(value: Any) -> str | None:
    if not isinstance(value, datetime):
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    text: str = value.astimezone(UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


def scan_view(doc: Document) -> dict[str, Any]:
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
            "completed_at": _iso(doc.get("scan_completed_at")),
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
            "at": _iso(doc.get("validated_at")),
        }
    return {
        "document_id": str(doc["_id"]),
        "scan_status": doc.get("scan_status"),
        "validation_status": doc.get("validation_status") or "pending",
        "pipeline_stage": doc.get("pipeline_stage"),
        "progress": int(doc.get("progress") or 0),
        "token": scan.get("token"),
        "attempt": int(scan.get("attempt") or 0),
        "requested_at": _iso(scan.get("requested_at")),
        "suggestion": suggestion,
        "error": {"code": str(error.get("code", "scan_failed")), "message": str(error.get("message", ""))}
        if isinstance(error, dict)
        else None,
        "validated": validated,
        "stage_history": [
            {"stage": e.get("stage"), "progress": int(e.get("progress") or 0), "at": _iso(e.get("at"))}
            for e in (doc.get("stage_history") or [])
            if isinstance(e, dict)
        ],
    }


def document_view(doc: Document, scan_url: str) -> dict[str, Any]:
    return {
        "id": str(doc["_id"]),
        "child_id": doc["child_profile_id"],
        "filename": doc.get("filename") or "",
        "content_type": doc.get("content_type") or "application/octet-stream",
        "size": int(doc.get("size") or 0),
        "created_at": _iso(doc.get("created_at")),
        "updated_at": _iso(doc.get("updated_at")),
        "scan": scan_view(doc),
        "links": {"scan": scan_url},
    }


def scan_etag(view: dict[str, Any]) -> str:
    """A strong entity tag of a scan representation: its scan token (what If-Match compares), then a digest.

    :param view: what ``scan_view`` made of the document
    """
    digest = hashlib.sha256(json.dumps(view, sort_keys=True, separators=(",", ":")).encode()).hexdigest()[:16]
    return f'"{view.get("token") or "none"}.{digest}"'


#: the longest ``If-None-Match`` (or ``If-Range``) the contract accepts
MAX_CONDITION_LENGTH = 1024


def etag_matches(etag: str, if_none_match: str) -> bool:
    """``If-None-Match`` semantics: ``*``, or any listed tag equal under weak comparison (RFC 9110 13.1.2).

    :raises InvalidParameter: for a value longer than the contract allows
    """
    if len(if_none_match) > MAX_CONDITION_LENGTH:
        raise InvalidParameter(
            f"If-None-Match may have at most {MAX_CONDITION_LENGTH} characters.",
            extensions={"errors": {"If-None-Match": ["too long"]}},
        )
    if if_none_match.strip() == "*":
        return True
    return any(tag.strip().removeprefix("W/") == etag for tag in if_none_match.split(","))


#: what openapi.yaml allows in ``If-Match``: ``*``, or one tag naming a scan token (an ETag, or the bare token)
IF_MATCH = re.compile(r'\*|(?:W/)?"(?P<token>[A-Za-z0-9]{1,64})(?:\.[A-Za-z0-9]{1,64})?"')


def token_from_if_match(value: str) -> str | None:
    """The scan token an ``If-Match`` names; ``None`` for ``*`` (any).

    :raises InvalidParameter: for anything but ``*`` or one entity tag naming a token
    """
    found = IF_MATCH.fullmatch(value.strip())
    if found is None:
        raise InvalidParameter(
            "If-Match must be * or one entity tag: the ETag of the scan, or its token in double quotes.",
            extensions={"errors": {"If-Match": ["must be * or one entity tag naming a scan"]}},
        )
    return found.group("token")


def encode_cursor(key: tuple[datetime, ObjectId]) -> str:
    created_at, last_id = key
    raw = json.dumps({"t": _iso(created_at), "id": str(last_id)}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, ObjectId]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        created_at = datetime.fromisoformat(data["t"].replace("Z", "+00:00"))
        if created_at.tzinfo is None:
            raise ValueError("naive time")
        # In UTC and within the BSON date range, or encoding the query would fail.
        created_at = created_at.astimezone(UTC)
        return created_at, ObjectId(data["id"])
    except (binascii.Error, ValueError, TypeError, KeyError, AttributeError, InvalidId, OverflowError, RecursionError):
        raise InvalidParameter(
            "The cursor is not valid; start again without it.", extensions={"errors": {"cursor": ["malformed"]}}
        ) from None
