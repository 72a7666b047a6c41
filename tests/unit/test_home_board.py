"""The home screen's notices respect their dates; queue figures go "not available" when stale."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import sqlite_utils

from kiosk.services.home_board import HomeBoard, QueueLine
from offline_cache.clock import iso
from offline_cache.database import transaction

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)


def _announce(
    db: sqlite_utils.Database, key: str, starts: datetime | None, ends: datetime | None
) -> None:
    data = {
        "id": key,
        "text": {"ar": f"إعلان {key}", "fr": f"Avis {key}"},
        "starts_at": starts and iso(starts),
        "ends_at": ends and iso(ends),
    }
    with transaction(db):
        db.execute(
            "INSERT INTO announcements (id, data, fetched_at) VALUES (?, ?, ?)",
            (key, json.dumps(data, ensure_ascii=False), iso(NOW)),
        )


def test_only_notices_in_force_are_shown_in_the_citizens_language(
    cache: sqlite_utils.Database,
) -> None:
    hour = timedelta(hours=1)
    _announce(cache, "now", NOW - hour, NOW + hour)
    _announce(cache, "always", None, None)
    _announce(cache, "later", NOW + hour, None)
    _announce(cache, "over", None, NOW)
    board = HomeBoard(cache, clock=lambda: NOW)
    assert board.announcements("fr") == ["Avis now", "Avis always"]
    assert board.announcements("ar") == ["إعلان now", "إعلان always"]
    assert board.announcements("zgh") == ["Avis now", "Avis always"]  # French stands in


def test_queues_show_waits_and_say_not_available_when_unknown_or_stale(
    cache: sqlite_utils.Database,
) -> None:
    rows = [
        ("A", 6, 300.0, 2, NOW - timedelta(minutes=2)),  # 6 × 5 min / 2 counters = 15 min
        ("B", 4, 300.0, 0, NOW),  # no counter open: the wait is unknown
        ("C", 9, 300.0, 3, NOW - timedelta(hours=2)),  # stale
    ]
    with transaction(cache):
        for family, waiting, handling, counters, fetched in rows:
            cache.execute(
                "INSERT INTO queue_stats VALUES (?, ?, ?, ?, ?)",
                (family, waiting, handling, counters, iso(fetched)),
            )
    board = HomeBoard(cache, clock=lambda: NOW)
    assert board.queues(["A", "B", "C", "P"]) == [
        QueueLine("A", 6, 15),
        QueueLine("B", 4, None),
        QueueLine("C", None, None),
        QueueLine("P", None, None),
    ]
