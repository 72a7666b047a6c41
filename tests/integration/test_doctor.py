"""`kiosk doctor` for technicians: every check's status, message and advice, in text and JSON.

Against the real reference server on loopback (running, stopped, refusing the token), a real
SQLite cache (healthy, damaged, with records waiting or refused) and a real small disk.
"""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kiosk.config import Config, ServerSection, load_config
from kiosk.services.doctor import (
    DISK_FAULT_BELOW_BYTES,
    DISK_WARN_BELOW_BYTES,
    RELEASE_DATE,
    CheckResult,
    Status,
    check_backlog,
    check_outbox,
    check_tracking,
    run_checks,
)
from offline_cache.database import open_cache, transaction
from offline_cache.outbox import Outbox
from tests.support.reference_server import (
    DEMO_DEVICE_TOKEN,
    DEMO_REVOKED_TOKEN,
    ReferenceServer,
    running_reference_server,
)
from tests.support.small_disk import kiosk_command, run_on_small_disk
from tests.support.sync_helpers import issue_offline_tickets

REPO = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReferenceServer]:
    with running_reference_server(tmp_path_factory.mktemp("doctor-server")) as running:
        yield running


def write_config(
    directory: Path,
    url: str = "",
    token: str | None = DEMO_DEVICE_TOKEN,
    cache: Path | None = None,
    extra: str = "",
) -> Path:
    token_file = directory / "device-token"
    if token is not None:
        token_file.write_text(token + "\n", encoding="utf-8")
    path = directory / "kiosk.toml"
    path.write_text(
        f"""
[server]
url = "{url}"
device_token_file = "{token_file}"
connect_timeout_s = 1
read_timeout_s = 5
{extra}
[printer]
uri = "capture:{directory / "paper"}"

[cache]
path = "{cache or directory / "cache.sqlite"}"
""",
        encoding="utf-8",
    )
    return path


def doctor(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "--config", str(config), "doctor", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        check=False,
    )


def checks_of(result: subprocess.CompletedProcess[str]) -> dict[str, dict[str, Any]]:
    assert "Traceback" not in result.stderr, result.stderr
    report = json.loads(result.stdout)
    return {check["name"]: check for check in report["checks"]}


def test_a_healthy_kiosk_passes_and_a_local_tracking_address_only_warns(
    server: ReferenceServer, tmp_path: Path
) -> None:
    result = doctor(write_config(tmp_path, server.base_url), "--json")
    checks = checks_of(result)
    assert result.returncode == 0, result.stdout
    for name in ("config", "catalogue", "cache", "outbox", "backlog", "server", "clock"):
        assert checks[name]["status"] == "ok", checks[name]
    # The token was used: the server named this kiosk back.
    assert "device 1 of Annexe administrative n° 5, Berkane" in checks["server"]["message"]
    assert "s from the server's" in checks["clock"]["message"]
    # The QR would point at 127.0.0.1: printed, but no phone can open it. A warning, exit 0.
    assert checks["tracking"]["status"] == "warn"
    assert "phones outside this network cannot open" in checks["tracking"]["message"]
    assert "public_url" in checks["tracking"]["advice"]
    assert json.loads(result.stdout)["status"] == "warn"
    assert set(checks["disk"]) == {"name", "status", "message", "advice"}


def test_a_refused_token_is_a_fault_that_says_where_the_new_one_goes(
    server: ReferenceServer, tmp_path: Path
) -> None:
    config = write_config(tmp_path, server.base_url, DEMO_REVOKED_TOKEN)
    result = doctor(config, "--json")
    assert result.returncode == 1
    check = checks_of(result)["server"]
    assert check["status"] == "fault" and "token refused" in check["message"]
    assert "ask the central administrator for a new device token" in check["advice"]
    assert str(tmp_path / "device-token") in check["advice"]
    text = doctor(config)
    assert text.returncode == 1
    lines = text.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("[FAIL] server:"))
    assert lines[at + 1].strip().startswith("what to do: ask the central administrator")


def test_a_stopped_server_is_a_fault_and_the_clock_is_left_uncompared(tmp_path: Path) -> None:
    with running_reference_server(tmp_path / "server") as running:
        config = write_config(tmp_path, running.base_url)
        assert doctor(config).returncode == 0
    result = doctor(config, "--json")  # the same server, now stopped
    assert result.returncode == 1
    checks = checks_of(result)
    assert checks["server"]["status"] == "fault"
    assert "unreachable" in checks["server"]["message"]
    assert "works offline" in checks["server"]["advice"]
    assert checks["clock"]["status"] == "warn" and "not compared" in checks["clock"]["message"]


def test_a_damaged_cache_is_a_fault_with_advice_and_is_kept(tmp_path: Path) -> None:
    cache = tmp_path / "cache.sqlite"
    cache.write_bytes(b"not a database at all " * 400)
    result = doctor(write_config(tmp_path), "--json")
    assert result.returncode == 1
    checks = checks_of(result)
    for name in ("cache", "outbox", "backlog"):
        assert checks[name]["status"] == "fault", checks[name]
        assert "keep the file" in checks[name]["advice"], checks[name]
    assert cache.read_bytes() == b"not a database at all " * 400


def test_a_standalone_kiosk_only_warns_that_its_qr_is_left_off(tmp_path: Path) -> None:
    result = doctor(write_config(tmp_path), "--json")
    assert result.returncode == 0, result.stdout
    checks = checks_of(result)
    assert checks["server"]["status"] == "ok" and "standalone" in checks["server"]["message"]
    assert checks["clock"]["status"] == "ok"
    assert checks["tracking"]["status"] == "warn"
    assert "QR is left off" in checks["tracking"]["message"]


@pytest.mark.parametrize(
    ("public_url", "status", "words"),
    [
        ("https://gau.example.ma", "warn", "placeholder"),
        ("http://192.168.1.20:8080", "warn", "phones outside this network cannot open"),
        ("http://cau.berkane.ma", "warn", "plain http"),
        ("https://cau.berkane.ma", "ok", "QR codes point at https://cau.berkane.ma"),
    ],
)
def test_the_tracking_address_is_judged(public_url: str, status: str, words: str) -> None:
    config = dataclasses.replace(
        Config(), server=ServerSection(url="http://127.0.0.1:9", public_url=public_url)
    )
    result = check_tracking(config)
    assert result.status.value == status and words in result.message


def test_the_clock_is_compared_with_the_real_servers(
    server: ReferenceServer, tmp_path: Path
) -> None:
    config = load_config(str(write_config(tmp_path, server.base_url)))

    def clock_after(offset: timedelta) -> dict[str, Any]:
        results = run_checks(config, now=lambda: datetime.now(UTC) + offset)
        return next(result for result in results if result.name == "clock").as_json()

    assert clock_after(timedelta(seconds=20))["status"] == "ok"
    # The server's time has whole seconds: the skew it shows is within a second of the offset.
    ahead = clock_after(timedelta(minutes=10))
    assert ahead["status"] == "fault"
    assert re.search(r"\+(599|600|601) s off the server's", ahead["message"]), ahead
    assert "timedatectl" in ahead["advice"]
    behind = clock_after(timedelta(minutes=-5))
    assert behind["status"] == "fault"
    assert re.search(r" -(299|300|301) s off", behind["message"]), behind


def test_a_clock_before_the_release_or_decades_ahead_is_a_fault(tmp_path: Path) -> None:
    config = load_config(str(write_config(tmp_path)))

    def clock_reading(reading: datetime) -> CheckResult:
        return next(r for r in run_checks(config, now=lambda: reading) if r.name == "clock")

    for reading in (datetime(2000, 1, 1, tzinfo=UTC), datetime(2107, 3, 1, tzinfo=UTC)):
        clock = clock_reading(reading)
        assert clock.status is Status.FAULT and "impossible" in clock.message, clock
        assert str(RELEASE_DATE) in clock.message
    on_release = datetime.combine(RELEASE_DATE, datetime.min.time(), UTC)
    assert clock_reading(on_release).status is Status.OK


def test_a_backlog_warns_after_an_hour_and_is_a_fault_after_a_day(tmp_path: Path) -> None:
    config = load_config(str(write_config(tmp_path)))
    db = open_cache(config.cache.path)
    try:
        issue_offline_tickets(db, 3)
    finally:
        db.conn.close()
    made = datetime.now(UTC)
    fresh = check_backlog(config, lambda: made + timedelta(minutes=5))
    assert fresh.status is Status.OK and "3 record(s) waiting" in fresh.message
    late = check_backlog(config, lambda: made + timedelta(hours=2))
    assert late.status is Status.WARN and "never synced" in late.message
    assert "kiosk sync" in late.advice
    stale = check_backlog(config, lambda: made + timedelta(hours=25))
    assert stale.status is Status.FAULT


def test_a_record_the_server_refused_is_a_fault_naming_the_reason(tmp_path: Path) -> None:
    config = load_config(str(write_config(tmp_path)))
    db = open_cache(config.cache.path)
    try:
        key = issue_offline_tickets(db, 1)[0]
        assert check_outbox(config).status is Status.OK
        with transaction(db):
            # What the sync engine records when the server answers "number_taken".
            Outbox(db).mark_failed(key, "number_taken")
    finally:
        db.conn.close()
    result = check_outbox(config)
    assert result.status is Status.FAULT and "number_taken" in result.message
    assert "kiosk outbox list" in result.advice


def test_free_space_on_a_small_disk_warns_then_is_a_fault(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    config = write_config(tmp_path, cache=disk / "cache.sqlite")
    size_kb = 64 * 1024  # under the warning threshold, over the fault one
    assert DISK_FAULT_BELOW_BYTES < size_kb * 1024 < DISK_WARN_BELOW_BYTES
    command = kiosk_command(config, "doctor", "--json")
    roomy = run_on_small_disk(disk, "", command, size_kb=size_kb)
    checks = checks_of(roomy)
    assert roomy.returncode == 0, roomy.stdout
    assert checks["disk"]["status"] == "warn" and "free of 64.0 MiB" in checks["disk"]["message"]
    fill = f"dd if=/dev/zero of={disk / 'filler'} bs=1M count=40 2>/dev/null"
    full = run_on_small_disk(disk, fill, command, size_kb=size_kb)
    checks = checks_of(full)
    assert full.returncode == 1
    assert checks["disk"]["status"] == "fault" and "nearly full" in checks["disk"]["message"]
    assert "free space" in checks["disk"]["advice"]
