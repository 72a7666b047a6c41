"""A pre-request made with no server reaches it exactly once, and the kiosk shows its reference."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from kiosk.central import CentralClient
from kiosk.domain.catalogue import packaged_catalogue
from kiosk.services.documents import Receipt
from kiosk.services.requests import RequestService, SubmitOutcome
from offline_cache.database import transaction
from offline_cache.outbox import OutboxStatus
from tests.support.reference_server import DEMO_DEVICE_TOKEN, ReferenceServer
from tests.support.sync_helpers import make_engine, server_key_counts


def _server_pre_request(db_path: Path, key: str) -> sqlite3.Row:
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        conn.row_factory = sqlite3.Row
        row: sqlite3.Row = conn.execute(
            "SELECT * FROM pre_requests WHERE idempotency_key = ?", (key,)
        ).fetchone()
    return row


def test_made_offline_synced_twice_held_once_with_the_servers_reference(
    tmp_path: Path, cache: sqlite_utils.Database, cache_path: Path
) -> None:
    server = ReferenceServer(tmp_path / "central")  # not started yet: the annex is offline
    client = CentralClient(
        server.base_url, DEMO_DEVICE_TOKEN, connect_timeout_s=0.5, read_timeout_s=5.0
    )
    service = RequestService(cache, client, packaged_catalogue())

    # The citizen's request cannot reach the server: the kiosk offers a pre-request.
    prepared = service.prepare("C-0001", "residence_certificate", "ar", True, False)
    assert service.submit("a-token", prepared).outcome is SubmitOutcome.UNREACHABLE
    made = service.create_pre_request(
        "residence_certificate", " ab 123456 ", "06 12 34 56 78", "ar"
    )
    key = made.record.idempotency_key
    assert (made.record.cin, made.record.phone) == ("AB123456", "+212612345678")
    assert made.local_reference.startswith("PR-") and made.server_reference is None
    receipt = Receipt.for_pre_request(made.record)
    assert receipt.reference == made.local_reference and receipt.pre_request
    assert receipt.cin == "AB123456"  # masked when printed

    server.start()
    engine = make_engine(cache_path, server.base_url)
    try:
        first = engine.run_once()
        second = engine.run_once()
        assert (first.pushed, first.failed) == (1, 0), first.error_text
        assert (second.pushed, second.duplicates, second.failed) == (0, 0, 0)
        assert server_key_counts(server.db_path)[key] == 1

        held = _server_pre_request(server.db_path, key)
        assert (held["cin"], held["phone"], held["service_code"]) == (
            "AB123456",
            "+212612345678",
            "residence_certificate",
        )
        assert held["identity_to_verify"] == 1
        synced = service.pre_request(key)
        assert synced is not None and synced.sync_status is OutboxStatus.DONE
        assert synced.server_reference == held["reference"]
        assert synced.local_reference == made.local_reference
        assert service.recent_pre_requests() == [synced]
    finally:
        engine.close()
        server.stop()


def test_a_replayed_upload_keeps_the_first_reference(
    reference_server: ReferenceServer, cache: sqlite_utils.Database, cache_path: Path
) -> None:
    """The server took it but the kiosk never heard (its row went back to pending): once."""
    service = RequestService(cache, None, packaged_catalogue())
    made = service.create_pre_request("income_certificate", "F456789", "0644345604", "fr")
    key = made.record.idempotency_key
    engine = make_engine(cache_path, reference_server.base_url)
    assert engine.run_once().pushed == 1
    reference = (service.pre_request(key) or pytest.fail()).server_reference
    assert reference is not None

    # As after a crash between the server's commit and the kiosk's: pending again, no reference.
    with transaction(cache) as conn:
        conn.execute(
            "UPDATE outbox SET status = 'pending', synced_at = NULL WHERE idempotency_key = ?",
            (key,),
        )
        conn.execute(
            "UPDATE pre_requests SET server_reference = NULL WHERE idempotency_key = ?", (key,)
        )
    report = engine.run_once()
    engine.close()
    assert (report.pushed, report.duplicates) == (0, 1)
    assert server_key_counts(reference_server.db_path)[key] == 1
    again = service.pre_request(key)
    assert again is not None and again.server_reference == reference
