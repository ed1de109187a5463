"""What a quick scan answers, the errors it raises, and the interface every engine offers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol

INPUT_KINDS: tuple[str, ...] = ("text_pdf", "scanned_pdf", "image", "text")


@dataclass(frozen=True)
class Alternative:
    """A lower-ranked suggestion of topic and language with its confidence."""

    topic: str
    language: str
    confidence: float


@dataclass(frozen=True)
class ScanResult:
    """The outcome of one quick scan: the suggestion, its alternatives and what was read.

    :param topic: one of ``TOPICS`` or ``UNKNOWN_TOPIC``
    :param language: one of ``SCAN_LANGUAGES`` or ``UNDETERMINED``
    :param confidence: joint confidence in the topic and language, between 0 and 1
    :param alternatives: at most ``MAX_ALTERNATIVES`` next-ranked suggestions, best first
    :param model: engine name and versions, kept for audit
    :param pages: pages (or images) read
    :param characters: characters of text read
    :param input_kind: ``text_pdf``, ``scanned_pdf``, ``image`` or ``text``
    """

    topic: str
    language: str
    confidence: float
    alternatives: tuple[Alternative, ...]
    model: str
    pages: int
    characters: int
    input_kind: str


class ScanError(Exception):
    """A permanent scan failure; retrying the same file will not help.

    :param public_message: text safe to show a parent; the class default when omitted
    :param detail: internal detail for logs, never shown to a parent
    """

    code: ClassVar[str] = "scan_failed"
    default_message: ClassVar[str] = "We could not read this document."

    def __init__(self, public_message: str | None = None, *, detail: str = "") -> None:
        self.public_message: str = public_message or self.default_message
        self.detail = detail
        super().__init__(f"{self.code}: {detail or self.public_message}")


class UnsupportedContent(ScanError):
    """The file type is not one the scanner reads."""

    code: ClassVar[str] = "unsupported_type"
    default_message: ClassVar[str] = "This type of file is not supported. Please upload a PDF, a photo or a text file."


class CorruptContent(ScanError):
    """The file is damaged, truncated or not what its type says."""

    code: ClassVar[str] = "corrupt_file"
    default_message: ClassVar[str] = "This file seems to be damaged and could not be opened. Please upload it again."


class EmptyContent(ScanError):
    """The file has no content at all."""

    code: ClassVar[str] = "empty_file"
    default_message: ClassVar[str] = "This file is empty. Please upload the document again."


class TooLarge(ScanError):
    """The file is too big to scan (pixels, pages or characters)."""

    code: ClassVar[str] = "too_large"
    default_message: ClassVar[str] = "This file is too large to scan. Please upload a smaller photo or document."


class TooComplex(ScanError):
    """Reading the file needs more memory or work than a scan may spend (a compression bomb, a drawing of
    millions of strokes), or the process reading it crashed."""

    code: ClassVar[str] = "too_complex"
    default_message: ClassVar[str] = (
        "This file is too complex to scan. Please upload a photo or a simpler copy of the document."
    )


class ScanTimeout(ScanError):
    """The scan took longer than its time limit."""

    code: ClassVar[str] = "scan_timeout"
    default_message: ClassVar[str] = "Scanning this document took too long. Please try a clearer or smaller file."


class EngineUnavailable(ScanError):
    """A program the scanner needs (such as the OCR engine) is not installed or cannot run."""

    code: ClassVar[str] = "ocr_unavailable"
    default_message: ClassVar[str] = "Text recognition is not available right now, so this document could not be read."


class ProviderError(ScanError):
    """The hosted model provider refused the request for good (a 4xx other than 429, or an unusable answer)."""

    code: ClassVar[str] = "provider_error"
    default_message: ClassVar[str] = "The document could not be analysed. Please try again later."


class TransientScanError(Exception):
    """A failure worth retrying later, such as a hosted provider that is down or rate limiting."""


class Scanner(Protocol):
    """A quick scan engine."""

    name: str

    async def scan(self, content: bytes, content_type: str, filename: str) -> ScanResult:
        """Read the file and suggest its topic and language.

        :param content: the file's bytes
        :param content_type: the sniffed media type
        :param filename: the name the parent gave the file
        """

    async def start(self) -> None:
        """Get ready to scan (start the sandbox's processes); scanning starts them too when this was not called."""

    async def close(self) -> None:
        """Release whatever the engine holds (processes, HTTP sessions)."""
