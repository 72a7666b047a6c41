"""Exactly once: kill the syncing kiosk or the server at random; nothing lost, nothing twice."""

from __future__ import annotations

import os
import random
import select
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from offline_cache.database import open_cache
from offline_cache.outbox import Outbox, OutboxStatus
from offline_cache.sync import ConnectivityState
from tests.support.reference_server import DEMO_DEVICE_TOKEN, REPO_ROOT, ReferenceServer
from tests.support.sync_helpers import (
    issue_offline_tickets,
    make_engine,
    queue_pre_requests,
    server_key_counts,
)

ROUNDS = 50
RECORDS_PER_ROUND = 4  # 2 tickets + 2 pre-requests: 200 records over the rounds
BATCH_SIZE = 5
# Kill delays after the child is ready: a batch takes a few milliseconds here, so this
# spreads kills over claim, send, server commit and marking of successive batches.
MAX_KILL_DELAY_S = 0.06
DEADLINE_S = 15.0

SYNC_CHILD = """
import sys
from zoneinfo import ZoneInfo

from kiosk.central import CentralClient
from offline_cache.outbox import OutboxStatus
from offline_cache.sync import ConnectivityState, SyncEngine

cache_path, base_url, token, batch_size = sys.argv[1:5]
client = CentralClient(base_url, token, connect_timeout_s=1.0, read_timeout_s=5.0)
engine = SyncEngine(
    cache_path, client, zone=ZoneInfo("Africa/Casablanca"), batch_size=int(batch_size),
    block_low_water=0,
)
engine.db()  # opening recovers rows a previous kill left in flight
print("ready", flush=True)
while True:
    report = engine.run_once(retry_now=True)
    if report.state is not ConnectivityState.ONLINE:
        print("error", report.error_text, flush=True)
        sys.exit(2)
    if engine.outbox_counts()[OutboxStatus.PENDING] == 0:
        break
print("done", flush=True)
"""


def _read_line(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], DEADLINE_S)
    assert ready, "the sync child printed nothing in time"
    return process.stdout.readline().strip()


def _in_flight(cache_path: Path) -> int:
    with sqlite3.connect(cache_path) as conn:
        return int(
            conn.execute("SELECT COUNT(*) FROM outbox WHERE status = 'in_flight'").fetchone()[0]
        )


def test_sigkilled_sync_never_loses_or_duplicates(
    reference_server: ReferenceServer, cache_path: Path, tmp_path: Path
) -> None:
    script = tmp_path / "sync_child.py"
    script.write_text(SYNC_CHILD)
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    db = open_cache(cache_path)
    keys: list[str] = []
    killed_mid_batch = 0
    command = [
        sys.executable,
        str(script),
        str(cache_path),
        reference_server.base_url,
        DEMO_DEVICE_TOKEN,
        str(BATCH_SIZE),
    ]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    try:
        for _round in range(ROUNDS):
            # The kiosk keeps issuing tickets and taking pre-requests between syncs.
            keys += issue_offline_tickets(db, RECORDS_PER_ROUND // 2)
            keys += queue_pre_requests(db, RECORDS_PER_ROUND // 2)
            child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
            try:
                assert _read_line(child) == "ready"
                time.sleep(rng.uniform(0, MAX_KILL_DELAY_S))
                os.kill(child.pid, signal.SIGKILL)
            finally:
                child.kill()
                child.wait(DEADLINE_S)
                if child.stdout:
                    child.stdout.close()
            killed_mid_batch += _in_flight(cache_path) > 0

        final = subprocess.run(
            command, capture_output=True, text=True, env=env, timeout=60, check=False
        )
        assert final.stdout.split() == ["ready", "done"], final.stdout + final.stderr
        counts = Outbox(db).counts()
    finally:
        db.conn.close()

    assert len(keys) == ROUNDS * RECORDS_PER_ROUND
    # Every record once, and nothing else: a resend under a new key would be an extra row.
    on_server = server_key_counts(reference_server.db_path)
    assert on_server == Counter(keys), f"seed {seed}"
    assert counts[OutboxStatus.DONE] == len(keys)
    assert counts[OutboxStatus.PENDING] == counts[OutboxStatus.FAILED] == 0
    # The kills must really have landed inside batches, or this proved nothing.
    print(f"killed mid batch: {killed_mid_batch}")
    assert killed_mid_batch >= 3, f"only {killed_mid_batch} kills hit a batch (seed {seed})"


def test_server_killed_mid_batch_never_loses_or_duplicates(
    reference_server: ReferenceServer, cache_path: Path
) -> None:
    db = open_cache(cache_path)
    keys = issue_offline_tickets(db, 100) + queue_pre_requests(db, 100)
    db.conn.close()
    engine = make_engine(cache_path, reference_server.base_url, batch_size=10, block_low_water=0)
    server_restarts = 5
    finished = threading.Event()
    errors: list[BaseException] = []
    interrupted: list[int] = []  # records sent (or about to be) when the server died
    created: list[int] = []  # the server's `created` replies, cycle by cycle
    duplicates: list[int] = []  # and its `duplicate` replies (resends after a kill)

    def sync_until_done() -> None:
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                report = engine.run_once(retry_now=True)
                created.append(report.pushed)
                duplicates.append(report.duplicates)
                if report.rescheduled and "connection lost" in (report.error_text or ""):
                    interrupted.append(report.rescheduled)
                pending = engine.outbox_counts()[OutboxStatus.PENDING]
                if report.state is ConnectivityState.ONLINE and pending == 0 and finished.is_set():
                    return
                if report.state is not ConnectivityState.ONLINE:
                    time.sleep(0.02)  # the server is restarting: nothing to wait on but time
            raise TimeoutError("sync did not finish")
        except BaseException as exc:
            errors.append(exc)
        finally:
            engine.close()

    worker = threading.Thread(target=sync_until_done)
    rng = random.Random()
    worker.start()
    try:
        for restart in range(server_restarts):
            if restart:
                # New records each time, so the kill again finds batches on the wire.
                extra = open_cache(cache_path)
                keys += queue_pre_requests(extra, 40)
                extra.conn.close()
            time.sleep(rng.uniform(0.0, 0.03))
            reference_server.kill()
            reference_server.restart()
    finally:
        finished.set()
        worker.join(90)
    assert not errors, errors
    print(f"batches cut by a server kill: {len(interrupted)}")
    assert interrupted, "no kill landed while a batch was on the wire: this proved nothing"
    # The server said `created` at most once per record: a batch it committed just before it
    # died was never answered, and its resend came back `duplicate`; between the two replies
    # every record is accounted for. And it holds each record once, and nothing else.
    assert sum(created) <= len(keys) <= sum(created) + sum(duplicates)
    assert server_key_counts(reference_server.db_path) == Counter(keys)
    check = open_cache(cache_path)
    try:
        assert Outbox(check).counts()[OutboxStatus.DONE] == len(keys)
    finally:
        check.conn.close()
