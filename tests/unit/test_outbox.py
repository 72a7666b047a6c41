"""The outbox keeps every record until the server has it, and says why when it cannot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlite_utils

from offline_cache.database import transaction
from offline_cache.outbox import NotInTransaction, Outbox, OutboxStatus, new_idempotency_key
from offline_cache.retention import PURGED_PAYLOAD, purge_personal_data
from offline_cache.statuses import CachedStatus, StatusStore


def _queue(db: sqlite_utils.Database, count: int, kind: str = "pre_request") -> list[str]:
    keys = [new_idempotency_key() for _ in range(count)]
    with transaction(db):
        for key in keys:
            Outbox(db).enqueue(kind, {"cin": "AB123456", "phone": "+212612345678"}, key)
    return keys


def test_enqueue_outside_a_transaction_is_refused(cache: sqlite_utils.Database) -> None:
    with pytest.raises(NotInTransaction):
        Outbox(cache).enqueue("pre_request", {}, new_idempotency_key())


def test_a_rolled_back_record_leaves_no_outbox_row(cache: sqlite_utils.Database) -> None:
    with pytest.raises(RuntimeError), transaction(cache):
        Outbox(cache).enqueue("pre_request", {"cin": "AB1"}, new_idempotency_key())
        raise RuntimeError("the record's own insert failed")
    assert sum(Outbox(cache).counts().values()) == 0


def test_the_same_idempotency_key_cannot_be_queued_twice(cache: sqlite_utils.Database) -> None:
    key = _queue(cache, 1)[0]
    with pytest.raises(Exception, match="UNIQUE"), transaction(cache):
        Outbox(cache).enqueue("pre_request", {}, key)


T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def test_claim_done_failed_and_reschedule(cache: sqlite_utils.Database) -> None:
    outbox = Outbox(cache)
    keys = _queue(cache, 5)
    batch = outbox.claim_batch("pre_request", limit=3, now=T0)
    assert [item.idempotency_key for item in batch] == keys[:3]
    assert outbox.counts()[OutboxStatus.IN_FLIGHT] == 3
    assert outbox.claim_batch("ticket", limit=3, now=T0) == []

    outbox.mark_done(keys[:1])
    outbox.mark_failed(keys[1], "422 unknown_service")
    outbox.reschedule(keys[2:3], "503 from server", next_attempt_at=T0 + timedelta(seconds=1000))

    counts = outbox.counts()
    assert counts[OutboxStatus.DONE] == 1 and counts[OutboxStatus.FAILED] == 1
    assert counts[OutboxStatus.PENDING] == 3
    failed = outbox.get(keys[1])
    assert failed is not None and failed.last_error == "422 unknown_service"
    # The rescheduled row waits for its time; the two never tried go first.
    half_way = T0 + timedelta(seconds=500)
    assert [i.idempotency_key for i in outbox.claim_batch("pre_request", 10, half_way)] == keys[3:]
    later = outbox.claim_batch("pre_request", 10, T0 + timedelta(seconds=1000))
    assert [(i.idempotency_key, i.attempts) for i in later] == [(keys[2], 1)]
    # Stored as ISO text like every other time, and read back as the instant it was.
    assert later[0].next_attempt_at == T0 + timedelta(seconds=1000)
    assert outbox.due_kinds(T0 + timedelta(seconds=2000)) == []


def test_purge_blanks_only_synced_personal_data_past_retention(
    cache: sqlite_utils.Database,
) -> None:
    outbox = Outbox(cache)
    old_synced, recent_synced, pending = _queue(cache, 3)
    now = datetime(2026, 11, 21, 12, tzinfo=UTC)
    outbox.mark_done([old_synced], synced_at=now - timedelta(days=31))
    outbox.mark_done([recent_synced], synced_at=now - timedelta(days=2))
    statuses = StatusStore(cache)
    statuses.save(
        CachedStatus("passport", "PP1", "AB1", {"stage": "ready"}, now - timedelta(days=40))
    )
    statuses.save(
        CachedStatus("passport", "PP2", "AB2", {"stage": "ready"}, now - timedelta(days=1))
    )

    report = purge_personal_data(cache, now, retention_days=30)

    assert (report.outbox_rows, report.statuses) == (1, 1)
    payload = cache.conn.execute(
        "SELECT payload FROM outbox WHERE idempotency_key = ?", (old_synced,)
    ).fetchone()[0]
    assert payload == PURGED_PAYLOAD
    for kept in (recent_synced, pending):
        item = outbox.get(kept)
        assert item is not None and item.payload["cin"] == "AB123456"
    assert [s.dossier_number for s in statuses.all()] == ["PP2"]
    assert purge_personal_data(cache, now, retention_days=30).outbox_rows == 0


def test_a_nested_transaction_joins_the_outer_one_and_rolls_back_with_it(
    cache: sqlite_utils.Database,
) -> None:
    key = new_idempotency_key()
    with pytest.raises(RuntimeError), transaction(cache):
        Outbox(cache).enqueue("pre_request", {}, key)
        with transaction(cache):
            cache.conn.execute("INSERT INTO settings (key, value) VALUES ('inner', 'x')")
        raise RuntimeError("the outer write fails after the inner block committed")
    assert Outbox(cache).counts()[OutboxStatus.PENDING] == 0
    assert cache.conn.execute("SELECT COUNT(*) FROM settings WHERE key = 'inner'").fetchone() == (
        0,
    )


def test_an_inner_failure_undoes_only_the_inner_block(cache: sqlite_utils.Database) -> None:
    key = new_idempotency_key()
    with transaction(cache):
        Outbox(cache).enqueue("pre_request", {}, key)
        with pytest.raises(RuntimeError), transaction(cache):
            cache.conn.execute("INSERT INTO settings (key, value) VALUES ('inner', 'x')")
            raise RuntimeError("inner")
    assert Outbox(cache).counts()[OutboxStatus.PENDING] == 1
    assert cache.conn.execute("SELECT COUNT(*) FROM settings").fetchone() == (0,)


def test_sqlite_utils_writes_do_not_commit_the_callers_transaction(
    cache: sqlite_utils.Database,
) -> None:
    # The repositories use sqlite-utils' insert_all/upsert inside transaction(); a library
    # that committed on its own would leave half an index or a record without its outbox row.
    with pytest.raises(RuntimeError), transaction(cache):
        cache.table("settings").insert_all([{"key": "a", "value": "1"}])
        cache.table("settings").upsert({"key": "b", "value": "2"}, pk="key")
        raise RuntimeError("power cut before COMMIT")
    assert cache.conn.execute("SELECT COUNT(*) FROM settings").fetchone() == (0,)
