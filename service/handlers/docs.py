"""The contract (``/openapi.yaml``, ``/openapi.json``) and its interactive documentation at ``/docs``."""

from __future__ import annotations

import importlib.util
import json
import logging
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from aiohttp import web

from ..keys import spec_json_key, spec_key

logger = logging.getLogger(__name__)
routes = web.RouteTableDef()

#: Swagger UI's files we serve, by the name the page asks for, with their media type
ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "favicon-32x32.png": "image/png",
}
#: The page runs only scripts it loads from here: Swagger UI's bundle and our own initialiser, no inline code.
DOCS_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


def spec_as_json(spec_yaml: bytes) -> bytes:
    """The YAML contract as JSON, for clients and tools that read only JSON.

    :param spec_yaml: the text of openapi.yaml
    """
    document: Any = yaml.safe_load(spec_yaml)
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


@cache
def swagger_ui_dir() -> Path:
    """Where the swagger-ui-py package keeps Swagger UI's built files (found without importing the package)."""
    found = importlib.util.find_spec("swagger_ui")
    if found is None or found.origin is None:
        raise RuntimeError("the swagger-ui-py package is not installed")
    return Path(found.origin).parent / "static"


@routes.get("/openapi.yaml", name="openapi_yaml", allow_head=False)
async def openapi_yaml(request: web.Request) -> web.Response:
    return web.Response(body=request.app[spec_key], content_type="application/yaml", charset="utf-8")


@routes.get("/openapi.json", name="openapi_json", allow_head=False)
async def openapi_json(request: web.Request) -> web.Response:
    return web.Response(body=request.app[spec_json_key], content_type="application/json")


@routes.get("/docs", name="docs", allow_head=False)
async def docs(request: web.Request) -> web.Response:
    page = resources.files("service").joinpath("docs/index.html").read_bytes()
    return web.Response(
        body=page,
        content_type="text/html",
        charset="utf-8",
        headers={"Content-Security-Policy": DOCS_POLICY, "X-Content-Type-Options": "nosniff"},
    )


@routes.get("/docs/init.js", name="docs_init", allow_head=False)
async def docs_init(request: web.Request) -> web.Response:
    script = resources.files("service").joinpath("docs/init.js").read_bytes()
    return web.Response(body=script, content_type="text/javascript", charset="utf-8")


@routes.get("/docs/assets/{name}", name="docs_asset", allow_head=False)
async def docs_asset(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    if name not in ASSETS:
        raise web.HTTPNotFound()
    return web.FileResponse(
        swagger_ui_dir() / name,
        headers={"Content-Type": ASSETS[name], "Cache-Control": "public, max-age=86400"},
    )
