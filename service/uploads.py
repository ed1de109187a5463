"""What an upload is checked with: the type its bytes show, and a filename safe to store and show."""

from __future__ import annotations

import re
import unicodedata

from .problems import UnsupportedMediaType

_WEBP = re.compile(rb"^RIFF....WEBP", re.DOTALL)


def sniff_content_type(head: bytes) -> str | None:
    """The type the bytes themselves show, or ``None``.

    :param head: the first bytes of the file
    """
    if head.lstrip(b"\x00\t\n\r\x0c ")[:5] == b"%PDF-" or b"%PDF-" in head[:1024]:
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if _WEBP.match(head[:12]):
        return "image/webp"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" not in head[:8192]:
        # Control bytes other than whitespace are rare in text; many of them mean a binary format we don't know.
        sample = head[:8192]
        controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
        if head.startswith((b"\xff\xfe", b"\xfe\xff")) or controls <= len(sample) // 100:
            return "text/plain"
    return None


#: the longest file name kept, in characters
MAX_FILENAME = 255


def clean_filename(raw: str | None) -> str:
    """A filename safe to store and show: the last path segment, in NFC, without control, format or unassigned
    characters, at most ``MAX_FILENAME`` of them (keeping its extension); ``upload`` for a name that is none.

    :param raw: the name the client sent, if any
    """
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C").strip()
    if name in ("", ".", ".."):
        return "upload"
    if len(name) <= MAX_FILENAME:
        return name
    # Shortened at the end of the stem, so the name keeps the extension it is opened by.
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or len(extension) > 16:
        return name[:MAX_FILENAME]
    return stem[: MAX_FILENAME - len(extension) - 1] + "." + extension


def checked_content_type(declared: str, content: bytes, allowed: tuple[str, ...]) -> str:
    """The type an upload is stored with: the declared one (or, for none, the sniffed one) if the bytes show it.

    :param declared: the part's ``Content-Type``, without parameters, lower case; ``""`` for none
    :param allowed: the types the service accepts
    :raises UnsupportedMediaType: for a type not accepted, or bytes that do not show the declared type
    """
    sniffed = sniff_content_type(content[:8192])
    if declared in ("", "application/octet-stream"):
        declared = sniffed or "application/octet-stream"
    if declared not in allowed:
        raise UnsupportedMediaType("Files of this type are not accepted.", extensions={"allowed_types": list(allowed)})
    if sniffed != declared:
        raise UnsupportedMediaType(
            f"The file is labelled {declared} but its content is not.", extensions={"allowed_types": list(allowed)}
        )
    return declared
