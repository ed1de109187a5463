"""Request validation with marshmallow: bodies, query strings and path parameters."""

from __future__ import annotations

import re
from typing import Any

from bson import ObjectId
from marshmallow import RAISE, Schema, ValidationError, fields, validate

from .auth import CHILD_ID
from .catalog import CONFIRMABLE_LANGUAGES, TOPICS
from .problems import InvalidIdempotencyKey, InvalidParameter, ValidationFailed

#: every ISO 639-1 code a parent may confirm (the languages the detector family knows)
ISO_639_1 = CONFIRMABLE_LANGUAGES
DOCUMENT_ID = re.compile(r"[0-9a-f]{24}")
IDEMPOTENCY_KEY = re.compile(r"[\x20-\x7e]{1,255}")
#: RFC 8941 sf-string: printable ASCII in double quotes, with \" and \\ escaped
_SF_STRING = re.compile(r'"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"')
_SF_ESCAPE = re.compile(r"\\(.)")
_ASCII_DIGITS = re.compile(r"[0-9]{1,9}")


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class ConfirmScanSchema(_Strict):
    topic = fields.String(required=True, validate=validate.OneOf(TOPICS))
    language = fields.String(
        required=True,
        validate=[
            validate.Regexp(r"^[a-z]{2}$", error="must be a two-letter ISO 639-1 code"),
            validate.OneOf(sorted(ISO_639_1), error="is not a known ISO 639-1 language code"),
        ],
    )


class RescanSchema(_Strict):
    """An empty object: rescan takes no options."""


class _Digits(fields.Integer):
    """An integer written in ASCII digits only (``int()`` also takes other scripts' digits, signs and spaces)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, str) and not _ASCII_DIGITS.fullmatch(value):
            raise self.make_error("invalid")
        result: int = super()._deserialize(value, attr, data, **kwargs)
        return result


class ListQuerySchema(_Strict):
    limit = _Digits(load_default=None, validate=validate.Range(min=1, max=100))
    cursor = fields.String(load_default=None, validate=validate.Length(min=1, max=200))


def load_body(schema: Schema, payload: Any) -> dict[str, Any]:
    """Validate a decoded JSON body, raising a 422 problem that names each bad field.

    :param schema: the marshmallow schema
    :param payload: the decoded JSON value
    """
    if not isinstance(payload, dict):
        raise ValidationFailed(
            "The request body must be a JSON object.", extensions={"errors": {"_schema": ["must be an object"]}}
        )
    try:
        result: dict[str, Any] = schema.load(payload)
    except ValidationError as exc:
        raise ValidationFailed(
            "Some values are not valid.", extensions={"errors": _flatten(schema, exc.messages)}
        ) from None
    return result


def load_query(schema: Schema, query: Any) -> dict[str, Any]:
    """Validate query parameters, answering 400 for malformed ones.

    :param query: the request's query multidict
    """
    raw = {key: query.getone(key) for key in query.keys()}
    if len(raw) != len(query):
        raise InvalidParameter("Each query parameter may appear once.")
    try:
        result: dict[str, Any] = schema.load(raw)
    except ValidationError as exc:
        raise InvalidParameter(
            "Some query parameters are not valid.", extensions={"errors": _flatten(schema, exc.messages)}
        ) from None
    return result


def _flatten(schema: Schema, messages: Any) -> dict[str, list[str]]:
    """Marshmallow's messages by field, naming only fields of the schema: a name the client made up is not
    repeated back to it."""
    if not isinstance(messages, dict):
        return {"_schema": [str(m) for m in (messages if isinstance(messages, list) else [messages])]}
    flat: dict[str, list[str]] = {}
    for name, found in messages.items():
        if name in schema.fields or name == "_schema":
            flat[str(name)] = [str(m) for m in (found if isinstance(found, list) else [found])]
        else:
            flat["_schema"] = [f"Unknown fields are not accepted; the known ones are: {', '.join(schema.fields)}."]
    return flat


def parse_child_id(value: str) -> str:
    if not CHILD_ID.fullmatch(value):
        raise InvalidParameter("The child id is malformed.", extensions={"errors": {"child": ["malformed id"]}})
    return value


def parse_document_id(value: str) -> ObjectId:
    if not DOCUMENT_ID.fullmatch(value):
        raise InvalidParameter(
            "The document id is malformed.",
            extensions={"errors": {"document": ["must be 24 lowercase hex characters"]}},
        )
    return ObjectId(value)


def parse_idempotency_key(values: list[str]) -> str | None:
    """A request's Idempotency-Key, ``None`` without one.

    :param values: every Idempotency-Key field line of the request
    """
    if not values:
        return None
    if len(values) > 1:
        # Which of them would the retry carry? Taking one silently could bind the request to the wrong key.
        raise InvalidIdempotencyKey("Send one Idempotency-Key per request.")
    key = values[0].strip()
    if key.startswith('"'):
        # The IETF draft sends the key as one structured-field string; a list of strings is not one key.
        quoted = _SF_STRING.fullmatch(key)
        if quoted is None:
            raise InvalidIdempotencyKey("Idempotency-Key must be one quoted string or 1 to 255 printable characters.")
        key = _SF_ESCAPE.sub(r"\1", quoted.group(1))
    elif "," in key:
        # Two key fields that a proxy joined into one line: which one would a retry carry?
        raise InvalidIdempotencyKey("Send one Idempotency-Key per request; quote a key that holds a comma.")
    if not IDEMPOTENCY_KEY.fullmatch(key) or not key.strip():
        raise InvalidIdempotencyKey("Idempotency-Key must be 1 to 255 printable ASCII characters.")
    return key
