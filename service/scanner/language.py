"""Language detection with lingua, restricted to the languages the scanner reports."""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from importlib import metadata

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

from .result import SCAN_LANGUAGES, UNDETERMINED

#: Fewer letters than this cannot be told apart reliably (a title, a single word).
MIN_LETTERS = 20
#: Below this top confidence the text is called undetermined rather than guessed.
MIN_CONFIDENCE = 0.55
#: The main language must cover at least this share of the text, or it is mixed.
MIN_MAIN_SHARE = 0.55
#: Pieces (sentences, list items) shorter than this are too short to vote on the language mix.
PIECE_LETTERS = 8
MAX_PIECES = 60
#: Only the start of a long document is read: lingua's cost grows with the text.
MAX_DETECT_CHARACTERS = 6000

# Vocabulary lists pair words with separators, so those split pieces as well as sentence ends do.
_SPLIT = re.compile(r"(?<=[.!?;])\s+|\n+|\s*(?:=|–|\s-\s|:|\(|\)|/)\s*")
_lock = threading.Lock()
_detector: LanguageDetector | None = None


@dataclass(frozen=True)
class LanguageGuess:
    """The detected language of a text.

    :param language: ISO 639-1 code, or ``und``
    :param confidence: how sure the detector is, 0 to 1
    :param ranking: ``(code, confidence)`` for the best candidates
    :param secondary: the second language when part of the text is in another language, else ``und``
    :param secondary_share: share of the text's letters in that second language
    """

    language: str
    confidence: float
    ranking: tuple[tuple[str, float], ...]
    secondary: str = UNDETERMINED
    secondary_share: float = 0.0


def detector() -> LanguageDetector:
    """Return the process-wide lingua detector, building it on first use."""
    global _detector
    with _lock:
        if _detector is None:
            codes = [getattr(IsoCode639_1, code.upper()) for code in SCAN_LANGUAGES]
            _detector = LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_preloaded_language_models().build()
        return _detector


def lingua_version() -> str:
    """Return the installed lingua version for the audit trail."""
    try:
        return metadata.version("lingua-language-detector")
    except metadata.PackageNotFoundError:
        return "unknown"


def _code(language: Language) -> str:
    return language.iso_code_639_1.name.lower()


def _letters(text: str) -> int:
    return sum(1 for char in text if char.isalpha())


def _pieces(text: str) -> list[str]:
    pieces = [piece for piece in _SPLIT.split(text) if piece and _letters(piece) >= PIECE_LETTERS]
    return pieces[:MAX_PIECES]


def detect_language(text: str) -> LanguageGuess:
    """Detect the main language of a text, and a second one if the text is bilingual.

    :param text: the document's text
    """
    text = text[:MAX_DETECT_CHARACTERS]
    letters = _letters(text)
    if letters < MIN_LETTERS:
        return LanguageGuess(UNDETERMINED, 0.0, ())
    lingua = detector()
    values = lingua.compute_language_confidence_values(text)
    ranking = tuple((_code(value.language), float(value.value)) for value in values[:3])
    if not ranking:
        return LanguageGuess(UNDETERMINED, 0.0, ())
    main, confidence = ranking[0]
    shares: dict[str, int] = {}
    pieces = _pieces(text)
    for piece in pieces:
        found = lingua.detect_language_of(piece)
        if found is not None:
            shares[_code(found)] = shares.get(_code(found), 0) + _letters(piece)
    measured = sum(shares.values())
    main_share = shares.get(main, 0) / measured if measured else 1.0
    others = sorted(((share, code) for code, share in shares.items() if code != main), reverse=True)
    secondary, secondary_share = (others[0][1], others[0][0] / measured) if others else (UNDETERMINED, 0.0)
    if len(pieces) >= 2 and main_share < MIN_MAIN_SHARE:
        # Two languages in similar amounts: naming one of them would be a guess.
        return LanguageGuess(UNDETERMINED, min(confidence, main_share), ranking, secondary, secondary_share)
    # Short texts get lingua's raw confidence; the letter count caps it so a sentence never looks certain.
    certainty = min(confidence, main_share, letters / (letters + 15.0))
    if certainty < MIN_CONFIDENCE:
        return LanguageGuess(UNDETERMINED, certainty, ranking, secondary, secondary_share)
    return LanguageGuess(main, certainty, ranking, secondary, secondary_share)
