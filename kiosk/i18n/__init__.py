"""Translations: gettext catalogues (.po, read through Babel) for ar, fr, zgh and en."""

from __future__ import annotations

import gettext
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

LANGUAGES = ("ar", "fr", "zgh", "en")
RTL_LANGUAGES = frozenset({"ar"})
DOMAIN = "kiosk"

Translator = Callable[[str], str]


@dataclass(frozen=True)
class Plural:
    """A message whose wording depends on a count (Arabic has six forms, French two)."""

    singular: str
    plural: str


PluralTranslator = Callable[[Plural, int], str]


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return message


def NP_(singular: str, plural: str) -> Plural:
    """Mark a plural message for extraction; `plural_translator` picks its form."""
    return Plural(singular, plural)


# Unicode bidi isolates: layout marks the screen needs, not words anyone reads.
LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
_ISOLATES = dict.fromkeys(map(ord, LRI + RLI + FSI + PDI))


def without_isolates(text: str) -> str:
    """`text` as a reader (or a screen reader) takes it: the bidi isolates left out."""
    return text.translate(_ISOLATES)


def ltr_run(text: str) -> str:
    """`text` kept left to right inside any line: a phone, a reference, a path, a URI.

    Wrapped in Unicode isolates (LRI ... PDI), which the bidi algorithm lays out as one
    left-to-right unit: in an Arabic line "+2126******01" otherwise came out
    "01******2126+" and "/tmp/kiosk.toml" as "tmp/kiosk.toml/". Invisible in any language.
    """
    return f"{LRI}{text}{PDI}" if text else text


def typed_run(text: str) -> str:
    """What a citizen typed, laid out in its own direction inside any screen.

    A first-strong isolate (FSI ... PDI): Arabic words read right to left, a phone, a CIN
    or a dossier number left to right ("+212612345678" came out "212612345678+" on an
    Arabic screen).
    """
    return f"{FSI}{text}{PDI}" if text else text


def is_rtl(lang: str) -> bool:
    """Whether the language is written right to left."""
    return lang in RTL_LANGUAGES


def _read(lang: str) -> Catalog:
    # Reading the .po directly keeps compiled .mo files (build artefacts) out of the repo.
    po_file = resources.files(__package__).joinpath("locale", lang, "LC_MESSAGES", f"{DOMAIN}.po")
    with po_file.open("rb") as handle:
        return read_po(handle, locale=None)


# Babel's Catalog keeps every message's source locations and comments: only these tables
# are kept (four catalogues held whole stayed resident, about 0.6 MB).
@dataclass(frozen=True)
class _Tables:
    """What a running kiosk needs of one catalogue."""

    messages: dict[str, str]
    choose_form: Callable[[int], int]
    plural_forms: dict[str, tuple[str, ...]]


@cache
def _tables(lang: str) -> _Tables:
    catalog = _read(lang)
    messages = {
        message.id: str(message.string)
        for message in catalog
        if isinstance(message.id, str) and message.id and message.string and not message.fuzzy
    }
    forms = {
        message.id[0]: tuple(message.string)
        for message in catalog
        if isinstance(message.id, tuple)
        and isinstance(message.string, tuple)
        and all(message.string)
        and not message.fuzzy
    }
    # The catalogue's own Plural-Forms header decides, as GNU gettext would.
    return _Tables(messages, gettext.c2py(catalog.plural_expr), forms)


def translator(lang: str) -> Translator:
    """A gettext-style function for `lang`; unknown messages fall back to the English msgid."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; expected one of {LANGUAGES}")
    table = _tables(lang).messages

    def translate(message: str) -> str:
        return table.get(message, message)

    return translate


def plural_translator(lang: str) -> PluralTranslator:
    """`(message, n)` -> the form of `message` for the count `n` in `lang` (not yet formatted)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; expected one of {LANGUAGES}")
    tables = _tables(lang)
    choose, table = tables.choose_form, tables.plural_forms

    def translate(message: Plural, count: int) -> str:
        forms = table.get(message.singular)
        if forms is None:  # untranslated: English rules on the msgids
            return message.singular if count == 1 else message.plural
        return forms[min(choose(count), len(forms) - 1)]

    return translate
