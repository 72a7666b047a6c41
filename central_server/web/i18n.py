"""Translations of the server's pages: one Babel catalogue per page family and language."""

from __future__ import annotations

import gettext
import io
from functools import cache
from importlib import resources

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from central_server.web.languages import LANGUAGES


@cache
def page_texts(lang: str, domain: str) -> gettext.GNUTranslations:
    """The catalogue `locale/<lang>/LC_MESSAGES/<domain>.po`, with its plural rule.

    The .po is compiled in memory once per process, which keeps build artefacts (.mo) out of
    the repository; untranslated messages fall back to their English msgid.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; expected one of {LANGUAGES}")
    po_file = resources.files(__package__).joinpath("locale", lang, "LC_MESSAGES", f"{domain}.po")
    with po_file.open("rb") as handle:
        catalog = read_po(handle, locale=None)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)
