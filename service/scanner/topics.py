"""The local topic model: weighted school vocabularies plus a few layout features, scored as log-odds."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from service.catalog import TOPICS, UNDETERMINED

from .lexicon import LANGUAGE_NAMES, LEXICON, LEXICON_VERSION
from .text import fold, tokens

#: Shortest stem allowed for prefix terms: shorter ones match unrelated words.
MIN_STEM = 4
#: Terms in a language other than the document's count this much (cognates and loanwords still help).
OTHER_LANGUAGE_FACTOR = 0.6
#: Converts summed weights to log-odds; lower values keep the model humble about small score gaps.
SHARPNESS = 0.45
#: Evidence (summed weights) at which the confidence reaches about 63 % of the topic probability.
EVIDENCE_SCALE = 7.0
#: Below this much evidence a text needs MIN_WORDS words for a (humble) guess; without any it is unknown.
MIN_EVIDENCE = 1.0
#: Words a text needs before weak evidence is worth a guess: fewer are a title, a label or a page number.
MIN_WORDS = 4

_EXPRESSION = re.compile(r"\d\s*(?:[+×*÷=<>]|\s[-−x:/]\s)\s*\d|\d+\s*/\s*\d+(?!\s*/)")
# Numbers, but not years, which history texts are full of.
_NUMBER = re.compile(r"(?<![\w.,])(?!1[0-9]{3}\b|20[0-9]{2}\b)\d+(?:[.,]\d+)?(?![\w.,]?\d)")
_MONEY = re.compile(r"[€£$]\s?\d|\d\s?(?:[€£$¢]|(?:euros?|cents?|pence|centimes?|ct|eur|p)\b)", re.I)
# A question about a quantity, in every language the scanner reads.
_QUANTITY = re.compile(r"\b(?:how (?:many|much)|combien|hoeveel|wie ?viele?|cu[aá]nt[oa]s?|quant[oia]s?)\b", re.I)
_PAIR_LINE = re.compile(r"^\s*([^\W\d_][^\d=:\n]{1,40}?)\s*(?:=|:|–|->|\s-\s)\s*([^\W\d_][^\d=:\n]{1,40})\s*$", re.M)


@dataclass(frozen=True)
class _Term:
    topic: int
    language: str
    weight: float
    key: str


@dataclass(frozen=True)
class TopicRanking:
    """Topics ranked by probability, with the evidence behind them.

    :param ranking: ``(topic, probability)`` pairs, best first, only topics with evidence
    :param evidence: summed weight of everything that matched
    :param confidence: probability of the best topic shrunk by how little evidence there was
    """

    ranking: tuple[tuple[str, float], ...]
    evidence: float
    confidence: float

    @property
    def topic(self) -> str | None:
        """Return the best topic, or None when there was no evidence."""
        return self.ranking[0][0] if self.ranking else None


def evidence_factor(evidence: float) -> float:
    """Return how far the evidence supports any conclusion, from 0 (none) towards 1.

    :param evidence: summed weight of matched terms and features
    """
    return 1.0 - math.exp(-evidence / EVIDENCE_SCALE)


class TopicModel:
    """Scores text against the school-subject vocabularies.

    :param lexicon: subject -> language -> term list, in the format of ``lexicon.LEXICON``
    """

    version = f"lexicon/{LEXICON_VERSION}"

    def __init__(self, lexicon: Mapping[str, Mapping[str, str]] = LEXICON) -> None:
        self._exact: dict[str, list[_Term]] = defaultdict(list)
        self._prefix: dict[str, list[_Term]] = defaultdict(list)
        self._phrases: dict[str, list[tuple[tuple[str, ...], _Term]]] = defaultdict(list)
        for topic, languages in lexicon.items():
            index = TOPICS.index(topic)
            for language, terms in languages.items():
                for raw in terms.split():
                    self._add(index, language, raw)
        self._language_of_name = {fold(name): code for code, names in LANGUAGE_NAMES.items() for name in names}

    def _add(self, topic: int, language: str, raw: str) -> None:
        word, _, weight = raw.partition(":")
        term = _Term(topic, language, float(weight or 2), fold(word))
        parts = term.key.split("_")
        if len(parts) > 1:
            self._phrases[parts[0]].append((tuple(parts[1:]), term))
        elif word.endswith("*"):
            stem = term.key.rstrip("*")
            if len(stem) < MIN_STEM:
                raise ValueError(f"stem {word!r} is shorter than {MIN_STEM} letters")
            self._prefix[stem].append(term)
        else:
            self._exact[term.key].append(term)

    def _matches(self, words: list[str], position: int) -> list[_Term]:
        word = words[position]
        found = list(self._exact.get(word, ()))
        for length in range(MIN_STEM, len(word) + 1):
            found.extend(self._prefix.get(word[:length], ()))
        for rest, term in self._phrases.get(word, ()):
            following = words[position + 1 : position + 1 + len(rest)]
            if len(following) == len(rest) and all(
                actual.startswith(wanted[:-1]) if wanted.endswith("*") else actual == wanted
                for wanted, actual in zip(rest, following, strict=True)
            ):
                found.append(term)
        return found

    def rank(self, text: str, language: str, secondary_share: float = 0.0) -> TopicRanking:
        """Rank the topics for a text.

        :param text: the document's text
        :param language: detected language code, or ``und``
        :param secondary_share: share of the text in a second language (bilingual material)
        """
        words = tokens(text)
        hits: dict[tuple[int, str], tuple[float, int]] = {}
        for position in range(len(words)):
            best: dict[int, tuple[float, str]] = {}
            for term in self._matches(words, position):
                factor = 1.0 if language in (UNDETERMINED, term.language) else OTHER_LANGUAGE_FACTOR
                weight = term.weight * factor
                if weight > best.get(term.topic, (0.0, ""))[0]:
                    best[term.topic] = (weight, term.key)
            for topic, (weight, key) in best.items():
                previous = hits.get((topic, key), (weight, 0))
                hits[(topic, key)] = (max(weight, previous[0]), previous[1] + 1)
        scores = [0.0] * len(TOPICS)
        for (topic, _key), (weight, count) in hits.items():
            # Repeating a word is weaker evidence than using many different subject words.
            scores[topic] += weight * (1.0 + math.log(count))
        self._add_features(text, words, language, secondary_share, scores)
        return _ranking(scores, len(words) >= MIN_WORDS)

    def _add_features(
        self, text: str, words: list[str], language: str, secondary_share: float, scores: list[float]
    ) -> None:
        scores[TOPICS.index("mathematics")] += _arithmetic(text)
        foreign = TOPICS.index("foreign_language")
        native = TOPICS.index("language_literature")
        named_foreign = named_native = 0
        for word in words:
            named = self._language_of_name.get(word)
            if named is None:
                continue
            if language == UNDETERMINED or named != language:
                named_foreign += 1
            else:
                named_native += 1
        # Instructions in one language about another are the mark of foreign-language material.
        if named_foreign:
            scores[foreign] += 3.0 * (1.0 + math.log(named_foreign))
        if named_native:
            scores[native] += 2.0 * (1.0 + math.log(named_native))
        if secondary_share >= 0.08:
            scores[foreign] += 10.0 * min(secondary_share, 0.4) / 0.4
        pairs = len(_PAIR_LINE.findall(text))
        if pairs >= 3:
            scores[foreign] += min(1.0 * math.sqrt(pairs), 4.0)


def _arithmetic(text: str) -> float:
    """Return the evidence for mathematics in the text's sums, numbers, amounts of money and quantity questions."""
    score = 0.0
    expressions = len(_EXPRESSION.findall(text))
    if expressions:
        score += min(2.0 * math.sqrt(expressions), 12.0)
    numbers = len(_NUMBER.findall(text))
    # Many subjects quote a number or two; word problems are built from them and ask how many.
    if numbers >= 2:
        score += min(0.4 * numbers, 2.0)
    money = len(_MONEY.findall(text))
    if money:
        score += min(1.5 * money, 4.0)
    if numbers and _QUANTITY.search(text):
        score += 2.0 + min(0.5 * numbers, 2.0)
    return score


def _ranking(scores: list[float], enough_words: bool) -> TopicRanking:
    evidence = sum(scores)
    if evidence <= 0.0 or (evidence < MIN_EVIDENCE and not enough_words):
        return TopicRanking((), evidence, 0.0)
    top = max(scores)
    exponents = [math.exp(SHARPNESS * (score - top)) for score in scores]
    total = sum(exponents)
    ranked = sorted(
        ((TOPICS[index], exponents[index] / total) for index in range(len(TOPICS)) if scores[index] > 0),
        key=lambda item: item[1],
        reverse=True,
    )
    return TopicRanking(tuple(ranked), evidence, ranked[0][1] * evidence_factor(evidence))
