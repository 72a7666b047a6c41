"""Key-value settings kept in the cache (ETags, last sync time, kiosk state)."""

from __future__ import annotations

import sqlite_utils


class Settings:
    """Repository of the settings table."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self._db = db

    def get(self, key: str, default: str | None = None) -> str | None:
        """The value stored under `key`, or `default`."""
        row = self._db.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return default if row is None else str(row[0])

    def put(self, key: str, value: str) -> None:
        """Store `value` under `key` (joins the caller's transaction if one is open)."""
        self._db.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
