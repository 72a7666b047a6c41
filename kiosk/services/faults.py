"""What a citizen reads when something under the screen fails: one sentence to translate."""

from __future__ import annotations

import sqlite3

from kiosk.central import DeviceTokenError
from kiosk.i18n import N_
from offline_cache.database import (
    CacheDamaged,
    CacheDiskError,
    CacheError,
    CacheFull,
    CacheReadOnly,
    cache_error,
)

# The technician reads the detail in `kiosk doctor` and the journal; the citizen is told
# that it is not their fault and where to go. Nothing the citizen typed is lost by these.
_CACHE_MESSAGES: dict[type[CacheError], str] = {
    CacheDamaged: N_("This kiosk needs a technician. Please ask at the reception desk."),
    CacheFull: N_("This kiosk's storage is full. Please ask at the reception desk."),
    CacheDiskError: N_("This kiosk's storage is failing. Please ask at the reception desk."),
    CacheReadOnly: N_("This kiosk cannot save anything. Please ask at the reception desk."),
}
GENERIC_MESSAGE = N_("Sorry, something went wrong. Please try again or ask at the reception desk.")


__all__ = [
    "GENERIC_MESSAGE",
    "CacheError",
    "DeviceTokenError",
    "cache_error",
    "message_key",
]


def message_key(error: BaseException) -> str:
    """The msgid to show for `error` (translate it with the citizen's language)."""
    if isinstance(error, sqlite3.Error):
        error = cache_error(error)
    own = getattr(error, "message_key", None)
    if isinstance(own, str):
        return own  # the central client's errors, used-up numbers, disabled services
    for kind, key in _CACHE_MESSAGES.items():
        if isinstance(error, kind):
            return key
    if isinstance(error, CacheError):
        return _CACHE_MESSAGES[CacheDamaged]
    return GENERIC_MESSAGE
