"""The shared scan names: the web process loads no scan engine, and the lists agree with the engine's."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from lingua import Language

from service import catalog
from service.scanner.lexicon import LEXICON

ROOT = Path(__file__).resolve().parent.parent
ENGINE_MODULES = ("pypdf", "pypdfium2", "PIL", "lingua", "numpy", "pebble", "service.scanner")


def test_the_web_app_imports_no_scan_engine() -> None:
    # A fresh interpreter: this test process has long imported the engine for other tests.
    code = (
        "import json, sys\n"
        "import service.app, service.schemas, service.handlers.scans\n"
        f"print(json.dumps([m for m in {ENGINE_MODULES!r} if m in sys.modules]))\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(completed.stdout) == []


def test_confirmable_languages_are_the_detector_family() -> None:
    known = {language.iso_code_639_1.name.lower() for language in Language.all()}
    assert catalog.CONFIRMABLE_LANGUAGES == known
    assert set(catalog.SCAN_LANGUAGES) <= catalog.CONFIRMABLE_LANGUAGES


def test_every_topic_has_a_vocabulary() -> None:
    assert set(LEXICON) == set(catalog.TOPICS)
    assert catalog.UNKNOWN_TOPIC not in catalog.TOPICS
