"""The hosted engine against a local server that speaks the chat-completions API."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from service.scanner import (
    TOPICS,
    UNDETERMINED,
    UNKNOWN_TOPIC,
    HostedScanner,
    LocalScanner,
    ProviderError,
    Scanner,
    TransientScanError,
    create_scanner,
)
from service.settings import ScannerSettings

ServerFactory = Callable[..., Awaitable[TestServer]]
Reply = Callable[[dict[str, Any]], Awaitable[web.StreamResponse]]

TEXT = (
    b"Long multiplication practice. Work out 346 x 27 using the column method and check your answer by "
    b"estimating first."
)


def _completion(content: str) -> web.Response:
    return web.json_response(
        {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        }
    )


def _answer(**fields: Any) -> web.Response:
    return _completion(json.dumps(fields))


class FakeProvider:
    """A chat-completions endpoint that answers from a script and records what it was sent."""

    def __init__(self, replies: list[Reply]) -> None:
        self.replies = replies
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Answer the next scripted reply."""
        body = await request.json()
        self.requests.append(body)
        self.headers.append(dict(request.headers))
        reply = self.replies[min(len(self.requests), len(self.replies)) - 1]
        return await reply(body)


@pytest.fixture
async def provider(
    aiohttp_server: ServerFactory,
) -> AsyncIterator[Callable[..., Awaitable[tuple[FakeProvider, HostedScanner]]]]:
    """Return a factory that starts a fake provider and a hosted engine pointed at it."""
    scanners: list[HostedScanner] = []

    async def start(replies: list[Reply], **settings: Any) -> tuple[FakeProvider, HostedScanner]:
        fake = FakeProvider(replies)
        app = web.Application()
        app.router.add_post("/v1/chat/completions", fake.handle)
        server = await aiohttp_server(app)
        options: dict[str, Any] = {
            "engine": "hosted",
            "hosted_url": str(server.make_url("/v1")),
            "hosted_model": "tiny-model",
            "hosted_api_key": "secret-key",
            "hosted_retries": 3,
            "timeout": 5.0,
        }
        options.update(settings)
        scanner = create_scanner(ScannerSettings(**options))
        assert isinstance(scanner, HostedScanner)
        scanners.append(scanner)
        return fake, scanner

    yield start
    for scanner in scanners:
        await scanner.close()


def _static(response: Callable[[], web.Response]) -> Reply:
    async def reply(_body: dict[str, Any]) -> web.StreamResponse:
        return response()

    return reply


GOOD = _static(
    lambda: _answer(
        topic="mathematics",
        language="en",
        confidence=0.91,
        alternatives=[
            {"topic": "science", "language": "en", "confidence": 0.05},
            {"topic": "astrology", "language": "en", "confidence": 0.02},
            {"topic": "computing", "language": "xx", "confidence": 7},
        ],
    )
)


async def test_local_engine_is_the_default() -> None:
    scanner: Scanner = create_scanner(ScannerSettings())
    try:
        assert isinstance(scanner, LocalScanner)
        assert scanner.name == "local"
    finally:
        await scanner.close()


async def test_hosted_answer_is_validated_and_recorded(provider: Any) -> None:
    fake, scanner = await provider([GOOD])
    result = await scanner.scan(TEXT, "text/plain", "sums.txt")
    assert (result.topic, result.language, result.confidence) == ("mathematics", "en", 0.91)
    assert [(a.topic, a.language) for a in result.alternatives] == [("science", "en"), ("computing", UNDETERMINED)]
    assert all(0.0 <= a.confidence <= result.confidence for a in result.alternatives)
    assert result.model == "hosted/tiny-model"
    assert (result.input_kind, result.pages, result.characters) == ("text", 1, len(TEXT))
    request = fake.requests[0]
    assert request["model"] == "tiny-model"
    assert request["temperature"] == 0
    assert request["response_format"] == {"type": "json_object"}
    assert all(topic in request["messages"][0]["content"] for topic in TOPICS)
    assert "346 x 27" in request["messages"][1]["content"]
    assert fake.headers[0]["Authorization"] == "Bearer secret-key"


async def test_server_error_is_retried(provider: Any) -> None:
    fake, scanner = await provider([_static(lambda: web.json_response({"error": "boom"}, status=500)), GOOD])
    result = await scanner.scan(TEXT, "text/plain", "sums.txt")
    assert result.topic == "mathematics"
    assert len(fake.requests) == 2


async def test_rate_limit_that_lasts_is_transient(provider: Any) -> None:
    fake, scanner = await provider(
        [_static(lambda: web.json_response({"error": "slow down"}, status=429))], hosted_retries=2
    )
    with pytest.raises(TransientScanError):
        await scanner.scan(TEXT, "text/plain", "sums.txt")
    assert len(fake.requests) == 2


async def test_refused_request_is_permanent(provider: Any) -> None:
    fake, scanner = await provider([_static(lambda: web.json_response({"error": "bad key"}, status=401))])
    with pytest.raises(ProviderError) as raised:
        await scanner.scan(TEXT, "text/plain", "sums.txt")
    assert raised.value.code == "provider_error"
    assert len(fake.requests) == 1


@pytest.mark.parametrize("content", ["this is not json", "[1, 2, 3]", ""])
async def test_malformed_answer_is_a_provider_error(provider: Any, content: str) -> None:
    _fake, scanner = await provider([_static(lambda: _completion(content))])
    with pytest.raises(ProviderError):
        await scanner.scan(TEXT, "text/plain", "sums.txt")


async def test_unknown_topic_and_wild_confidence_are_tamed(provider: Any) -> None:
    _fake, scanner = await provider([_static(lambda: _answer(topic="cooking", language="EN", confidence=3))])
    result = await scanner.scan(TEXT, "text/plain", "sums.txt")
    assert (result.topic, result.language, result.confidence) == (UNKNOWN_TOPIC, "en", 0.0)
    _fake, scanner = await provider([_static(lambda: _answer(topic="history", language="fr", confidence=3))])
    result = await scanner.scan(TEXT, "text/plain", "sums.txt")
    assert (result.topic, result.confidence) == ("history", 1.0)


async def test_provider_that_does_not_answer_in_time_is_transient(provider: Any) -> None:
    never = asyncio.Event()

    async def hang(_body: dict[str, Any]) -> web.StreamResponse:
        await never.wait()
        return _answer(topic="music")

    fake, scanner = await provider([hang], timeout=0.2, hosted_retries=2)
    with pytest.raises(TransientScanError):
        await scanner.scan(TEXT, "text/plain", "sums.txt")
    assert len(fake.requests) == 2


async def test_file_without_text_is_not_sent(provider: Any) -> None:
    fake, scanner = await provider([GOOD])
    result = await scanner.scan(b"12 + 5 = 17", "text/plain", "sums.txt")
    assert (result.topic, result.language) == (UNKNOWN_TOPIC, UNDETERMINED)
    assert fake.requests == []
