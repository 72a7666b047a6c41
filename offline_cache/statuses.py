"""Cached application statuses (passport, firearm licence), shown offline "as of" their fetch."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlite_utils

from offline_cache.clock import iso, parse_iso
from offline_cache.database import transaction


@dataclass(frozen=True)
class CachedStatus:
    """A status reply as the server gave it, with the time it was fetched."""

    kind: str
    dossier_number: str
    cin: str
    data: Mapping[str, Any]
    fetched_at: datetime


class StatusStore:
    """Repository of cached application statuses."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self._db = db

    def save(self, status: CachedStatus) -> None:
        """Remember the latest reply for a dossier."""
        with transaction(self._db) as conn:
            conn.execute(
                "INSERT INTO application_statuses (kind, dossier_number, cin, data, fetched_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, dossier_number) DO UPDATE SET "
                "cin = excluded.cin, data = excluded.data, fetched_at = excluded.fetched_at",
                (
                    status.kind,
                    status.dossier_number,
                    status.cin,
                    json.dumps(status.data, ensure_ascii=False),
                    iso(status.fetched_at),
                ),
            )

    def find(self, kind: str, dossier_number: str, cin: str) -> CachedStatus | None:
        """The cached status, only if the CIN matches (as the server would require)."""
        rows = self._db.query(
            "SELECT kind, dossier_number, cin, data, fetched_at FROM application_statuses "
            "WHERE kind = ? AND dossier_number = ? AND cin = ?",
            (kind, dossier_number, cin),
        )
        row = next(rows, None)
        return _status(row) if row else None

    def all(self) -> list[CachedStatus]:
        """Every cached dossier (the sync engine refreshes them)."""
        rows = self._db.query(
            "SELECT kind, dossier_number, cin, data, fetched_at FROM application_statuses "
            "ORDER BY fetched_at"
        )
        return [_status(row) for row in rows]


def _status(row: dict[str, Any]) -> CachedStatus:
    return CachedStatus(
        kind=row["kind"],
        dossier_number=row["dossier_number"],
        cin=row["cin"],
        data=json.loads(row["data"]),
        fetched_at=parse_iso(row["fetched_at"]),
    )
