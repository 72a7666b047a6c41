"""The technician PIN: its scrypt hash file, and the gate that locks after five wrong PINs."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path

import sqlite_utils

from kiosk.domain.validation import western_digits
from offline_cache.clock import iso, parse_iso
from offline_cache.database import transaction
from offline_cache.files import write_file_durably
from offline_cache.settings import Settings

log = logging.getLogger(__name__)

PIN_MIN_DIGITS = 6
PIN_MAX_DIGITS = 12
MAX_ATTEMPTS = 5
LOCK_DURATION = timedelta(minutes=15)
# scrypt parameters of new hashes: 16 MiB and about 50 ms per check on a small box.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
HASH_BYTES = 32
SCHEME = "scrypt"
MAX_PIN_FILE_BYTES = 1024
# Kept in the cache's settings table, so that a restart does not reset the count or the lock.
FAILURES_KEY = "technician.failed_attempts"
LOCKED_UNTIL_KEY = "technician.locked_until"


class TechnicianPinError(ValueError):
    """Not an acceptable technician PIN (6 to 12 digits)."""


class PinHashError(ValueError):
    """Not a hash in the `scrypt$n$r$p$salt$hash` format, or parameters out of bounds."""


def check_pin_format(pin: str) -> str:
    """The PIN if it is 6-12 ASCII digits; raise TechnicianPinError otherwise."""
    if not (pin.isascii() and pin.isdigit()):
        raise TechnicianPinError("the technician PIN must be digits only")
    if not PIN_MIN_DIGITS <= len(pin) <= PIN_MAX_DIGITS:
        raise TechnicianPinError(
            f"the technician PIN must have {PIN_MIN_DIGITS} to {PIN_MAX_DIGITS} digits, "
            f"not {len(pin)}"
        )
    return pin


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    # OpenSSL refuses anything above its default 32 MiB unless told: allow what n and r need.
    maxmem = 128 * r * (n + p + 2) + 1024 * 1024
    return hashlib.scrypt(
        pin.encode("ascii"), salt=salt, n=n, r=r, p=p, dklen=length, maxmem=maxmem
    )


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    """`scrypt$<n>$<r>$<p>$<salt b64>$<hash b64>` of a valid PIN, with a fresh random salt."""
    check_pin_format(pin)
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(pin, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, HASH_BYTES)
    return f"{SCHEME}${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


@dataclass(frozen=True)
class PinHash:
    """A parsed hash line."""

    n: int
    r: int
    p: int
    salt: bytes
    digest: bytes


def parse_pin_hash(encoded: str) -> PinHash:
    """Read a hash line; bounded parameters, so a doctored file cannot exhaust memory."""
    parts = encoded.strip().split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        raise PinHashError("expected scrypt$<n>$<r>$<p>$<salt>$<hash>")
    try:
        n, r, p = (int(part) for part in parts[1:4])
        salt = base64.b64decode(parts[4], validate=True)
        digest = base64.b64decode(parts[5], validate=True)
    except (ValueError, binascii.Error) as exc:
        raise PinHashError(f"unreadable field ({exc})") from exc
    if not (2 <= n <= 2**20 and n & (n - 1) == 0):
        raise PinHashError(f"n = {n}: expected a power of two up to 2**20")
    if not (1 <= r <= 32 and 1 <= p <= 16 and 128 * r * n * p <= 512 * 1024 * 1024):
        raise PinHashError(f"r = {r}, p = {p}: out of bounds")
    if len(salt) < 8 or not 16 <= len(digest) <= 64:
        raise PinHashError("salt or hash of the wrong length")
    return PinHash(n, r, p, salt, digest)


def verify_pin(pin: str, encoded: str | PinHash) -> bool:
    """Whether `pin` matches the hash (constant-time comparison of the digests)."""
    parsed = parse_pin_hash(encoded) if isinstance(encoded, str) else encoded
    candidate = western_digits(pin)
    if not candidate.isascii():
        return False
    digest = _scrypt(candidate, parsed.salt, parsed.n, parsed.r, parsed.p, len(parsed.digest))
    return hmac.compare_digest(digest, parsed.digest)


def write_pin_file(path: str | Path, encoded: str) -> None:
    """Replace the PIN file atomically with one line, mode 0600 from the start."""
    parse_pin_hash(encoded)  # never write a line the gate cannot read
    write_file_durably(Path(path), (encoded + "\n").encode("ascii"))


class PinFileProblem(StrEnum):
    """Why technician mode is not configured."""

    NOT_SET = "not_set"  # [technician] pin_file is empty
    MISSING = "missing"  # no file there: run `kiosk technician set-pin`
    UNREADABLE = "unreadable"  # permissions, a folder, not text
    MALFORMED = "malformed"  # not a scrypt hash line


class PinFileError(Exception):
    """The PIN file cannot be used; `problem` says how."""

    def __init__(self, problem: PinFileProblem, detail: str) -> None:
        super().__init__(detail)
        self.problem = problem


def read_pin_file(path: str | Path) -> PinHash:
    """The parsed hash in the PIN file; PinFileError says what is wrong with it."""
    if not str(path):
        raise PinFileError(PinFileProblem.NOT_SET, "[technician] pin_file is empty")
    try:
        with Path(path).open("rb") as handle:
            raw = handle.read(MAX_PIN_FILE_BYTES + 1)
    except FileNotFoundError as exc:
        raise PinFileError(PinFileProblem.MISSING, f"{path}: no such file") from exc
    except OSError as exc:
        raise PinFileError(PinFileProblem.UNREADABLE, f"{path}: {exc.strerror or exc}") from exc
    try:
        if len(raw) > MAX_PIN_FILE_BYTES:
            raise PinHashError("file too large for one hash line")
        return parse_pin_hash(raw.decode("ascii"))
    except (UnicodeDecodeError, PinHashError) as exc:
        raise PinFileError(PinFileProblem.MALFORMED, f"{path}: {exc}") from exc


@dataclass(frozen=True)
class GateAccepted:
    """The PIN is right: open technician mode."""


@dataclass(frozen=True)
class GateWrongPin:
    """The PIN is wrong; `attempts_left` more before the lock."""

    attempts_left: int


@dataclass(frozen=True)
class GateLocked:
    """Too many wrong PINs: technician mode is locked for `minutes_left` (at least 1)."""

    minutes_left: int
    until: datetime


@dataclass(frozen=True)
class GateNotConfigured:
    """No usable PIN file: technician mode cannot be opened on this kiosk."""

    problem: PinFileProblem
    detail: str  # for the journal and `kiosk doctor`, not for the screen


GateOutcome = GateAccepted | GateWrongPin | GateLocked | GateNotConfigured


def _minutes_left(until: datetime, now: datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds() / 60))


class TechnicianGate:
    """Checks the technician PIN; five wrong ones lock it for 15 minutes, across restarts.

    The count and the lock live in the cache's settings table: use one gate per cache
    connection (per worker thread), any number of gates may share the file.
    """

    def __init__(
        self,
        db: sqlite_utils.Database,
        pin_file: str | Path,
        max_attempts: int = MAX_ATTEMPTS,
        lock_duration: timedelta = LOCK_DURATION,
    ) -> None:
        self._db = db
        self._settings = Settings(db)
        self._pin_file = pin_file
        self._max_attempts = max_attempts
        self._lock_duration = lock_duration

    def configured(self) -> GateNotConfigured | None:
        """None if a usable PIN file is there, else why not."""
        try:
            read_pin_file(self._pin_file)
        except PinFileError as fault:
            return GateNotConfigured(fault.problem, str(fault))
        return None

    def locked(self, now: datetime) -> GateLocked | None:
        """The lock in force at `now`, if any (to show before asking for the PIN)."""
        stamp = self._settings.get(LOCKED_UNTIL_KEY)
        if not stamp:
            return None
        until = parse_iso(stamp)
        if until <= now:
            return None
        # A clock set back must not stretch the lock beyond its length.
        until = min(until, now + self._lock_duration)
        return GateLocked(_minutes_left(until, now), until)

    def _failures(self) -> int:
        stored = self._settings.get(FAILURES_KEY) or "0"
        return int(stored) if stored.isdigit() else self._max_attempts - 1  # damaged: be strict

    def check(self, pin: str, now: datetime) -> GateOutcome:
        """Check `pin` at `now` (an aware datetime) and count a wrong one."""
        try:
            expected = read_pin_file(self._pin_file)
        except PinFileError as fault:
            log.warning("technician mode not configured: %s", fault)
            return GateNotConfigured(fault.problem, str(fault))
        lock = self.locked(now)
        if lock is not None:
            return lock
        # scrypt is slow on purpose: run it before taking the cache's write lock.
        right = verify_pin(pin, expected)
        with transaction(self._db):
            lock = self.locked(now)  # another gate may have locked it meanwhile
            if lock is not None:
                return lock
            if right:
                self._settings.put(FAILURES_KEY, "0")
                self._settings.put(LOCKED_UNTIL_KEY, "")
                log.info("technician PIN accepted")
                return GateAccepted()
            failures = self._failures() + 1
            if failures >= self._max_attempts:
                until = now + self._lock_duration
                self._settings.put(FAILURES_KEY, "0")
                self._settings.put(LOCKED_UNTIL_KEY, iso(until))
                log.warning("technician mode locked until %s after wrong PINs", iso(until))
                return GateLocked(_minutes_left(until, now), until)
            self._settings.put(FAILURES_KEY, str(failures))
            log.info("wrong technician PIN (%d of %d)", failures, self._max_attempts)
            return GateWrongPin(self._max_attempts - failures)
