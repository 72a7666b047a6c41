"""technician_report: the snapshot technician mode shows, from a real printer, server and cache."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils

from kiosk import __version__
from kiosk.config import Config, load_config
from kiosk.services.connectivity import ServerState
from kiosk.services.technician_report import technician_report
from kiosk.services.wiring import build_client, build_engine
from offline_cache.database import open_cache, transaction
from offline_cache.outbox import Outbox
from tests.support.misbehaving_server import refused_url
from tests.support.printer_emulator import SerialPrinterEmulator
from tests.support.reference_server import (
    DEMO_DEVICE_TOKEN,
    DEMO_REVOKED_TOKEN,
    ReferenceServer,
)


@pytest.fixture
def printer() -> Iterator[SerialPrinterEmulator]:
    emulator = SerialPrinterEmulator()
    yield emulator
    emulator.close()


def _config(tmp_path: Path, url: str, token: str | None, printer_uri: str = "") -> Config:
    printer_uri = printer_uri or f"capture:{tmp_path / 'paper'}"  # a capture printer always can
    token_file = tmp_path / "device-token"
    if token is not None:
        token_file.write_text(token + "\n")
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f"""
[kiosk]
id = "berkane-5-kiosk-2"

[server]
url = "{url}"
device_token_file = "{token_file}"
connect_timeout_s = 1
read_timeout_s = 5

[printer]
uri = "{printer_uri}"
profile = "generic-58"

[scanner]
uri = "/dev/ttyACM0"

[cache]
path = "{tmp_path / "cache.sqlite"}"
"""
    )
    return load_config(str(path))


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    cache = open_cache(tmp_path / "cache.sqlite")
    yield cache
    cache.conn.close()


def test_report_after_a_sync_with_a_refused_record_and_no_paper(
    reference_server: ReferenceServer,
    printer: SerialPrinterEmulator,
    db: sqlite_utils.Database,
    tmp_path: Path,
) -> None:
    config = _config(tmp_path, reference_server.base_url, DEMO_DEVICE_TOKEN, printer.uri)
    with build_client(config) as client:
        engine = build_engine(config, client)
        try:
            engine.run_once(retry_now=True)
        finally:
            engine.close()
    outbox = Outbox(db)
    with transaction(db):
        outbox.enqueue("ticket", {"number": "A-5001"}, "key-pending")
        outbox.enqueue("pre_request", {"cin": "AB123456", "phone": "+212612345601"}, "key-bad")
    outbox.mark_failed("key-bad", "validation_error")
    printer.state.paper_out = True

    report = technician_report(config, db)

    assert report.kiosk_id == "berkane-5-kiosk-2"
    assert report.version == __version__
    assert report.config_path == str(tmp_path / "kiosk.toml")
    assert report.scanner_uri == "/dev/ttyACM0"
    assert not report.printer.ok and report.printer.fault == "paper_out"
    assert report.printer.status is not None and report.printer.status.paper_out
    assert report.server.state is ServerState.OK and report.server.ok
    assert report.server.reachable and report.server.device_accepted
    assert report.server.device is not None and report.server.device.annex_id
    assert report.last_sync is not None
    assert (report.outbox_pending, report.outbox_failed) == (1, 1)
    (failed,) = report.failed_records
    assert (failed.kind, failed.idempotency_key, failed.reason) == (
        "pre_request",
        "key-bad",
        "validation_error",
    )
    assert "AB123456" not in repr(report)  # no personal data of the records in the snapshot

    printer.state.paper_out = False
    assert technician_report(config, db).printer.ok


def test_a_revoked_device_token_is_reachable_but_refused(
    reference_server: ReferenceServer, db: sqlite_utils.Database, tmp_path: Path
) -> None:
    config = _config(tmp_path, reference_server.base_url, DEMO_REVOKED_TOKEN)
    server = technician_report(config, db).server
    assert server.state is ServerState.DEVICE_REFUSED
    assert server.reachable and not server.device_accepted and not server.ok


def test_server_down_missing_token_and_no_server(db: sqlite_utils.Database, tmp_path: Path) -> None:
    down = _config(tmp_path, refused_url(), DEMO_DEVICE_TOKEN)
    report = technician_report(down, db)
    assert report.server.state is ServerState.UNREACHABLE and not report.server.reachable
    assert report.printer.ok
    assert report.last_sync is None and report.failed_records == ()

    (tmp_path / "device-token").unlink()
    no_token = _config(tmp_path, refused_url(), None)
    assert technician_report(no_token, db).server.state is ServerState.NO_DEVICE_TOKEN

    standalone = _config(tmp_path, "", None)
    assert technician_report(standalone, db).server.state is ServerState.NOT_CONFIGURED
