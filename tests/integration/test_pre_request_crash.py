"""A process killed while making pre-requests leaves each one whole: row and outbox row, or none."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from offline_cache.database import open_cache
from offline_cache.pre_requests import local_reference

REPO = Path(__file__).parents[2]


def _kill_after(cache_path: Path, seconds: float) -> list[str]:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.support.pre_request_writer", str(cache_path)],
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


def test_sigkill_while_creating_leaves_both_rows_or_neither(tmp_path: Path) -> None:
    cache_path = tmp_path / "cache.sqlite"
    open_cache(cache_path).conn.close()
    rng = random.Random(9_4)
    reported: list[str] = []
    for _ in range(6):
        reported += _kill_after(cache_path, rng.uniform(0.5, 1.2))

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
