"""Conditional requests (RFC 9110 13): the scan's entity tag, ``If-None-Match`` and ``If-Match``."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from .problems import InvalidParameter


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
