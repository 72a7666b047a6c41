"""Cached request history of citizens, for a fast history screen and "as of" offline."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlite_utils

from offline_cache.clock import iso, parse_iso
from offline_cache.database import transaction


@dataclass(frozen=True)
class CachedHistory:
    """A citizen's requests as last fetched in full (newest first), and when that was."""

    requests: tuple[Mapping[str, Any], ...]
    fetched_at: datetime


class HistoryStore:
    """Repository of the request-history cache."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self._db = db

    def replace_for(
        self, citizen_id: str, requests: Iterable[Mapping[str, Any]], fetched_at: datetime
    ) -> None:
        """Store a citizen's whole history as just fetched (each item: request_number, created_at).

        An empty list is remembered too: "no requests, as of then" is an answer offline.
        """
        stamp = iso(fetched_at)
        rows = (_row(citizen_id, item, stamp) for item in requests)
        with transaction(self._db) as conn:
            conn.execute("DELETE FROM request_history WHERE citizen_id = ?", (citizen_id,))
            self._db.table("request_history").insert_all(rows, replace=True)
            conn.execute(
                "INSERT INTO request_history_fetches (citizen_id, fetched_at) VALUES (?, ?) "
                "ON CONFLICT (citizen_id) DO UPDATE SET fetched_at = excluded.fetched_at",
                (citizen_id, stamp),
            )

    def add(self, citizen_id: str, request: Mapping[str, Any], fetched_at: datetime) -> None:
        """Add or update one request (one just submitted) without refetching the whole list."""
        with transaction(self._db):
            self._db.table("request_history").insert(
                _row(citizen_id, request, iso(fetched_at)), replace=True
            )

    def cached(self, citizen_id: str, limit: int = 50) -> CachedHistory | None:
        """The citizen's requests, newest first, and when the list was last fetched in full.

        None until a whole list was fetched: the requests added one by one since the kiosk
        started would not be the citizen's history.
        """
        # One statement, so the list and its time come from one snapshot of the file.
        rows = list(
            self._db.query(
                "SELECT f.fetched_at AS list_fetched_at, h.data FROM request_history_fetches f "
                "LEFT JOIN request_history h ON h.citizen_id = f.citizen_id "
                "WHERE f.citizen_id = ? ORDER BY h.created_at DESC, h.request_number DESC LIMIT ?",
                (citizen_id, limit),
            )
        )
        if not rows:
            return None
        requests = tuple(json.loads(row["data"]) for row in rows if row["data"] is not None)
        return CachedHistory(requests, parse_iso(rows[0]["list_fetched_at"]))

    def for_citizen(self, citizen_id: str, limit: int = 50) -> list[Mapping[str, Any]]:
        """A citizen's requests, newest first."""
        rows = self._db.query(
            "SELECT data FROM request_history WHERE citizen_id = ? "
            "ORDER BY created_at DESC, request_number DESC LIMIT ?",
            (citizen_id, limit),
        )
        return [json.loads(row["data"]) for row in rows]


def _row(citizen_id: str, item: Mapping[str, Any], stamp: str) -> dict[str, Any]:
    return {
        "request_number": item["request_number"],
        "citizen_id": citizen_id,
        "data": json.dumps(item, ensure_ascii=False),
        "created_at": item["created_at"],
        "fetched_at": stamp,
    }
