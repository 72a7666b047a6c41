"""Translations: gettext catalogues (.po, read through Babel) for ar, fr, zgh and en."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import resources

from babel.messages.pofile import read_po

LANGUAGES = ("ar", "fr", "zgh", "en")
RTL_LANGUAGES = frozenset({"ar"})
DOMAIN = "kiosk"

Translator = Callable[[str], str]


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return message


def is_rtl(lang: str) -> bool:
    """Whether the language is written right to left."""
    return lang in RTL_LANGUAGES


@cache
def _catalogue(lang: str) -> dict[str, str]:
    # Reading the .po directly keeps compiled .mo files (build artefacts) out of the repo;
    # the catalogues are small, and this runs once per language per process.
    po_file = resources.files(__package__).joinpath("locale", lang, "LC_MESSAGES", f"{DOMAIN}.po")
    with po_file.open("rb") as handle:
        catalog = read_po(handle, locale=None)
    return {
        str(message.id): str(message.string)
        for message in catalog
        if message.id and message.string and not message.fuzzy
    }


def translator(lang: str) -> Translator:
    """A gettext-style function for `lang`; unknown messages fall back to the English msgid."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; expected one of {LANGUAGES}")
    table = _catalogue(lang)

    def translate(message: str) -> str:
        return table.get(message, message)

    return translate
