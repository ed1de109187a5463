"""The topic model on its own: weak evidence, word problems and the numbers in them."""

from __future__ import annotations

import pytest

from service.scanner import scan
from service.scanner.topics import MIN_EVIDENCE, TopicModel

TINY = {"mathematics": {"en": "half:0.5"}, "arts": {"en": "paper:0.3"}}


def test_weak_evidence_in_real_text_is_a_humble_guess_with_alternatives() -> None:
    ranking = TopicModel(TINY).rank("Tom cuts the paper in half for his little sister.", "en")
    assert ranking.evidence < MIN_EVIDENCE
    assert ranking.topic == "mathematics"
    assert [topic for topic, _probability in ranking.ranking] == ["mathematics", "arts"]
    assert 0.0 < ranking.confidence < 0.1


@pytest.mark.parametrize("text", ["half", "Page 3", "Name: ______ Date: ______", ""])
def test_no_text_or_no_evidence_is_no_topic(text: str) -> None:
    ranking = TopicModel(TINY).rank(text, "en")
    assert ranking.topic is None
    assert ranking.confidence == 0.0


@pytest.mark.parametrize(
    "text, language",
    [
        ("Lotte has 3 bags with 15 marbles in each bag. How many marbles does she have?", "en"),
        ("Léa a 36 billes et en donne 12 à son frère. Combien lui en reste-t-il ?", "fr"),
        ("De bakker bakt 120 broodjes en verkoopt er 85. Hoeveel broodjes heeft hij nog?", "nl"),
        ("Anna hat 20 Bonbons und gibt 8 davon ab. Wie viele hat sie noch?", "de"),
        ("María tiene 15 caramelos y come 4. ¿Cuántos caramelos le quedan?", "es"),
        ("A pen costs £1.20 and a ruler 85p. What do they cost together?", "en"),
    ],
)
def test_numbers_with_a_quantity_question_point_to_mathematics(text: str, language: str) -> None:
    ranking = TopicModel({}).rank(text, language)
    assert ranking.topic == "mathematics"


def test_years_alone_are_not_arithmetic() -> None:
    assert TopicModel({}).rank("The castle was built in 1066 and rebuilt in 1350 by the new lord.", "en").topic is None


def test_everyday_word_problem_is_mathematics_with_low_confidence_and_alternatives() -> None:
    result = scan(
        b"Sam reads 12 pages of his book every day. How many pages does he read in a week?", "text/plain", "problem.txt"
    )
    assert (result.topic, result.language) == ("mathematics", "en")
    assert result.confidence < 0.5
    assert "language_literature" in {alternative.topic for alternative in result.alternatives}
