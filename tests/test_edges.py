"""The web server at its edges, through a real socket: slow and vanished clients, what aiohttp rejects, the upload
cap, the graceful shutdown, and log lines that requests cannot forge.

The server is the one ``python -m service`` runs (``service.server.WebServer``), on the test app.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from arq.connections import ArqRedis

from service.app import create_app
from service.keys import lifecycle_key
from service.logs import JsonFormatter, RequestIdFilter, TextFormatter
from service.metrics import Metrics
from service.server import WebServer
from service.settings import Settings
from tests.helpers import CHILD
from tests.real.harness import parse_metrics

# The web process runs on the loop EVENT_LOOP names: these edges hold on each of them.
pytestmark = pytest.mark.every_loop

UPLOAD_PATH = f"/api/v1/children/{CHILD}/documents"
BOUNDARY = "docscan-edge-boundary"
#: generous bound on one exchange; a wait that hits it fails the test
DEADLINE = 20.0


# -- a raw HTTP client --


class Response:
    """A parsed HTTP/1.1 response."""

    def __init__(self, raw: bytes) -> None:
        head, _, self.body = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        self.status = int(lines[0].split()[1])
        self.headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}

    def problem(self) -> dict[str, Any]:
        assert self.headers["content-type"].startswith("application/problem+json"), self.headers
        body: dict[str, Any] = json.loads(self.body)
        assert body["status"] == self.status
        assert body["type"].startswith("urn:docscan:problem:")
        assert body["request_id"] == self.headers["x-request-id"]
        return body


class Connection:
    """One TCP connection to the server, written to by hand."""

    #: every connection a test opened, closed after it
    opened: list[Connection] = []

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        connection = cls(reader, writer)
        cls.opened.append(connection)
        return connection

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def trickle(self, data: bytes, chunk: int, interval: float) -> None:
        """Send ``data`` slowly, as a client on a bad network does (the pause is the client's, not a wait)."""
        for start in range(0, len(data), chunk):
            await self.send(data[start : start + chunk])
            await asyncio.sleep(interval)

    async def response(self) -> Response:
        """Read one response (its headers, then ``Content-Length`` bytes of body)."""
        async with asyncio.timeout(DEADLINE):
            try:
                head = await self.reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError as exc:
                raise AssertionError(f"the server closed the connection without an answer: {exc.partial!r}") from None
            length = Response(head).headers.get("content-length", "0")
            body = await self.reader.readexactly(int(length))
        return Response(head + body)

    async def closed_by_server(self) -> bool:
        async with asyncio.timeout(DEADLINE):
            return await self.reader.read(-1) == b""

    def close(self) -> None:
        self.writer.close()


async def close_connections() -> None:
    """Close every connection a test opened, on the test's own event loop."""
    while Connection.opened:
        connection = Connection.opened.pop()
        connection.close()
        try:
            await connection.writer.wait_closed()
        except OSError:
            pass


def multipart(content: bytes, content_type: str = "text/plain") -> bytes:
    return (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="notes.txt"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


def upload_head(auth: dict[str, str], length: int, path: str = UPLOAD_PATH) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: docscan\r\nAuthorization: {auth['Authorization']}\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {length}\r\n\r\n"
    ).encode()


def text_of(size: int) -> bytes:
    line = b"Fractions and decimals: add 1/4 and 2/4, then simplify. "
    return (line * (size // len(line) + 1))[:size]


# -- the server --


@pytest.fixture
async def serve(
    settings: Settings, db: Any, arq_pool: ArqRedis, metrics: Metrics
) -> AsyncIterator[Callable[..., Awaitable[WebServer]]]:
    """``await serve(**settings)`` starts the production web server on a free port with the test app."""
    started: list[WebServer] = []

    async def create(**changes: Any) -> WebServer:
        changes.setdefault("header_timeout_seconds", 30.0)
        changes.setdefault("body_idle_timeout_seconds", 30.0)
        edge_settings = settings.replace(host="127.0.0.1", port=0, **changes)
        server = WebServer(create_app(edge_settings, db=db, arq_pool=arq_pool, metrics=metrics), edge_settings)
        await server.start()
        started.append(server)
        return server

    yield create
    await close_connections()
    for server in started:
        if server.runner.server is not None:
            await server.runner.cleanup()


def samples(metrics: Metrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return parse_metrics(metrics.render().decode())


def count(metrics: Metrics, name: str, **labels: str) -> float:
    return samples(metrics).get((name, tuple(sorted(labels.items()))), 0.0)


async def poll(predicate: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.02)


def errors_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


# -- slow clients --


@pytest.mark.parametrize("sent", [b"", b"POST /api/v1/children/child-1/documents HTTP/1.1\r\nHost: d"])
async def test_headers_that_do_not_arrive_in_time_are_answered_408_and_the_connection_closes(
    serve: Any, metrics: Metrics, sent: bytes
) -> None:
    server = await serve(header_timeout_seconds=0.5)
    connection = await Connection.open(server.port)
    await connection.send(sent)
    response = await connection.response()
    assert response.status == 408
    assert response.problem()["type"] == "urn:docscan:problem:request-timeout"
    assert count(metrics, "docscan_http_rejected_total", reason="header_timeout") == 1


async def test_headers_trickling_in_are_bounded_too(serve: Any, metrics: Metrics) -> None:
    server = await serve(header_timeout_seconds=0.5)
    connection = await Connection.open(server.port)
    head = b"GET /healthz HTTP/1.1\r\nHost: docscan\r\n" + b"X-Slow: " + b"a" * 400
    sending = asyncio.ensure_future(connection.trickle(head, 1, 0.05))
    response = await connection.response()
    sending.cancel()
    assert response.status == 408


async def test_a_body_that_stops_arriving_is_answered_408(
    serve: Any, metrics: Metrics, auth: dict[str, str], db: Any
) -> None:
    server = await serve(body_idle_timeout_seconds=0.5)
    body = multipart(text_of(200_000))
    connection = await Connection.open(server.port)
    await connection.send(upload_head(auth, len(body)) + body[:50_000])
    response = await connection.response()
    assert response.status == 408
    assert response.problem()["type"] == "urn:docscan:problem:request-timeout"
    assert count(metrics, "docscan_http_rejected_total", reason="body_timeout") == 1
    assert count(metrics, "docscan_http_requests_total", method="POST", route="upload_document", status="408") == 1
    assert await db.documents.count_documents({}) == 0


async def test_a_slow_upload_that_keeps_moving_succeeds(serve: Any, auth: dict[str, str]) -> None:
    server = await serve(body_idle_timeout_seconds=0.5)
    body = multipart(text_of(30_000))
    connection = await Connection.open(server.port)
    await connection.send(upload_head(auth, len(body)))
    # About 1.5 s in all, three times the idle limit, but never 0.5 s without a byte.
    await connection.trickle(body, 2_000, 0.1)
    response = await connection.response()
    assert response.status == 201, response.body


async def test_a_client_that_disconnects_mid_upload_is_counted_not_logged_as_an_error(
    serve: Any, metrics: Metrics, auth: dict[str, str], db: Any, caplog: pytest.LogCaptureFixture
) -> None:
    server = await serve()
    body = multipart(text_of(500_000))
    connection = await Connection.open(server.port)
    await connection.send(upload_head(auth, len(body)) + body[:100_000])
    connection.close()
    await poll(
        lambda: (
            count(metrics, "docscan_http_requests_total", method="POST", route="upload_document", status="499") == 1
        ),
        "the dropped upload to be counted",
    )
    assert count(metrics, "docscan_http_requests_total", method="POST", route="upload_document", status="500") == 0
    assert errors_logged(caplog) == []
    assert await db.documents.count_documents({}) == 0


async def test_uploads_beyond_the_cap_answer_503_with_retry_after(
    serve: Any, auth: dict[str, str], metrics: Metrics
) -> None:
    server = await serve(max_uploads_in_flight=1)
    body = multipart(text_of(100_000))
    first = await Connection.open(server.port)
    await first.send(upload_head(auth, len(body)) + body[:10_000])
    await poll(lambda: server.app[lifecycle_key].uploads == 1, "the first upload to be in flight")

    second = await Connection.open(server.port)
    await second.send(upload_head(auth, len(body)) + body)
    refused = await second.response()
    assert refused.status == 503
    assert refused.problem()["retry_after"] == int(refused.headers["retry-after"]) > 0

    await first.send(body[10_000:])
    assert (await first.response()).status == 201
    third = await Connection.open(server.port)
    await third.send(upload_head(auth, len(body)) + body)
    assert (await third.response()).status == 201


# -- what aiohttp rejects before the app sees it --

SECRET_LOOKING = b"eyJhbGciOiJIUzI1NiJ9.secret-token-prefix"


@pytest.mark.parametrize(
    "request_bytes,status,slug",
    [
        (
            b"GET /healthz HTTP/1.1\r\nHost: d\r\nAuthorization: Bearer " + SECRET_LOOKING * 250 + b"\r\n\r\n",
            431,
            "header-too-large",
        ),
        (b"GET /" + SECRET_LOOKING * 250 + b" HTTP/1.1\r\nHost: d\r\n\r\n", 414, "uri-too-long"),
        (b"GET /healthz HTTP/1.1\r\nHost: d\r\nX-Token: " + SECRET_LOOKING + b"\x00\r\n\r\n", 400, "bad-request"),
        (b"PROPFIND" + SECRET_LOOKING + b" /healthz HTTP/1.1\r\nHost: d\r\n\r\n", 400, "bad-request"),
        (
            b"GET /healthz HTTP/1.1\r\nHost: d\r\n" + b"".join(b"X-%d: a\r\n" % i for i in range(200)) + b"\r\n",
            431,
            "header-too-large",
        ),
        (b"GET /healthz HTTP/1.1\r\nHost: d\r\nExpect: " + SECRET_LOOKING + b"\r\n\r\n", 417, "expectation-failed"),
    ],
    ids=["long-header", "long-url", "nul-in-header", "unknown-method", "too-many-headers", "bad-expect"],
)
async def test_requests_aiohttp_rejects_get_a_problem_that_quotes_nothing(
    serve: Any, metrics: Metrics, caplog: pytest.LogCaptureFixture, request_bytes: bytes, status: int, slug: str
) -> None:
    server = await serve()
    connection = await Connection.open(server.port)
    await connection.send(request_bytes)
    response = await connection.response()
    assert response.status == status
    problem = response.problem()
    assert problem["type"] == f"urn:docscan:problem:{slug}"
    assert "instance" not in problem
    assert b"secret-token" not in response.body and b"secret-token" not in response.body.lower()
    assert "secret-token" not in caplog.text
    assert errors_logged(caplog) == []


async def test_a_malformed_multipart_body_does_not_quote_the_parser(serve: Any, auth: dict[str, str]) -> None:
    server = await serve()
    body = (
        b"--elsewhere\r\nContent-Disposition: form-data; name=file\r\n\r\n" + SECRET_LOOKING + b"\r\n--elsewhere--\r\n"
    )
    connection = await Connection.open(server.port)
    await connection.send(upload_head(auth, len(body)) + body)
    response = await connection.response()
    assert response.status == 400
    assert response.problem()["type"] == "urn:docscan:problem:malformed-body"
    assert b"secret-token" not in response.body and b"elsewhere" not in response.body


# -- shutdown --


async def get(port: int, path: str) -> Response:
    connection = await Connection.open(port)
    await connection.send(f"GET {path} HTTP/1.1\r\nHost: docscan\r\nConnection: close\r\n\r\n".encode())
    return await connection.response()


async def test_on_stop_readiness_fails_first_and_an_upload_in_flight_completes(
    serve: Any, auth: dict[str, str], db: Any
) -> None:
    server = await serve(shutdown_grace_seconds=10.0, shutdown_drain_seconds=0.5)
    port = server.port
    body = multipart(text_of(40_000))
    connection = await Connection.open(port)
    await connection.send(upload_head(auth, len(body)))
    sending = asyncio.ensure_future(connection.trickle(body, 2_000, 0.1))

    stopping = asyncio.ensure_future(server.stop())
    readiness = await get(port, "/readyz")
    assert readiness.status == 503
    assert json.loads(readiness.body)["status"] == "stopping"

    response = await connection.response()
    await sending
    assert response.status == 201, response.body
    assert response.headers.get("connection", "").lower() == "close"
    assert await stopping == 0
    assert await db.documents.count_documents({}) == 1
    with pytest.raises(OSError):
        await Connection.open(port)


async def test_idle_keep_alive_connections_close_when_the_drain_ends(serve: Any, auth: dict[str, str]) -> None:
    """A client's pooled connection must not stay open, unread, while requests in flight finish: a request sent
    on it then would wait for the end of the grace and never be answered."""
    server = await serve(shutdown_grace_seconds=30.0, shutdown_drain_seconds=0.2)
    idle = await Connection.open(server.port)
    await idle.send(b"GET /healthz HTTP/1.1\r\nHost: docscan\r\n\r\n")
    assert (await idle.response()).status == 200
    body = multipart(text_of(1_000_000))
    busy = await Connection.open(server.port)
    await busy.send(upload_head(auth, len(body)))
    await busy.send(body[:1_000])
    await poll(lambda: server.app[lifecycle_key].uploads == 1, "the upload to be in flight")

    stopping = asyncio.ensure_future(server.stop())
    # Closed by the server while the upload is still in flight (the stop waits for it).
    assert await asyncio.wait_for(idle.reader.read(-1), DEADLINE) == b""
    assert not stopping.done()
    assert server.app[lifecycle_key].uploads == 1
    await busy.send(body[1_000:])
    response = await busy.response()
    assert response.status == 201, response.body
    assert await stopping == 0


async def test_an_upload_that_cannot_finish_within_the_grace_is_answered_503(
    serve: Any, auth: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    server = await serve(shutdown_grace_seconds=2.0, shutdown_drain_seconds=0.2)
    body = multipart(text_of(1_000_000))
    connection = await Connection.open(server.port)
    await connection.send(upload_head(auth, len(body)))
    sending = asyncio.ensure_future(connection.trickle(body, 1_000, 0.05))
    await poll(lambda: server.app[lifecycle_key].uploads == 1, "the upload to be in flight")

    interrupted = await server.stop()
    response = await connection.response()
    sending.cancel()
    assert interrupted == 1
    assert response.status == 503
    problem = response.problem()
    assert problem["type"] == "urn:docscan:problem:service-unavailable"
    assert int(response.headers["retry-after"]) > 0
    assert errors_logged(caplog) == []


# -- logs --


@pytest.mark.parametrize("formatter", [TextFormatter(), JsonFormatter()], ids=["text", "json"])
async def test_a_newline_in_the_url_cannot_forge_a_log_line(serve: Any, formatter: logging.Formatter) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    handler.addFilter(RequestIdFilter())
    access = logging.getLogger("service.access")
    access.addHandler(handler)
    previous = access.level
    access.setLevel(logging.INFO)
    try:
        server = await serve()
        response = await get(server.port, "/healthz%0A2026-01-01%20ERROR%20forged%0D%E2%80%A8x")
        assert response.status == 404
    finally:
        access.removeHandler(handler)
        access.setLevel(previous)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1, lines
    assert "forged" in lines[0] and "\\n" in lines[0]


async def test_a_failing_readiness_check_logs_why(
    aiohttp_client: Any, settings: Settings, db: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    pool = ArqRedis(host="127.0.0.1", port=closed_port)
    client = await aiohttp_client(create_app(settings, db=db, arq_pool=pool))
    response = await client.get("/readyz")
    assert response.status == 503
    [line] = [r.getMessage() for r in caplog.records if "readiness check" in r.getMessage()]
    assert line.startswith("readiness check redis failed: ConnectionError") and str(closed_port) in line
    await pool.aclose()
