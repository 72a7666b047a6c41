"""Citizen sign-in with CIN + PIN, lockout after repeated failures, and session tokens."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import timedelta

from central_server.clock import iso_after, now_iso, parse_iso, to_iso, utc_now
from central_server.config import MAX_FAILED_SIGN_INS
from central_server.errors import ApiError
from central_server.security import new_token, pin_matches, token_digest


@dataclass(frozen=True)
class Citizen:
    """What the server knows about a citizen (never the PIN)."""

    citizen_id: str
    cin: str
    display_name: str
    phone: str | None
    email: str | None
    preferred_language: str


@dataclass(frozen=True)
class OpenedSession:
    token: str
    expires_at: str
    citizen: Citizen


def citizen_from_row(row: sqlite3.Row) -> Citizen:
    return Citizen(
        citizen_id=row["citizen_id"],
        cin=row["cin"],
        display_name=row["display_name"],
        phone=row["phone"],
        email=row["email"],
        preferred_language=row["preferred_language"],
    )


def _seconds_until(iso: str) -> int:
    return max(1, int((parse_iso(iso) - utc_now()).total_seconds() + 0.999))


def _locked_error(locked_until: str) -> ApiError:
    retry_after = _seconds_until(locked_until)
    return ApiError(
        423,
        "locked",
        "Too many failed sign-ins for this CIN; try again later.",
        headers={"Retry-After": str(retry_after)},
        retry_after_s=retry_after,
    )


def sign_in(
    connection: sqlite3.Connection,
    cin: str,
    pin: str,
    device_id: int,
    session_seconds: int,
    lockout_seconds: int,
) -> OpenedSession | ApiError:
    """Check the PIN inside the caller's write transaction, so concurrent guesses count one by one.

    A refusal is returned, not raised: the failure count it wrote must be committed.
    """
    failure = connection.execute(
        "SELECT failures, locked_until FROM sign_in_failures WHERE cin = ?", (cin,)
    ).fetchone()
    failures = 0
    if failure is not None:
        locked_until = failure["locked_until"]
        if locked_until is not None and parse_iso(locked_until) > utc_now():
            # Even the right PIN is refused while locked: otherwise the lock only slows guessing.
            return _locked_error(locked_until)
        failures = 0 if locked_until is not None else int(failure["failures"])

    row = connection.execute("SELECT * FROM citizens WHERE cin = ?", (cin,)).fetchone()
    matches = pin_matches(
        pin,
        row["pin_salt"] if row is not None else None,
        row["pin_hash"] if row is not None else None,
    )
    if row is None or not matches:
        failures += 1
        locked_until_iso = iso_after(lockout_seconds) if failures >= MAX_FAILED_SIGN_INS else None
        connection.execute(
            "INSERT INTO sign_in_failures (cin, failures, locked_until) VALUES (?, ?, ?) "
            "ON CONFLICT(cin) DO UPDATE SET failures = excluded.failures, "
            "locked_until = excluded.locked_until",
            (cin, failures, locked_until_iso),
        )
        if locked_until_iso is not None:
            return _locked_error(locked_until_iso)
        return ApiError(
            401,
            "invalid_credentials",
            "The CIN or the PIN is wrong.",
            attempts_left=MAX_FAILED_SIGN_INS - failures,
        )

    connection.execute("DELETE FROM sign_in_failures WHERE cin = ?", (cin,))
    token = new_token()
    expires_at = to_iso(utc_now() + timedelta(seconds=session_seconds))
    connection.execute(
        "INSERT INTO sessions (token_sha256, citizen_id, device_id, created_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (token_digest(token), row["citizen_id"], device_id, now_iso(), expires_at),
    )
    return OpenedSession(token=token, expires_at=expires_at, citizen=citizen_from_row(row))


def session_citizen(connection: sqlite3.Connection, token: str, device_id: int) -> Citizen | None:
    """The citizen of a live session opened on this device, or None."""
    row = connection.execute(
        "SELECT citizens.* FROM sessions JOIN citizens USING (citizen_id) "
        "WHERE token_sha256 = ? AND device_id = ? AND revoked_at IS NULL AND expires_at > ?",
        (token_digest(token), device_id, now_iso()),
    ).fetchone()
    return citizen_from_row(row) if row is not None else None


def end_session(connection: sqlite3.Connection, token: str) -> None:
    """Revoke a session token so it can never be used again."""
    connection.execute(
        "UPDATE sessions SET revoked_at = ? WHERE token_sha256 = ? AND revoked_at IS NULL",
        (now_iso(), token_digest(token)),
    )
