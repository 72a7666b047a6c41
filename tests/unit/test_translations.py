"""Every message the code marks for translation is translated in all four languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from kiosk.i18n import LANGUAGES, is_rtl, translator

REPO = Path(__file__).parents[2]
KEYWORDS = {"_": None, "N_": None, "gettext": None}
ARABIC = re.compile(r"[\u0600-\u06ff]")
TIFINAGH = re.compile(r"[\u2d30-\u2d7f]")
ASCII_LETTERS = re.compile(r"[A-Za-z]{3,}")


def _marked_messages() -> set[str]:
    found: set[str] = set()
    for package in ("kiosk", "device_drivers"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            REPO / package, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            if isinstance(message, str) and message:
                found.add(message)
    return found


def _catalogue(lang: str) -> dict[str, str]:
    po = REPO / "kiosk" / "i18n" / "locale" / lang / "LC_MESSAGES" / "kiosk.po"
    with po.open("rb") as handle:
        catalog = read_po(handle)
    return {str(m.id): str(m.string) for m in catalog if m.id and not m.fuzzy}


def test_code_marks_some_messages() -> None:
    assert len(_marked_messages()) >= 5


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_marked_message_is_translated(lang: str) -> None:
    table = _catalogue(lang)
    missing = sorted(m for m in _marked_messages() if not table.get(m))
    assert missing == [], f"{lang}.po lacks {len(missing)}: {missing[:5]}"


@pytest.mark.parametrize("lang", ["ar", "zgh"])
def test_translations_are_in_the_right_script(lang: str) -> None:
    script = ARABIC if lang == "ar" else TIFINAGH
    wrong = [
        msgid
        for msgid, text in _catalogue(lang).items()
        if ASCII_LETTERS.search(msgid) and not script.search(text)
    ]
    assert wrong == []


def test_arabic_only_is_right_to_left() -> None:
    assert [lang for lang in LANGUAGES if is_rtl(lang)] == ["ar"]


def test_unknown_language_is_refused_and_unknown_message_falls_back() -> None:
    with pytest.raises(ValueError):
        translator("es")
    assert translator("fr")("a message nobody translated") == "a message nobody translated"
