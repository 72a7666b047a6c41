"""`kiosk technician set-pin` run as a process, and the lock kept across a kiosk restart."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.services.technician import (
    GateLocked,
    GateWrongPin,
    TechnicianGate,
    hash_pin,
    verify_pin,
    write_pin_file,
)
from offline_cache.database import open_cache
from tests.support.reference_server import REPO_ROOT

PIN = "482913"


def _config(tmp_path: Path, pin_file: Path) -> Path:
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'[technician]\npin_file = "{pin_file}"\n\n[cache]\npath = "{tmp_path / "c.sqlite"}"\n',
        encoding="utf-8",
    )
    return config


def _set_pin(config: Path, stdin: str) -> subprocess.CompletedProcess[str]:
    command = ["-m", "kiosk", "--config", str(config), "technician", "set-pin", "--pin-stdin"]
    return subprocess.run(
        [sys.executable, *command],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO_ROOT,
        check=False,
    )


def test_set_pin_writes_a_0600_file_that_verifies(tmp_path: Path) -> None:
    pin_file = tmp_path / "etc" / "technician-pin"
    pin_file.parent.mkdir()
    result = _set_pin(_config(tmp_path, pin_file), f"{PIN}\n{PIN}\n")
    assert result.returncode == 0, result.stderr
    assert PIN not in result.stdout + result.stderr
    assert pin_file.stat().st_mode & 0o777 == 0o600
    line = pin_file.read_text(encoding="ascii")
    assert line.count("\n") == 1 and line.startswith("scrypt$16384$8$1$")
    assert verify_pin(PIN, line) and not verify_pin("482914", line)
    # The gate reads what the command wrote.
    db = open_cache(tmp_path / "c.sqlite")
    try:
        assert TechnicianGate(db, pin_file).configured() is None
    finally:
        db.conn.close()


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        (f"{PIN}\n{PIN[:-1]}0\n", "differ"),
        ("12345\n", "6 to 12 digits"),
        ("1234567890123\n", "6 to 12 digits"),
        ("12ab56\n", "digits only"),
        ("", "digits only"),
    ],
)
def test_set_pin_refuses_in_one_line_with_exit_2(tmp_path: Path, typed: str, said: str) -> None:
    pin_file = tmp_path / "technician-pin"
    write_pin_file(pin_file, hash_pin(PIN))
    before = pin_file.read_text()
    result = _set_pin(_config(tmp_path, pin_file), typed)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and said in lines[0] and "nothing written" in lines[0]
    assert pin_file.read_text() == before  # the old PIN still works


def _read_until(fd: int, wanted: bytes, deadline_s: float = 30.0) -> bytes:
    seen = b""
    end = time.monotonic() + deadline_s
    while wanted not in seen and time.monotonic() < end:
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break  # the child closed the terminal
        if not chunk:
            break
        seen += chunk
    return seen


def test_set_pin_asks_twice_on_a_real_terminal_without_echo(tmp_path: Path) -> None:
    pin_file = tmp_path / "technician-pin"
    config = _config(tmp_path, pin_file)
    pid, terminal = pty.fork()
    if pid == 0:  # the child: the command on a terminal of its own, as a technician runs it
        os.chdir(REPO_ROOT)
        args = ["-m", "kiosk", "--config", str(config), "technician", "set-pin"]
        os.execv(sys.executable, [sys.executable, *args])
    try:
        screen = _read_until(terminal, b"PIN: ")
        os.write(terminal, f"{PIN}\n".encode())
        screen += _read_until(terminal, b"PIN: ")
        os.write(terminal, f"{PIN}\n".encode())
        screen += _read_until(terminal, b"set in")
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(terminal)
    assert os.waitstatus_to_exitcode(status) == 0, screen
    assert screen.count(b"PIN: ") == 2
    assert PIN.encode() not in screen  # getpass turned echo off
    assert verify_pin(PIN, pin_file.read_text())


def test_the_lock_survives_a_restart(tmp_path: Path) -> None:
    cache_file = tmp_path / "cache.sqlite"
    pin_file = tmp_path / "technician-pin"
    write_pin_file(pin_file, hash_pin(PIN))
    now = datetime.now(UTC)
    db = open_cache(cache_file)
    try:
        gate = TechnicianGate(db, pin_file)
        for left in (4, 3, 2, 1):
            assert gate.check("000000", now) == GateWrongPin(left)
        assert isinstance(gate.check("000000", now), GateLocked)
    finally:
        db.conn.close()

    # A new kiosk process on the same file: still locked, even for the right PIN.
    probe = (
        "import sys; from datetime import UTC, datetime\n"
        "from offline_cache.database import open_cache\n"
        "from kiosk.services.technician import TechnicianGate\n"
        "db = open_cache(sys.argv[1])\n"
        "print(TechnicianGate(db, sys.argv[2]).check(sys.argv[3], datetime.now(UTC)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(cache_file), str(pin_file), PIN],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO_ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("GateLocked(minutes_left=15"), result.stdout

    # And a new gate on a new connection in this process agrees.
    db = open_cache(cache_file)
    try:
        again = TechnicianGate(db, pin_file).check(PIN, datetime.now(UTC))
        assert isinstance(again, GateLocked) and again.minutes_left in (14, 15)
    finally:
        db.conn.close()
