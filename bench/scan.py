"""Accuracy and speed of the local quick scan on the generated test corpus."""

from __future__ import annotations

import argparse
import re
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass

from service.scanner import ScanResult, scan
from tests.corpus import LabelledDoc, build_corpus, render

TARGETS = {"language": 0.95, "top1": 0.80, "top3": 0.95}
TEXT_PDF_MEDIAN_MS = 50.0


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


def _row(name: str, measures: list[Measure]) -> str:
    times = sorted(measure.seconds * 1000 for measure in measures)
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    count = len(measures)
    return (
        f"{name:<12} {count:>5} {sum(m.language_ok for m in measures) / count:>7.1%} "
        f"{sum(m.top1 for m in measures) / count:>7.1%} {sum(m.top3 for m in measures) / count:>7.1%} "
        f"{statistics.median(times):>9.1f} {p95:>9.1f} {count / (sum(times) / 1000):>8.1f}"
    )


def main(argv: list[str]) -> int:
    """Scan the corpus (plus every passage as a text PDF, for speed), print figures, return 1 if a target fails.

    :param argv: command-line arguments
    """
    parser = argparse.ArgumentParser(prog="python -m bench scan", description=__doc__)
    parser.add_argument("--errors", action="store_true", help="list every wrong answer")
    parser.add_argument("--repeat", type=int, default=3, help="passes over the text PDFs for the timing")
    args = parser.parse_args(argv)

    corpus = build_corpus()
    # Load the language models and the vocabularies once, as a running worker would have.
    scan(corpus[0].content, corpus[0].content_type, "warm-up")
    measures = [_measure(doc) for doc in corpus]
    by_kind: dict[str, list[Measure]] = defaultdict(list)
    for measure in measures:
        kind = "image" if measure.doc.kind.startswith("image") else measure.doc.kind
        by_kind[kind].append(measure)
    speed: list[Measure] = []
    for _ in range(args.repeat):
        for doc in corpus:
            content, content_type, _extension = render(doc.text, "text_pdf")
            speed.append(
                _measure(
                    LabelledDoc(content, content_type, doc.filename, doc.topic, doc.language, "text_pdf", doc.text)
                )
            )

    print(
        f"corpus: {len(corpus)} documents, {len({(d.topic) for d in corpus})} topics, "
        f"{len({d.language for d in corpus})} languages"
    )
    header = ("kind", "count", "lang", "top1", "top3", "median ms", "p95 ms", "scans/s")
    print(
        f"{header[0]:<12} {header[1]:>5} {header[2]:>7} {header[3]:>7} {header[4]:>7} {header[5]:>9} "
        f"{header[6]:>9} {header[7]:>8}"
    )
    for kind in ("text_pdf", "scanned_pdf", "image", "text"):
        if by_kind.get(kind):
            print(_row(kind, by_kind[kind]))
    print(_row("overall", measures))
    print(_row("text_pdf x" + str(args.repeat), speed))
    # The full passages are easy; their opening sentence alone shows how the model does on thin evidence.
    openings = [
        _measure(
            LabelledDoc(
                _opening(doc.text).encode("utf-8"),
                "text/plain",
                doc.filename,
                doc.topic,
                doc.language,
                "text",
                doc.text,
            )
        )
        for doc in corpus
    ]
    mean_confidence = statistics.mean(measure.result.confidence for measure in openings)
    print(_row("1st sentence", openings) + f"   mean confidence {mean_confidence:.2f} (no target)")
    if args.errors:
        for measure in measures:
            if not (measure.language_ok and measure.top1):
                result = measure.result
                print(
                    f"  {measure.doc.filename} ({measure.doc.kind}): got {result.topic}/{result.language} "
                    f"{result.confidence:.2f}, alternatives {[a.topic for a in result.alternatives]}"
                )

    count = len(measures)
    figures = {
        "language": sum(m.language_ok for m in measures) / count,
        "top1": sum(m.top1 for m in measures) / count,
        "top3": sum(m.top3 for m in measures) / count,
    }
    median_ms = statistics.median(m.seconds * 1000 for m in speed)
    failed = [name for name, target in TARGETS.items() if figures[name] < target]
    if median_ms >= TEXT_PDF_MEDIAN_MS:
        failed.append("text_pdf median")
    print("targets: " + ("all met" if not failed else "MISSED " + ", ".join(failed)))
    return 1 if failed else 0
