"""Cached request history of citizens, for a fast history screen."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import sqlite_utils

from offline_cache.clock import iso
from offline_cache.database import transaction


class HistoryStore:
    """Repository of the request-history cache."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self._db = db

    def replace_for(
        self, citizen_id: str, requests: Iterable[Mapping[str, Any]], fetched_at: datetime
    ) -> None:
        """Store a citizen's history as just fetched (each item has request_number, created_at)."""
        stamp = iso(fetched_at)
        with transaction(self._db) as conn:
            conn.execute("DELETE FROM request_history WHERE citizen_id = ?", (citizen_id,))
            conn.executemany(
                "INSERT OR REPLACE INTO request_history "
                "(request_number, citizen_id, data, created_at, fetched_at) VALUES (?, ?, ?, ?, ?)",
                [
                    (
                        item["request_number"],
                        citizen_id,
                        json.dumps(item, ensure_ascii=False),
                        item["created_at"],
                        stamp,
                    )
                    for item in requests
                ],
            )

    def for_citizen(self, citizen_id: str, limit: int = 50) -> list[Mapping[str, Any]]:
        """A citizen's requests, newest first."""
        rows = self._db.conn.execute(
            "SELECT data FROM request_history WHERE citizen_id = ? "
            "ORDER BY created_at DESC LIMIT ?",
            (citizen_id, limit),
        ).fetchall()
        return [json.loads(row[0]) for row in rows]
