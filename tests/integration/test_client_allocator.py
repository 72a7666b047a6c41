"""Online ticket numbers through the real client, and the fall back to local numbering."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import sqlite_utils

from kiosk.central import CentralClient
from kiosk.config import parse_config
from kiosk.services.connectivity import ServerTicketAllocator
from kiosk.services.tickets import TicketService
from kiosk.services.wiring import build_sync_stack
from offline_cache.database import open_cache
from offline_cache.outbox import Outbox, OutboxStatus
from offline_cache.protocol import TicketSource
from offline_cache.sync import ConnectivityState
from tests.support.misbehaving_server import Behaviour, misbehaving_server, refused_url
from tests.support.reference_server import DEMO_DEVICE_TOKEN, ReferenceServer
from tests.support.sync_helpers import ZONE, sync_catalogue


def _tickets(db: sqlite_utils.Database, allocator: ServerTicketAllocator) -> TicketService:
    return TicketService(db, sync_catalogue(), ZONE, (5000, 5499), online=allocator)


def test_online_tickets_come_from_the_server_with_a_wait_estimate(
    reference_server: ReferenceServer, cache: sqlite_utils.Database
) -> None:
    client = CentralClient(reference_server.base_url, DEMO_DEVICE_TOKEN)
    service = _tickets(cache, ServerTicketAllocator(client))
    first = service.issue("residence_certificate", "fr")
    second = service.issue("residence_certificate", "fr")
    assert first.source is TicketSource.SERVER
    assert (first.number, second.number) == ("A-001", "A-002")
    assert first.people_ahead is not None and first.estimated_wait_s is not None
    # Already on the server: nothing to upload later.
    assert Outbox(cache).counts()[OutboxStatus.PENDING] == 0


@pytest.mark.parametrize("behaviour", [Behaviour.HANG, Behaviour.ERROR_503, Behaviour.HTML])
def test_a_failing_server_means_a_local_number_and_a_queued_upload(
    cache: sqlite_utils.Database, behaviour: Behaviour
) -> None:
    with misbehaving_server() as server:
        server.mode = behaviour
        client = CentralClient(server.base_url, "token")
        allocator = ServerTicketAllocator(client, timeout=(0.5, 0.5))
        started = time.monotonic()
        ticket = _tickets(cache, allocator).issue("celibacy_certificate", "ar")
    assert time.monotonic() - started < 2.0
    assert (ticket.source, ticket.number) == (TicketSource.STANDALONE, "B-5000")
    assert Outbox(cache).counts()[OutboxStatus.PENDING] == 1


def test_known_offline_skips_the_server_entirely(cache: sqlite_utils.Database) -> None:
    with misbehaving_server() as server:
        client = CentralClient(server.base_url, "token")
        allocator = ServerTicketAllocator(client, is_offline=lambda: True)
        ticket = _tickets(cache, allocator).issue("residence_certificate", "ar")
        assert server.requests == []
    assert ticket.source is TicketSource.STANDALONE


def test_the_stack_from_config_syncs_and_numbers_online(
    reference_server: ReferenceServer, tmp_path: Path
) -> None:
    token = tmp_path / "token"
    token.write_text(DEMO_DEVICE_TOKEN)
    cache_path = tmp_path / "cache.sqlite"
    config = parse_config(
        f"""
[server]
url = "{reference_server.base_url}"
device_token_file = "{token}"
sync_interval_s = 60

[cache]
path = "{cache_path}"
"""
    )
    stack = build_sync_stack(config, families=["A"])
    assert stack is not None
    stack.start()
    try:
        assert stack.worker.wait_for_cycles(1, 10.0)
        assert stack.worker.snapshot().state is ConnectivityState.ONLINE
        db = open_cache(cache_path)
        try:
            ticket = _tickets(db, stack.allocator).issue("residence_certificate", "ar")
            assert ticket.source is TicketSource.SERVER
            # A block for family A was leased for the next time the network goes.
            blocks = db.conn.execute("SELECT family FROM number_blocks").fetchall()
            assert blocks == [("A",)]
        finally:
            db.conn.close()
    finally:
        assert stack.stop()


def test_no_server_configured_means_no_stack() -> None:
    assert build_sync_stack(parse_config('[server]\nurl = ""\n')) is None


def test_an_unreachable_server_in_config_still_builds(tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("t")
    config = parse_config(
        f'[server]\nurl = "{refused_url()}"\ndevice_token_file = "{token}"\n'
        f'[cache]\npath = "{tmp_path / "c.sqlite"}"\n'
    )
    stack = build_sync_stack(config)
    assert stack is not None
    stack.start()
    try:
        assert stack.worker.wait_for_cycles(1, 10.0)
        assert stack.worker.known_offline()
    finally:
        assert stack.stop()
