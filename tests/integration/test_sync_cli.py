"""`kiosk sync`, `kiosk outbox list|export` and the doctor's server check, for technicians."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.config import load_config
from kiosk.services.doctor import check_server
from offline_cache.database import open_cache
from tests.support.misbehaving_server import refused_url
from tests.support.reference_server import DEMO_DEVICE_TOKEN, DEMO_REVOKED_TOKEN, ReferenceServer
from tests.support.sync_helpers import issue_offline_tickets, queue_pre_requests


def _config(tmp_path: Path, url: str, token: str | None = DEMO_DEVICE_TOKEN) -> Path:
    token_file = tmp_path / "device-token"
    if token is not None:
        token_file.write_text(token + "\n")
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f"""
[server]
url = "{url}"
device_token_file = "{token_file}"
connect_timeout_s = 1
read_timeout_s = 5

[cache]
path = "{tmp_path / "cache.sqlite"}"
"""
    )
    return config


def _queue(tmp_path: Path, tickets: int, pre_requests: int) -> list[str]:
    db = open_cache(tmp_path / "cache.sqlite")
    try:
        return issue_offline_tickets(db, tickets) + queue_pre_requests(db, pre_requests)
    finally:
        db.conn.close()


def test_sync_pushes_and_says_what_it_did(
    reference_server: ReferenceServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, reference_server.base_url)
    _queue(tmp_path, 2, 3)
    assert main(["--config", str(config), "sync"]) == 0
    out = capsys.readouterr().out
    assert "connectivity: online" in out
    assert "pushed: 5 new, 0 already on the server, 0 refused, 0 to retry" in out
    assert "catalogue updated" in out
    assert "outbox: 0 pending, 0 failed" in out


def test_sync_offline_exits_1_and_keeps_everything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, refused_url())
    _queue(tmp_path, 1, 1)
    assert main(["--config", str(config), "sync"]) == 1
    out = capsys.readouterr().out
    assert "connectivity: offline" in out
    assert "outbox: 2 pending, 0 failed" in out
    assert "problem: Offline" in out


def test_sync_without_a_token_file_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, refused_url(), token=None)
    assert main(["--config", str(config), "sync"]) == 1
    assert str(tmp_path / "device-token") in capsys.readouterr().err


def test_outbox_list_masks_personal_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, refused_url())
    _queue(tmp_path, 1, 2)
    assert main(["--config", str(config), "outbox", "list"]) == 0
    out = capsys.readouterr().out
    assert "AB****00" in out and "AB****01" in out
    assert "AB100000" not in out
    assert "+2126******00" in out and "+212612000000" not in out
    assert out.strip().endswith("3 pending, 0 failed")


def test_outbox_export_is_masked_unless_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, refused_url())
    keys = _queue(tmp_path, 1, 1)
    masked_file, full_file = tmp_path / "masked.jsonl", tmp_path / "full.jsonl"
    assert main(["--config", str(config), "outbox", "export", str(masked_file)]) == 0
    assert main(["--config", str(config), "outbox", "export", "--unmasked", str(full_file)]) == 0
    masked = [json.loads(line) for line in masked_file.read_text().splitlines()]
    full = [json.loads(line) for line in full_file.read_text().splitlines()]
    assert [row["idempotency_key"] for row in full] == keys
    assert masked[1]["payload"]["cin"] == "AB****00"
    assert full[1]["payload"]["cin"] == "AB100000"
    assert full[1]["payload"]["phone"] == "+212612000000"
    assert stat.S_IMODE(full_file.stat().st_mode) == 0o600


def test_outbox_export_help_warns_about_unmasked(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["outbox", "export", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "manual re-" in help_text and "personal data" in help_text


def test_doctor_checks_the_server_token_and_clock(
    reference_server: ReferenceServer, tmp_path: Path
) -> None:
    good = check_server(load_config(str(_config(tmp_path, reference_server.base_url))))
    assert good.ok, good.detail
    assert "clock skew" in good.detail
    revoked_dir = tmp_path / "revoked"
    revoked_dir.mkdir()
    revoked = check_server(
        load_config(str(_config(revoked_dir, reference_server.base_url, DEMO_REVOKED_TOKEN)))
    )
    assert not revoked.ok and "refuses this kiosk" in revoked.detail
    down_dir = tmp_path / "down"
    down_dir.mkdir()
    down = check_server(load_config(str(_config(down_dir, refused_url()))))
    assert not down.ok and "unreachable" in down.detail
