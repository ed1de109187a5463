"""Imported once by the sandbox's fork server, so that every sandbox process forked from it starts with the
parsers imported and Tesseract's models loaded: 0.5 s of CPU each process would otherwise pay on its first
OCR, and memory the processes share instead of each holding a copy."""

from __future__ import annotations

from . import child  # noqa: F401 - the parsers, imported for the forks
from .extract import OCR_LANGUAGES, installed_ocr_languages
from .ocr import load_library

try:
    load_library("+".join(installed_ocr_languages("tesseract", OCR_LANGUAGES)))
except Exception:  # noqa: BLE001 - the fork server must start; a process without models loads them on its first OCR
    pass
