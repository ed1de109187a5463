"""The names a scan can answer with, shared by the web process and the scan engine.

This module imports nothing, so the web process can validate a parent's confirmation without loading any
parser, image library or language model.
"""

from __future__ import annotations

#: the school subjects a quick scan suggests and a parent may confirm
TOPICS: tuple[str, ...] = (
    "mathematics",
    "science",
    "history",
    "geography",
    "language_literature",
    "foreign_language",
    "music",
    "arts",
    "computing",
    "physical_education",
    "religion_ethics",
)
#: the topic of a document without subject evidence
UNKNOWN_TOPIC = "unknown"
#: lower-ranked suggestions a scan offers at most
MAX_ALTERNATIVES = 3

#: the languages a quick scan reports (ISO 639-1)
SCAN_LANGUAGES: tuple[str, ...] = ("en", "fr", "nl", "de", "es", "it", "pt")
#: the language of a text too short or too mixed to tell
UNDETERMINED = "und"

#: every ISO 639-1 code a parent may confirm: the languages the detector family knows (lingua 2.x); a test
#: checks this list against the installed detector
CONFIRMABLE_LANGUAGES: frozenset[str] = frozenset(
    """
    af ar az be bg bn bs ca cs cy da de el en eo es et eu fa fi fr ga gu he hi hr hu hy id is it ja ka kk ko
    la lg lt lv mi mk mn mr ms nb nl nn pa pl pt ro ru sk sl sn so sq sr st sv sw ta te th tl tn tr ts uk ur
    vi xh yo zh zu
    """.split()
)
