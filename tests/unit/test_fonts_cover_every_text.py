"""Every character the kiosk can show in Arabic or Tamazight has a glyph: no boxes, ever."""

from __future__ import annotations

import unicodedata
from importlib import resources

import pytest
from babel.messages.pofile import read_po
from fontTools.ttLib import TTFont

from kiosk.domain.catalogue import packaged_catalogue

FONTS = {"ar": "GAUSansArabic", "zgh": "GAUSansTifinagh"}
# What any line may carry besides its own script: ticket numbers, dates, codes.
ALWAYS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-:/.,()% "
# Paper holds a number to its unit with a no-break space (kiosk.services.documents.typeset).
ALWAYS += "\u00a0"


def _texts(lang: str) -> set[str]:
    po = resources.files("kiosk.i18n").joinpath("locale", lang, "LC_MESSAGES", "kiosk.po")
    with po.open("rb") as handle:
        texts = {str(message.string) for message in read_po(handle) if message.string}
    for service in packaged_catalogue():
        texts.add(service.name(lang))
        texts.update(service.documents_in(lang))
        texts.update(text for text in (service.summary.get(lang), service.delay.get(lang)) if text)
    return texts


@pytest.mark.parametrize("lang", sorted(FONTS))
@pytest.mark.parametrize("weight", ["Regular", "Bold"])
def test_the_merged_font_draws_every_character_of_the_language(lang: str, weight: str) -> None:
    path = resources.files("assets").joinpath("fonts", f"{FONTS[lang]}-{weight}.ttf")
    with resources.as_file(path) as font_file:
        cmap = TTFont(font_file).getBestCmap()
    wanted = set(ALWAYS).union(*_texts(lang))
    # Line breaks and format characters (bidi marks, joiners) are obeyed, not drawn.
    drawn = {c for c in wanted if unicodedata.category(c) not in ("Cc", "Cf")}
    missing = sorted(c for c in drawn if ord(c) not in cmap)
    assert not missing, [f"U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in missing]
