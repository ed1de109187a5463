"""The optional hosted engine: local text extraction, then an OpenAI-compatible chat-completions model."""

from __future__ import annotations

import asyncio
import json
import logging
import math
from typing import Any

import aiohttp

from service.catalog import MAX_ALTERNATIVES, SCAN_LANGUAGES, TOPICS, UNDETERMINED, UNKNOWN_TOPIC
from service.settings import ScannerSettings

from .local import LocalScanner
from .result import (
    Alternative,
    ProviderError,
    ScanResult,
    TransientScanError,
)

logger = logging.getLogger(__name__)

#: Characters of the document sent to the provider; the topic is clear long before and tokens cost money.
MAX_PROMPT_CHARACTERS = 8000
BACKOFF_SECONDS = 0.5

SYSTEM_PROMPT = (
    "You classify school material that a parent uploaded for a child. Answer with one JSON object only: "
    '{"topic": T, "language": L, "confidence": C, "alternatives": [{"topic": T, "language": L, '
    '"confidence": C}]}. T is one of: ' + ", ".join(TOPICS) + ", unknown. "
    "language_literature is the child's own school language (reading, grammar, spelling, poems); "
    "foreign_language is a language being learnt (vocabulary lists, translation exercises). "
    "L is an ISO 639-1 code among " + ", ".join(SCAN_LANGUAGES) + ", or und when the text is too short or "
    "mixed. C is between 0 and 1 and low when the evidence is weak. Give at most 3 alternatives, best first."
)


def _clamp(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return 0.0
    return round(max(0.0, min(1.0, float(value))), 4)


def _topic(value: Any) -> str:
    return value if isinstance(value, str) and value in TOPICS else UNKNOWN_TOPIC


def _language(value: Any) -> str:
    if isinstance(value, str) and value.lower() in SCAN_LANGUAGES:
        return value.lower()
    return UNDETERMINED


def parse_answer(body: Any) -> tuple[str, str, float, tuple[Alternative, ...]]:
    """Validate a chat-completions response and return topic, language, confidence and alternatives.

    :param body: the decoded JSON response of the provider
    """
    try:
        content = body["choices"][0]["message"]["content"]
        answer = json.loads(content)
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise ProviderError(detail=f"unusable provider answer: {exc!r}") from exc
    if not isinstance(answer, dict):
        raise ProviderError(detail="provider answer is not a JSON object")
    topic = _topic(answer.get("topic"))
    language = _language(answer.get("language"))
    confidence = _clamp(answer.get("confidence")) if topic != UNKNOWN_TOPIC else 0.0
    alternatives: list[Alternative] = []
    raw_alternatives = answer.get("alternatives")
    for item in raw_alternatives if isinstance(raw_alternatives, list) else []:
        if not isinstance(item, dict):
            continue
        other = _topic(item.get("topic"))
        if other in (UNKNOWN_TOPIC, topic) or any(existing.topic == other for existing in alternatives):
            continue
        alternatives.append(
            Alternative(other, _language(item.get("language")), min(_clamp(item.get("confidence")), confidence or 1.0))
        )
        if len(alternatives) == MAX_ALTERNATIVES:
            break
    return topic, language, confidence, tuple(alternatives)


class HostedScanner:
    """Extracts text locally and asks an OpenAI-compatible chat-completions API for topic and language.

    :param settings: provider URL, model, key, retries and the scan time limit
    :param tesseract_cmd: the tesseract executable used for extraction
    """

    name = "hosted"

    def __init__(self, settings: ScannerSettings, *, tesseract_cmd: str = "tesseract") -> None:
        if not settings.hosted_url or not settings.hosted_model:
            raise ValueError("the hosted scan engine needs hosted_url and hosted_model")
        self._settings = settings
        self._url = settings.hosted_url.rstrip("/") + "/chat/completions"
        self._local = LocalScanner(settings, tesseract_cmd=tesseract_cmd)
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            headers = {"Content-Type": "application/json"}
            if self._settings.hosted_api_key:
                headers["Authorization"] = f"Bearer {self._settings.hosted_api_key}"
            self._session = aiohttp.ClientSession(headers=headers)
        return self._session

    async def scan(self, content: bytes, content_type: str, filename: str) -> ScanResult:
        """Read the file locally and classify its text with the hosted model.

        :param content: the file's bytes
        :param content_type: the media type
        :param filename: the name the parent gave the file
        """
        extracted = await self._local.extract(content, content_type, filename)
        text = extracted.text.strip()
        alternatives: tuple[Alternative, ...] = ()
        if sum(1 for char in text if char.isalpha()) == 0:
            topic, language, confidence = UNKNOWN_TOPIC, UNDETERMINED, 0.0
        else:
            topic, language, confidence, alternatives = await self._ask(text[:MAX_PROMPT_CHARACTERS], filename)
        return ScanResult(
            topic=topic,
            language=language,
            confidence=confidence,
            alternatives=alternatives,
            model=f"hosted/{self._settings.hosted_model}",
            pages=extracted.pages,
            characters=len(extracted.text),
            input_kind=extracted.input_kind,
        )

    async def _ask(self, text: str, filename: str) -> tuple[str, str, float, tuple[Alternative, ...]]:
        payload = {
            "model": self._settings.hosted_model,
            "temperature": 0,
            "response_format": {"type": "json_object"},
            "messages": [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": text}],
        }
        attempts = max(1, self._settings.hosted_retries)
        timeout = aiohttp.ClientTimeout(total=self._settings.timeout)
        problem = ""
        for attempt in range(1, attempts + 1):
            try:
                async with self._client().post(self._url, json=payload, timeout=timeout) as response:
                    if response.status == 429 or response.status >= 500:
                        problem = f"HTTP {response.status}"
                    elif response.status >= 400:
                        detail = (await response.text())[:300]
                        raise ProviderError(detail=f"provider refused the request: HTTP {response.status} {detail}")
                    else:
                        try:
                            body = await response.json(content_type=None)
                        except ValueError as exc:
                            raise ProviderError(detail=f"provider answer is not JSON: {exc!r}") from exc
                        return parse_answer(body)
            except (TimeoutError, aiohttp.ClientError) as exc:
                problem = repr(exc)
            logger.warning("hosted scan of %r, attempt %d of %d failed: %s", filename, attempt, attempts, problem)
            if attempt < attempts:
                await asyncio.sleep(BACKOFF_SECONDS * 2 ** (attempt - 1))
        raise TransientScanError(f"hosted provider unavailable after {attempts} attempts: {problem}")

    async def start(self) -> None:
        """Start the sandbox that reads the files."""
        await self._local.start()

    async def close(self) -> None:
        """Close the HTTP session and the sandbox."""
        if self._session is not None:
            await self._session.close()
            self._session = None
        await self._local.close()
