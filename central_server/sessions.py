"""Citizen sign-in with CIN + PIN, lockout after repeated failures, and session tokens."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import timedelta

from central_server.clock import now_iso, to_iso, utc_now
from central_server.errors import ApiError
from central_server.lockout import CITIZEN_FAILURES, check_pin
from central_server.security import new_token, token_digest


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


def _locked_error(retry_after: int) -> ApiError:
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
    row = connection.execute("SELECT * FROM citizens WHERE cin = ?", (cin,)).fetchone()
    refused = check_pin(connection, CITIZEN_FAILURES, cin, row, pin, lockout_seconds)
    if refused is not None:
        if refused.locked_for_s is not None:
            return _locked_error(refused.locked_for_s)
        return ApiError(
            401,
            "invalid_credentials",
            "The CIN or the PIN is wrong.",
            attempts_left=refused.attempts_left,
        )
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
