"""Key-value settings kept in the cache (ETags, last sync time, kiosk state)."""

from __future__ import annotations

import sqlite_utils


class Settings:
    """Repository of the settings table."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self._db = db

    def get(self, key: str, default: str | None = None) -> str | None:
        """The value stored under `key`, or `default`."""
        row = next(self._db.query("SELECT value FROM settings WHERE key = ?", (key,)), None)
        return default if row is None else str(row["value"])

    def put(self, key: str, value: str) -> None:
        """Store `value` under `key` (joins the caller's transaction if one is open)."""
        self._db.table("settings").upsert({"key": key, "value": value}, pk="key")
