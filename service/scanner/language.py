"""Language detection with lingua, restricted to the languages the scanner reports."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

from service.catalog import SCAN_LANGUAGES, UNDETERMINED

from .text import tokens

#: Fewer letters than this cannot be told apart reliably (a title, a single word).
MIN_LETTERS = 20
#: Below this top confidence the text is called undetermined rather than guessed.
MIN_CONFIDENCE = 0.55
#: The main language must cover at least this share of the text, or it is mixed.
MIN_MAIN_SHARE = 0.55
#: Pieces (sentences, list items) shorter than this are too short to vote on the language mix.
PIECE_LETTERS = 8
#: A piece votes for another language than the text's only when lingua rates it this many times higher there.
PIECE_LEAD = 2.0
MAX_PIECES = 60
#: Only the start of a long document is read: lingua's cost grows with the text.
MAX_DETECT_CHARACTERS = 6000
#: A second language covering this share of the text makes it mixed (a vocabulary list, a translation exercise).
MIXED_SHARE = 0.1
#: A mixed text's language is never surer than this, so it always stays below a clear monolingual text.
MIXED_CEILING = 0.6
#: Instructions must be this much in one language to name the language of a mixed text.
INSTRUCTION_SHARE = 0.6
#: Without instructions, the largest language of a mixed text must be this many times the next one to be named.
MIXED_LEAD = 1.5

#: Imperatives that open an instruction, per language (folded). A piece counts as an instruction only when it
#: starts with one of its own language's verbs, so a vocabulary item in the other language does not.
INSTRUCTION_VERBS: dict[str, frozenset[str]] = {
    "en": frozenset(
        """
        translate write read learn fill complete match answer find choose circle underline copy say listen
        practise practice look draw colour color use put tick join label repeat give ask describe explain
        correct sort revise remember try check spell link cross study work make
        """.split()
    ),
    "fr": frozenset(
        """
        traduis traduisez ecris ecrivez lis lisez apprends apprenez complete completez relie reliez reponds
        repondez trouve trouvez choisis choisissez entoure entourez souligne soulignez recopie recopiez copie
        copiez dis dites ecoute ecoutez regarde regardez dessine dessinez colorie coloriez utilise utilisez
        mets mettez coche cochez associe associez conjugue conjuguez remplis remplissez repete repetez decris
        decrivez explique expliquez corrige corrigez range rangez classe classez revise revisez retiens
        retenez cherche cherchez indique indiquez donne donnez ajoute ajoutez note notez place placez fais
        faites prononce prononcez
        """.split()
    ),
    "nl": frozenset(
        """
        vertaal vertalen schrijf lees leer vul maak verbind beantwoord zoek kies omcirkel onderstreep kleur
        teken zeg luister kijk gebruik zet kruis herhaal beschrijf verbeter oefen noteer vergelijk geef
        omkring spreek spel
        """.split()
    ),
    "de": frozenset(
        """
        ubersetze ubersetzt schreib schreibe schreibt lerne lernt fulle fullt erganze erganzt verbinde
        verbindet beantworte beantwortet finde findet suche sucht wahle wahlt kreuze unterstreiche male malt
        sprich hore hort schau benutze ordne ordnet setze wiederhole beschreibe erklare markiere lies
        """.split()
    ),
    "es": frozenset(
        """
        traduce traducid escribe escribid lee leed aprende aprended completa completad relaciona responde
        contesta busca elige rodea subraya copia escucha mira dibuja colorea usa utiliza pon marca repite
        describe explica corrige ordena rellena
        """.split()
    ),
}

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


@lru_cache(maxsize=1)
def lingua_version() -> str:
    """Return the installed lingua version for the audit trail (read once: a lookup costs a millisecond)."""
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


def _instruction_language(pieces: list[tuple[str, str, int]]) -> tuple[str, float] | None:
    """Return the language most instructions are in and its share of them, when one clearly leads."""
    letters: dict[str, int] = {}
    for piece, code, count in pieces:
        words = tokens(piece)
        if words and words[0] in INSTRUCTION_VERBS.get(code, frozenset()):
            letters[code] = letters.get(code, 0) + count
    total = sum(letters.values())
    if total < PIECE_LETTERS:
        return None
    code, count = max(letters.items(), key=lambda item: item[1])
    return (code, count / total) if count / total >= INSTRUCTION_SHARE else None


def _mixed(
    main: str,
    confidence: float,
    ranking: tuple[tuple[str, float], ...],
    letters: int,
    shares: dict[str, float],
    instruction: tuple[str, float] | None,
) -> LanguageGuess:
    """Name the language of a text written in two or more: the instructions', else a clearly larger one."""
    ordered = sorted(shares.items(), key=lambda item: item[1], reverse=True)
    if instruction is not None:
        chosen, strength = instruction
    elif len(ordered) < 2 or ordered[0][1] >= MIXED_LEAD * ordered[1][1]:
        chosen, strength = ordered[0]
    else:
        # No instructions and no language clearly larger: naming one would be a guess.
        secondary, secondary_share = ordered[1] if ordered[0][0] == main else ordered[0]
        return LanguageGuess(UNDETERMINED, min(confidence, ordered[0][1]), ranking, secondary, secondary_share)
    others = [(code, share) for code, share in ordered if code != chosen]
    secondary, secondary_share = others[0] if others else (UNDETERMINED, 0.0)
    certainty = min(MIXED_CEILING * strength, letters / (letters + 15.0))
    return LanguageGuess(chosen, certainty, ranking, secondary, secondary_share)


def detect_language(text: str) -> LanguageGuess:
    """Detect the main language of a text, and a second one if the text is bilingual.

    A mixed text (a vocabulary list, a translation exercise) is given the language of its instructions, or of a
    clearly larger part, always with less confidence than a text in one language; ``und`` when none leads.

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
    pieces: list[tuple[str, str, int]] = []
    for piece in _pieces(text):
        piece_values = lingua.compute_language_confidence_values(piece)
        if not piece_values:
            continue
        code = _code(piece_values[0].language)
        # Short pieces are often ambiguous; one that could as well be in the text's language is counted there.
        rival = next((value.value for value in piece_values if _code(value.language) == main), 0.0)
        if rival * PIECE_LEAD >= piece_values[0].value:
            code = main
        pieces.append((piece, code, _letters(piece)))
    measured = sum(count for _piece, _code_, count in pieces)
    shares: dict[str, float] = {}
    for _piece, code, count in pieces:
        shares[code] = shares.get(code, 0.0) + count / measured
    main_share = shares.get(main, 0.0) if measured else 1.0
    others = sorted(((share, code) for code, share in shares.items() if code != main), reverse=True)
    secondary_share, secondary = others[0] if others else (0.0, UNDETERMINED)
    instruction = _instruction_language(pieces)
    elsewhere = instruction is not None and instruction[0] != main
    if len(pieces) >= 2 and (main_share < MIN_MAIN_SHARE or secondary_share >= MIXED_SHARE or elsewhere):
        return _mixed(main, confidence, ranking, letters, shares, instruction)
    if len(pieces) >= 2 and main_share == 1.0:
        # Every sentence agrees, so what matters is how far the main language leads the next one.
        runner_up = ranking[1][1] if len(ranking) > 1 else 0.0
        confidence = max(confidence, confidence / (confidence + runner_up))
    # Short texts get lingua's raw confidence; the letter count caps it so a sentence never looks certain.
    certainty = min(confidence, main_share, letters / (letters + 15.0))
    if certainty < MIN_CONFIDENCE:
        return LanguageGuess(UNDETERMINED, certainty, ranking, secondary, secondary_share)
    return LanguageGuess(main, certainty, ranking, secondary, secondary_share)
