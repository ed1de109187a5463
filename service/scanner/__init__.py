"""The quick scan: suggests a document's school topic and language from its text."""

from __future__ import annotations

import time

from service.catalog import SCAN_LANGUAGES, TOPICS, UNDETERMINED, UNKNOWN_TOPIC
from service.settings import ScannerSettings

from .extract import OcrConfig
from .hosted import HostedScanner
from .local import LocalScanner, scan_now
from .result import (
    Alternative,
    CorruptContent,
    EmptyContent,
    EngineUnavailable,
    ProviderError,
    ScanError,
    Scanner,
    ScanResult,
    ScanTimeout,
    TooComplex,
    TooLarge,
    TransientScanError,
    UnsupportedContent,
)

__all__ = [
    "SCAN_LANGUAGES",
    "TOPICS",
    "UNDETERMINED",
    "UNKNOWN_TOPIC",
    "Alternative",
    "CorruptContent",
    "EmptyContent",
    "EngineUnavailable",
    "HostedScanner",
    "LocalScanner",
    "ProviderError",
    "ScanError",
    "ScanResult",
    "ScanTimeout",
    "Scanner",
    "TooComplex",
    "TooLarge",
    "TransientScanError",
    "UnsupportedContent",
    "create_scanner",
    "scan",
]


def create_scanner(settings: ScannerSettings, *, tesseract_cmd: str = "tesseract") -> Scanner:
    """Build the scan engine the settings ask for: ``local`` unless ``hosted`` is chosen.

    :param settings: the scanner settings
    :param tesseract_cmd: the tesseract executable, a name on PATH or a full path
    """
    if settings.engine == "hosted":
        return HostedScanner(settings, tesseract_cmd=tesseract_cmd)
    if settings.engine != "local":
        raise ValueError(f"unknown scan engine {settings.engine!r}")
    return LocalScanner(settings, tesseract_cmd=tesseract_cmd)


def scan(
    content: bytes, content_type: str, filename: str, *, timeout: float = 30.0, tesseract_cmd: str = "tesseract"
) -> ScanResult:
    """Scan a file synchronously with the local engine (benchmarks and scripts).

    :param content: the file's bytes
    :param content_type: the media type
    :param filename: the name the parent gave the file
    :param timeout: seconds the scan may take
    :param tesseract_cmd: the tesseract executable
    """
    return scan_now(
        content, content_type, filename, ocr=OcrConfig(command=tesseract_cmd), deadline=time.monotonic() + timeout
    )
