"""A process killed while making pre-requests leaves each one whole: row and outbox row, or none."""

from __future__ import annotations

import json
import random
from pathlib import Path

from offline_cache.database import open_cache
from offline_cache.pre_requests import local_reference
from tests.support.killed_writer import kill_writer_after

WRITER = "tests.support.pre_request_writer"  # writes flat out, prints each committed key


def test_sigkill_while_creating_leaves_both_rows_or_neither(tmp_path: Path) -> None:
    cache_path = tmp_path / "cache.sqlite"
    open_cache(cache_path).conn.close()
    rng = random.Random(9_4)
    reported: list[str] = []
    for _ in range(6):
        reported += kill_writer_after(WRITER, cache_path, rng.uniform(0.5, 1.2))

    db = open_cache(cache_path)
    conn = db.conn
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    rows = {
        row[0]: row
        for row in conn.execute(
            "SELECT idempotency_key, service_code, cin, phone, local_reference FROM pre_requests"
        )
    }
    queued = {
        key: json.loads(payload)
        for key, kind, payload in conn.execute("SELECT idempotency_key, kind, payload FROM outbox")
        if kind == "pre_request"
    }
    assert len(rows) > 50, "the child should have made many pre-requests between kills"
    assert set(rows) == set(queued)
    for key, (_, service_code, cin, phone, reference) in rows.items():
        assert (queued[key]["service_code"], queued[key]["cin"], queued[key]["phone"]) == (
            service_code,
            cin,
            phone,
        )
        assert reference == local_reference(key)
    # Every pre-request the child reported as made was durable.
    assert set(reported) <= set(rows)
    db.conn.close()
