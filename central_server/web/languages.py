"""Which of the four languages a page is shown in: chosen, remembered, or asked for by the phone."""

from __future__ import annotations

from fastapi import Request

LANGUAGES = ("ar", "fr", "zgh", "en")
# What each language calls itself, for the switch at the top of every page.
NATIVE_NAMES = {"ar": "العربية", "fr": "Français", "zgh": "ⵜⴰⵎⴰⵣⵉⵖⵜ", "en": "English"}
RTL = frozenset({"ar"})
# Arabic is the first official language; a phone that asks for none of ours gets it.
DEFAULT_LANGUAGE = "ar"
# Phones name Tamazight in several ways; the pages are in Standard Moroccan Tamazight.
_ALIASES = {"ber": "zgh", "tzm": "zgh", "shi": "zgh", "rif": "zgh", "kab": "zgh"}
LANGUAGE_COOKIE = "lang"


def direction(lang: str) -> str:
    """The HTML `dir` of a page in `lang`."""
    return "rtl" if lang in RTL else "ltr"


def _known(tag: str) -> str | None:
    primary = tag.strip().lower().replace("_", "-").split("-")[0]
    primary = _ALIASES.get(primary, primary)
    return primary if primary in LANGUAGES else None


def from_accept_language(header: str) -> str | None:
    """The best of our languages in an Accept-Language header, by its q-values."""
    weighted: list[tuple[float, int, str]] = []
    for position, item in enumerate(header.split(",")):
        tag, _, params = item.partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        language = _known(tag)
        if language is not None and quality > 0:
            # Earlier tags win ties, as the header's order is the phone's preference.
            weighted.append((-quality, position, language))
    return min(weighted)[2] if weighted else None


def choose_language(request: Request) -> str:
    """`?lang=` (the switch), then the remembered choice, then the phone's languages."""
    for chosen in (request.query_params.get("lang"), request.cookies.get(LANGUAGE_COOKIE)):
        if chosen and _known(chosen) == chosen:
            return chosen
    return from_accept_language(request.headers.get("accept-language", "")) or DEFAULT_LANGUAGE
