"""When the server fails, the engine reports offline or degraded and loses nothing it queued."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlite_utils

from offline_cache.outbox import Outbox, OutboxStatus
from offline_cache.sync import ConnectivityState
from tests.support.misbehaving_server import (
    Behaviour,
    MisbehavingServer,
    refused_url,
)
from tests.support.sync_helpers import (
    issue_offline_tickets,
    make_engine,
    queue_pre_requests,
)


def _assert_all_pending_for_later(db: sqlite_utils.Database, count: int, started: datetime) -> None:
    items = Outbox(db).items([OutboxStatus.PENDING, OutboxStatus.IN_FLIGHT, OutboxStatus.FAILED])
    assert len(items) == count
    for item in items:
        assert item.status is OutboxStatus.PENDING
        assert item.attempts == 1
        assert item.next_attempt_at is not None
        assert item.next_attempt_at > started  # backed off, not hammered
        assert item.last_error


FAULTS = [
    (Behaviour.HANG, ConnectivityState.OFFLINE, "Offline"),
    (Behaviour.CUT_CONNECTION, ConnectivityState.OFFLINE, "Offline"),
    (Behaviour.ERROR_500, ConnectivityState.DEGRADED, "ServerFault"),
    (Behaviour.ERROR_503, ConnectivityState.DEGRADED, "ServerFault"),
    (Behaviour.TRUNCATED_JSON, ConnectivityState.DEGRADED, "BadResponse"),
    (Behaviour.HTML, ConnectivityState.DEGRADED, "BadResponse"),
    (Behaviour.HTML_404, ConnectivityState.DEGRADED, "BadResponse"),
    (Behaviour.WRONG_SHAPE, ConnectivityState.DEGRADED, "BadResponse"),
]


@pytest.mark.parametrize(("behaviour", "state", "error"), FAULTS)
def test_a_failing_server_loses_nothing_and_the_records_go_later(
    misbehaving: MisbehavingServer,
    cache: sqlite_utils.Database,
    cache_path: Path,
    behaviour: Behaviour,
    state: ConnectivityState,
    error: str,
) -> None:
    keys = issue_offline_tickets(cache, 4) + queue_pre_requests(cache, 3)
    engine = make_engine(cache_path, misbehaving.base_url, read_timeout_s=0.5, batch_size=5)
    misbehaving.mode = behaviour
    started = datetime.now(UTC)

    report = engine.run_once()

    assert report.state is state
    assert (report.error_text or "").startswith(error)
    # The first batch was tried and failed; the rest were not sent at all this cycle.
    sent = sum(1 for request in misbehaving.requests if request.path.endswith("/batch"))
    assert sent == 1
    first_kind = "pre_request"  # kinds go in name order: pre_request before ticket
    tried = [i for i in Outbox(cache).items([OutboxStatus.PENDING]) if i.attempts == 1]
    assert {i.kind for i in tried} == {first_kind} and len(tried) == 3
    assert all(item.next_attempt_at and item.next_attempt_at > started for item in tried)
    assert Outbox(cache).counts()[OutboxStatus.PENDING] == len(keys)  # nothing lost

    # The server recovers: records that backed off wait for their time...
    misbehaving.mode = Behaviour.OK
    later = engine.run_once()
    assert later.state is ConnectivityState.ONLINE
    assert later.pushed == 4  # only the tickets, never tried, went
    # ...unless connectivity came back, which retries them at once.
    assert engine.run_once(retry_now=True).pushed == 3
    assert Outbox(cache).counts()[OutboxStatus.DONE] == len(keys)
    assert misbehaving.seen_keys == set(keys)


def test_connection_refused_is_offline_and_everything_waits(
    cache: sqlite_utils.Database, cache_path: Path
) -> None:
    queue_pre_requests(cache, 6)
    engine = make_engine(cache_path, refused_url(), batch_size=500)
    started = datetime.now(UTC)
    report = engine.run_once()
    assert report.state is ConnectivityState.OFFLINE
    assert report.rescheduled == 6
    _assert_all_pending_for_later(cache, 6, started)
    assert not engine.probe()


def test_a_cycle_with_nothing_queued_still_notices_the_server_is_down(
    cache: sqlite_utils.Database, cache_path: Path
) -> None:
    report = make_engine(cache_path, refused_url()).run_once()
    assert report.state is ConnectivityState.OFFLINE
    assert report.purged is not None  # local housekeeping happens offline too


def test_backoff_grows_with_each_failure(
    misbehaving: MisbehavingServer, cache: sqlite_utils.Database, cache_path: Path
) -> None:
    (key,) = queue_pre_requests(cache, 1)
    misbehaving.mode = Behaviour.ERROR_503
    engine = make_engine(cache_path, misbehaving.base_url)
    delays = []
    for attempt in range(1, 6):
        before = datetime.now(UTC)
        engine.run_once(retry_now=True)
        item = Outbox(cache).get(key)
        assert item is not None and item.attempts == attempt and item.next_attempt_at
        delays.append((item.next_attempt_at - before).total_seconds())
    # Equal jitter: each delay lies in [ceiling/2, ceiling], ceilings 5, 10, 20, 40, 80 s.
    for attempt, delay in enumerate(delays, start=1):
        ceiling = 5.0 * 2 ** (attempt - 1)
        assert ceiling / 2 - 1 <= delay <= ceiling + 1


def test_an_invalid_device_stops_the_cycle_without_failing_records(
    misbehaving: MisbehavingServer, cache: sqlite_utils.Database, cache_path: Path
) -> None:
    queue_pre_requests(cache, 4)
    issue_offline_tickets(cache, 2)
    misbehaving.mode = Behaviour.INVALID_DEVICE
    report = make_engine(cache_path, misbehaving.base_url).run_once()
    assert report.state is ConnectivityState.DEGRADED
    counts = Outbox(cache).counts()
    assert (counts[OutboxStatus.PENDING], counts[OutboxStatus.FAILED]) == (6, 0)
    # Stopped at the first refusal: no point sending tickets or pulling anything.
    assert [r.path for r in misbehaving.requests] == ["/api/v1/pre-requests/batch"]


def test_a_batch_refused_as_a_whole_is_split_to_find_the_bad_record(
    misbehaving: MisbehavingServer, cache: sqlite_utils.Database, cache_path: Path
) -> None:
    good = queue_pre_requests(cache, 7)
    (bad,) = queue_pre_requests(cache, 1, service_code="")
    misbehaving.mode = Behaviour.REJECT_422
    report = make_engine(cache_path, misbehaving.base_url).run_once()
    assert (report.pushed, report.failed) == (7, 1)
    assert misbehaving.seen_keys == set(good)
    failed = Outbox(cache).get(bad)
    assert failed is not None and failed.status is OutboxStatus.FAILED
    assert "validation_error" in (failed.last_error or "")


def test_a_server_dying_mid_split_reschedules_the_untried_half(
    misbehaving: MisbehavingServer, cache: sqlite_utils.Database, cache_path: Path
) -> None:
    queue_pre_requests(cache, 1, service_code="")
    queue_pre_requests(cache, 3)
    # The whole batch is refused, then the server stops answering during the halves.
    misbehaving.script = [Behaviour.REJECT_422, Behaviour.HANG]
    report = make_engine(cache_path, misbehaving.base_url, read_timeout_s=0.5).run_once()
    assert report.state is ConnectivityState.OFFLINE
    counts = Outbox(cache).counts()
    assert counts[OutboxStatus.PENDING] == 4
    assert counts[OutboxStatus.IN_FLIGHT] == counts[OutboxStatus.FAILED] == 0


def test_a_missing_endpoint_fails_no_record(
    misbehaving: MisbehavingServer, cache: sqlite_utils.Database, cache_path: Path
) -> None:
    # An older or misconfigured server without the batch endpoint: a 404 with the API's
    # error JSON refuses the endpoint, not the records, so none of them may be marked failed.
    queue_pre_requests(cache, 5)
    misbehaving.routes["/api/v1/pre-requests/batch"] = Behaviour.NOT_FOUND
    report = make_engine(cache_path, misbehaving.base_url).run_once()
    assert report.state is ConnectivityState.DEGRADED
    counts = Outbox(cache).counts()
    assert (counts[OutboxStatus.PENDING], counts[OutboxStatus.FAILED]) == (5, 0)
