"""A process killed with SIGKILL while writing leaves a sound cache: whole records or none."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from offline_cache.database import open_cache

REPO = Path(__file__).parents[2]


def _kill_after(cache_path: Path, seconds: float) -> list[str]:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.support.ticket_writer", str(cache_path)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(seconds)  # the child is writing flat out: any moment is a random moment
    child.send_signal(signal.SIGKILL)
    out, err = child.communicate(timeout=10)
    assert child.returncode == -signal.SIGKILL, err
    return [line for line in out.splitlines() if len(line) == 36]


def test_sigkill_mid_write_loses_no_committed_record_and_splits_none(tmp_path: Path) -> None:
    cache_path = tmp_path / "cache.sqlite"
    open_cache(cache_path).conn.close()
    rng = random.Random(55_19)
    reported: list[str] = []
    for _ in range(8):
        reported += _kill_after(cache_path, rng.uniform(0.4, 1.2))

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
