"""Accuracy and calibration of the local quick scan on an evaluation set written independently of its vocabularies.

A measurement, not a gate: it always exits 0, whatever the figures.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from service.scanner import TOPICS, UNKNOWN_TOPIC, ScanResult, scan
from tests.heldout import HELDOUT, Sample

LANGUAGE_ORDER = ("en", "fr", "nl", "de", "es")
CONFIDENCE_BINS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0001)


@dataclass(frozen=True)
class Outcome:
    """One scan of one sample."""

    sample: Sample
    result: ScanResult

    @property
    def language_ok(self) -> bool:
        """Return whether the language was right."""
        return self.result.language == self.sample.language

    @property
    def top1(self) -> bool:
        """Return whether the suggested topic was right."""
        return self.result.topic == self.sample.topic

    @property
    def top3(self) -> bool:
        """Return whether the right topic was the suggestion or one of the first two alternatives."""
        ranked = [self.result.topic] + [alternative.topic for alternative in self.result.alternatives[:2]]
        return self.sample.topic in ranked

    @property
    def right(self) -> bool:
        """Return whether the suggestion as a whole (topic and language, which the confidence covers) was right."""
        return self.top1 and self.language_ok


def _scan(sample: Sample) -> Outcome:
    return Outcome(sample, scan(sample.text.encode("utf-8"), "text/plain", "x.txt"))


def _mean(values: list[float]) -> str:
    return f"{statistics.mean(values):.2f}" if values else "-"


def _share(outcomes: list[Outcome], test: Callable[[Outcome], bool]) -> str:
    return f"{sum(test(o) for o in outcomes) / len(outcomes):.1%}" if outcomes else "-"


HEADER = f"{'':<20} {'count':>5} {'lang':>7} {'top1':>7} {'top3':>7} {'conf ok':>8} {'conf bad':>8}"


def _row(name: str, outcomes: list[Outcome]) -> str:
    right = [o.result.confidence for o in outcomes if o.right]
    wrong = [o.result.confidence for o in outcomes if not o.right]
    return (
        f"{name:<20} {len(outcomes):>5} {_share(outcomes, lambda o: o.language_ok):>7} "
        f"{_share(outcomes, lambda o: o.top1):>7} {_share(outcomes, lambda o: o.top3):>7} "
        f"{_mean(right):>8} {_mean(wrong):>8}"
    )


def _table(title: str, groups: dict[str, list[Outcome]], order: tuple[str, ...]) -> None:
    print(f"\nby {title}")
    print(HEADER)
    for name in order:
        if groups.get(name):
            print(_row(name, groups[name]))


def _calibration(outcomes: list[Outcome]) -> None:
    print("\ncalibration (confidence band: count, share right)")
    for low, high in itertools.pairwise(CONFIDENCE_BINS):
        band = [o for o in outcomes if low <= o.result.confidence < high]
        print(f"  {low:.1f}-{min(high, 1.0):.1f}: {len(band):>4}  {_share(band, lambda o: o.right):>7}")


def _confusions(outcomes: list[Outcome], details: bool) -> None:
    wrong = [o for o in outcomes if not o.top1]
    pairs = Counter((o.sample.topic, o.result.topic) for o in wrong)
    unknown = sum(o.result.topic == UNKNOWN_TOPIC for o in wrong)
    print(f"\ntopic confusions (expected -> suggested), {len(wrong)} wrong top-1, {unknown} of them {UNKNOWN_TOPIC}")
    for (expected, got), count in pairs.most_common():
        print(f"  {count:>3}  {expected} -> {got}")
    languages = Counter((o.sample.language, o.result.language) for o in outcomes if not o.language_ok)
    print(f"language confusions (expected -> suggested), {sum(languages.values())} wrong")
    for (expected, got), count in languages.most_common():
        print(f"  {count:>3}  {expected} -> {got}")
    if not details:
        return
    print("\nwrong answers")
    for o in outcomes:
        if not o.right:
            ranked = [a.topic for a in o.result.alternatives]
            print(
                f"  [{o.sample.language} {o.sample.topic}] got {o.result.topic}/{o.result.language} "
                f"{o.result.confidence:.2f}, alternatives {ranked}: {o.sample.text[:90]!r}"
            )


def main(argv: list[str]) -> int:
    """Scan every sample of the evaluation set as plain text and print the figures; always return 0.

    :param argv: command-line arguments
    """
    parser = argparse.ArgumentParser(prog="python -m bench heldout", description=__doc__)
    parser.add_argument("--errors", action="store_true", help="list every wrong answer")
    args = parser.parse_args(argv)

    outcomes = [_scan(sample) for sample in HELDOUT]
    by_language: dict[str, list[Outcome]] = defaultdict(list)
    by_topic: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_language[outcome.sample.language].append(outcome)
        by_topic[outcome.sample.topic].append(outcome)

    print(
        f"evaluation set: {len(outcomes)} samples, {len(by_topic)} topics, {len(by_language)} languages "
        "(conf ok / conf bad: mean confidence when topic and language are both right / not)"
    )
    _table("language", by_language, LANGUAGE_ORDER)
    _table("topic", by_topic, TOPICS)
    _calibration(outcomes)
    _confusions(outcomes, args.errors)
    print("\noverall")
    print(HEADER)
    print(_row("overall", outcomes))
    return 0
