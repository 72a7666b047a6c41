"""Reference server admin commands: registering and revoking kiosks, demo data idempotence."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.reference_server import (
    DEMO_CIN,
    DEMO_PIN,
    REPO_ROOT,
    ReferenceServer,
    running_reference_server,
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReferenceServer]:
    with running_reference_server(tmp_path_factory.mktemp("admin")) as running:
        yield running


def test_added_device_works_at_once_and_only_its_hash_is_stored(server: ReferenceServer) -> None:
    token = server.admin("add-device", "kiosk-hall", "--annex", "berkane-5").strip()
    assert len(token) >= 32
    with server.client(token) as api:
        assert api.get("/catalogue").json()["annex_id"] == "berkane-5"
    with sqlite3.connect(server.db_path) as connection:
        stored = connection.execute(
            "SELECT token_sha256 FROM devices WHERE name = 'kiosk-hall'"
        ).fetchone()[0]
    assert token not in stored
    assert len(stored) == 64


def test_revoked_device_gets_401_and_its_sessions_end(server: ReferenceServer) -> None:
    token = server.admin("add-device", "kiosk-to-retire", "--annex", "berkane-5").strip()
    with server.client(token) as api:
        session = api.post("/sessions", json={"cin": DEMO_CIN, "pin": DEMO_PIN}).json()["token"]
        assert "revoked" in server.admin("revoke-device", "kiosk-to-retire")
        refused = api.get("/requests", headers={"X-Session-Token": session})
    assert refused.status_code == 401
    assert refused.json()["error"] == "invalid_device"


@pytest.mark.parametrize(
    "command",
    [
        ("add-device", "kiosk-1", "--annex", "berkane-5"),  # name taken by a demo kiosk
        ("add-device", "kiosk-x", "--annex", "atlantis-1"),
        ("revoke-device", "no-such-kiosk"),
        ("advance-dossier", "passport", "PP-1999-000000"),
    ],
    ids=["duplicate-name", "unknown-annex", "unknown-device", "unknown-dossier"],
)
def test_refused_admin_commands_exit_non_zero_with_a_reason(
    server: ReferenceServer, command: tuple[str, ...]
) -> None:
    with pytest.raises(RuntimeError, match="failed: central-server: "):
        server.admin(*command)


def test_demo_data_survives_a_restart_unchanged(server: ReferenceServer) -> None:
    def snapshot() -> tuple[int, ...]:
        with sqlite3.connect(server.db_path) as connection:
            return tuple(
                connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                for table in ("citizens", "devices", "requests", "dossiers", "announcements")
            )

    before = snapshot()
    server.restart()  # --demo-data runs again on the same file
    assert snapshot() == before
    with server.client() as api:
        assert api.post("/sessions", json={"cin": DEMO_CIN, "pin": DEMO_PIN}).status_code == 201


def test_kill_and_restart_keep_the_port_and_the_data(server: ReferenceServer) -> None:
    with server.client() as api:
        before = api.post("/ticket-blocks", json={"family": "A", "size": 10}).json()
    server.kill()
    assert not server.running
    server.restart()
    with server.client() as api:
        after = api.post("/ticket-blocks", json={"family": "A", "size": 10}).json()
    assert after["start"] == before["end"] + 1


def test_cli_help_lists_the_admin_commands(tmp_path: Path) -> None:
    db = str(tmp_path / "unused.sqlite")
    completed = subprocess.run(
        [sys.executable, "-m", "central_server.cli", "--db", db, "admin", "--help"],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        check=True,
    )
    for command in (
        "advance-request",
        "advance-dossier",
        "notifications",
        "add-device",
        "revoke-device",
    ):
        assert command in completed.stdout
