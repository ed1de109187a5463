"""Check HTTP responses of the tests against the contract in ``openapi.yaml``.

Every HTTP test talks to the app through :func:`validated`, so each response it sees is checked
against the spec (status documented for the operation, media type, body schema, headers) with
openapi-core::

    api = validated(aiohttp_client_instance)
    resp = await api.post(f"/api/v1/children/{child}/documents/{doc}/rescan", headers=auth)
    assert resp.status == 202
    body = await resp.json()          # the body was read once and is cached by aiohttp

A response that breaks the contract raises :class:`ContractError` (an ``AssertionError``) listing
every violation. ``check_response`` does the same for a response obtained some other way.

Besides what openapi-core checks, the helper checks that a response documented without a body has
none, and that a problem document's ``status`` and ``request_id`` agree with the response. Unknown
routes (404) and wrong methods (405), which no operation documents, must still be problem documents.
Requests are not validated: tests send malformed requests on purpose.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.deserializing.media_types.util import json_loads, plain_loads
from openapi_core.templating.paths.exceptions import OperationNotFound, PathError, PathNotFound
from openapi_core.templating.paths.finders import APICallPathFinder
from openapi_core.templating.responses.exceptions import ResponseFinderError
from openapi_core.templating.responses.finders import ResponseFinder
from openapi_core.validation.schemas import oas31_schema_validators_factory
from openapi_core.validation.schemas.exceptions import InvalidSchemaValue
from yarl import URL

SPEC_PATH = Path(__file__).resolve().parent.parent / "openapi.yaml"
PROBLEM_MEDIA_TYPE = "application/problem+json"

__all__ = [
    "SPEC_PATH",
    "ContractClient",
    "ContractError",
    "check_response",
    "contract_errors",
    "load_spec",
    "validated",
]


class ContractError(AssertionError):
    """A response does not conform to ``openapi.yaml``."""


#: media types of downloaded files, whose bodies are bytes
BINARY_MEDIA_TYPES = (
    "application/octet-stream",
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/webp",
    "text/plain",
)


def _binary_as_text(value: bytes, **parameters: str) -> str:
    return value.decode("latin-1")


@functools.cache
def load_spec() -> OpenAPI:
    """The contract, loaded (and checked by openapi-spec-validator) once per test process."""
    config = Config(
        # openapi-core only knows plain application/json; without these, problem+json bodies would be
        # compared to their schema as raw bytes.
        extra_media_type_deserializers={
            PROBLEM_MEDIA_TYPE: json_loads,
            "application/yaml": plain_loads,
            # Downloads are `type: string, format: binary`; the 3.1 validator takes only str for a string.
            **dict.fromkeys(BINARY_MEDIA_TYPES, _binary_as_text),
        },
    )
    return OpenAPI.from_file_path(str(SPEC_PATH), config=config)


# -- adapters for openapi_core.protocols.Request / Response, built from the client side --


# Not frozen: openapi-core's Request protocol wants `parameters` settable.
@dataclass
class _Request:
    host_url: str
    path: str
    method: str
    parameters: RequestParameters = field(default_factory=RequestParameters)
    content_type: str = ""
    body: bytes | None = None


@dataclass(frozen=True)
class _Response:
    status_code: int
    content_type: str
    headers: Mapping[str, str]
    data: bytes | None


def _schema_error_lines(errors: Iterable[Exception]) -> list[str]:
    # openapi-core types them as Exception; they are jsonschema's ValidationErrors, which jsonschema leaves untyped.
    return [
        f"    at {'/'.join(map(str, getattr(e, 'absolute_path', ()))) or '(root)'}: {getattr(e, 'message', e)}"
        for e in errors
    ]


def _describe(error: BaseException) -> list[str]:
    """Readable lines for one openapi-core error, with the schema errors behind it."""
    kind = type(error).__name__
    name = getattr(error, "name", None)
    cause = error.__cause__
    if isinstance(cause, InvalidSchemaValue):
        subject = f"header {name}" if name else "body"
        return [f"{kind}: {subject} does not match its schema", *_schema_error_lines(cause.schema_errors)]
    text = str(error)
    if not text.startswith(kind):
        text = f"{kind}: {text}"
    if name and name not in text:
        text += f" (header {name})"
    return [text]


def _documented_response(spec: OpenAPI, method: str, url: str, status: int) -> Any | None:
    try:
        _path, operation, *_ = APICallPathFinder(spec.spec).find(method, url)
        return ResponseFinder(operation / "responses").find(str(status))
    except (PathError, ResponseFinderError):
        return None


def _problem_checks(status: int, headers: Mapping[str, str], data: bytes) -> list[str]:
    try:
        problem = json.loads(data)
    except ValueError:
        return []  # reported by the schema check
    if not isinstance(problem, dict):
        return []
    errors = []
    if problem.get("status") != status:
        errors.append(f"problem status member {problem.get('status')!r} differs from the HTTP status {status}")
    request_id = headers.get("X-Request-Id")
    if request_id is not None and "request_id" in problem and problem["request_id"] != request_id:
        errors.append(f"problem request_id {problem['request_id']!r} differs from X-Request-Id {request_id!r}")
    return errors


def _undocumented_route_errors(spec: OpenAPI, response: _Response) -> list[str]:
    """A 404 for an unknown path or a 405 for a wrong method: no operation documents it, but it is a problem."""
    errors = []
    if "X-Request-Id" not in response.headers:
        errors.append("MissingRequiredHeader: Missing required header: X-Request-Id")
    if response.content_type.split(";")[0].strip().lower() != PROBLEM_MEDIA_TYPE:
        return errors + [f"content type {response.content_type!r} is not {PROBLEM_MEDIA_TYPE}"]
    try:
        body = json.loads(response.data or b"")
    except ValueError as exc:
        return errors + [f"body is not JSON: {exc}"]
    schema = spec.spec / "components" / "schemas" / "Problem"
    try:
        oas31_schema_validators_factory.create(spec.spec, schema).validate(body)
    except InvalidSchemaValue as exc:
        errors.append("InvalidData: body does not match the Problem schema")
        errors.extend(_schema_error_lines(exc.schema_errors))
    return errors


def contract_errors(
    *,
    method: str,
    url: str,
    status: int,
    headers: Mapping[str, str],
    body: bytes,
) -> list[str]:
    """Every way one response breaks the contract (empty when it conforms).

    :param method: request method
    :param url: absolute request URL (scheme, host, raw path; a query string is ignored)
    :param headers: response headers (a case-insensitive mapping, as aiohttp gives them)
    """
    spec = load_spec()
    parsed = URL(url)
    request = _Request(host_url=str(parsed.origin()), path=parsed.raw_path, method=method.lower())
    response = _Response(status_code=status, content_type=headers.get("Content-Type", ""), headers=headers, data=body)
    errors: list[str] = []
    found: Iterable[Exception] = spec.iter_response_errors(request, response)
    for error in found:
        if (isinstance(error, PathNotFound) and status == 404) or (
            isinstance(error, OperationNotFound) and status == 405
        ):
            return _undocumented_route_errors(spec, response) + _problem_checks(status, headers, body)
        errors.extend(_describe(error))

    documented = _documented_response(spec, request.method, f"{request.host_url}{request.path}", status)
    if documented is not None and "content" not in documented and body:
        errors.append(f"{status} is documented without a body, got {len(body)} bytes")
    if response.content_type.split(";")[0].strip().lower() == PROBLEM_MEDIA_TYPE:
        errors.extend(_problem_checks(status, headers, body))
    return errors


async def check_response(
    resp: aiohttp.ClientResponse,
    *,
    request_method: str | None = None,
    request_url: str | None = None,
    body: bytes | None = None,
) -> None:
    """Raise :class:`ContractError` unless ``resp`` conforms to the contract.

    Reads the body (aiohttp caches it, so ``await resp.json()`` still works afterwards).

    :param request_method: defaults to the method of the request that produced ``resp``
    :param request_url: defaults to the URL of that request
    :param body: the body, when it was already read some other way
    """
    if body is None:
        body = await resp.read()
    method = request_method or resp.request_info.method
    url = request_url or str(resp.request_info.url)
    errors = contract_errors(method=method, url=url, status=resp.status, headers=resp.headers, body=body)
    if errors:
        shown = body[:2000].decode("utf-8", errors="replace")
        raise ContractError(
            f"{method.upper()} {resp.request_info.url.raw_path_qs} -> {resp.status} breaks openapi.yaml:\n  "
            + "\n  ".join(errors)
            + f"\n  content-type: {resp.headers.get('Content-Type')!r}\n  body: {shown}"
        )


class ContractClient:
    """Wraps aiohttp's test client; every response it returns has been read and checked against the spec.

    Anything else (``server``, ``app``, ``session``, ``make_url`` ...) is delegated to the wrapped client,
    which stays available as ``.client`` for the rare request whose response must not be checked.
    """

    def __init__(self, client: Any) -> None:
        self.client = client

    async def request(self, method: str, path: str, **kwargs: Any) -> aiohttp.ClientResponse:
        resp: aiohttp.ClientResponse = await self.client.request(method, path, **kwargs)
        # read() caches the body and hands the connection back; never release() explicitly, aiohttp
        # would then refuse resp.json() with "Connection closed" even though the body is cached.
        await check_response(resp)
        return resp

    async def get(self, path: str, **kwargs: Any) -> aiohttp.ClientResponse:
        return await self.request("GET", path, **kwargs)

    async def post(self, path: str, **kwargs: Any) -> aiohttp.ClientResponse:
        return await self.request("POST", path, **kwargs)

    async def put(self, path: str, **kwargs: Any) -> aiohttp.ClientResponse:
        return await self.request("PUT", path, **kwargs)

    async def patch(self, path: str, **kwargs: Any) -> aiohttp.ClientResponse:
        return await self.request("PATCH", path, **kwargs)

    async def delete(self, path: str, **kwargs: Any) -> aiohttp.ClientResponse:
        return await self.request("DELETE", path, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)


def validated(client: Any) -> ContractClient:
    """Wrap a pytest-aiohttp ``TestClient`` (from the ``aiohttp_client`` fixture) so every response is checked."""
    return ContractClient(client)
