"""What the handlers share: the target of a request, its Idempotency-Key, and how an answer is sent."""

from __future__ import annotations

from aiohttp import web
from bson import ObjectId

from ..actions import Answer, Key, LocationOf
from ..idempotency import Action, fingerprint
from ..schemas import parse_idempotency_key

#: the documents of one child profile: every document route starts here
DOCUMENTS_PATH = "/api/v1/children/{child:[^/]+}/documents"
#: one document of a child profile
DOCUMENT_PATH = DOCUMENTS_PATH + "/{document:[^/]+}"


def location_of(request: web.Request, child: str) -> LocationOf:
    """Builds the URL of a document's scan resource, only when an answer names it (most refusals do not)."""

    def build(document_id: ObjectId) -> str:
        return str(request.app.router["get_scan"].url_for(child=child, document=str(document_id)))

    return build


def request_key(request: web.Request, action: Action, child: str, target: str, payload: object) -> Key | None:
    """The request's Idempotency-Key, bound to the fingerprint of what it asks for; ``None`` without one.

    :param target: the document id of the path, ``""`` for an upload
    :param payload: the decoded body, or a digest of the uploaded file
    """
    key = parse_idempotency_key(request.headers.getall("Idempotency-Key", []))
    if key is None:
        return None
    return Key(key, fingerprint(action, child, target, payload))


def answer_response(answer: Answer) -> web.Response:
    """The HTTP response of a success answer, marked when it replays an earlier request."""
    headers = {"Location": answer.reply.location}
    if answer.replayed:
        headers["Idempotency-Replayed"] = "true"
    return web.Response(
        status=answer.reply.status, body=answer.reply.body.encode(), content_type="application/json", headers=headers
    )
