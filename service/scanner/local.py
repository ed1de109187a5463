"""The local scan engine: extraction, language detection and the topic model, run off the event loop."""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from importlib import metadata

from service.catalog import MAX_ALTERNATIVES, UNDETERMINED, UNKNOWN_TOPIC
from service.settings import ScannerSettings

from .extract import Extracted, OcrConfig, extract, tesseract_version
from .language import LanguageGuess, detect_language, lingua_version
from .result import Alternative, ScanError, ScanResult, ScanTimeout
from .sandbox import ScanSandbox
from .topics import TopicModel

logger = logging.getLogger(__name__)

ENGINE_VERSION = "1"
#: When the language is undetermined the pair (topic, language) is at best this sure, and at least half of it.
UNDETERMINED_FACTOR = 0.4

_model: TopicModel | None = None


def topic_model() -> TopicModel:
    """Return the process-wide topic model, compiling the vocabularies on first use."""
    global _model
    if _model is None:
        _model = TopicModel()
    return _model


@lru_cache(maxsize=8)
def _version(package: str) -> str:
    # Looking a distribution up reads the disk: about a millisecond, as much as reading a text PDF.
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


def describe_model(extracted: Extracted, ocr: OcrConfig) -> str:
    """Return the engine name and the versions of everything that read the file, for the audit trail.

    :param extracted: what was read and how
    :param ocr: the Tesseract configuration used
    """
    parts = [TopicModel.version, f"lingua {lingua_version()}"]
    if extracted.input_kind in ("text_pdf", "scanned_pdf"):
        parts.append(f"pypdf {_version('pypdf')}")
    if extracted.ocr:
        parts.append(f"tesseract {tesseract_version(ocr.command)}")
    return f"docscan-local/{ENGINE_VERSION} ({', '.join(parts)})"


def classify(extracted: Extracted, model_name: str) -> ScanResult:
    """Suggest topic and language for extracted text.

    :param extracted: the text and how it was read
    :param model_name: what to record as the engine
    """
    text = extracted.text
    guess: LanguageGuess = detect_language(text)
    ranking = topic_model().rank(text, guess.language, guess.secondary_share)
    if guess.language == UNDETERMINED:
        language_factor = UNDETERMINED_FACTOR * max(0.5, min(1.0, guess.confidence / 0.5))
    else:
        language_factor = guess.confidence
    alternatives: tuple[Alternative, ...] = ()
    if ranking.topic is None:
        topic, confidence = UNKNOWN_TOPIC, 0.0
    else:
        topic = ranking.topic
        confidence = ranking.confidence * language_factor
        shrink = ranking.confidence / ranking.ranking[0][1]
        alternatives = tuple(
            Alternative(other, guess.language, round(probability * shrink * language_factor, 4))
            for other, probability in ranking.ranking[1 : 1 + MAX_ALTERNATIVES]
        )
    return ScanResult(
        topic=topic,
        language=guess.language,
        confidence=round(max(0.0, min(1.0, confidence)), 4),
        alternatives=alternatives,
        model=model_name,
        pages=extracted.pages,
        characters=len(text),
        input_kind=extracted.input_kind,
    )


def scan_now(
    content: bytes, content_type: str, filename: str, *, ocr: OcrConfig | None = None, deadline: float | None = None
) -> ScanResult:
    """Scan a file in the calling thread with the local engine, outside the sandbox (trusted files: tests, benchmarks).

    :param content: the file's bytes
    :param content_type: the media type
    :param filename: the name the parent gave the file (only logged)
    :param ocr: how to call Tesseract; the default finds it on PATH
    :param deadline: ``time.monotonic()`` value at which the scan gives up; none means 30 seconds
    """
    ocr = ocr or OcrConfig()
    deadline = deadline if deadline is not None else time.monotonic() + 30.0
    extracted = extract(content, content_type, ocr, deadline)
    if time.monotonic() > deadline:
        raise ScanTimeout(detail="deadline passed after extraction")
    result = classify(extracted, describe_model(extracted, ocr))
    logger.debug("scanned %r: %s/%s %.2f", filename, result.topic, result.language, result.confidence)
    return result


class LocalScanner:
    """Reads files in the scan sandbox (child processes with memory, CPU and time limits), then suggests topic
    and language with lingua and the built-in topic model in this process, from the text alone.

    :param settings: time limit, memory limit, processes and OCR page limit
    :param tesseract_cmd: the tesseract executable
    """

    name = "local"

    def __init__(self, settings: ScannerSettings, *, tesseract_cmd: str = "tesseract") -> None:
        self._ocr = OcrConfig(command=tesseract_cmd, max_pages=settings.ocr_max_pages)
        self.sandbox = ScanSandbox(
            processes=settings.processes, memory_mb=settings.memory_mb, timeout=settings.timeout, ocr=self._ocr
        )
        # The text is bounded (MAX_CHARACTERS), so classifying it takes milliseconds; a thread keeps the loop free.
        self._executor = ThreadPoolExecutor(max_workers=settings.processes, thread_name_prefix="classify")

    @property
    def ocr(self) -> OcrConfig:
        """Return how this engine calls Tesseract."""
        return self._ocr

    async def start(self) -> None:
        """Start the sandbox's processes now rather than on the first scan."""
        await self.sandbox.start()

    async def extract(self, content: bytes, content_type: str, filename: str) -> Extracted:
        """Read a file's text in the sandbox, within the limits.

        :param content: the file's bytes
        :param content_type: the media type
        :param filename: the name the parent gave the file
        """
        outcome = await self.sandbox.extract(content, content_type, filename)
        if outcome.extracted is None:  # the sandbox raises for every failed outcome; this is a broken promise
            raise ScanError(detail="the sandbox returned neither text nor an error")
        return outcome.extracted

    async def scan(self, content: bytes, content_type: str, filename: str) -> ScanResult:
        """Read a file in the sandbox and suggest its topic and language.

        :param content: the file's bytes
        :param content_type: the media type
        :param filename: the name the parent gave the file
        """
        extracted = await self.extract(content, content_type, filename)
        loop = asyncio.get_running_loop()
        try:
            result = await loop.run_in_executor(
                self._executor, classify, extracted, describe_model(extracted, self._ocr)
            )
        except Exception as exc:
            logger.exception("unexpected failure classifying %r", filename)
            raise ScanError(detail=repr(exc)) from exc
        logger.debug("scanned %r: %s/%s %.2f", filename, result.topic, result.language, result.confidence)
        return result

    async def close(self) -> None:
        """Stop the sandbox's processes and the classification threads."""
        await self.sandbox.close()
        self._executor.shutdown(wait=False, cancel_futures=True)
