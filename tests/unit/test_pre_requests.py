"""Pre-requests: their row and their outbox row land together, keep both references, and go."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlite_utils

from kiosk.services.documents import Receipt, pre_request_reference
from offline_cache.database import transaction
from offline_cache.outbox import Outbox, OutboxStatus
from offline_cache.pre_requests import PreRequestStore, local_reference
from offline_cache.protocol import BatchItemResult, OutboxKind, PreRequest
from offline_cache.retention import PURGED_PAYLOAD, purge_personal_data

MADE = datetime(2026, 11, 21, 9, 15, tzinfo=UTC)


def _pre(minutes: int = 0, key: str | None = None) -> PreRequest:
    return PreRequest(
        idempotency_key=key or str(uuid.uuid4()),
        service_code="residence_certificate",
        cin="AB123456",
        phone="+212612345678",
        language="ar",
        created_at=MADE + timedelta(minutes=minutes),
    )


def _rows(db: sqlite_utils.Database, table: str) -> int:
    return int(db.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def test_create_stores_the_record_and_queues_it_under_the_same_key(
    cache: sqlite_utils.Database,
) -> None:
    pre = _pre()
    stored = PreRequestStore(cache).create(pre)
    assert stored.record == pre and stored.server_reference is None
    assert stored.sync_status is OutboxStatus.PENDING
    queued = Outbox(cache).get(pre.idempotency_key)
    assert queued is not None and queued.kind == OutboxKind.PRE_REQUEST
    assert queued.payload == pre.upload_item()
    assert PreRequestStore(cache).get(pre.idempotency_key) == stored


def test_the_printed_reference_is_the_stored_one() -> None:
    pre = _pre(key="3f2c9d1e-8a4b-4c6d-9e0f-1a2b3c4d5e6f")
    assert local_reference(pre.idempotency_key) == "PR-3F2C9D1E"
    assert pre_request_reference(pre) == "PR-3F2C9D1E"
    assert Receipt.for_pre_request(pre).reference == "PR-3F2C9D1E"


def test_no_pre_request_without_its_outbox_row(cache: sqlite_utils.Database) -> None:
    pre = _pre()
    # An outbox row already holds the key: queueing fails, so the row must not stay either.
    with transaction(cache):
        Outbox(cache).enqueue(OutboxKind.TICKET, {"taken": True}, pre.idempotency_key)
    with pytest.raises(sqlite3.IntegrityError):
        PreRequestStore(cache).create(pre)
    assert PreRequestStore(cache).get(pre.idempotency_key) is None
    assert _rows(cache, "pre_requests") == 0 and _rows(cache, "outbox") == 1


def test_no_outbox_row_without_its_pre_request(cache: sqlite_utils.Database) -> None:
    store = PreRequestStore(cache)
    pre = _pre()
    store.create(pre)
    with pytest.raises(sqlite3.IntegrityError):
        store.create(pre)  # the same key again: refused as a whole
    assert _rows(cache, "pre_requests") == 1 and _rows(cache, "outbox") == 1


def test_the_server_reference_is_kept_for_created_and_duplicate_only(
    cache: sqlite_utils.Database,
) -> None:
    store = PreRequestStore(cache)
    created, duplicate, rejected = (store.create(_pre(i)).record for i in range(3))
    updated = store.record_server_references(
        [
            BatchItemResult(created.idempotency_key, "created", reference="P-2026-000001"),
            BatchItemResult(duplicate.idempotency_key, "duplicate", reference="P-2026-000002"),
            BatchItemResult(rejected.idempotency_key, "rejected", reason="unknown_service"),
        ]
    )
    assert updated == 2
    references = {
        item.record.idempotency_key: (item.local_reference, item.server_reference)
        for item in store.recent()
    }
    assert references == {
        created.idempotency_key: (local_reference(created.idempotency_key), "P-2026-000001"),
        duplicate.idempotency_key: (local_reference(duplicate.idempotency_key), "P-2026-000002"),
        rejected.idempotency_key: (local_reference(rejected.idempotency_key), None),
    }


def test_recent_is_newest_first_and_limited(cache: sqlite_utils.Database) -> None:
    store = PreRequestStore(cache)
    made = [store.create(_pre(minutes)).record for minutes in (5, 1, 9, 3)]
    newest = [item.record for item in store.recent(limit=3)]
    assert newest == sorted(made, key=lambda pre: pre.created_at, reverse=True)[:3]


def test_retention_drops_synced_pre_requests_and_never_pending_or_refused_ones(
    cache: sqlite_utils.Database,
) -> None:
    store = PreRequestStore(cache)
    outbox = Outbox(cache)
    old_sync, recent_sync = MADE, MADE + timedelta(days=25)
    synced_long_ago, synced_lately, pending, refused = (
        store.create(_pre(i)).record.idempotency_key for i in range(4)
    )
    outbox.mark_done([synced_long_ago], old_sync)
    outbox.mark_done([synced_lately], recent_sync)
    outbox.mark_failed(refused, "unknown_service")

    report = purge_personal_data(cache, MADE + timedelta(days=31), retention_days=30)

    assert report.pre_requests == 1 and report.outbox_rows == 1
    assert store.get(synced_long_ago) is None
    assert (outbox.get(synced_long_ago) or pytest.fail()).payload == {"purged": True}
    for kept in (synced_lately, pending, refused):
        item = store.get(kept)
        assert item is not None and item.record.cin == "AB123456"
    # Pending even far past retention: it is the only copy.
    later = purge_personal_data(cache, MADE + timedelta(days=400), retention_days=30)
    assert later.pre_requests == 1  # the one synced lately, now old enough
    assert {item.record.idempotency_key for item in store.recent()} == {pending, refused}
    assert PURGED_PAYLOAD not in {
        str(row[0])
        for row in cache.conn.execute("SELECT payload FROM outbox WHERE status != 'done'")
    }
