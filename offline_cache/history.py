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
        rows = (
            {
                "request_number": item["request_number"],
                "citizen_id": citizen_id,
                "data": json.dumps(item, ensure_ascii=False),
                "created_at": item["created_at"],
                "fetched_at": stamp,
            }
            for item in requests
        )
        with transaction(self._db):
            self._db.execute("DELETE FROM request_history WHERE citizen_id = ?", (citizen_id,))
            self._db.table("request_history").insert_all(rows, replace=True)

    def for_citizen(self, citizen_id: str, limit: int = 50) -> list[Mapping[str, Any]]:
        """A citizen's requests, newest first."""
        rows = self._db.query(
            "SELECT data FROM request_history WHERE citizen_id = ? "
            "ORDER BY created_at DESC LIMIT ?",
            (citizen_id, limit),
        )
        return [json.loads(row["data"]) for row in rows]
