"""Hostile conditions on the command line: one clear line, a non-zero exit, nothing lost."""

from __future__ import annotations

import resource
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.small_disk import kiosk_command, run_on_small_disk

REPO = Path(__file__).parents[2]
SERVICE = "residence_certificate"


def kiosk(config: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
        check=False,
    )


def write_config(directory: Path, cache: Path, extra: str = "") -> Path:
    path = directory / "kiosk.toml"
    path.write_text(
        f'[cache]\npath = "{cache}"\n[printer]\nuri = "capture:{directory / "paper"}"\n{extra}',
        encoding="utf-8",
    )
    return path


def assert_one_line(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


def issue_tickets(config: Path, count: int) -> None:
    for _ in range(count):
        assert kiosk(config, "ticket", SERVICE).returncode == 0


def damage_every_page_but_the_first(cache: Path) -> bytes:
    """Scribble inside every page after the header page: SQLite's own check still opens it."""
    with sqlite3.connect(cache) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(cache.read_bytes())
    for offset in range(4096 + 8, len(data), 4096):
        data[offset : offset + 64] = b"\xde\xad\xbe\xef" * 16
    cache.write_bytes(bytes(data))
    return bytes(data)


def test_a_cache_damaged_inside_is_one_line_for_every_command(tmp_path: Path) -> None:
    cache = tmp_path / "cache.sqlite"
    issue_tickets(write_config(tmp_path, cache), 3)
    token = tmp_path / "token"
    token.write_text("some-token\n")
    # A server that refuses connections: `sync` must still fail on the cache, not the network.
    config = write_config(
        tmp_path, cache, f'[server]\nurl = "http://127.0.0.1:9"\ndevice_token_file = "{token}"\n'
    )
    damaged = damage_every_page_but_the_first(cache)
    assert damaged[:16] == b"SQLite format 3\x00"  # the header is intact

    for command in (["ticket", SERVICE], ["sync"], ["outbox", "list"]):
        result = kiosk(config, *command)
        assert result.returncode == 1, command
        assert_one_line(result, "cache error", "malformed", "technician")
    doctor = kiosk(config, "doctor")
    assert doctor.returncode == 1 and "Traceback" not in doctor.stderr
    assert any(line.startswith("[FAIL] cache") for line in doctor.stdout.splitlines())
    assert cache.read_bytes() == damaged  # kept as it was: it may hold records not yet sent


def test_a_full_disk_loses_nothing_and_says_so(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    cache = disk / "cache.sqlite"
    config = write_config(tmp_path, cache)
    kept = tmp_path / "after"
    kept.mkdir()
    setup = (
        f"{kiosk_command(config, 'ticket', SERVICE)} > /dev/null\n"
        # Fill what is left of the disk, as logs or captures would.
        f"dd if=/dev/zero of={disk / 'filler'} bs=1k 2>/dev/null || true\n"
    )
    command = (
        f"{kiosk_command(config, 'ticket', SERVICE)}; status=$?\ncp {cache} {kept}/; exit $status"
    )
    result = run_on_small_disk(disk, setup, command, size_kb=512)
    assert result.returncode == 1, result.stderr
    # SQLite says "database or disk is full" or, when even its WAL index cannot be made,
    # "disk I/O error": either way the technician reads what to do.
    assert_one_line(result, "cache error", "free space")
    with sqlite3.connect(kept / "cache.sqlite") as conn:
        tickets = conn.execute("SELECT number FROM tickets").fetchall()
        outbox = conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]
    # The first ticket is whole; the second left no half: no ticket without its outbox row.
    assert tickets == [("A-5000",)] and outbox == 1
    assert len(list((tmp_path / "paper").iterdir())) == 1  # nothing printed for it either


def test_outbox_list_reads_a_cache_on_read_only_media(tmp_path: Path) -> None:
    disk = tmp_path / "stick"
    cache = disk / "cache.sqlite"
    config = write_config(tmp_path, cache)
    setup = f"{kiosk_command(config, 'ticket', SERVICE)} > /dev/null"
    listing = run_on_small_disk(
        disk, setup, kiosk_command(config, "outbox", "list"), size_kb=4096, read_only=True
    )
    assert listing.returncode == 0, listing.stderr
    assert "1 pending, 0 failed" in listing.stdout
    # Writing there really is impossible: the same disk refuses a ticket in one line.
    refused = run_on_small_disk(
        disk, setup, kiosk_command(config, "ticket", SERVICE), size_kb=4096, read_only=True
    )
    assert refused.returncode == 1
    assert_one_line(refused, "cache error", "writable")


@pytest.mark.parametrize("size", [None, 10 * 1024 * 1024])
def test_a_token_file_that_is_no_token_is_refused_without_reading_it_all(
    tmp_path: Path, size: int | None
) -> None:
    if size is None:
        token = Path("/dev/zero")  # endless: read whole, it grew the process to 24 GB
    else:
        token = tmp_path / "huge"
        token.write_bytes(b"x" * size)
    config = write_config(
        tmp_path,
        tmp_path / "cache.sqlite",
        f'[server]\nurl = "http://127.0.0.1:9"\ndevice_token_file = "{token}"\n',
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    doctor = kiosk(config, "doctor", timeout=30)
    assert doctor.returncode == 1
    server_line = next(line for line in doctor.stdout.splitlines() if "] server:" in line)
    assert server_line.startswith("[FAIL]") and "not a device token file" in server_line
    sync = kiosk(config, "sync", timeout=30)
    assert sync.returncode != 0
    assert_one_line(sync, "not a device token file")
    # ru_maxrss is in KiB: the children stayed at an ordinary Python size.
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < max(before, 400_000)


@pytest.mark.parametrize("name", ["preview", "folder"])
def test_render_to_a_path_that_is_no_png_file_is_one_line(tmp_path: Path, name: str) -> None:
    target = tmp_path / name
    if name == "folder":
        target.mkdir()
    config = write_config(tmp_path, tmp_path / "cache.sqlite")
    result = kiosk(config, "render", "ticket", "--png", str(target))
    assert result.returncode == 2
    assert_one_line(result, "--png", ".png")


@pytest.mark.parametrize(
    ("extra", "key"),
    [
        ("[cache]\nretention_days = 1000000000\n", "cache.retention_days"),
        ("[server]\nconnect_timeout_s = inf\n", "server.connect_timeout_s"),
        ("[server]\nconnect_timeout_s = 1e308\n", "server.connect_timeout_s"),
        ('[printer]\nuri = "capture:"\n', "printer.uri"),
    ],
)
def test_overflowing_config_values_are_one_line(tmp_path: Path, extra: str, key: str) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[kiosk]\nid = "k"\n{extra}', encoding="utf-8")
    for command in (["ticket", SERVICE], ["doctor"], ["sync"]):
        result = kiosk(config, *command)
        assert result.returncode == 2, (command, result.stderr)
        assert_one_line(result, key)


def test_an_unmasked_export_over_a_world_readable_file_is_private(tmp_path: Path) -> None:
    config = write_config(tmp_path, tmp_path / "cache.sqlite")
    issue_tickets(config, 1)
    export = tmp_path / "pending.jsonl"
    export.write_text("old, world-readable\n")
    export.chmod(0o644)
    result = kiosk(config, "outbox", "export", "--unmasked", str(export))
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(export.stat().st_mode) == 0o600
    assert "old" not in export.read_text() and '"A-5000"' in export.read_text()
