"""Every fault under the screen reaches the citizen as one translated sentence."""

from __future__ import annotations

import sqlite3

import pytest

from kiosk.central.errors import Offline
from kiosk.domain.tickets import TicketNumbersExhausted
from kiosk.i18n import LANGUAGES, translator
from kiosk.services.faults import GENERIC_MESSAGE, message_key
from offline_cache.database import CacheDamaged, CacheFull, CacheReadOnly


def _sqlite_error(code: int, text: str) -> sqlite3.Error:
    error = sqlite3.DatabaseError(text)
    error.sqlite_errorcode = code  # what the sqlite3 module sets on a real failure
    return error


@pytest.mark.parametrize(
    "error",
    [
        CacheDamaged("x"),
        CacheFull("x"),
        CacheReadOnly("x"),
        _sqlite_error(11, "database disk image is malformed"),
        _sqlite_error(13, "database or disk is full"),
        _sqlite_error(10, "disk I/O error"),
        Offline("down"),
        TicketNumbersExhausted("used up"),
        RuntimeError("a bug"),
    ],
)
def test_each_fault_has_a_translated_sentence_in_every_language(error: Exception) -> None:
    key = message_key(error)
    for lang in LANGUAGES:
        text = translator(lang)(key)
        assert text and "\n" not in text
        if lang != "en":
            assert text != key, (lang, key)


def test_storage_faults_are_told_apart_and_bugs_are_generic() -> None:
    full = message_key(_sqlite_error(13, "database or disk is full"))
    damaged = message_key(_sqlite_error(11, "database disk image is malformed"))
    assert full != damaged
    assert message_key(RuntimeError("a bug")) == GENERIC_MESSAGE
