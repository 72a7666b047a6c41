"""The citizen's CAU session: sign in with CIN + PIN, the token in memory only, sign out."""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from device_drivers.scanner import CodeKind, ScannedCode
from kiosk.central import (
    BadResponse,
    CentralClient,
    CentralError,
    DeviceTokenError,
    InvalidCredentials,
    InvalidDevice,
    Locked,
    Offline,
    ServerFault,
)
from kiosk.domain.models import Citizen
from kiosk.domain.validation import InvalidCIN, ValidationError, normalize_cin, normalize_pin
from offline_cache.clock import utc_now

log = logging.getLogger(__name__)

# The reference server's documented lock (900 s): used only if a 423 reply omits its length.
DEFAULT_LOCK_S = 900


class InputField(StrEnum):
    """Which of the two sign-in fields the citizen must correct."""

    CIN = "cin"
    PIN = "pin"


class UnreachableCause(StrEnum):
    """Why sign-in could not be asked of the server (the UI offers an offline pre-request)."""

    NO_SERVER = "no_server"  # standalone kiosk: no client configured
    OFFLINE = "offline"  # cannot connect, or no reply in time
    SERVER_FAULT = "server_fault"  # 5xx, 408, 429
    BAD_REPLY = "bad_reply"  # not the contract's reply (HTML, malformed JSON, TLS)
    DEVICE_REFUSED = "device_refused"  # this kiosk's device token is refused or missing
    REFUSED = "refused"  # any other refusal the contract does not foresee for sign-in


@dataclass(frozen=True)
class SignedIn:
    """The citizen is signed in; only masked identifiers, never the token."""

    citizen_id: str
    display_name: str
    cin_masked: str
    phone_masked: str | None  # None: no phone on file (no SMS alert possible)
    email_masked: str | None
    preferred_language: str
    expires_at: datetime


@dataclass(frozen=True)
class WrongPin:
    """The CIN or the PIN is wrong (the server does not say which, on purpose)."""

    attempts_left: int | None  # None: the server did not say


@dataclass(frozen=True)
class LockedOut:
    """Too many wrong PINs for this CIN, from any kiosk: try again in `minutes_left`."""

    minutes_left: int  # at least 1, rounded up: for the UI's plural forms
    until: datetime


@dataclass(frozen=True)
class InvalidInput:
    """What was typed is not a CIN or not a PIN; nothing was sent to the server."""

    field: InputField
    error: ValidationError

    @property
    def message_key(self) -> str:
        """The msgid to show beside the field."""
        return self.error.message_key


@dataclass(frozen=True)
class Unreachable:
    """The server could not answer the sign-in; the UI offers the offline pre-request."""

    cause: UnreachableCause
    message_key: str


@dataclass(frozen=True)
class Cancelled:
    """A sign-out came while the sign-in was on its way: the new session was closed again."""


SignInOutcome = SignedIn | WrongPin | LockedOut | InvalidInput | Unreachable | Cancelled


def cin_from_card(code: ScannedCode) -> str | None:
    """The normalised CIN a scanned CAU card QR (`CAU:<CIN>`) carries; None for other codes."""
    if code.kind is not CodeKind.CAU_CARD:
        return None
    try:
        return normalize_cin(code.value)
    except InvalidCIN:
        return None


def _unreachable(error: CentralError) -> Unreachable:
    if isinstance(error, DeviceTokenError | InvalidDevice):
        cause = UnreachableCause.DEVICE_REFUSED
    elif isinstance(error, Offline):
        cause = UnreachableCause.OFFLINE
    elif isinstance(error, ServerFault):
        cause = UnreachableCause.SERVER_FAULT
    elif isinstance(error, BadResponse):
        cause = UnreachableCause.BAD_REPLY
    else:
        cause = UnreachableCause.REFUSED
    return Unreachable(cause, error.message_key)


class SessionHolder:
    """One per app: the signed-in citizen and their session token, in memory only.

    Thread-safe: sign-in and sign-out run on a worker thread while the UI asks
    `is_active`. The HTTP calls run outside the lock, so a sign-out never waits for a
    slow server; a sign-in that a sign-out overtook is closed again, not kept.
    """

    def __init__(self, pin_length: int = 6, clock: Callable[[], datetime] = utc_now) -> None:
        self._pin_length = pin_length
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._citizen: Citizen | None = None
        self._expires_at: datetime | None = None
        # Bumped by every sign-out and sign-in: a sign-in stores its token only if it is
        # still the latest thing that happened to the holder.
        self._generation = 0

    def __repr__(self) -> str:
        return f"SessionHolder(signed_in={self._token is not None})"  # never the token

    def sign_in(
        self, client: CentralClient | None, cin_typed: str | ScannedCode, pin_typed: str
    ) -> SignInOutcome:
        """Normalise the CIN (typed, or a scanned CAU card) and the PIN, then ask the server.

        Any attempt first signs out a citizen still signed in (locally at once, on the
        server best-effort): whoever stands at the screen now is not them.
        """
        self.sign_out(client)
        try:
            if isinstance(cin_typed, ScannedCode):
                cin = cin_from_card(cin_typed)
                if cin is None:
                    raise InvalidCIN(f"scanned a {cin_typed.kind.value} code, not a CAU card")
            else:
                cin = normalize_cin(cin_typed)
        except ValidationError as error:
            return InvalidInput(InputField.CIN, error)
        try:
            pin = normalize_pin(pin_typed, self._pin_length)
        except ValidationError as error:
            return InvalidInput(InputField.PIN, error)
        if client is None:
            return Unreachable(UnreachableCause.NO_SERVER, Offline.message_key)

        with self._lock:
            generation = self._generation
        try:
            session = client.open_session(cin, pin)
        except InvalidCredentials as refused:
            log.info("sign-in refused: wrong CIN or PIN (%s attempts left)", refused.attempts_left)
            return WrongPin(refused.attempts_left)
        except Locked as locked:
            return self._locked(locked)
        except CentralError as error:
            log.info("sign-in not possible: %s", type(error).__name__)
            return _unreachable(error)

        with self._lock:
            if self._generation == generation:
                self._generation += 1
                self._token = session.token
                self._citizen = session.citizen
                self._expires_at = session.expires_at
                superseded = False
            else:
                superseded = True
        if superseded:
            log.info("sign-in finished after a sign-out: closing that session again")
            self._close_on_server(client, session.token)
            return Cancelled()
        citizen = session.citizen
        return SignedIn(
            citizen_id=citizen.citizen_id,
            display_name=citizen.display_name,
            cin_masked=citizen.cin_masked,
            phone_masked=citizen.phone_masked,
            email_masked=citizen.email_masked,
            preferred_language=citizen.preferred_language,
            expires_at=session.expires_at,
        )

    def _locked(self, locked: Locked) -> LockedOut:
        seconds = locked.retry_after_s if locked.retry_after_s is not None else DEFAULT_LOCK_S
        seconds = max(seconds, 1)
        log.info("sign-in refused: CIN locked for %d s", seconds)
        return LockedOut(
            minutes_left=math.ceil(seconds / 60),
            until=self._clock() + timedelta(seconds=seconds),
        )

    def is_active(self, now: datetime | None = None) -> bool:
        """Whether a citizen is signed in and the session has not expired at `now`.

        An expired session is forgotten here (the server has already ended it).
        """
        moment = now or self._clock()
        with self._lock:
            if self._token is None or self._expires_at is None:
                return False
            if moment < self._expires_at:
                return True
            self._forget_locked()
            return False

    def token(self, now: datetime | None = None) -> str | None:
        """The session token for the citizen's calls (requests, history), or None."""
        moment = now or self._clock()
        with self._lock:
            if self._token is None or self._expires_at is None:
                return None
            if moment >= self._expires_at:
                self._forget_locked()
                return None
            return self._token

    @property
    def citizen(self) -> Citizen | None:
        """The signed-in citizen as the server described them (masked), or None."""
        with self._lock:
            return self._citizen

    @property
    def expires_at(self) -> datetime | None:
        """When the server ends the session, or None if nobody is signed in."""
        with self._lock:
            return self._expires_at

    def clear(self) -> None:
        """Forget the session locally at once, without telling the server (never blocks)."""
        with self._lock:
            self._forget_locked()

    def sign_out(self, client: CentralClient | None) -> None:
        """Forget the session locally first, then end it on the server, best-effort."""
        self.forget()(client)

    def forget(self) -> Callable[[CentralClient | None], None]:
        """Forget the session locally now; the call returned ends it on the server (blocking).

        For a UI: forget on its own thread the moment the citizen leaves, and make the call
        on a worker, where waiting for the server harms nobody.
        """
        with self._lock:
            token = self._token
            self._forget_locked()

        def close_on_server(client: CentralClient | None) -> None:
            if token is not None and client is not None:
                self._close_on_server(client, token)

        return close_on_server

    def _forget_locked(self) -> None:
        self._generation += 1
        self._token = None
        self._citizen = None
        self._expires_at = None

    @staticmethod
    def _close_on_server(client: CentralClient, token: str) -> None:
        try:
            client.close_session(token)
        except CentralError as error:
            # The token is already gone from the kiosk and expires on the server by itself.
            log.info("sign-out not confirmed by the server: %s", type(error).__name__)
