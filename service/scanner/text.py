"""Text normalisation shared by the topic model and its vocabularies."""

from __future__ import annotations

import re
import unicodedata

_SPECIAL = str.maketrans({"ß": "ss", "œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ø": "o", "ł": "l", "’": "'"})
_WORD = re.compile(r"[a-z]+")


def fold(text: str) -> str:
    """Return the text lowercased, with accents and ligatures removed.

    :param text: any text
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL).lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def tokens(text: str) -> list[str]:
    """Return the folded words of a text, letters only.

    :param text: any text
    """
    return _WORD.findall(fold(text))
