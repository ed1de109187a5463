"""Downloading a document's file, as uploaded: streamed chunk by chunk, one byte range at most."""

from __future__ import annotations

import logging
import re
from urllib.parse import quote

from aiohttp import web

from ..auth import require_child
from ..conditional import MAX_CONDITION_LENGTH, etag_matches
from ..keys import repository_key
from ..logs import REQUEST_ID_HEADER, current_request_id
from ..problems import InvalidParameter, NotAcceptable, NotFound, Problem, RangeNotSatisfiable
from ..repository import FileMissing
from ..schemas import parse_child_id, parse_document_id
from .common import DOCUMENT_PATH

logger = logging.getLogger(__name__)
routes = web.RouteTableDef()

_RANGE = re.compile(r"bytes=([0-9]*)-([0-9]*)", re.IGNORECASE)
#: a position this large is past the end of any file; longer digit strings are not turned into integers
_FAR = 10**18
#: what may stand in an RFC 6266 ``filename`` fallback as it is
_NOT_PLAIN = re.compile(r'[^\x20-\x7e]|["\\%]')


def _position(digits: str) -> int:
    return int(digits) if len(digits.lstrip("0")) <= 18 else _FAR


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The one byte range (first and last position) a ``Range`` header asks for; ``None`` for the whole content.

    Several ranges, another unit or a malformed value are ignored, as RFC 9110 (14.2) allows.

    :param header: the ``Range`` header, if any
    :param size: the size of the content
    :raises RangeNotSatisfiable: when the range starts past the end
    """
    found = _RANGE.fullmatch(header.strip()) if header is not None else None
    if found is None or found.group(1) == found.group(2) == "":
        return None
    start, end = found.groups()
    if start == "":
        suffix = _position(end)
        if suffix == 0 or size == 0:
            raise _unsatisfiable(size)
        return max(0, size - suffix), size - 1
    first = _position(start)
    if end and _position(end) < first:
        return None
    if first >= size:
        raise _unsatisfiable(size)
    return first, min(_position(end), size - 1) if end else size - 1


def _unsatisfiable(size: int) -> Problem:
    return RangeNotSatisfiable(
        f"The file has {size} bytes; the range starts past its end.",
        extensions={"size": size},
        headers={"Content-Range": f"bytes */{size}"},
    )


def accepts(accept: str | None, media_type: str) -> bool:
    """Whether an ``Accept`` header admits a media type: its most specific matching range has a non-zero weight.

    :param accept: the header; none (or an empty one) admits everything
    :param media_type: e.g. ``application/pdf``
    """
    if accept is None or not accept.strip():
        return True
    major = media_type.split("/", 1)[0]
    best: tuple[int, float] | None = None
    for item in accept.split(","):
        name, *params = item.split(";")
        name = name.strip().lower()
        specificity = {media_type: 2, f"{major}/*": 1, "*/*": 0}.get(name)
        if specificity is None:
            continue
        weight = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    weight = float(value.strip())
                except ValueError:
                    weight = 0.0
        if best is None or specificity > best[0]:
            best = (specificity, weight)
    return best is not None and best[1] > 0


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII ``filename`` fallback and the exact name in ``filename*`` (RFC 6266, 8187).

    :param filename: the name as uploaded
    """
    fallback = _NOT_PLAIN.sub("_", filename) or "download"
    exact = quote(filename, safe="!#$&+-.^_`|~")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{exact}"


def _condition(request: web.Request, name: str) -> str | None:
    value = request.headers.get(name)
    if value is not None and len(value) > MAX_CONDITION_LENGTH:
        raise InvalidParameter(
            f"{name} may have at most {MAX_CONDITION_LENGTH} characters.", extensions={"errors": {name: ["too long"]}}
        )
    return value


@routes.get(DOCUMENT_PATH + "/content", name="download_document", allow_head=False)
async def download_document(request: web.Request) -> web.StreamResponse:
    child = parse_child_id(request.match_info["child"])
    document_id = parse_document_id(request.match_info["document"])
    identity = require_child(request, child)
    range_header = _condition(request, "Range")
    if_range = _condition(request, "If-Range")
    repo = request.app[repository_key]

    doc = await repo.get(document_id, child, identity.user_id)
    entry = await repo.file_entry(doc["file_id"]) if doc is not None else None
    if doc is None or entry is None:
        # A document whose content is gone is one being deleted: it is not there any more.
        raise NotFound("No such child profile or document.")
    media_type = doc.get("content_type") or "application/octet-stream"
    if not accepts(request.headers.get("Accept"), media_type):
        raise NotAcceptable(
            f"The file is {media_type}, which the Accept header excludes.", extensions={"available_types": [media_type]}
        )
    etag = f'"{entry["_id"]}"'
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None and etag_matches(etag, if_none_match):
        return web.Response(status=304, headers=headers)

    size = int(entry["length"])
    wanted = byte_range(range_header, size) if if_range is None or if_range.strip() == etag else None
    first, last = wanted if wanted is not None else (0, size - 1)
    headers |= {
        "Content-Disposition": content_disposition(doc.get("filename") or "download"),
        "X-Content-Type-Options": "nosniff",
        # Opened in a browser tab, the file can run nothing and reach nothing.
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Accept-Ranges": "bytes",
        # The request id middleware adds it after the handler, too late for headers that are already sent.
        REQUEST_ID_HEADER: current_request_id(),
    }
    if wanted is not None:
        headers["Content-Range"] = f"bytes {first}-{last}/{size}"
    response = web.StreamResponse(status=206 if wanted is not None else 200, headers=headers)
    response.content_type = media_type
    response.content_length = last - first + 1
    if size == 0:
        await response.prepare(request)
        return response

    chunk_size = int(entry["chunkSize"])
    chunks = repo.stream_chunks(entry["_id"], first // chunk_size, last // chunk_size)
    try:
        # The first chunk before the headers: content deleted meanwhile is still a clean 404.
        piece = await anext(chunks)
    except (FileMissing, StopAsyncIteration):
        raise NotFound("No such child profile or document.") from None
    await response.prepare(request)
    offset = first // chunk_size * chunk_size
    try:
        while True:
            start = max(first - offset, 0)
            await response.write(piece[start : last + 1 - offset])
            offset += len(piece)
            if offset > last:
                break
            piece = await anext(chunks)
    except (FileMissing, StopAsyncIteration):
        # Deleted while it was being sent: the headers are out, so the only honest end is a cut connection.
        logger.warning("content of %s went away during a download", document_id)
        response.force_close()
    finally:
        await chunks.aclose()
    return response
