"""Cache benchmark: guide search, history query over 100k rows, ticket issue; prints a table.

Run: .venv/bin/python -m benchmarks.bench_cache
Budgets (design brief §5): guide search and history query with 100k rows ≤ 20 ms.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.domain.catalogue import packaged_catalogue
from kiosk.services.guide import GuideService
from kiosk.services.tickets import TicketService
from offline_cache.database import open_cache, transaction
from offline_cache.history import HistoryStore

HISTORY_ROWS = 100_000
CITIZENS = 5_000


def _median_ms(action: Callable[[], object], runs: int = 50) -> tuple[float, float]:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def _fill_history(path: Path) -> None:
    db = open_cache(path)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    with transaction(db) as conn:
        conn.executemany(
            "INSERT INTO request_history VALUES (?, ?, ?, ?, ?)",
            (
                (
                    f"R-{n:07d}",
                    f"citizen-{n % CITIZENS}",
                    json.dumps({"request_number": f"R-{n:07d}", "status": "ready"}),
                    (start + timedelta(minutes=n)).isoformat(),
                    start.isoformat(),
                )
                for n in range(HISTORY_ROWS)
            ),
        )
    db.conn.close()


def main() -> None:
    """Measure and print one row per operation."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite"
        _fill_history(path)
        db = open_cache(path)
        history = HistoryStore(db)
        guide = GuideService(db)
        tickets = TicketService(db, packaged_catalogue(), ZoneInfo("Africa/Casablanca"), (1, 9999))
        # A fast empty answer would be a wrong answer: check each query finds its service.
        for query in ("résidence", "شهادة السكنى", "cer"):
            assert guide.search(query), f"guide search found nothing for {query!r}"
        assert len(history.for_citizen("citizen-1234")) == HISTORY_ROWS // CITIZENS
        rows = [
            ("guide search 'résidence'", _median_ms(lambda: guide.search("résidence")), 20.0),
            (
                "guide search Arabic 'شهادة السكنى'",
                _median_ms(lambda: guide.search("شهادة السكنى")),
                20.0,
            ),
            ("guide search prefix 'cer'", _median_ms(lambda: guide.search("cer")), 20.0),
            (
                f"history of one citizen ({HISTORY_ROWS:,} rows)",
                _median_ms(lambda: history.for_citizen("citizen-1234")),
                20.0,
            ),
            (
                "issue a ticket offline (cache + outbox)",
                _median_ms(lambda: tickets.issue("residence_certificate", "ar"), runs=200),
                None,
            ),
        ]
        db.conn.close()
    print(f"{'operation':48} {'median ms':>10} {'p95 ms':>8} {'budget':>8}")
    for name, (median, p95), budget in rows:
        verdict = "" if budget is None else f"{'ok' if p95 <= budget else 'OVER'} ≤{budget:g}"
        print(f"{name:48} {median:10.2f} {p95:8.2f} {verdict:>8}")


if __name__ == "__main__":
    main()
