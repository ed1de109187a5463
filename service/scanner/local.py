"""The local scan engine: extraction, language detection and the topic model, run off the event loop."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from typing import TypeVar

from service.catalog import MAX_ALTERNATIVES, UNDETERMINED, UNKNOWN_TOPIC
from service.settings import ScannerSettings

from .extract import Extracted, OcrConfig, extract, tesseract_version
from .language import LanguageGuess, detect_language, lingua_version
from .result import Alternative, ScanError, ScanResult, ScanTimeout
from .topics import TopicModel

logger = logging.getLogger(__name__)

ENGINE_VERSION = "1"
#: When the language is undetermined the pair (topic, language) is at best this sure, and at least half of it.
UNDETERMINED_FACTOR = 0.4

_model: TopicModel | None = None
_T = TypeVar("_T")


def topic_model() -> TopicModel:
    """Return the process-wide topic model, compiling the vocabularies on first use."""
    global _model
    if _model is None:
        _model = TopicModel()
    return _model


def _version(package: str) -> str:
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
    """Scan a file in the calling thread with the local engine.

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


def _call_soon(loop: asyncio.AbstractEventLoop, callback: Callable[[], object]) -> None:
    try:
        loop.call_soon_threadsafe(callback)
    except RuntimeError:
        pass  # the loop is closed: nobody waits for the slot any more


class LocalScanner:
    """Scans with pypdf, Tesseract, lingua and the built-in topic model, in a bounded thread pool.

    :param settings: timeout and OCR page limit
    :param tesseract_cmd: the tesseract executable
    :param workers: scans that may run at the same time (default: ``settings.threads``)
    """

    name = "local"

    def __init__(self, settings: ScannerSettings, *, tesseract_cmd: str = "tesseract", workers: int = 0) -> None:
        workers = workers or settings.threads
        self._timeout = settings.timeout
        self._ocr = OcrConfig(command=tesseract_cmd, max_pages=settings.ocr_max_pages)
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="scan")
        # A scan's time limit starts when a thread is free for it, not while it waits for one.
        self._slots = asyncio.Semaphore(workers)

    @property
    def ocr(self) -> OcrConfig:
        """Return how this engine calls Tesseract."""
        return self._ocr

    async def extract(self, content: bytes, content_type: str, filename: str) -> Extracted:
        """Read a file's text off the event loop, within the time limit.

        :param content: the file's bytes
        :param content_type: the media type
        :param filename: the name the parent gave the file
        """
        return await self._run(lambda deadline: extract(content, content_type, self._ocr, deadline), filename)

    async def scan(self, content: bytes, content_type: str, filename: str) -> ScanResult:
        """Scan a file off the event loop, within the time limit.

        :param content: the file's bytes
        :param content_type: the media type
        :param filename: the name the parent gave the file
        """
        return await self._run(
            lambda deadline: scan_now(content, content_type, filename, ocr=self._ocr, deadline=deadline), filename
        )

    async def _run(self, call: Callable[[float], _T], filename: str) -> _T:
        """Run ``call(deadline)`` on a free engine thread; the time limit starts once it has one."""
        loop = asyncio.get_running_loop()
        await self._slots.acquire()
        deadline = time.monotonic() + self._timeout
        try:
            work = self._executor.submit(call, deadline)
        except BaseException:
            self._slots.release()
            raise
        # The slot is free when the thread is, not when the caller stops waiting (a cancelled or timed-out
        # scan keeps its thread until the deadline): a later scan must not queue behind it on the clock.
        work.add_done_callback(lambda _: _call_soon(loop, self._slots.release))
        try:
            async with asyncio.timeout(self._timeout):
                return await asyncio.wrap_future(work)
        except TimeoutError:
            # The thread notices the deadline at its next check and Tesseract is killed at it.
            logger.warning("scan of %r passed its %.1f s limit", filename, self._timeout)
            raise ScanTimeout(detail=f"over {self._timeout} s") from None
        except ScanError:
            raise
        except Exception as exc:
            logger.exception("unexpected failure scanning %r", filename)
            raise ScanError(detail=repr(exc)) from exc

    async def close(self) -> None:
        """Stop the thread pool; scans still running finish at their deadline."""
        self._executor.shutdown(wait=False, cancel_futures=True)
