"""A record the server keeps failing on is set aside; it never holds back the records behind it."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from offline_cache.outbox import Outbox, OutboxStatus
from offline_cache.sync import POISON_AFTER_SERVER_FAULTS, SyncEngine
from tests.support.misbehaving_server import Behaviour, MisbehavingServer
from tests.support.sync_helpers import make_engine, queue_pre_requests

CYCLES = POISON_AFTER_SERVER_FAULTS + 2


def _cycles(engine: SyncEngine, count: int) -> None:
    for _ in range(count):
        # retry_now: the backoff between tries is not what this test is about.
        engine.run_once(retry_now=True)


def test_a_poisoned_record_is_set_aside_and_the_others_go_through(
    misbehaving: MisbehavingServer, cache: sqlite_utils.Database, cache_path: Path
) -> None:
    keys = queue_pre_requests(cache, 10)
    poisoned = keys[0]  # the oldest: every batch starts with it
    misbehaving.poison_keys = {poisoned}
    engine = make_engine(cache_path, misbehaving.base_url)
    _cycles(engine, CYCLES)

    outbox = Outbox(cache)
    assert misbehaving.seen_keys == set(keys[1:])  # everything else reached the server
    assert [item.idempotency_key for item in outbox.items([OutboxStatus.FAILED])] == [poisoned]
    failed = outbox.get(poisoned)
    assert failed is not None and failed.last_error is not None
    assert failed.last_error.startswith("server_error_repeated")
    assert outbox.counts()[OutboxStatus.DONE] == 9


def test_a_server_that_fails_on_everything_sets_nothing_aside(
    misbehaving: MisbehavingServer, cache: sqlite_utils.Database, cache_path: Path
) -> None:
    keys = queue_pre_requests(cache, 6)
    misbehaving.routes["/api/v1/pre-requests/batch"] = Behaviour.ERROR_500
    engine = make_engine(cache_path, misbehaving.base_url)
    _cycles(engine, CYCLES)
    counts = Outbox(cache).counts()
    assert counts[OutboxStatus.FAILED] == 0
    assert counts[OutboxStatus.PENDING] == len(keys)
    # The server is back: everything goes, once.
    misbehaving.routes.clear()
    _cycles(engine, 1)
    assert misbehaving.seen_keys == set(keys)
    assert Outbox(cache).counts()[OutboxStatus.DONE] == len(keys)


def test_a_lone_failing_record_is_retried_not_set_aside(
    misbehaving: MisbehavingServer, cache: sqlite_utils.Database, cache_path: Path
) -> None:
    (only,) = queue_pre_requests(cache, 1)
    misbehaving.poison_keys = {only}
    engine = make_engine(cache_path, misbehaving.base_url)
    _cycles(engine, CYCLES)
    # Nothing else went through, so nothing proves the server works: keep it and retry.
    item = Outbox(cache).get(only)
    assert item is not None and item.status is OutboxStatus.PENDING
    assert item.attempts == CYCLES
