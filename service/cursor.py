"""The list cursor: where a page ended (the creation time and id of its last document), as an opaque string."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime

from bson import ObjectId
from bson.errors import InvalidId

from .problems import InvalidParameter
from .views import iso_time


def encode_cursor(key: tuple[datetime, ObjectId]) -> str:
    """The cursor of the page after the one that ended here.

    :param key: the creation time and id of the page's last document
    """
    created_at, last_id = key
    raw = json.dumps({"t": iso_time(created_at), "id": str(last_id)}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, ObjectId]:
    """Where the page before a cursor ended.

    :raises InvalidParameter: for anything ``encode_cursor`` did not make
    """
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
