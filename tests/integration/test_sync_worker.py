"""The background worker: publishes connectivity, resumes when the link returns, stops fast."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import sqlite_utils

from offline_cache.database import open_cache
from offline_cache.sync import ConnectivitySnapshot, ConnectivityState, SyncWorker
from tests.support.misbehaving_server import Behaviour, MisbehavingServer
from tests.support.sync_helpers import make_engine, queue_pre_requests

DEADLINE_S = 10.0


class Recorder:
    """Collects snapshots from the worker thread and lets the test wait for one."""

    def __init__(self) -> None:
        self.snapshots: list[ConnectivitySnapshot] = []
        self._changed = threading.Condition()

    def __call__(self, snapshot: ConnectivitySnapshot) -> None:
        with self._changed:
            self.snapshots.append(snapshot)
            self._changed.notify_all()

    def wait_for(self, predicate: Callable[[ConnectivitySnapshot], bool]) -> ConnectivitySnapshot:
        with self._changed:
            found = self._changed.wait_for(
                lambda: any(predicate(s) for s in self.snapshots), DEADLINE_S
            )
            assert found, f"no matching snapshot in {[s.state for s in self.snapshots]}"
            return next(s for s in self.snapshots if predicate(s))

    def clear(self) -> None:
        with self._changed:
            self.snapshots.clear()


def _worker(cache_path: Path, base_url: str, recorder: Recorder) -> SyncWorker:
    engine = make_engine(cache_path, base_url, read_timeout_s=0.5)
    # A long interval: any cycle seen in these tests comes from a probe or a trigger.
    worker = SyncWorker(engine, interval_s=60.0, probe_interval_s=0.05)
    worker.add_listener(recorder)
    return worker


def test_goes_online_and_reports_the_outbox(
    misbehaving: MisbehavingServer, cache: sqlite_utils.Database, cache_path: Path
) -> None:
    queue_pre_requests(cache, 3)
    recorder = Recorder()
    worker = _worker(cache_path, misbehaving.base_url, recorder)
    assert worker.snapshot().state is ConnectivityState.OFFLINE  # until proven otherwise
    worker.start()
    try:
        online = recorder.wait_for(lambda s: s.state is ConnectivityState.ONLINE)
        assert online.outbox_pending == 0 and online.outbox_failed == 0
        assert online.last_success_at is not None
        assert online.last_report is not None and online.last_report.pushed == 3
        assert worker.snapshot() == recorder.snapshots[-1]
    finally:
        assert worker.stop()


def test_syncs_at_once_when_connectivity_returns(
    misbehaving: MisbehavingServer, cache: sqlite_utils.Database, cache_path: Path
) -> None:
    queue_pre_requests(cache, 5)
    misbehaving.mode = Behaviour.CUT_CONNECTION
    recorder = Recorder()
    worker = _worker(cache_path, misbehaving.base_url, recorder)
    worker.start()
    try:
        offline = recorder.wait_for(
            lambda s: s.state is ConnectivityState.OFFLINE and s.last_report
        )
        assert offline.outbox_pending == 5
        assert worker.known_offline()
        # The link returns; records backed off for seconds, yet go within the probe interval.
        misbehaving.mode = Behaviour.OK
        returned = time.monotonic()
        online = recorder.wait_for(lambda s: s.state is ConnectivityState.ONLINE)
        assert time.monotonic() - returned < 5.0
        assert online.outbox_pending == 0
        assert len(misbehaving.seen_keys) == 5
    finally:
        assert worker.stop()


def test_degraded_then_a_trigger_retries_now(
    misbehaving: MisbehavingServer, cache: sqlite_utils.Database, cache_path: Path
) -> None:
    misbehaving.mode = Behaviour.ERROR_503
    recorder = Recorder()
    worker = _worker(cache_path, misbehaving.base_url, recorder)
    worker.start()
    try:
        degraded = recorder.wait_for(lambda s: s.state is ConnectivityState.DEGRADED)
        assert "ServerFault" in (degraded.last_error or "")
        misbehaving.mode = Behaviour.OK
        worker.trigger()
        recorder.wait_for(lambda s: s.state is ConnectivityState.ONLINE)
    finally:
        assert worker.stop()


def test_stops_within_two_seconds_even_while_a_request_hangs(
    misbehaving: MisbehavingServer, cache: sqlite_utils.Database, cache_path: Path
) -> None:
    queue_pre_requests(cache, 2)
    misbehaving.mode = Behaviour.HANG
    recorder = Recorder()
    worker = _worker(cache_path, misbehaving.base_url, recorder)
    worker.start()
    assert misbehaving.wait_for_requests(1, DEADLINE_S)  # the request is on the wire
    started = time.monotonic()
    assert worker.stop(timeout_s=2.0)
    assert time.monotonic() - started < 2.0
    # Stopped mid-request: the rows are pending again (or in flight, recovered at next open).
    db = open_cache(cache_path)
    try:
        pending = db.conn.execute("SELECT COUNT(*) FROM outbox WHERE status = 'pending'")
        assert pending.fetchone()[0] == 2
    finally:
        db.conn.close()


def test_a_failing_listener_does_not_stop_sync(
    misbehaving: MisbehavingServer, cache: sqlite_utils.Database, cache_path: Path
) -> None:
    recorder = Recorder()
    worker = _worker(cache_path, misbehaving.base_url, recorder)

    def broken(_snapshot: ConnectivitySnapshot) -> None:
        raise RuntimeError("UI bug")

    remove = worker.add_listener(broken)
    worker.start()
    try:
        recorder.wait_for(lambda s: s.state is ConnectivityState.ONLINE)
        remove()
        recorder.clear()
        worker.trigger()
        assert worker.wait_for_cycles(2, DEADLINE_S)
    finally:
        assert worker.stop()
