"""A PIN checked with a lockout: citizens at the kiosk and agents at the counter, one rule."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from central_server.clock import iso_after, parse_iso, utc_now
from central_server.config import MAX_FAILED_SIGN_INS
from central_server.security import pin_matches


@dataclass(frozen=True)
class PinRefused:
    """A wrong key or PIN (with the attempts left), or a lock (for how long)."""

    attempts_left: int | None = None
    locked_for_s: int | None = None


@dataclass(frozen=True)
class FailureTable:
    """Where one kind of sign-in counts its failures, keyed by what was typed."""

    table: str
    key_column: str


CITIZEN_FAILURES = FailureTable("sign_in_failures", "cin")
AGENT_FAILURES = FailureTable("agent_sign_in_failures", "name")


def seconds_until(iso: str) -> int:
    """Whole seconds from now until `iso` (at least 1: a lock is never "0 s" away)."""
    return max(1, int((parse_iso(iso) - utc_now()).total_seconds() + 0.999))


def check_pin(
    connection: sqlite3.Connection,
    failures_in: FailureTable,
    key: str,
    row: sqlite3.Row | None,
    pin: str,
    lockout_seconds: int,
) -> PinRefused | None:
    """None when `pin` is `row`'s PIN and `key` is not locked; else why not, counted.

    Run inside the caller's write transaction, so concurrent guesses count one by one.
    `MAX_FAILED_SIGN_INS` failures lock `key`; even the right PIN is refused while locked
    (otherwise the lock only slows guessing); an unknown key (`row` None) costs the same
    hashing work and locks the same way, so known and unknown keys cannot be told apart.
    """
    table, column = failures_in.table, failures_in.key_column
    failure = connection.execute(
        f"SELECT failures, locked_until FROM {table} WHERE {column} = ?", (key,)
    ).fetchone()
    failures = 0
    if failure is not None:
        locked_until = failure["locked_until"]
        if locked_until is not None and parse_iso(locked_until) > utc_now():
            return PinRefused(locked_for_s=seconds_until(locked_until))
        failures = 0 if locked_until is not None else int(failure["failures"])
    matches = pin_matches(
        pin,
        row["pin_salt"] if row is not None else None,
        row["pin_hash"] if row is not None else None,
    )
    if row is not None and matches:
        connection.execute(f"DELETE FROM {table} WHERE {column} = ?", (key,))
        return None
    failures += 1
    locked_until_iso = iso_after(lockout_seconds) if failures >= MAX_FAILED_SIGN_INS else None
    connection.execute(
        f"INSERT INTO {table} ({column}, failures, locked_until) VALUES (?, ?, ?) "
        f"ON CONFLICT({column}) DO UPDATE SET failures = excluded.failures, "
        "locked_until = excluded.locked_until",
        (key, failures, locked_until_iso),
    )
    if locked_until_iso is not None:
        return PinRefused(locked_for_s=seconds_until(locked_until_iso))
    return PinRefused(attempts_left=MAX_FAILED_SIGN_INS - failures)
