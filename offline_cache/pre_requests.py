"""Pre-requests made offline: their own row and outbox row together, then the server's reference."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from offline_cache.clock import iso, parse_iso
from offline_cache.database import transaction
from offline_cache.outbox import Outbox, OutboxStatus
from offline_cache.protocol import BatchItemResult, OutboxKind, PreRequest

LOCAL_REFERENCE_PREFIX = "PR-"

_COLUMNS = (
    "p.idempotency_key, p.service_code, p.cin, p.phone, p.language, p.created_at, "
    "p.local_reference, p.server_reference, o.status"
)


def local_reference(idempotency_key: str) -> str:
    """The reference printed on a pre-request's receipt: PR- and the key's first 8 hex digits.

    Short enough for the counter to type; made from the key, so it is known at once, offline,
    and points to the one record the server stores under that key.
    """
    return LOCAL_REFERENCE_PREFIX + idempotency_key.replace("-", "")[:8].upper()


@dataclass(frozen=True)
class StoredPreRequest:
    """A pre-request as the kiosk keeps it: the record, its PR- reference, the server's once synced.

    `sync_status` is its outbox row's: pending or in flight until the server has it, done once
    it has (then `server_reference` is set), failed if the server refused it for good.
    """

    record: PreRequest
    local_reference: str
    server_reference: str | None
    sync_status: OutboxStatus


class PreRequestStore:
    """Repository of the pre_requests table; every pre-request is queued in the outbox with it."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self._db = db

    def create(self, pre: PreRequest) -> StoredPreRequest:
        """Record a pre-request and queue it for upload, in one transaction: both or neither."""
        reference = local_reference(pre.idempotency_key)
        with transaction(self._db) as conn:
            conn.execute(
                "INSERT INTO pre_requests (idempotency_key, service_code, cin, phone, language, "
                "created_at, local_reference) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    pre.idempotency_key,
                    pre.service_code,
                    pre.cin,
                    pre.phone,
                    pre.language,
                    iso(pre.created_at),
                    reference,
                ),
            )
            Outbox(self._db).enqueue(
                OutboxKind.PRE_REQUEST, pre.upload_item(), pre.idempotency_key, pre.created_at
            )
        return StoredPreRequest(pre, reference, None, OutboxStatus.PENDING)

    def get(self, idempotency_key: str) -> StoredPreRequest | None:
        """The pre-request with this key, with the server's reference once synced."""
        rows = self._db.query(
            f"SELECT {_COLUMNS} FROM pre_requests p "
            "LEFT JOIN outbox o ON o.idempotency_key = p.idempotency_key "
            "WHERE p.idempotency_key = ?",
            (idempotency_key,),
        )
        row = next(rows, None)
        return _stored(row) if row else None

    def recent(self, limit: int = 20) -> list[StoredPreRequest]:
        """The latest pre-requests kept here (retention drops old synced ones), newest first."""
        rows = self._db.query(
            f"SELECT {_COLUMNS} FROM pre_requests p "
            "LEFT JOIN outbox o ON o.idempotency_key = p.idempotency_key "
            "ORDER BY p.created_at DESC, p.rowid DESC LIMIT ?",
            (limit,),
        )
        return [_stored(row) for row in rows]

    def record_server_references(self, results: Iterable[BatchItemResult]) -> int:
        """Keep the reference the server gave each pre-request it holds (created or duplicate).

        The sync engine calls this in the transaction that marks the outbox rows done, so a
        pre-request is never done without its server reference. Returns the rows updated.
        """
        updates = [
            (result.reference, result.idempotency_key)
            for result in results
            if result.status != "rejected" and result.reference
        ]
        with transaction(self._db) as conn:
            cursor = conn.executemany(
                "UPDATE pre_requests SET server_reference = ? WHERE idempotency_key = ?", updates
            )
        return cursor.rowcount


def _stored(row: dict[str, Any]) -> StoredPreRequest:
    record = PreRequest(
        idempotency_key=row["idempotency_key"],
        service_code=row["service_code"],
        cin=row["cin"],
        phone=row["phone"],
        language=row["language"],
        created_at=parse_iso(row["created_at"]),
    )
    # No outbox row would be a bug (create writes both); show it as still to send.
    status = OutboxStatus(row["status"]) if row["status"] else OutboxStatus.PENDING
    return StoredPreRequest(record, row["local_reference"], row["server_reference"], status)
