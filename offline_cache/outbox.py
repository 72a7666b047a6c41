"""The outbox: every record made on the kiosk, queued with its idempotency key until synced."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlite_utils

from offline_cache.clock import iso, parse_iso, utc_now
from offline_cache.database import transaction


class OutboxStatus(StrEnum):
    """Life of an outbox row."""

    PENDING = "pending"
    IN_FLIGHT = "in_flight"
    DONE = "done"
    FAILED = "failed"


class NotInTransaction(RuntimeError):
    """enqueue() was called outside a transaction, so the record and its row could split."""


@dataclass(frozen=True)
class OutboxItem:
    """One queued record."""

    id: int
    idempotency_key: str
    kind: str
    payload: Mapping[str, Any]
    status: OutboxStatus
    attempts: int
    next_attempt_at: datetime | None  # None: due at once
    last_error: str | None
    created_at: str
    synced_at: str | None
    # Set when the record was carried off in a field bundle (`kiosk outbox bundle`); the
    # row stays pending until the server confirms it over the network.
    exported_at: str | None = None
    bundle_id: str | None = None


_COLUMNS = (
    "id, idempotency_key, kind, payload, status, attempts, next_attempt_at, last_error, "
    "created_at, synced_at, exported_at, bundle_id"
)
# A cache opened read-only may predate migration 7 (a file brought from an older kiosk).
_COLUMNS_BEFORE_BUNDLES = _COLUMNS.replace(
    "exported_at, bundle_id", "NULL AS exported_at, NULL AS bundle_id"
)


def _item(row: dict[str, Any]) -> OutboxItem:
    return OutboxItem(
        id=row["id"],
        idempotency_key=row["idempotency_key"],
        kind=row["kind"],
        payload=json.loads(row["payload"]),
        status=OutboxStatus(row["status"]),
        attempts=row["attempts"],
        next_attempt_at=parse_iso(row["next_attempt_at"]) if row["next_attempt_at"] else None,
        last_error=row["last_error"],
        created_at=row["created_at"],
        synced_at=row["synced_at"],
        exported_at=row["exported_at"],
        bundle_id=row["bundle_id"],
    )


def new_idempotency_key() -> str:
    """A fresh UUID4, given to a record when it is created and never changed."""
    return str(uuid.uuid4())


class Outbox:
    """Repository of the outbox table."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self._db = db
        self._selected: str | None = None

    @property
    def _columns(self) -> str:
        if self._selected is None:
            names = {row[1] for row in self._db.conn.execute("PRAGMA table_info(outbox)")}
            self._selected = _COLUMNS if "exported_at" in names else _COLUMNS_BEFORE_BUNDLES
        return self._selected

    def enqueue(
        self,
        kind: str,
        payload: Mapping[str, Any],
        idempotency_key: str,
        created_at: datetime | None = None,
    ) -> None:
        """Queue a record. Must run inside `transaction()` together with the record itself."""
        if not self._db.conn.in_transaction:
            raise NotInTransaction("enqueue() belongs in the transaction that writes the record")
        self._db.conn.execute(
            "INSERT INTO outbox (idempotency_key, kind, payload, created_at) VALUES (?, ?, ?, ?)",
            (
                idempotency_key,
                kind,
                json.dumps(payload, ensure_ascii=False, sort_keys=True),
                iso(created_at or utc_now()),
            ),
        )

    def claim_batch(self, kind: str, limit: int, now: datetime) -> list[OutboxItem]:
        """Mark up to `limit` due pending rows of `kind` in flight and return them, oldest first."""
        with transaction(self._db) as conn:
            rows = list(
                self._db.query(
                    f"SELECT {self._columns} FROM outbox WHERE status = 'pending' AND kind = ? "
                    "AND next_attempt_at <= ? ORDER BY id LIMIT ?",
                    (kind, iso(now), limit),
                )
            )
            conn.executemany(
                "UPDATE outbox SET status = 'in_flight' WHERE id = ?",
                [(row["id"],) for row in rows],
            )
        return [_item(row) for row in rows]

    def due_kinds(self, now: datetime) -> list[str]:
        """Kinds that have pending rows ready to send."""
        rows = self._db.query(
            "SELECT DISTINCT kind FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?",
            (iso(now),),
        )
        return sorted(row["kind"] for row in rows)

    def mark_done(self, keys: Iterable[str], synced_at: datetime | None = None) -> None:
        """The server has these records (created now or already before)."""
        stamp = iso(synced_at or utc_now())
        with transaction(self._db) as conn:
            conn.executemany(
                "UPDATE outbox SET status = 'done', synced_at = ?, last_error = NULL "
                "WHERE idempotency_key = ?",
                [(stamp, key) for key in keys],
            )

    def mark_failed(self, key: str, reason: str) -> None:
        """The server refused this record for good; keep it, with the reason, for the technician."""
        with transaction(self._db) as conn:
            conn.execute(
                "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ? "
                "WHERE idempotency_key = ?",
                (reason, key),
            )

    def reschedule(self, keys: Iterable[str], error: str, next_attempt_at: datetime) -> None:
        """A transient failure: back to pending, to be retried no earlier than `next_attempt_at`."""
        stamp = iso(next_attempt_at)
        with transaction(self._db) as conn:
            conn.executemany(
                "UPDATE outbox SET status = 'pending', attempts = attempts + 1, last_error = ?, "
                "next_attempt_at = ? WHERE idempotency_key = ?",
                [(error, stamp, key) for key in keys],
            )

    def mark_exported(self, keys: Iterable[str], bundle_id: str, exported_at: datetime) -> int:
        """These records were written into a field bundle; they stay queued until confirmed.

        Only the bundle and time are noted: the status is left alone, so a sync running
        meanwhile is undisturbed and an exported record is still sent (and answered
        `duplicate` if the bundle got there first). Returns the rows noted.
        """
        stamp = iso(exported_at)
        with transaction(self._db) as conn:
            cursor = conn.executemany(
                "UPDATE outbox SET exported_at = ?, bundle_id = ? "
                "WHERE idempotency_key = ? AND status != 'done'",
                [(stamp, bundle_id, key) for key in keys],
            )
        return cursor.rowcount

    def exported_unconfirmed(self) -> int:
        """Records carried off in a bundle and still waiting for the server to confirm them."""
        if self._columns is _COLUMNS_BEFORE_BUNDLES:
            return 0
        rows = self._db.query(
            "SELECT COUNT(*) AS n FROM outbox WHERE exported_at IS NOT NULL "
            "AND status IN ('pending', 'in_flight')"
        )
        return int(next(rows)["n"])

    def accepted_after(self, item: OutboxItem) -> bool:
        """Whether the server took a record of the same kind queued after this one."""
        rows = self._db.query(
            "SELECT 1 AS found FROM outbox WHERE kind = ? AND id > ? AND status = 'done' LIMIT 1",
            (item.kind, item.id),
        )
        return next(rows, None) is not None

    def counts(self) -> dict[OutboxStatus, int]:
        """How many rows are in each status."""
        rows = self._db.query("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status")
        found = {row["status"]: row["n"] for row in rows}
        return {status: int(found.get(status.value, 0)) for status in OutboxStatus}

    def items(self, statuses: Iterable[OutboxStatus], limit: int = 1000) -> list[OutboxItem]:
        """Rows in the given statuses, oldest first."""
        wanted = [status.value for status in statuses]
        marks = ", ".join("?" for _ in wanted)
        rows = self._db.query(
            f"SELECT {self._columns} FROM outbox WHERE status IN ({marks}) ORDER BY id LIMIT ?",
            (*wanted, limit),
        )
        return [_item(row) for row in rows]

    def get(self, key: str) -> OutboxItem | None:
        """The row with this idempotency key, if any."""
        rows = self._db.query(
            f"SELECT {self._columns} FROM outbox WHERE idempotency_key = ?", (key,)
        )
        row = next(rows, None)
        return _item(row) if row else None
