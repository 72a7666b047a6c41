"""Text folding for search: one form for every spelling a person may type."""

from __future__ import annotations

import re
import unicodedata

_TATWEEL = "\u0640"
# Letters that people write interchangeably when typing Arabic on a touchscreen.
_ARABIC_EQUIVALENTS = str.maketrans(
    {
        "\u0671": "\u0627",  # alef wasla -> alef
        "\u0649": "\u064a",  # alef maqsura -> yeh
        "\u0629": "\u0647",  # teh marbuta -> heh
        "\u06cc": "\u064a",  # farsi yeh -> yeh
        "\u06a9": "\u0643",  # keheh -> kaf
        "\u0621": "",  # lone hamza carries no letter
    }
)
_WORD = re.compile(r"\w+", re.UNICODE)


def fold(text: str) -> str:
    """Lower-case text without diacritics, tatweel, hamza seats or accents.

    NFKD splits أ إ آ ؤ ئ into a base letter plus a combining hamza or madda, and é into
    e plus an accent; dropping every combining mark then unifies all those spellings.
    """
    decomposed = unicodedata.normalize("NFKD", text.replace(_TATWEEL, ""))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", bare.translate(_ARABIC_EQUIVALENTS)).casefold()


def search_terms(query: str) -> list[str]:
    """Folded words of a query, in order, without duplicates."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(fold(query)):
        seen.setdefault(word, None)
    return list(seen)
