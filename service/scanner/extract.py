"""Text extraction from PDFs, photos and text files, with Tesseract for anything without a text layer."""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
import time
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import charset_normalizer
import pypdf
import pypdfium2  # type: ignore[import-untyped]
from PIL import Image
from pypdf.errors import LimitReachedError

from .budget import check_render_budget, pdf_limits
from .ocr import open_image, read_image
from .result import (
    CorruptContent,
    EmptyContent,
    EngineUnavailable,
    ScanTimeout,
    TooComplex,
    UnsupportedContent,
)

logger = logging.getLogger(__name__)

INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-fra tesseract-ocr-nld"
OCR_LANGUAGES: tuple[str, ...] = ("eng", "fra", "nld", "deu", "spa")
SUPPORTED_TYPES: frozenset[str] = frozenset({"application/pdf", "image/png", "image/jpeg", "image/webp", "text/plain"})

#: A text layer with fewer letters than this per page is treated as a scan (headers, page numbers only).
MIN_TEXT_LAYER_LETTERS = 40
#: Text beyond this is not read: the topic and language are settled long before.
MAX_CHARACTERS = 60_000
#: Text PDFs are read up to this many pages for the same reason.
MAX_TEXT_PAGES = 30
#: Scanned pages are rendered at this resolution, their longest side at most RENDER_MAX_SIDE pixels.
PDF_RENDER_DPI = 200
RENDER_MAX_SIDE = 3500


@dataclass(frozen=True)
class Extracted:
    """The text read from a file and how it was read."""

    text: str
    pages: int
    input_kind: str
    ocr: bool


@dataclass(frozen=True)
class OcrConfig:
    """How Tesseract is called.

    :param command: the tesseract executable, a name on PATH or a full path
    :param max_pages: pages of a scanned PDF that are recognised at most
    :param languages: Tesseract language packs to use when they are installed
    """

    command: str = "tesseract"
    max_pages: int = 3
    languages: tuple[str, ...] = OCR_LANGUAGES


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise ScanTimeout(detail="deadline passed during extraction")
    return left


def extract(content: bytes, content_type: str, ocr: OcrConfig, deadline: float) -> Extracted:
    """Read the text of a file, raising a ``ScanError`` for anything that cannot be read.

    :param content: the file's bytes
    :param content_type: the media type the web layer sniffed
    :param ocr: how to call Tesseract
    :param deadline: ``time.monotonic()`` value after which the work is abandoned
    """
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type not in SUPPORTED_TYPES:
        raise UnsupportedContent(detail=f"content type {content_type!r}")
    if not content or not content.strip():
        raise EmptyContent(detail="no bytes")
    if media_type == "application/pdf":
        return _extract_pdf(content, ocr, deadline)
    if media_type == "text/plain":
        return Extracted(_decode_text(content), 1, "text", False)
    image = open_image(content)
    return Extracted(_clean_or_empty(_ocr_image(image, ocr, deadline)), 1, "image", True)


def _decode_text(content: bytes) -> str:
    # A BOM is authoritative; charset detection on short UTF-16 text is unreliable without it.
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if content.startswith(bom):
            try:
                return _clean(content.decode(codec))
            except UnicodeDecodeError as exc:
                raise CorruptContent("This text file could not be read.", detail=str(exc)) from exc
    try:
        return _clean(content.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    match = charset_normalizer.from_bytes(content[: MAX_CHARACTERS * 2]).best()
    if match is None:
        raise CorruptContent("This file does not look like readable text.", detail="no charset matched")
    text = _clean(str(match))
    logger.debug("text decoded as %s", match.encoding)
    return text


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text[:MAX_CHARACTERS])
    if "\x00" in text:
        raise CorruptContent("This file does not look like readable text.", detail="NUL characters in text")
    if not text.strip():
        raise EmptyContent(detail="only whitespace")
    return text


def _letters(text: str) -> int:
    return sum(1 for char in text if char.isalpha())


def _extract_pdf(content: bytes, ocr: OcrConfig, deadline: float) -> Extracted:
    with pdf_limits():
        return _read_pdf(content, ocr, deadline)


def _read_pdf(content: bytes, ocr: OcrConfig, deadline: float) -> Extracted:
    try:
        reader = pypdf.PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnsupportedContent("This PDF is protected by a password. Please upload an unprotected copy.")
        page_count = len(reader.pages)
    except UnsupportedContent:
        raise
    except Exception as exc:
        # pypdf raises many unrelated types on damaged files; all of them mean the same to a parent.
        raise CorruptContent("This PDF seems to be damaged and could not be opened.", detail=repr(exc)) from exc
    if page_count == 0:
        raise EmptyContent("This PDF has no pages.", detail="zero pages")
    parts: list[str] = []
    size = 0
    read = 0
    for page in reader.pages[:MAX_TEXT_PAGES]:
        _remaining(deadline)
        try:
            text = page.extract_text() or ""
        except LimitReachedError as exc:
            # A stream that inflates past the budget is a bomb, not a page: pdfium would inflate all of it.
            raise TooComplex(detail=f"PDF text layer: {exc}") from exc
        except Exception as exc:
            logger.info("text layer of a PDF page could not be read: %r", exc)
            text = ""
        read += 1
        parts.append(text)
        size += len(text)
        if size >= MAX_CHARACTERS:
            break
    text = "\n".join(parts)
    if _letters(text) >= MIN_TEXT_LAYER_LETTERS * max(1, read // 2):
        return Extracted(_clean_or_empty(text), read, "text_pdf", False)
    pages = min(page_count, ocr.max_pages)
    for page in reader.pages[:pages]:
        _remaining(deadline)
        check_render_budget(page)
    return _ocr_pdf(content, pages, ocr, deadline)


def _clean_or_empty(text: str) -> str:
    return unicodedata.normalize("NFC", text[:MAX_CHARACTERS]).replace("\x00", "")


def _ocr_pdf(content: bytes, pages: int, ocr: OcrConfig, deadline: float) -> Extracted:
    try:
        document = pypdfium2.PdfDocument(content)
    except Exception as exc:
        raise CorruptContent("This PDF seems to be damaged and could not be opened.", detail=repr(exc)) from exc
    try:
        texts: list[str] = []
        pages = min(len(document), pages)
        for index in range(pages):
            _remaining(deadline)
            page = document[index]
            try:
                width, height = page.get_size()
                # Keep huge page formats (posters) within the OCR size limit.
                scale = min(PDF_RENDER_DPI / 72, RENDER_MAX_SIDE / max(width, height, 1.0))
                image = page.render(scale=scale, grayscale=True).to_pil()
            except Exception as exc:
                raise CorruptContent("This PDF seems to be damaged and could not be opened.", detail=repr(exc)) from exc
            finally:
                page.close()
            texts.append(_ocr_image(image, ocr, deadline))
    finally:
        document.close()
    return Extracted(_clean_or_empty("\n".join(texts)), pages, "scanned_pdf", True)


def _ocr_image(image: Image.Image, ocr: OcrConfig, deadline: float) -> str:
    languages = "+".join(installed_ocr_languages(ocr.command, ocr.languages))
    return read_image(image, ocr.command, languages, deadline).text


def _unavailable(command: str, detail: str) -> EngineUnavailable:
    logger.error("tesseract (%s) cannot run: %s; install it with: %s", command, detail, INSTALL_HINT)
    return EngineUnavailable(detail=f"tesseract {command!r} cannot run ({detail}); install it: {INSTALL_HINT}")


@lru_cache(maxsize=8)
def installed_ocr_languages(command: str, wanted: tuple[str, ...] = OCR_LANGUAGES) -> tuple[str, ...]:
    """Return the wanted Tesseract language packs that are installed, raising ``EngineUnavailable`` if none is.

    :param command: the tesseract executable
    :param wanted: language packs in order of preference
    """
    if shutil.which(command) is None:
        raise _unavailable(command, "executable not found")
    try:
        completed = subprocess.run([command, "--list-langs"], capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise _unavailable(command, repr(exc)) from exc
    listed = set(completed.stdout.decode("utf-8", "replace").split())
    found = tuple(language for language in wanted if language in listed)
    if not found:
        raise _unavailable(command, f"none of the language packs {wanted} is installed")
    return found


@lru_cache(maxsize=8)
def tesseract_version(command: str) -> str:
    """Return the Tesseract version string, or ``unknown`` when it cannot be read.

    :param command: the tesseract executable
    """
    try:
        completed = subprocess.run([command, "--version"], capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    words = (completed.stdout or completed.stderr).decode("utf-8", "replace").split()
    return words[1] if len(words) > 1 else "unknown"
