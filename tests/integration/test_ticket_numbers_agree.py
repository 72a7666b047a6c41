"""The number on paper is the number the server holds, even when the server answered late."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from kiosk.central import CentralClient
from kiosk.cli import main
from kiosk.services.connectivity import ALLOCATION_TIMEOUT_S, ServerTicketAllocator
from kiosk.services.tickets import TicketService
from offline_cache.outbox import Outbox, OutboxStatus
from offline_cache.protocol import TicketSource
from tests.support.reference_server import DEMO_DEVICE_TOKEN, DEMO_DEVICE_TOKEN_2, ReferenceServer
from tests.support.sync_helpers import ZONE, make_engine, sync_catalogue
from tests.support.waiting import wait_until

SERVICE = "residence_certificate"  # family A


def _server_tickets(db_path: Path, family: str) -> list[dict[str, object]]:
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute(
            "SELECT idempotency_key, number, source FROM tickets WHERE family = ? ORDER BY seq",
            (family,),
        ).fetchall()
    return [dict(row) for row in rows]


def _wait_for_server_ticket(db_path: Path, key: str, deadline_s: float = 20.0) -> str:
    """The number the server stored for `key`, once its (late) allocation has committed."""

    def stored() -> str | None:
        rows = _server_tickets(db_path, "A")
        return next((str(row["number"]) for row in rows if row["idempotency_key"] == key), None)

    # Another process's commit: nothing in this process can signal it.
    number = wait_until(stored, deadline_s)
    assert number is not None, f"the server never stored {key}"
    return number


def test_a_late_online_number_gives_way_to_the_printed_one(
    reference_server: ReferenceServer, cache: sqlite_utils.Database, cache_path: Path
) -> None:
    client = CentralClient(reference_server.base_url, DEMO_DEVICE_TOKEN)
    # The production timeouts: 1 s to connect, 2 s to answer.
    tickets = TicketService(
        cache,
        sync_catalogue(),
        ZONE,
        (5000, 5499),
        online=ServerTicketAllocator(client, timeout=ALLOCATION_TIMEOUT_S),
    )
    queue_before = _waiting(reference_server, "A")

    # Another writer holds the server database's write lock: POST /tickets waits for it
    # (the server's busy timeout is 15 s) while the kiosk gives up after 2 s.
    lock = sqlite3.connect(reference_server.db_path, isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")
    try:
        printed = tickets.issue(SERVICE, "fr")
    finally:
        lock.execute("ROLLBACK")
        lock.close()

    assert printed.source is TicketSource.STANDALONE
    # The server completes the allocation the kiosk stopped waiting for: a number on paper
    # nowhere, under the printed ticket's key.
    late = _wait_for_server_ticket(reference_server.db_path, printed.idempotency_key)
    assert late != printed.number

    report = make_engine(cache_path, reference_server.base_url).run_once()
    assert report.failed == 0, report.error_text

    # The server now holds the printed number for that key, and only that ticket: the late
    # number is gone, so the counter will never call a number nobody holds.
    assert _server_tickets(reference_server.db_path, "A") == [
        {
            "idempotency_key": printed.idempotency_key,
            "number": printed.number,
            "source": "standalone",
        }
    ]
    assert Outbox(cache).counts()[OutboxStatus.DONE] == 1
    # One citizen, one place in the queue.
    assert _waiting(reference_server, "A") == queue_before + 1


def _waiting(server: ReferenceServer, family: str) -> int:
    with server.client() as http:
        stats = http.get("/queue-stats").json()
    return next(int(item["waiting"]) for item in stats["families"] if item["family"] == family)


def _kiosk_config(workdir: Path, server: ReferenceServer | None, token: str) -> Path:
    """A kiosk on default [tickets] settings, with or without the server."""
    workdir.mkdir(parents=True, exist_ok=True)
    token_file = workdir / "device-token"
    token_file.write_text(token + "\n")
    config = workdir / "kiosk.toml"
    config.write_text(
        f"""
[server]
url = "{server.base_url if server else ""}"
device_token_file = "{token_file}"
connect_timeout_s = 1
read_timeout_s = 5

[printer]
uri = "capture:{workdir / "printed"}"

[cache]
path = "{workdir / "cache.sqlite"}"
"""
    )
    return config


def test_two_kiosks_on_default_config_cannot_both_hold_a_number_unnoticed(
    reference_server: ReferenceServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tokens = {"one": DEMO_DEVICE_TOKEN, "two": DEMO_DEVICE_TOKEN_2}
    # Both kiosks start before they ever reached the server: same default standalone range.
    for name, token in tokens.items():
        offline = _kiosk_config(tmp_path / name, None, token)
        assert main(["--config", str(offline), "ticket", SERVICE, "--lang", "fr"]) == 0
        assert json.loads(capsys.readouterr().out)["number"] == "A-5000"

    online = {
        name: _kiosk_config(tmp_path / name, reference_server, t) for name, t in tokens.items()
    }
    assert main(["--config", str(online["one"]), "sync"]) == 0
    main(["--config", str(online["two"]), "sync"])
    capsys.readouterr()

    # The server kept the first A-5000 and refused the second: recorded, not dropped.
    assert [row["number"] for row in _server_tickets(reference_server.db_path, "A")] == ["A-5000"]
    assert main(["--config", str(online["two"]), "outbox", "list"]) == 0
    listing = capsys.readouterr().out
    assert "failed" in listing and "number_taken" in listing
    assert main(["--config", str(online["two"]), "doctor"]) != 0
    assert "number_taken" in capsys.readouterr().out

    # After the sync each kiosk knows its own range: their next standalone numbers differ.
    numbers = []
    for name in tokens:
        standalone = _kiosk_config(tmp_path / name, None, tokens[name])
        assert main(["--config", str(standalone), "ticket", SERVICE]) == 0
        numbers.append(json.loads(capsys.readouterr().out)["number"])
    assert len(set(numbers)) == 2, numbers
