"""A process killed with SIGKILL while writing leaves a sound cache: whole records or none."""

from __future__ import annotations

import json
import random
from pathlib import Path

from offline_cache.database import open_cache
from tests.support.killed_writer import kill_writer_after

WRITER = "tests.support.ticket_writer"  # writes flat out, prints each committed key


def test_sigkill_mid_write_loses_no_committed_record_and_splits_none(tmp_path: Path) -> None:
    cache_path = tmp_path / "cache.sqlite"
    open_cache(cache_path).conn.close()
    rng = random.Random(55_19)
    reported: list[str] = []
    for _ in range(8):
        reported += kill_writer_after(WRITER, cache_path, rng.uniform(0.4, 1.2))

    db = open_cache(cache_path)
    conn = db.conn
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    tickets = dict(conn.execute("SELECT idempotency_key, number FROM tickets").fetchall())
    outbox = {
        key: json.loads(payload)
        for key, payload in conn.execute("SELECT idempotency_key, payload FROM outbox")
    }
    assert len(tickets) > 50, "the child should have written many tickets between kills"
    # Every ticket has its outbox row with a complete payload, and no row lacks its ticket.
    assert set(tickets) == set(outbox)
    for key, number in tickets.items():
        assert outbox[key]["number"] == number and outbox[key]["idempotency_key"] == key
    # Every ticket the child reported as issued was durable.
    assert set(reported) <= set(tickets)
    # Numbers continue without gaps or repeats across the kills, per family and day.
    groups = conn.execute("SELECT DISTINCT business_day, family FROM tickets").fetchall()
    for day, family in groups:
        seqs = [
            row[0]
            for row in conn.execute(
                "SELECT seq FROM tickets WHERE business_day = ? AND family = ? ORDER BY seq",
                (day, family),
            )
        ]
        assert seqs == list(range(1, len(seqs) + 1))
    conn.close()
