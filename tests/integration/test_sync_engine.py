"""One sync cycle against the real reference server: push once, pull, lease, purge.

The helpers at the top (offline records, engine, server counts) are shared by the other
sync tests and the benchmark.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils

from kiosk.services.guide import GuideService
from kiosk.services.tickets import TicketService
from offline_cache.database import transaction
from offline_cache.guide import ETAG_KEY, OVERRIDES_KEY
from offline_cache.outbox import Outbox, OutboxStatus
from offline_cache.protocol import OutboxKind
from offline_cache.settings import Settings
from offline_cache.statuses import CachedStatus, StatusStore
from offline_cache.sync import (
    LAST_SUCCESS_KEY,
    ConnectivityState,
)
from offline_cache.tickets import TicketStore
from tests.support.reference_server import (
    DEMO_CIN,
    DEMO_REVOKED_TOKEN,
    ReferenceServer,
    running_reference_server,
)
from tests.support.sync_helpers import (
    ZONE,
    issue_offline_tickets,
    make_engine,
    queue_pre_requests,
    server_key_counts,
    sync_catalogue,
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReferenceServer]:
    # One server for the module (each test has its own cache, keys and assertions on them).
    with running_reference_server(tmp_path_factory.mktemp("central")) as running:
        yield running


def test_offline_records_reach_the_server_once_and_replays_are_duplicates(
    server: ReferenceServer, cache: sqlite_utils.Database, cache_path: Path
) -> None:
    before = server_key_counts(server.db_path)
    keys = issue_offline_tickets(cache, 7) + queue_pre_requests(cache, 5)
    engine = make_engine(cache_path, server.base_url, batch_size=4)

    report = engine.run_once()

    assert report.state is ConnectivityState.ONLINE, report.error_text
    assert (report.pushed, report.duplicates, report.failed) == (12, 0, 0)
    assert Outbox(cache).counts()[OutboxStatus.DONE] == 12
    assert server_key_counts(server.db_path) - before == Counter(keys)
    assert Settings(cache).get(LAST_SUCCESS_KEY)

    # A crash after the server committed but before the kiosk marked the rows: resent,
    # and the server answers "duplicate" instead of storing them twice.
    cache.conn.execute("UPDATE outbox SET status = 'pending'")
    again = engine.run_once()
    assert (again.pushed, again.duplicates) == (0, 12)
    assert server_key_counts(server.db_path) - before == Counter(keys)


def test_a_refused_record_is_kept_for_the_technician_and_the_rest_go_through(
    server: ReferenceServer, cache: sqlite_utils.Database, cache_path: Path
) -> None:
    before = server_key_counts(server.db_path)
    good = queue_pre_requests(cache, 3)
    (bad,) = queue_pre_requests(cache, 1, service_code="no_such_service")
    report = make_engine(cache_path, server.base_url).run_once()
    assert (report.pushed, report.failed) == (3, 1)
    item = Outbox(cache).get(bad)
    assert item is not None and item.status is OutboxStatus.FAILED
    assert item.last_error == "unknown_service"
    assert server_key_counts(server.db_path) - before == Counter(good)


def test_a_malformed_record_is_isolated_from_its_batch(
    server: ReferenceServer, cache: sqlite_utils.Database, cache_path: Path
) -> None:
    # The server validates a batch as a whole (422 for all of it); the engine halves the
    # batch until the bad record stands alone, so the good ones still get through.
    before = server_key_counts(server.db_path)
    good = queue_pre_requests(cache, 9)
    bad = str(uuid.uuid4())
    with transaction(cache):
        Outbox(cache).enqueue(OutboxKind.PRE_REQUEST, {"idempotency_key": bad, "cin": "x"}, bad)
    report = make_engine(cache_path, server.base_url).run_once()
    assert (report.pushed, report.failed) == (9, 1)
    failed = Outbox(cache).get(bad)
    assert failed is not None and failed.status is OutboxStatus.FAILED
    assert "422" in (failed.last_error or "")
    assert server_key_counts(server.db_path) - before == Counter(good)


def test_pulls_catalogue_with_etag_queue_stats_and_announcements(
    server: ReferenceServer, cache: sqlite_utils.Database, cache_path: Path
) -> None:
    engine = make_engine(cache_path, server.base_url)
    first = engine.run_once()
    assert first.catalogue_updated
    assert first.queue_families >= 1 and first.announcements >= 1
    etag = Settings(cache).get(ETAG_KEY)
    overrides = json.loads(Settings(cache).get(OVERRIDES_KEY) or "{}")
    assert etag and overrides["annex_id"] == "berkane-5"
    assert "collective_life_certificate" in overrides["disabled"]

    second = engine.run_once()
    assert not second.catalogue_updated  # 304: nothing re-sent, nothing rewritten
    rows = cache.conn.execute("SELECT family, waiting FROM queue_stats").fetchall()
    assert len(rows) == first.queue_families
    announcement = json.loads(cache.conn.execute("SELECT data FROM announcements").fetchone()[0])
    assert set(announcement["text"]) == {"ar", "fr", "zgh", "en"}


def test_the_guide_applies_the_synced_overrides(
    server: ReferenceServer, cache: sqlite_utils.Database, cache_path: Path
) -> None:
    guide = GuideService(cache, sync_catalogue())
    assert guide.catalogue.service("residence_certificate").delay["en"] == "1"
    make_engine(cache_path, server.base_url).run_once()
    assert guide.refresh()
    # The demo annex serves residence certificates the same day.
    delay = guide.catalogue.service("residence_certificate").delay
    assert delay["en"] == "Same day if you come before 11:00."
    assert delay["zgh"].startswith("ⴳ")


def test_leases_a_block_per_family_when_low_and_not_again_when_stocked(
    server: ReferenceServer, cache: sqlite_utils.Database, cache_path: Path
) -> None:
    engine = make_engine(
        cache_path, server.base_url, families=["A", "P"], block_size=20, block_low_water=5
    )
    report = engine.run_once()
    assert sorted(block.family for block in report.blocks_leased) == ["A", "P"]
    today = datetime.now(UTC).astimezone(ZONE).date()
    tickets = TicketStore(cache)
    assert tickets.remaining_in_blocks(today, "A") == 20
    assert engine.run_once().blocks_leased == []

    # Offline tickets now come from the block, and upload as block tickets.
    service = TicketService(cache, sync_catalogue(), ZONE, (5000, 5499))
    issued = [service.issue("residence_certificate", "ar") for _ in range(16)]
    assert {ticket.source.value for ticket in issued} == {"block"}
    report = engine.run_once()
    assert report.pushed == 16 and report.failed == 0
    # Below the low-water mark (4 left < 5): a second block for A only.
    assert [block.family for block in report.blocks_leased] == ["A"]


def test_cached_statuses_are_refreshed_when_stale(
    server: ReferenceServer, cache: sqlite_utils.Database, cache_path: Path
) -> None:
    number = f"PP-{datetime.now(UTC).year}-000100"
    old = datetime.now(UTC) - timedelta(hours=2)
    StatusStore(cache).save(CachedStatus("passport", number, DEMO_CIN, {"stage": "?"}, old))
    report = make_engine(cache_path, server.base_url).run_once()
    assert report.statuses_refreshed == 1
    fresh = StatusStore(cache).find("passport", number, DEMO_CIN)
    assert fresh is not None and fresh.fetched_at > old
    assert fresh.data["dossier_number"] == number and fresh.data["stage"] != "?"


def test_personal_data_is_purged_after_retention(
    server: ReferenceServer, cache: sqlite_utils.Database, cache_path: Path
) -> None:
    (key,) = queue_pre_requests(cache, 1)
    now = [datetime.now(UTC)]
    engine = make_engine(cache_path, server.base_url, retention_days=30, clock=lambda: now[0])
    engine.run_once()
    assert "cin" in (Outbox(cache).get(key) or pytest.fail()).payload
    now[0] += timedelta(days=31)
    report = engine.run_once()
    assert report.purged is not None and report.purged.outbox_rows == 1
    item = Outbox(cache).get(key)
    assert item is not None and item.payload == {"purged": True}
    assert item.status is OutboxStatus.DONE


def test_a_revoked_kiosk_degrades_without_failing_any_record(
    server: ReferenceServer, cache: sqlite_utils.Database, cache_path: Path
) -> None:
    before = server_key_counts(server.db_path)
    queue_pre_requests(cache, 3)
    report = make_engine(cache_path, server.base_url, token=DEMO_REVOKED_TOKEN).run_once()
    assert report.state is ConnectivityState.DEGRADED
    assert "invalid_device" in (report.error_text or "")
    counts = Outbox(cache).counts()
    assert counts[OutboxStatus.PENDING] == 3 and counts[OutboxStatus.FAILED] == 0
    assert server_key_counts(server.db_path) - before == Counter()


def test_home_names_the_annex_as_the_server_and_its_tracking_pages_do(
    server: ReferenceServer, cache: sqlite_utils.Database, cache_path: Path
) -> None:
    from central_server.demo_data import DEMO_ANNEX_NAME, DEMO_ANNEX_NAMES
    from kiosk.services.home_board import HomeBoard

    board = HomeBoard(cache)
    assert board.annex_name("ar") is None  # never synced: home keeps the configured name
    make_engine(cache_path, server.base_url).run_once()
    assert board.annex_name("ar") == DEMO_ANNEX_NAMES["berkane-5"]["ar"]
    assert board.annex_name("zgh") == DEMO_ANNEX_NAMES["berkane-5"]["zgh"]
    assert board.annex_name("fr") == DEMO_ANNEX_NAME  # the annex's own name
