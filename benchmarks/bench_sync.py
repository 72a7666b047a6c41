"""Push 1k, 10k and 50k queued records to the reference server on loopback; print a table.

Budget (design brief): 10,000 records in at most 10 s, aim 2 s. Run from the repo root:

    .venv/bin/python -m benchmarks.bench_sync [SIZES...]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.central import CentralClient
from kiosk.domain.tickets import STANDALONE_SPACE, format_ticket_number
from offline_cache.clock import iso
from offline_cache.database import open_cache, transaction
from offline_cache.outbox import OutboxStatus
from offline_cache.protocol import OutboxKind
from offline_cache.sync import ConnectivityState, SyncEngine
from tests.support.reference_server import DEMO_DEVICE_TOKEN, running_reference_server

ZONE = ZoneInfo("Africa/Casablanca")
FAMILIES = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Standalone numbers: 5000 per family and day (5000-9999, the server numbers below).
FIRST_SEQ, MAX_SEQ = STANDALONE_SPACE[0], STANDALONE_SPACE[1] - STANDALONE_SPACE[0] + 1


def queue_records(cache_path: Path, count: int) -> None:
    """Half offline tickets (own range, spread over families), half pre-requests."""
    db = open_cache(cache_path)
    now = datetime.now(UTC)
    day = now.astimezone(ZONE).date().isoformat()
    rows = []
    for index in range(count):
        key = str(uuid.uuid4())
        if index % 2:
            family, seq = FAMILIES[(index // 2) // MAX_SEQ], FIRST_SEQ + (index // 2) % MAX_SEQ
            kind, payload = (
                OutboxKind.TICKET,
                {
                    "idempotency_key": key,
                    "number": format_ticket_number(family, seq),
                    "family": family,
                    "seq": seq,
                    "service_code": "residence_certificate",
                    "business_day": day,
                    "issued_at": iso(now),
                    "source": "standalone",
                    "block_id": None,
                },
            )
        else:
            kind, payload = (
                OutboxKind.PRE_REQUEST,
                {
                    "idempotency_key": key,
                    "service_code": "residence_certificate",
                    "cin": f"AB{index % 1000000:06d}",
                    "phone": f"+2126{index % 100000000:08d}",
                    "language": "fr",
                    "created_at": iso(now),
                },
            )
        rows.append((key, kind, json.dumps(payload, sort_keys=True), iso(now)))
    # One bulk insert: only the push is being measured, not queueing.
    with transaction(db) as conn:
        conn.executemany(
            "INSERT INTO outbox (idempotency_key, kind, payload, created_at) VALUES (?, ?, ?, ?)",
            rows,
        )
    db.conn.close()


def push_all(cache_path: Path, base_url: str) -> tuple[float, int]:
    """Seconds for one full sync cycle, and how many records the server accepted."""
    client = CentralClient(base_url, DEMO_DEVICE_TOKEN, read_timeout_s=60)
    engine = SyncEngine(cache_path, client, zone=ZONE, block_low_water=0)
    engine.db()  # open (and migrate) outside the timing
    started = time.perf_counter()
    report = engine.run_once()
    elapsed = time.perf_counter() - started
    if report.state is not ConnectivityState.ONLINE:
        raise RuntimeError(f"sync failed: {report.error_text}")
    if engine.outbox_counts()[OutboxStatus.PENDING]:
        raise RuntimeError("records left pending")
    engine.close()
    client.close()
    return elapsed, report.pushed


def main() -> None:
    """Run every size against a fresh server and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1_000, 10_000, 50_000])
    sizes = parser.parse_args().sizes
    print(f"{'records':>8} {'seconds':>8} {'records/s':>10} {'time x':>7} {'size x':>7}")
    previous: tuple[int, float] | None = None
    with tempfile.TemporaryDirectory() as workdir:
        for size in sizes:
            run_dir = Path(workdir) / str(size)
            with running_reference_server(run_dir / "server") as server:
                cache_path = run_dir / "cache.sqlite"
                queue_records(cache_path, size)
                seconds, pushed = push_all(cache_path, server.base_url)
            if pushed != size:
                raise RuntimeError(f"{pushed} of {size} created")
            growth = (
                f"{seconds / previous[1]:7.1f} {size / previous[0]:7.1f}"
                if previous
                else f"{'-':>7} {'-':>7}"
            )
            print(f"{size:>8} {seconds:>8.2f} {size / seconds:>10.0f} {growth}", flush=True)
            previous = (size, seconds)


if __name__ == "__main__":
    main()
