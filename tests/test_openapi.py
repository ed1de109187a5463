"""The contract itself (openapi.yaml) and the helper that checks responses against it."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import yaml
from aiohttp import web
from aiohttp.typedefs import Handler
from jsonschema_path import SchemaPath
from openapi_core.validation.schemas import oas31_schema_validators_factory
from openapi_spec_validator import validate

from tests.openapi_contract import SPEC_PATH, ContractError, check_response, load_spec, validated

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
PROBLEM_REF = "#/components/schemas/Problem"
PROBLEM_SLUGS = {
    "unauthorized": 401,
    "not-found": 404,
    "invalid-parameter": 400,
    "malformed-body": 400,
    "validation-error": 422,
    "payload-too-large": 413,
    "unsupported-media-type": 415,
    "scan-in-flight": 409,
    "not-rescannable": 409,
    "already-confirmed": 409,
    "not-ready": 409,
    "idempotency-key-in-use": 409,
    "precondition-failed": 412,
    "idempotency-key-reused": 422,
    "invalid-idempotency-key": 400,
    "method-not-allowed": 405,
    "not-acceptable": 406,
    "range-not-satisfiable": 416,
    "service-unavailable": 503,
    "internal-error": 500,
}
DOC_ID = "65f1c2a9e4b0a1b2c3d4e5f6"
SCAN_PATH = f"/api/v1/children/child-42/documents/{DOC_ID}/scan"


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    with SPEC_PATH.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return data


def resolve(raw: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        node = _walk(raw, node["$ref"])
    return node


def _walk(raw: dict[str, Any], ref: str) -> Any:
    node: Any = raw
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def operations(raw: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    for path, item in raw["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item, item[method]


def refers_to_problem(raw: dict[str, Any], schema: dict[str, Any]) -> bool:
    if schema.get("$ref") == PROBLEM_REF:
        return True
    if "$ref" in schema:
        return refers_to_problem(raw, _walk(raw, schema["$ref"]))
    if "allOf" in schema:
        return any(refers_to_problem(raw, part) for part in schema["allOf"])
    alternatives = [*schema.get("anyOf", ()), *schema.get("oneOf", ())]
    return bool(alternatives) and all(refers_to_problem(raw, part) for part in alternatives)


# -- the spec --


def test_spec_validates(raw: dict[str, Any]) -> None:
    assert raw["openapi"] == "3.1.0"
    validate(raw)
    load_spec()  # openapi-core accepts it too


def test_operation_ids_are_unique(raw: dict[str, Any]) -> None:
    ids = [op.get("operationId") for _, _, _, op in operations(raw)]
    assert all(ids), ids
    assert len(ids) == len(set(ids))
    assert {"uploadDocument", "listDocuments", "getScan", "rescanDocument", "confirmScan"} <= set(ids)


def test_error_responses_are_problems(raw: dict[str, Any]) -> None:
    for path, method, _, op in operations(raw):
        errors = {code: resolve(raw, r) for code, r in op["responses"].items() if code[0] in "45"}
        if path == "/readyz":
            assert set(errors) == {"503"}  # the readiness report itself, not a problem
            continue
        if path.startswith("/api/v1/"):
            assert {"400", "401", "404", "503"} <= set(errors), (method, path)
        for code, response in errors.items():
            content = response.get("content", {})
            assert list(content) == ["application/problem+json"], (method, path, code)
            assert refers_to_problem(raw, content["application/problem+json"]["schema"]), (method, path, code)


def test_every_response_documents_request_id(raw: dict[str, Any]) -> None:
    for path, method, _, op in operations(raw):
        for code, ref in op["responses"].items():
            response = resolve(raw, ref)
            assert "X-Request-Id" in response.get("headers", {}), (method, path, code)
            if code == "401":
                assert "WWW-Authenticate" in response["headers"], (method, path)


def test_security(raw: dict[str, Any]) -> None:
    scheme = raw["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"], scheme["bearerFormat"]) == ("http", "bearer", "JWT")
    assert raw["security"] == [{"bearerAuth": []}]
    for path, method, _, op in operations(raw):
        if path.startswith("/api/v1/"):
            assert "security" not in op, (method, path)  # inherits bearerAuth
            assert "401" in op["responses"]
        else:
            assert op["security"] == [], (method, path)


def test_path_parameters_have_patterns(raw: dict[str, Any]) -> None:
    for path, method, item, op in operations(raw):
        names = re.findall(r"{([^}]+)}", path)
        params = {
            p["name"]: p
            for p in (resolve(raw, p) for p in item.get("parameters", []) + op.get("parameters", []))
            if p["in"] == "path"
        }
        assert set(params) == set(names), (method, path)
        for name, param in params.items():
            assert param["required"] is True
            assert "pattern" in resolve(raw, param["schema"]), (method, path, name)


def test_problem_types_are_listed(raw: dict[str, Any]) -> None:
    description = raw["info"]["description"]
    for slug, status in PROBLEM_SLUGS.items():
        assert re.search(rf"`urn:docscan:problem:{slug}` \| {status} \|", description), slug
    for name, example in raw["components"]["examples"].items():
        value = example["value"]
        if "type" in value and isinstance(value["type"], str):
            slug = value["type"].removeprefix("urn:docscan:problem:")
            assert PROBLEM_SLUGS.get(slug) == value["status"], name


def _examples(media: SchemaPath) -> Iterator[tuple[str, Any]]:
    if "example" in media:
        yield "example", (media / "example").read_value()
    if "examples" in media:
        for name, example in (media / "examples").str_items():
            yield name, (example / "value").read_value()


def _places_with_examples(spec: SchemaPath) -> Iterator[SchemaPath]:
    """Media types, headers and parameters: everything that pairs a schema with examples."""
    for _, item in (spec / "paths").str_items():
        for method in METHODS:
            if method not in item:
                continue
            op = item / method
            if "requestBody" in op:
                yield from (media for _, media in (op / "requestBody" / "content").str_items())
            for _, response in (op / "responses").str_items():
                for part in ("content", "headers"):
                    if part in response:
                        yield from (value for _, value in (response / part).str_items())
    yield from (param for _, param in (spec / "components" / "parameters").str_items())


def test_examples_match_their_schemas() -> None:
    spec = load_spec().spec
    checked = 0
    for place in _places_with_examples(spec):
        if "schema" not in place:
            continue
        validator = oas31_schema_validators_factory.create(spec, place / "schema")
        for _, value in _examples(place):
            validator.validate(value)
            checked += 1
    for _, schema in (spec / "components" / "schemas").str_items():
        for value in (schema / "examples").read_value() if "examples" in schema else ():
            oas31_schema_validators_factory.create(spec, schema).validate(value)
            checked += 1
    assert checked > 30


# -- the helper --


def example(name: str) -> Any:
    return copy.deepcopy((load_spec().spec / "components" / "examples" / name / "value").read_value())


def problem(
    status: int, slug: str, *, headers: dict[str, str] | None = None, http_status: int | None = None, **extra: Any
) -> web.Response:
    """A problem response; ``http_status`` differs from ``status`` only to break the contract."""
    body = {
        "type": f"urn:docscan:problem:{slug}",
        "title": slug,
        "status": status,
        "detail": slug,
        "request_id": "req-1",
        **extra,
    }
    return web.json_response(
        body,
        status=http_status or status,
        content_type="application/problem+json",
        headers={"X-Request-Id": "req-1", **(headers or {})},
    )


def ok(body: Any, status: int = 200, headers: dict[str, str] | None = None, **kwargs: Any) -> web.Response:
    return web.json_response(body, status=status, headers={"X-Request-Id": "r", **(headers or {})}, **kwargs)


def make_app(handler: Any) -> web.Application:
    """Every route of the contract answers with ``handler``; the test decides what it returns."""
    app = web.Application()
    app.router.add_get("/healthz", handler)
    app.router.add_get("/api/v1/children/{child}/documents", handler)
    app.router.add_get("/api/v1/children/{child}/documents/{document}/scan", handler)
    app.router.add_post("/api/v1/children/{child}/documents/{document}/rescan", handler)
    app.router.add_post("/api/v1/children/{child}/documents/{document}/confirm-scan", handler)
    return app


async def client_for(aiohttp_client: Any, respond: Callable[[], web.StreamResponse]) -> Any:
    """A checked client of an app whose every route answers ``respond()``."""

    async def handler(request: web.Request) -> web.StreamResponse:
        return respond()

    return validated(await aiohttp_client(make_app(handler)))


async def test_conforming_response_passes_and_body_stays_readable(aiohttp_client: Any) -> None:
    document = example("DocumentConfirmed")
    location = f"/api/v1/children/child-42/documents/{DOC_ID}/scan"
    api = await client_for(aiohttp_client, lambda: ok(document, 202, headers={"Location": location}))
    resp = await api.post(
        f"/api/v1/children/child-42/documents/{DOC_ID}/confirm-scan", json={"topic": "mathematics", "language": "en"}
    )
    assert resp.status == 202
    assert await resp.json() == document
    assert await resp.read() == await resp.read()


async def test_missing_required_field_fails(aiohttp_client: Any) -> None:
    document = example("DocumentConfirmed")
    del document["scan"]["token"]
    api = await client_for(aiohttp_client, lambda: ok(document, 202))
    with pytest.raises(ContractError, match="'token' is a required property"):
        await api.post(f"/api/v1/children/child-42/documents/{DOC_ID}/confirm-scan", json={})


async def test_undeclared_field_fails(aiohttp_client: Any) -> None:
    document = example("DocumentConfirmed") | {"owner_id": "user-1"}
    api = await client_for(aiohttp_client, lambda: ok(document, 200))
    with pytest.raises(ContractError, match="owner_id"):
        await api.post(f"/api/v1/children/child-42/documents/{DOC_ID}/confirm-scan", json={})


async def test_naive_datetime_fails(aiohttp_client: Any) -> None:
    document = example("DocumentConfirmed") | {"created_at": "2025-03-13T16:20:09"}
    api = await client_for(aiohttp_client, lambda: ok(document, 200))
    with pytest.raises(ContractError, match="date-time"):
        await api.post(f"/api/v1/children/child-42/documents/{DOC_ID}/confirm-scan", json={})


async def test_wrong_content_type_fails(aiohttp_client: Any) -> None:
    document = example("DocumentConfirmed")
    api = await client_for(
        aiohttp_client,
        lambda: web.json_response(document, status=202, content_type="text/html", headers={"X-Request-Id": "r"}),
    )
    with pytest.raises(ContractError, match="mimetype not found"):
        await api.post(f"/api/v1/children/child-42/documents/{DOC_ID}/confirm-scan", json={})


async def test_error_as_plain_json_fails(aiohttp_client: Any) -> None:
    api = await client_for(
        aiohttp_client,
        lambda: web.json_response(
            {"type": "urn:docscan:problem:not-found", "title": "t", "status": 404, "detail": "d", "request_id": "r"},
            status=404,
            headers={"X-Request-Id": "r"},
        ),
    )
    with pytest.raises(ContractError, match="mimetype not found"):
        await api.get(SCAN_PATH)


async def test_undocumented_status_fails(aiohttp_client: Any) -> None:
    api = await client_for(aiohttp_client, lambda: problem(500, "internal-error"))
    with pytest.raises(ContractError, match="Unknown response http status: 500"):
        await api.get(SCAN_PATH)


async def test_missing_headers_fail(aiohttp_client: Any) -> None:
    api = await client_for(aiohttp_client, lambda: web.json_response(example("ScanReady")))
    with pytest.raises(ContractError) as raised:
        await api.get(SCAN_PATH)
    for header in ("X-Request-Id", "ETag", "Cache-Control"):
        assert f"Missing required header: {header}" in str(raised.value)


async def test_scan_with_etag_passes(aiohttp_client: Any) -> None:
    headers = {"X-Request-Id": "r", "ETag": '"tok.ready.pending"', "Cache-Control": "no-cache"}
    api = await client_for(aiohttp_client, lambda: web.json_response(example("ScanReady"), headers=headers))
    resp = await api.get(SCAN_PATH)
    assert resp.headers["ETag"] == '"tok.ready.pending"'


async def test_not_modified_passes(aiohttp_client: Any) -> None:
    headers = {"X-Request-Id": "r", "ETag": '"tok.ready.pending"', "Cache-Control": "no-cache"}
    api = await client_for(aiohttp_client, lambda: web.Response(status=304, headers=headers))
    resp = await api.get(SCAN_PATH, headers={"If-None-Match": '"tok.ready.pending"'})
    assert resp.status == 304


async def test_conflict_problem(aiohttp_client: Any) -> None:
    state: dict[str, Any] = {
        "scan_status": "processing",
        "pipeline_stage": "quick_scan_processing",
        "validation_status": "pending",
    }
    api = await client_for(
        aiohttp_client, lambda: problem(409, "scan-in-flight", retry_after=5, headers={"Retry-After": "5"}, **state)
    )
    resp = await api.post(f"/api/v1/children/child-42/documents/{DOC_ID}/rescan")
    assert (await resp.json())["retry_after"] == 5

    api = await client_for(aiohttp_client, lambda: problem(409, "scan-in-flight"))
    with pytest.raises(ContractError, match="is not valid under any of the given schemas"):
        await api.post(f"/api/v1/children/child-42/documents/{DOC_ID}/rescan")

    api = await client_for(
        aiohttp_client, lambda: problem(409, "scan-in-flight", headers={"Retry-After": "soon"}, **state)
    )
    with pytest.raises(ContractError, match="Retry-After"):
        await api.post(f"/api/v1/children/child-42/documents/{DOC_ID}/rescan")


async def test_problem_status_must_match(aiohttp_client: Any) -> None:
    api = await client_for(aiohttp_client, lambda: problem(404, "not-found", http_status=400))
    with pytest.raises(ContractError, match="differs from the HTTP status 400"):
        await api.get(SCAN_PATH)


async def test_unauthorized_needs_challenge(aiohttp_client: Any) -> None:
    api = await client_for(aiohttp_client, lambda: problem(401, "unauthorized"))
    with pytest.raises(ContractError, match="WWW-Authenticate"):
        await api.get("/api/v1/children/child-42/documents")

    api = await client_for(
        aiohttp_client, lambda: problem(401, "unauthorized", headers={"WWW-Authenticate": 'Bearer realm="docscan"'})
    )
    assert (await api.get("/api/v1/children/child-42/documents")).status == 401


async def test_unknown_route_and_wrong_method(aiohttp_client: Any) -> None:
    # aiohttp's own plain-text 404/405 are not problems
    api = await client_for(aiohttp_client, lambda: problem(404, "not-found"))
    with pytest.raises(ContractError, match="not application/problem\\+json"):
        await api.get("/nowhere")
    with pytest.raises(ContractError, match="not application/problem\\+json"):
        await api.delete("/healthz")

    @web.middleware
    async def problems(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except web.HTTPException as exc:
            slug = {404: "not-found", 405: "method-not-allowed"}[exc.status]
            return problem(exc.status, slug)

    async def healthy(request: web.Request) -> web.Response:
        return ok({"status": "ok"})

    app = make_app(healthy)
    app.middlewares.append(problems)
    api = validated(await aiohttp_client(app))
    assert (await api.get("/nowhere")).status == 404
    assert (await api.delete("/healthz")).status == 405
    assert (await api.get("/healthz")).status == 200


async def test_check_response_directly(aiohttp_client: Any) -> None:
    api = await client_for(aiohttp_client, lambda: ok({"status": "ok"}))
    async with api.client.get("/healthz") as resp:
        await check_response(resp)
        assert await resp.json() == {"status": "ok"}
    async with api.client.get("/healthz") as resp:
        with pytest.raises(ContractError, match="'checks' is a required property"):
            await check_response(resp, request_url=str(resp.url).replace("/healthz", "/readyz"))
