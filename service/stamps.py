"""What writes are stamped with: the time, at the precision MongoDB stores, and new scan tokens."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, in UTC, at the millisecond precision MongoDB stores."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def new_token() -> str:
    """A new scan token: it names one accepted scan request and fences every write of its job."""
    return uuid.uuid4().hex
