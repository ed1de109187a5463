"""The contract as served (YAML and JSON), the interactive docs at /docs, and the problems' ``instance``."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import yaml

from service.scanner import TOPICS, UNKNOWN_TOPIC
from service.schemas import ISO_639_1
from tests.openapi_contract import SPEC_PATH

#: RFC 3986 relative-ref with a path only: pchar, "/" and complete percent-escapes
URI_PATH = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*")


async def test_the_contract_is_served_as_yaml_and_json(api: Any) -> None:
    as_yaml = await api.get("/openapi.yaml")
    assert as_yaml.status == 200
    assert as_yaml.headers["Content-Type"] == "application/yaml; charset=utf-8"
    assert await as_yaml.read() == SPEC_PATH.read_bytes()
    as_json = await api.get("/openapi.json")
    assert as_json.status == 200
    assert as_json.headers["Content-Type"].startswith("application/json")
    assert await as_json.json() == yaml.safe_load(SPEC_PATH.read_bytes())


async def test_docs_are_served_offline_without_a_token(api: Any) -> None:
    page = await api.client.get("/docs")
    assert page.status == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    html = await page.text()
    assert "http:" not in html and "https:" not in html and "//" not in html.replace("<!DOCTYPE html>", "")
    referenced = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/docs/init.js" in referenced and "/docs/assets/swagger-ui-bundle.js" in referenced
    for path in referenced:
        asset = await api.client.get(path)
        assert asset.status == 200, path
        assert len(await asset.read()) > 100, path
    init = await (await api.client.get("/docs/init.js")).text()
    assert 'url: "/openapi.json"' in init
    bundle = await (await api.client.get("/docs/assets/swagger-ui-bundle.js")).text()
    assert "SwaggerUIBundle" in bundle


@pytest.mark.parametrize("path", ["/docs/assets/swagger-editor.js", "/docs/assets/..%2Fcore.py", "/docs/assets/x"])
async def test_only_the_docs_assets_are_served(api: Any, path: str) -> None:
    resp = await api.get(path)
    assert resp.status == 404


@pytest.mark.parametrize(
    ("raw_path", "instance"),
    [
        ("/api/v1/children/%C2%84/documents", "/api/v1/children/%C2%84/documents"),
        ("/api/v1/children/a%20b/documents?limit=%00", "/api/v1/children/a%20b/documents"),
        ("/api/v1/children/%zz/documents", "/api/v1/children/%25zz/documents"),
        ("/api/v1/children/ü[1]/documents", "/api/v1/children/%C3%BC%5B1%5D/documents"),
    ],
)
async def test_instance_is_a_uri_reference_without_the_query(
    api: Any, auth: dict[str, str], raw_path: str, instance: str
) -> None:
    resp = await api.client.get(raw_path, headers=auth)
    assert resp.status in (400, 404)
    body = await resp.json(content_type="application/problem+json")
    assert body["instance"] == instance
    assert URI_PATH.fullmatch(body["instance"])


def test_confirmable_languages_are_the_ones_the_server_accepts() -> None:
    spec = yaml.safe_load(SPEC_PATH.read_bytes())
    language = spec["components"]["schemas"]["ConfirmScanRequest"]["properties"]["language"]
    assert set(language["enum"]) == ISO_639_1


def test_topics_in_the_contract_are_the_scanners() -> None:
    schemas = yaml.safe_load(SPEC_PATH.read_bytes())["components"]["schemas"]
    assert schemas["Topic"]["enum"] == list(TOPICS)
    assert schemas["KnownTopic"]["enum"] == [*TOPICS, UNKNOWN_TOPIC]


def test_every_problem_subtype_declares_what_it_requires() -> None:
    schemas = yaml.safe_load(SPEC_PATH.read_bytes())["components"]["schemas"]
    subtypes = {name: s for name, s in schemas.items() if name.endswith("Problem") and name != "Problem"}
    assert len(subtypes) >= 9
    for name, schema in subtypes.items():
        base, own = schema["allOf"]
        assert base == {"$ref": "#/components/schemas/Problem"}, name
        assert own["properties"], name
        assert set(own.get("required", [])) <= set(own["properties"]), name
    assert json.dumps(schemas["Problem"]).count("scan_status") == 0  # members live with their problem types


async def test_conditions_the_contract_bounds_are_400(api: Any, auth: dict[str, str], stored_doc: Any) -> None:
    doc = await stored_doc(scan_status="ready", pipeline_stage="awaiting_validation")
    scan = f"/api/v1/children/child-1/documents/{doc['_id']}/scan"
    long = await api.get(scan, headers={**auth, "If-None-Match": '"' + "a" * 1023 + '"'})
    assert long.status == 400
    assert (await api.get(scan, headers={**auth, "If-None-Match": '"' + "a" * 1022 + '"'})).status == 200
    confirm = f"/api/v1/children/child-1/documents/{doc['_id']}/confirm-scan"
    for if_match in (",", '"a", "b"', "abc", '"a.b.c"', '"' + "a" * 65 + '"'):
        resp = await api.post(
            confirm, headers={**auth, "If-Match": if_match}, json={"topic": "music", "language": "en"}
        )
        assert resp.status == 400, if_match
        assert (await resp.json(content_type="application/problem+json"))["type"].endswith("invalid-parameter")
    assert (await api.get(scan, headers=auth)).status == 200  # nothing was confirmed
    stored = await api.get(f"/api/v1/children/child-1/documents/{doc['_id']}", headers=auth)
    assert (await stored.json())["scan"]["validation_status"] == "pending"
