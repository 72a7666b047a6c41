"""The history cache: whole lists with their fetch time, requests added one by one, retention."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlite_utils

from offline_cache.history import HistoryStore
from offline_cache.retention import purge_personal_data

FETCHED = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)


def _item(number: str, day: int) -> dict[str, object]:
    return {"request_number": number, "created_at": f"2026-11-{day:02d}T08:00:00+00:00"}


def test_nothing_is_cached_until_a_whole_list_was_fetched(cache: sqlite_utils.Database) -> None:
    store = HistoryStore(cache)
    store.add("C-0001", _item("R-2026-000009", 21), FETCHED)
    assert store.cached("C-0001") is None


def test_an_empty_list_is_an_answer_too(cache: sqlite_utils.Database) -> None:
    store = HistoryStore(cache)
    store.replace_for("C-0007", [], FETCHED)
    cached = store.cached("C-0007")
    assert cached is not None and cached.requests == () and cached.fetched_at == FETCHED


def test_newest_first_with_the_list_time_and_added_requests(
    cache: sqlite_utils.Database,
) -> None:
    store = HistoryStore(cache)
    store.replace_for("C-0001", [_item("R-2026-000001", 3), _item("R-2026-000004", 19)], FETCHED)
    store.replace_for("C-0002", [_item("R-2026-000002", 20)], FETCHED)
    store.add("C-0001", _item("R-2026-000013", 21), FETCHED + timedelta(minutes=5))
    cached = store.cached("C-0001")
    assert cached is not None and cached.fetched_at == FETCHED
    assert [item["request_number"] for item in cached.requests] == [
        "R-2026-000013",
        "R-2026-000004",
        "R-2026-000001",
    ]
    # A new whole list replaces what was there, the added one included.
    later = FETCHED + timedelta(hours=1)
    store.replace_for("C-0001", [_item("R-2026-000004", 19)], later)
    cached = store.cached("C-0001")
    assert cached is not None and cached.fetched_at == later and len(cached.requests) == 1


def test_retention_forgets_old_histories(cache: sqlite_utils.Database) -> None:
    store = HistoryStore(cache)
    store.replace_for("C-0001", [_item("R-2026-000001", 3)], FETCHED)
    store.replace_for("C-0002", [], FETCHED + timedelta(days=20))
    report = purge_personal_data(cache, FETCHED + timedelta(days=31), retention_days=30)
    assert report.history_rows == 1
    assert store.cached("C-0001") is None
    assert store.cached("C-0002") is not None
