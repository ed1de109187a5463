"""Fixtures shared by the scanner tests: the corpus is built and scanned once per session."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from service.scanner import ScanResult, scan
from tests.corpus import LabelledDoc, build_corpus


@pytest.fixture(scope="session")
def corpus() -> list[LabelledDoc]:
    """Return the labelled corpus, rendered once."""
    return build_corpus()


@pytest.fixture(scope="session")
def corpus_results(corpus: list[LabelledDoc]) -> Iterator[list[tuple[LabelledDoc, ScanResult]]]:
    """Return every corpus document with its local scan result, scanned once on two threads."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda doc: scan(doc.content, doc.content_type, doc.filename, timeout=60), corpus))
    yield list(zip(corpus, results, strict=True))
