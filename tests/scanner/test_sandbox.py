"""The scan sandbox: hostile files end with a stable code, children that crash or hang are replaced, and the
process that runs the sandbox neither dies nor grows."""

from __future__ import annotations

import asyncio
import logging
import os
import resource
import signal
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from service.scanner import LocalScanner, ScanError, ScanTimeout
from service.scanner.result import TooComplex
from service.scanner.sandbox import ScanSandbox
from service.settings import ScannerSettings
from tests.corpus import PASSAGES, text_pdf
from tests.hostile import Hostile, hostile_files, noisy_pdf
from tests.scanner import probes

pytestmark = pytest.mark.timeout(120)

#: Short enough that a hang costs the suite little, long enough for an ordinary sheet on a busy machine.
TIMEOUT = 8.0
SHEET = next(text for topic, language, text in PASSAGES if (topic, language) == ("geography", "fr"))
HOSTILE = hostile_files()


def resident_bytes() -> int:
    """The current resident size of this process (the worker's, in these tests)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize()


@pytest.fixture
async def scanner() -> AsyncIterator[LocalScanner]:
    engine = LocalScanner(ScannerSettings(timeout=TIMEOUT, processes=2, memory_mb=1024))
    await engine.start()
    yield engine
    await engine.close()


async def scan_sheet(scanner: LocalScanner) -> str:
    result = await scanner.scan(text_pdf(SHEET), "application/pdf", "sheet.pdf")
    return f"{result.topic}/{result.language}"


@pytest.mark.parametrize("hostile", HOSTILE, ids=[hostile.name for hostile in HOSTILE])
async def test_a_hostile_file_fails_with_a_stable_code_and_the_next_scan_runs(
    scanner: LocalScanner, hostile: Hostile
) -> None:
    with pytest.raises(ScanError) as raised:
        await scanner.scan(hostile.content, hostile.content_type, hostile.name)
    assert raised.value.code in hostile.codes, raised.value.detail
    # The message a parent sees names no library, exception or limit.
    message = raised.value.public_message
    assert message.endswith(".") and "Error" not in message and "pypdf" not in message and "byte" not in message
    assert await scan_sheet(scanner) == "geography/fr"


async def test_the_whole_hostile_set_at_once_leaves_the_worker_small_and_working(scanner: LocalScanner) -> None:
    await scan_sheet(scanner)  # the language models are loaded before the baseline
    before = resident_bytes()
    outcomes = await asyncio.gather(
        *(scanner.scan(h.content, h.content_type, h.name) for h in HOSTILE * 2), return_exceptions=True
    )
    for hostile, outcome in zip(HOSTILE * 2, outcomes, strict=True):
        assert isinstance(outcome, ScanError) and outcome.code in hostile.codes, (hostile.name, outcome)
    assert await scan_sheet(scanner) == "geography/fr"
    # The files were read by the children; the worker only ever held their bytes.
    assert resident_bytes() - before < 150 * 1024 * 1024


@pytest.fixture
async def sandbox() -> AsyncIterator[ScanSandbox]:
    engine = LocalScanner(ScannerSettings(timeout=3.0, processes=1, memory_mb=768))
    yield engine.sandbox
    await engine.close()


async def test_children_run_with_their_limits_set(sandbox: ScanSandbox) -> None:
    limits = await sandbox.run(probes.limits, (), "probe")
    assert limits["address_space"] == 768 * 1024 * 1024
    assert limits["core"] == 0
    assert await sandbox.run(probes.allocate, (1024 * 1024 * 1024,), "probe") == "MemoryError"
    assert await sandbox.run(probes.allocate, (64 * 1024 * 1024,), "probe") == "allocated"


@pytest.mark.parametrize(
    "crash, code",
    [(probes.segfault, "too_complex"), (probes.abort, "too_complex"), (probes.killed, "too_complex")],
    ids=["segfault", "abort", "oom-killed"],
)
async def test_a_crashed_child_fails_the_scan_and_is_replaced(
    sandbox: ScanSandbox, crash: Callable[[], Any], code: str
) -> None:
    first = (await sandbox.run(probes.limits, (), "probe"))["pid"]
    with pytest.raises(TooComplex) as raised:
        await sandbox.run(crash, (), "crash")
    assert raised.value.code == code
    replacement = (await sandbox.run(probes.limits, (), "probe"))["pid"]
    assert replacement != first
    assert sandbox.restarts == 0


async def test_a_child_that_does_not_stop_is_killed_at_the_limit(sandbox: ScanSandbox) -> None:
    first = (await sandbox.run(probes.limits, (), "probe"))["pid"]
    with pytest.raises(ScanTimeout) as raised:
        await sandbox.run(probes.spin, (), "spin")
    assert raised.value.code == "scan_timeout"
    assert (await sandbox.run(probes.limits, (), "probe"))["pid"] != first
    assert sandbox.restarts == 0


async def test_a_page_that_renders_past_the_limit_is_killed_and_the_next_scan_runs() -> None:
    from tests.hostile import bezier_bomb_pdf

    # 2,000 thick strokes fit every budget but take pdfium many seconds: only the kill stops them.
    engine = LocalScanner(ScannerSettings(timeout=1.0, processes=1))
    try:
        with pytest.raises(ScanTimeout):
            await engine.scan(bezier_bomb_pdf(2000), "application/pdf", "strokes.pdf")
        result = await engine.scan(SHEET.encode("utf-8"), "text/plain", "sheet.txt")
        assert (result.topic, result.language) == ("geography", "fr")
        assert engine.sandbox.restarts == 0
    finally:
        await engine.close()


async def test_a_child_that_died_between_scans_does_not_fail_the_next(sandbox: ScanSandbox) -> None:
    pid = (await sandbox.run(probes.limits, (), "probe"))["pid"]
    os.kill(pid, signal.SIGKILL)
    # pebble gives up on its pool when an idle child dies; the sandbox starts another and runs the work there.
    results = [await sandbox.run(probes.limits, (), "probe") for _ in range(3)]
    assert all(result["pid"] != pid for result in results)
    assert all(result["address_space"] == 768 * 1024 * 1024 for result in results)


async def test_parser_warnings_are_one_log_line_per_scan(
    scanner: LocalScanner, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    await scanner.scan(noisy_pdf(5000), "application/pdf", "noisy.pdf")
    lines = [record for record in caplog.records if "parser warnings" in record.getMessage()]
    assert len(lines) == 1
    assert "4999 parser warnings" in lines[0].getMessage()
    assert len(caplog.records) < 10


async def test_a_large_image_within_the_pixel_budget_is_read_within_the_memory_limit(scanner: LocalScanner) -> None:
    from tests.hostile import blank_png

    # 36 megapixels of RGBA, 144 MB decoded: reduced before any conversion, so it fits in the child's limit.
    result = await scanner.scan(blank_png(6000, 6000), "image/png", "large.png")
    assert (result.input_kind, result.topic) == ("image", "unknown")
    assert await scan_sheet(scanner) == "geography/fr"
