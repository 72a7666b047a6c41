"""One exception hierarchy for every way a call to the central server can fail."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kiosk.i18n import N_
from offline_cache.protocol import (
    DeviceNotAuthorised,
    PermanentError,
    TransientError,
    Unreachable,
)

# Statuses that refuse the content of a request rather than the request itself.
CONTENT_REFUSALS = frozenset({400, 409, 413, 422})


class CentralError(Exception):
    """A call to the central server failed; `message_key` is the msgid to show the citizen."""

    message_key: str = N_("The central server refused this request.")

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class DeviceTokenError(CentralError):
    """The device token file is not configured, missing or unreadable."""

    message_key = N_("This kiosk has no device key. Please call a technician.")


class Offline(CentralError, Unreachable):
    """Cannot connect, or the reply did not come in time."""

    message_key = N_("No connection to the central server. Your data is kept safely.")


class ServerFault(CentralError, TransientError):
    """The server answered 5xx (or asked us to slow down): try again later."""

    message_key = N_("The central server has a problem. Please try again later.")

    def __init__(self, detail: str, status: int) -> None:
        super().__init__(detail)
        self.status = status


class BadResponse(CentralError, TransientError):
    """The reply is not what the contract says: not JSON, HTML, or the wrong shape."""

    message_key = N_("The central server sent an unexpected reply.")


class Rejected(CentralError, PermanentError):
    """The server refused the request (4xx) with an error code; resending will not help."""

    def __init__(
        self, status: int, error: str, message: str, extras: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(f"{status} {error}: {message}")
        self.status = status
        self.error = error
        self.message = message
        self.extras: Mapping[str, Any] = dict(extras or {})
        # Only these say "what you sent is wrong"; a 404 or 405 says the endpoint is.
        self.blames_request = status in CONTENT_REFUSALS


class InvalidDevice(Rejected, DeviceNotAuthorised):
    """401 invalid_device: this kiosk's token is unknown or revoked."""

    message_key = N_("This kiosk is not authorised. Please call a technician.")


class SessionExpired(Rejected):
    """401 session_expired: the citizen must sign in again."""

    message_key = N_("Your session has ended. Please sign in again.")


class InvalidCredentials(Rejected):
    """401 invalid_credentials: wrong PIN or unknown CIN."""

    message_key = N_("The CIN or the PIN is not correct.")

    @property
    def attempts_left(self) -> int | None:
        """How many tries remain before the CIN is locked, if the server said."""
        value = self.extras.get("attempts_left")
        return value if isinstance(value, int) else None


class Locked(Rejected):
    """423 locked: too many wrong PINs for this CIN, from any kiosk."""

    message_key = N_("Too many wrong PIN attempts. Please try again later.")

    @property
    def retry_after_s(self) -> int | None:
        """Seconds until the lock ends, if the server said."""
        value = self.extras.get("retry_after_s")
        return value if isinstance(value, int) else None


class NotFound(Rejected):
    """404 not_found: no such dossier, or the CIN does not match it (deliberately the same)."""

    message_key = N_("No application matches this dossier number and CIN.")


# Which subclass an error code gets; others stay plain `Rejected`.
REJECTIONS: dict[str, type[Rejected]] = {
    "invalid_device": InvalidDevice,
    "session_expired": SessionExpired,
    "invalid_credentials": InvalidCredentials,
    "locked": Locked,
    "not_found": NotFound,
}
