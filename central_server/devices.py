"""Kiosk devices: registration, revocation and bearer-token authentication."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from central_server.clock import now_iso
from central_server.security import new_token, token_digest

# Ticket numbers 5000-9999 of each family and day belong to kiosks numbering without a
# block; each device of an annex gets its own slice, so two of them can never clash.
STANDALONE_SPACE = (5000, 9999)
STANDALONE_SLICE = 500


@dataclass(frozen=True)
class Device:
    """An authenticated kiosk, the annex it serves and its own standalone number range."""

    device_id: int
    name: str
    annex_id: str
    standalone_start: int | None = None
    standalone_end: int | None = None


class DeviceError(Exception):
    """An admin operation on devices could not be done (unknown annex, duplicate name, …)."""


def find_device(connection: sqlite3.Connection, token: str) -> Device | None:
    """The active device holding this token, or None if unknown or revoked."""
    row = connection.execute(
        "SELECT device_id, name, annex_id, standalone_start, standalone_end FROM devices "
        "WHERE token_sha256 = ? AND revoked_at IS NULL",
        (token_digest(token),),
    ).fetchone()
    if row is None:
        return None
    return Device(
        device_id=row["device_id"],
        name=row["name"],
        annex_id=row["annex_id"],
        standalone_start=row["standalone_start"],
        standalone_end=row["standalone_end"],
    )


def _free_standalone_start(connection: sqlite3.Connection, annex_id: str) -> int:
    """The first slice of the standalone space no device of the annex holds (revoked too:
    its tickets of the day may still be on paper)."""
    taken = {
        int(row["standalone_start"])
        for row in connection.execute(
            "SELECT standalone_start FROM devices "
            "WHERE annex_id = ? AND standalone_start IS NOT NULL",
            (annex_id,),
        )
    }
    first, last = STANDALONE_SPACE
    for start in range(first, last + 1, STANDALONE_SLICE):
        if start not in taken:
            return start
    slices = (last - first + 1) // STANDALONE_SLICE
    raise DeviceError(
        f"annex {annex_id!r} already has {slices} kiosks, each with its own standalone "
        "ticket range; revoke one or register this kiosk in another annex"
    )


def add_device(
    connection: sqlite3.Connection, name: str, annex_id: str, token: str | None = None
) -> str:
    """Register a device and return its token (shown once: only its SHA-256 is stored)."""
    if (
        connection.execute("SELECT 1 FROM annexes WHERE annex_id = ?", (annex_id,)).fetchone()
        is None
    ):
        raise DeviceError(f"unknown annex {annex_id!r}")
    if connection.execute("SELECT 1 FROM devices WHERE name = ?", (name,)).fetchone() is not None:
        raise DeviceError(f"a device named {name!r} already exists")
    start = _free_standalone_start(connection, annex_id)
    token = token or new_token()
    connection.execute(
        "INSERT INTO devices (name, annex_id, token_sha256, created_at, standalone_start, "
        "standalone_end) VALUES (?, ?, ?, ?, ?, ?)",
        (name, annex_id, token_digest(token), now_iso(), start, start + STANDALONE_SLICE - 1),
    )
    return token


def revoke_device(connection: sqlite3.Connection, name: str) -> None:
    """Stop accepting a device's token, and end the citizen sessions opened on it."""
    cursor = connection.execute(
        "UPDATE devices SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL", (now_iso(), name)
    )
    if cursor.rowcount == 0:
        raise DeviceError(f"no active device named {name!r}")
    connection.execute(
        "UPDATE sessions SET revoked_at = ? WHERE revoked_at IS NULL AND device_id = "
        "(SELECT device_id FROM devices WHERE name = ?)",
        (now_iso(), name),
    )
