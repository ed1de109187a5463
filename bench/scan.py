"""Accuracy and speed of the local quick scan: the corpus by input kind, the sandbox's cost, and phone photos."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass

from service.scanner import LocalScanner, ScanResult, scan
from service.scanner.local import classify
from service.settings import ScannerSettings
from tests.corpus import PASSAGES, LabelledDoc, build_corpus, render
from tests.photos import Photo, build_photos, characters_read

TARGETS = {"language": 0.95, "top1": 0.80, "top3": 0.95}
TEXT_PDF_SANDBOX_MEDIAN_MS = 15.0
PHOTO_MEDIAN_MS = 1200.0
PHOTOS_READ_SHARE = 0.95
PHOTOS_READ_CHARACTERS = 0.90
PHOTO_TOP1_GAP = 0.02


@dataclass(frozen=True)
class Measure:
    """One scan of one corpus document."""

    doc: LabelledDoc
    result: ScanResult
    seconds: float

    @property
    def language_ok(self) -> bool:
        """Return whether the language was right."""
        return self.result.language == self.doc.language

    @property
    def top1(self) -> bool:
        """Return whether the suggested topic was right."""
        return self.result.topic == self.doc.topic

    @property
    def top3(self) -> bool:
        """Return whether the right topic was the suggestion or one of the first two alternatives."""
        ranked = [self.result.topic] + [alternative.topic for alternative in self.result.alternatives]
        return self.doc.topic in ranked[:3]


def _measure(doc: LabelledDoc) -> Measure:
    started = time.perf_counter()
    result = scan(doc.content, doc.content_type, doc.filename)
    return Measure(doc, result, time.perf_counter() - started)


def _opening(text: str) -> str:
    match = re.search(r"[.?!]\s", text[40:])
    return text if match is None else text[: 40 + match.start() + 1]


def _median_ms(seconds: list[float]) -> float:
    return statistics.median(seconds) * 1000


def _percentile_ms(seconds: list[float], share: float) -> float:
    ordered = sorted(seconds)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))] * 1000


def _row(name: str, measures: list[Measure]) -> str:
    times = sorted(measure.seconds * 1000 for measure in measures)
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    count = len(measures)
    return (
        f"{name:<12} {count:>5} {sum(m.language_ok for m in measures) / count:>7.1%} "
        f"{sum(m.top1 for m in measures) / count:>7.1%} {sum(m.top3 for m in measures) / count:>7.1%} "
        f"{statistics.median(times):>9.1f} {p95:>9.1f} {count / (sum(times) / 1000):>8.1f}"
    )


def accuracy(corpus: list[LabelledDoc], show_errors: bool) -> dict[str, float]:
    """Scan the corpus in this process (no sandbox) and print accuracy and speed by input kind."""
    measures = [_measure(doc) for doc in corpus]
    by_kind: dict[str, list[Measure]] = defaultdict(list)
    for measure in measures:
        kind = "image" if measure.doc.kind.startswith("image") else measure.doc.kind
        by_kind[kind].append(measure)
    print(
        f"corpus: {len(corpus)} documents, {len({d.topic for d in corpus})} topics, "
        f"{len({d.language for d in corpus})} languages; scanned in this process, without the sandbox"
    )
    print(
        f"{'kind':<12} {'count':>5} {'lang':>7} {'top1':>7} {'top3':>7} {'median ms':>9} {'p95 ms':>9} {'scans/s':>8}"
    )
    for kind in ("text_pdf", "scanned_pdf", "image", "text"):
        if by_kind.get(kind):
            print(_row(kind, by_kind[kind]))
    print(_row("overall", measures))
    # The full passages are easy; their opening sentence alone shows how the model does on thin evidence.
    openings = [
        _measure(
            LabelledDoc(_opening(d.text).encode("utf-8"), "text/plain", d.filename, d.topic, d.language, "text", d.text)
        )
        for d in corpus
    ]
    mean_confidence = statistics.mean(measure.result.confidence for measure in openings)
    print(_row("1st sentence", openings) + f"   mean confidence {mean_confidence:.2f} (no target)")
    if show_errors:
        for measure in measures:
            if not (measure.language_ok and measure.top1):
                result = measure.result
                print(
                    f"  {measure.doc.filename} ({measure.doc.kind}): got {result.topic}/{result.language} "
                    f"{result.confidence:.2f}, alternatives {[a.topic for a in result.alternatives]}"
                )
    count = len(measures)
    return {
        "language": sum(m.language_ok for m in measures) / count,
        "top1": sum(m.top1 for m in measures) / count,
        "top3": sum(m.top3 for m in measures) / count,
    }


async def _timed(scanner: LocalScanner, content: bytes, content_type: str) -> float:
    started = time.perf_counter()
    await scanner.scan(content, content_type, "bench")
    return time.perf_counter() - started


async def sandbox_cost(samples: dict[str, list[tuple[bytes, str]]], repeat: int) -> dict[str, float]:
    """Print, per input kind, the median scan time in this process, through a warm sandbox and a cold one.

    :param samples: per kind, ``(content, content_type)`` pairs
    :param repeat: passes over the samples for the in-process and warm figures
    """
    settings = ScannerSettings()
    print(
        f"\nsandbox cost: {settings.processes} processes of {settings.memory_mb} MiB, one scan at a time "
        f"(medians in ms; cold: a new pool, its first scan; load average {os.getloadavg()[0]:.1f})"
    )
    print(
        f"{'kind':<12} {'count':>5} {'in-process':>11} {'sandbox warm':>13} {'overhead':>9} {'ratio':>6} "
        f"{'sandbox cold':>13}"
    )
    figures: dict[str, float] = {}
    for kind, pairs in samples.items():
        local: list[float] = []
        warm: list[float] = []
        scanner = LocalScanner(settings)
        await scanner.start()
        try:
            # Each file in this process, then through the sandbox: on a shared machine both see the same load.
            for _ in range(repeat):
                for content, content_type in pairs:
                    started = time.perf_counter()
                    scan(content, content_type, kind)
                    local.append(time.perf_counter() - started)
                    warm.append(await _timed(scanner, content, content_type))
        finally:
            await scanner.close()
        cold: list[float] = []
        for content, content_type in pairs[:3]:
            fresh = LocalScanner(settings)
            try:
                cold.append(await _timed(fresh, content, content_type))
            finally:
                await fresh.close()
        figures[kind] = _median_ms(warm)
        print(
            f"{kind:<12} {len(pairs):>5} {_median_ms(local):>11.1f} {_median_ms(warm):>13.1f} "
            f"{_median_ms(warm) - _median_ms(local):>+9.1f} {_median_ms(warm) / _median_ms(local):>6.2f} "
            f"{_median_ms(cold):>13.1f}"
        )
    return figures


BASELINE = """
import json, statistics, sys, time
from service.scanner import scan
from tests.corpus import PASSAGES, text_pdf
pdfs = [text_pdf(text) for _topic, _language, text in PASSAGES]
scan(pdfs[0], "application/pdf", "warm-up")
seconds = []
for content in pdfs:
    started = time.perf_counter()
    scan(content, "application/pdf", "bench")
    seconds.append(time.perf_counter() - started)
print(json.dumps(seconds))
"""


async def baseline(checkout: str, rounds: int) -> None:
    """Time text PDFs in another checkout's engine (in its process, as it scans) and through this sandbox,
    round by round, so both see the same machine.

    :param checkout: path of the other checkout (its ``service`` and ``tests.corpus`` are imported)
    :param rounds: alternations
    """
    pdfs = [render(text, "text_pdf")[:2] for _topic, _language, text in PASSAGES]
    theirs: list[float] = []
    ours: list[float] = []
    scanner = LocalScanner(ScannerSettings())
    await scanner.start()
    try:
        await scanner.scan(pdfs[0][0], pdfs[0][1], "warm-up")
        for _ in range(rounds):
            completed = await asyncio.create_subprocess_exec(
                sys.executable, "-c", BASELINE, cwd=checkout, stdout=asyncio.subprocess.PIPE
            )
            output, _ = await completed.communicate()
            theirs.extend(json.loads(output))
            for content, content_type in pdfs:
                ours.append(await _timed(scanner, content, content_type))
    finally:
        await scanner.close()
    print(
        f"\ntext PDFs, {rounds} alternating rounds of {len(pdfs)}: {checkout} in its process median "
        f"{_median_ms(theirs):.1f} ms; this checkout through the warm sandbox {_median_ms(ours):.1f} ms "
        f"(x{_median_ms(ours) / _median_ms(theirs):.2f}; load average {os.getloadavg()[0]:.1f})"
    )


async def photos(count: int | None) -> dict[str, float]:
    """Scan photo-like images of the corpus sheets through the sandbox and print what OCR read of them.

    :param count: photos to take, all passages when None
    """
    taken: list[Photo] = build_photos(count)
    scanner = LocalScanner(ScannerSettings())
    await scanner.start()
    shares: list[float] = []
    seconds: list[float] = []
    cpu: list[float] = []
    photo_right = 0
    try:
        for index, photo in enumerate(taken):
            started = time.perf_counter()
            # What LocalScanner.scan does, keeping the text read for the comparison.
            outcome = await scanner.sandbox.extract(photo.content, "image/jpeg", f"photo-{index}.jpg")
            assert outcome.extracted is not None
            extracted = outcome.extracted
            result = classify(extracted, "bench")
            cpu.append(outcome.cpu_seconds)
            seconds.append(time.perf_counter() - started)
            shares.append(characters_read(photo.text, extracted.text))
            photo_right += result.topic == photo.topic
    finally:
        await scanner.close()
    text_right = sum(scan(p.text.encode("utf-8"), "text/plain", "sheet.txt").topic == p.topic for p in taken)
    read_share = sum(share >= PHOTOS_READ_CHARACTERS for share in shares) / len(shares)
    worst = sorted(shares)[: max(1, len(shares) // 20)]
    print(
        f"\nphoto-like images: {len(taken)} corpus sheets photographed (tests/photos.py), scanned through the sandbox"
    )
    print(
        f"characters read: median {statistics.median(shares):.1%}, worst {min(shares):.1%}, "
        f"worst 5 % {statistics.mean(worst):.1%}; photos with >= {PHOTOS_READ_CHARACTERS:.0%} of their characters: "
        f"{read_share:.1%}"
    )
    print(
        f"topic top-1: photos {photo_right / len(taken):.1%}, the same sheets as text {text_right / len(taken):.1%}; "
        f"photo scan median {_median_ms(seconds):.0f} ms, p95 {_percentile_ms(seconds, 0.95):.0f} ms"
    )
    # Wall time depends on what else the machine runs; the CPU time of the read does not.
    print(
        f"CPU time per photo read (sandbox process and Tesseract): median {_median_ms(cpu):.0f} ms; "
        f"load average during the run {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    return {
        "read_share": read_share,
        "top1_gap": (text_right - photo_right) / len(taken),
        "median_ms": _median_ms(seconds),
    }


def main(argv: list[str]) -> int:
    """Print accuracy, the sandbox's cost and the photo figures; return 1 if a target is missed.

    :param argv: command-line arguments
    """
    parser = argparse.ArgumentParser(prog="python -m bench scan", description=__doc__)
    parser.add_argument("--errors", action="store_true", help="list every wrong answer")
    parser.add_argument("--repeat", type=int, default=3, help="passes over the samples for the timings")
    parser.add_argument("--baseline", help="another checkout to time text PDFs against, round by round")
    parser.add_argument("--photos", type=int, default=None, help="photos to take (default: all; 0: none)")
    args = parser.parse_args(argv)

    corpus = build_corpus()
    # Load the language models and the vocabularies once, as a running worker would have.
    scan(corpus[0].content, corpus[0].content_type, "warm-up")
    figures = accuracy(corpus, args.errors)
    samples = {
        "text": [(text.encode("utf-8"), "text/plain") for _topic, _language, text in PASSAGES],
        "text_pdf": [render(text, "text_pdf")[:2] for _topic, _language, text in PASSAGES],
        "photo": [(photo.content, "image/jpeg") for photo in build_photos(6, seed=7)],
        "scanned_pdf": [render(text, "scanned_pdf")[:2] for _topic, _language, text in PASSAGES[:6]],
    }
    cost = asyncio.run(sandbox_cost(samples, args.repeat))
    if args.baseline:
        asyncio.run(baseline(args.baseline, args.repeat * 2))
    photo = asyncio.run(photos(args.photos)) if args.photos != 0 else None

    failed = [name for name, target in TARGETS.items() if figures[name] < target]
    if cost["text_pdf"] >= TEXT_PDF_SANDBOX_MEDIAN_MS:
        failed.append("text_pdf sandbox median")
    if photo is not None and photo["median_ms"] >= PHOTO_MEDIAN_MS:
        failed.append("photo median")
    if photo is not None and photo["read_share"] < PHOTOS_READ_SHARE:
        failed.append("photo characters read")
    if photo is not None and photo["top1_gap"] > PHOTO_TOP1_GAP:
        failed.append("photo topic top-1")
    print("targets: " + ("all met" if not failed else "MISSED " + ", ".join(failed)))
    return 1 if failed else 0
