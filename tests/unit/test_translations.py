"""Every message the code marks for translation is translated in all four languages."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from kiosk.i18n import LANGUAGES, is_rtl, plural_translator, translator

REPO = Path(__file__).parents[2]
KEYWORDS = {"_": None, "N_": None, "gettext": None, "NP_": (1, 2)}
# Plural forms a catalogue must give per message (Arabic: zero, one, two, few, many, other).
PLURAL_FORMS = {"ar": 6, "fr": 2, "zgh": 2, "en": 2}
ARABIC = re.compile(r"[\u0600-\u06ff]")
TIFINAGH = re.compile(r"[\u2d30-\u2d7f]")
ASCII_LETTERS = re.compile(r"[A-Za-z]{3,}")


def _marked(plural: bool) -> set[Any]:
    found: set[Any] = set()
    for package in ("kiosk", "device_drivers"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            REPO / package, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            if isinstance(message, tuple) == plural and message:
                found.add(message)
    return found


def _marked_messages() -> set[str]:
    return _marked(plural=False)


def _catalogue(lang: str) -> dict[str, str]:
    po = REPO / "kiosk" / "i18n" / "locale" / lang / "LC_MESSAGES" / "kiosk.po"
    with po.open("rb") as handle:
        catalog = read_po(handle)
    return {m.id: str(m.string) for m in catalog if isinstance(m.id, str) and m.id and not m.fuzzy}


def _plural_catalogue(lang: str) -> dict[tuple[str, str], tuple[str, ...]]:
    po = REPO / "kiosk" / "i18n" / "locale" / lang / "LC_MESSAGES" / "kiosk.po"
    with po.open("rb") as handle:
        catalog = read_po(handle)
    assert catalog.num_plurals == PLURAL_FORMS[lang], f"{lang}.po: wrong Plural-Forms header"
    return {m.id: tuple(m.string) for m in catalog if isinstance(m.id, tuple) and not m.fuzzy}


def test_code_marks_some_messages() -> None:
    assert len(_marked_messages()) >= 5


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_marked_message_is_translated(lang: str) -> None:
    table = _catalogue(lang)
    missing = sorted(m for m in _marked_messages() if not table.get(m))
    assert missing == [], f"{lang}.po lacks {len(missing)}: {missing[:5]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_plural_message_has_all_its_forms(lang: str) -> None:
    table = _plural_catalogue(lang)
    marked = _marked(plural=True)
    assert marked, "the code marks no plural message"
    incomplete = sorted(
        m for m in marked if len(table.get(m, ())) != PLURAL_FORMS[lang] or not all(table[m])
    )
    assert incomplete == [], f"{lang}.po lacks plural forms for {incomplete[:5]}"


def test_arabic_counts_take_their_own_forms() -> None:
    # "حوالي 5 دقيقة" is wrong Arabic: 3-10 take the plural, 11-99 the singular accusative.
    from kiosk.services.documents import ESTIMATED_WAIT

    words = [
        plural_translator("ar")(ESTIMATED_WAIT, n).format(minutes=n) for n in (1, 2, 5, 12, 100)
    ]
    assert words[0].endswith("دقيقة واحدة") and words[1].endswith("دقيقتين")
    assert words[2].endswith("5 دقائق") and words[3].endswith("12 دقيقة")
    assert plural_translator("fr")(ESTIMATED_WAIT, 1).endswith("{minutes} minute")
    assert plural_translator("fr")(ESTIMATED_WAIT, 2).endswith("{minutes} minutes")


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
