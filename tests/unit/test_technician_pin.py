"""The technician PIN's hash format, its checks and the gate's count on a real cache file."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils

from kiosk.services.technician import (
    LOCKED_UNTIL_KEY,
    GateAccepted,
    GateLocked,
    GateNotConfigured,
    GateWrongPin,
    PinFileProblem,
    PinHashError,
    TechnicianGate,
    TechnicianPinError,
    check_pin_format,
    hash_pin,
    parse_pin_hash,
    verify_pin,
    write_pin_file,
)
from offline_cache.settings import Settings

NOW = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
PIN = "20260314"


def test_the_hash_line_has_the_documented_format() -> None:
    line = hash_pin(PIN)
    scheme, n, r, p, salt, digest = line.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")
    assert len(base64.b64decode(salt)) == 16
    assert len(base64.b64decode(digest)) == 32
    assert hash_pin(PIN) != line  # a fresh salt each time
    assert verify_pin(PIN, line)
    assert not verify_pin("20260315", line)
    assert not verify_pin("", line)


def test_pin_format_is_six_to_twelve_ascii_digits() -> None:
    for good in ("123456", "123456789012"):
        assert check_pin_format(good) == good
    for bad in ("12345", "1234567890123", "12345a", "١٢٣٤٥٦", " 123456", ""):
        with pytest.raises(TechnicianPinError):
            check_pin_format(bad)


def test_a_pin_typed_in_arabic_indic_digits_still_matches() -> None:
    assert verify_pin("٢٠٢٦٠٣١٤", hash_pin(PIN))


@pytest.mark.parametrize(
    "line",
    [
        "",
        "bcrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$" + "A" * 44,
        "scrypt$16385$8$1$AAAAAAAAAAAAAAAAAAAAAA==$" + "A" * 44,  # n not a power of two
        "scrypt$4194304$8$1$AAAAAAAAAAAAAAAAAAAAAA==$" + "A" * 44,  # 4 GiB of memory
        "scrypt$16384$8$1$not base64!$" + "A" * 44,
        "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA",  # a 3-byte hash
        "scrypt$16384$8$AAAAAAAAAAAAAAAAAAAAAA==$" + "A" * 44,
    ],
)
def test_malformed_or_dangerous_hash_lines_are_refused(line: str) -> None:
    with pytest.raises(PinHashError):
        parse_pin_hash(line)


def test_write_pin_file_is_0600_and_replaces_atomically(tmp_path: Path) -> None:
    target = tmp_path / "technician-pin"
    target.write_text("old\n")
    target.chmod(0o644)
    write_pin_file(target, hash_pin(PIN))
    assert target.stat().st_mode & 0o777 == 0o600
    assert verify_pin(PIN, target.read_text())
    assert [path.name for path in tmp_path.iterdir()] == ["technician-pin"]  # no temp left
    with pytest.raises(PinHashError):
        write_pin_file(target, "not a hash")
    assert verify_pin(PIN, target.read_text())


@pytest.fixture
def pin_file(tmp_path: Path) -> Path:
    path = tmp_path / "technician-pin"
    write_pin_file(path, hash_pin(PIN))
    return path


def test_right_pin_accepted_and_wrong_ones_count_down(
    cache: sqlite_utils.Database, pin_file: Path
) -> None:
    gate = TechnicianGate(cache, pin_file)
    assert gate.configured() is None
    assert gate.check("111111", NOW) == GateWrongPin(4)
    assert gate.check("111111", NOW) == GateWrongPin(3)
    assert gate.check(PIN, NOW) == GateAccepted()
    # A right PIN starts the count again.
    assert gate.check("111111", NOW) == GateWrongPin(4)


def test_five_wrong_pins_lock_for_fifteen_minutes(
    cache: sqlite_utils.Database, pin_file: Path
) -> None:
    gate = TechnicianGate(cache, pin_file)
    for left in (4, 3, 2, 1):
        assert gate.check("999999", NOW) == GateWrongPin(left)
    locked = gate.check("999999", NOW)
    assert isinstance(locked, GateLocked) and locked.minutes_left == 15
    # Locked even for the right PIN, with the minutes counting down (rounded up).
    later = gate.check(PIN, NOW + timedelta(minutes=10, seconds=30))
    assert isinstance(later, GateLocked) and later.minutes_left == 5
    assert gate.locked(NOW + timedelta(minutes=14, seconds=59)) is not None
    # Over: the right PIN opens, and a wrong one starts from five again.
    assert gate.locked(NOW + timedelta(minutes=15)) is None
    assert gate.check("999999", NOW + timedelta(minutes=15)) == GateWrongPin(4)
    assert gate.check(PIN, NOW + timedelta(minutes=16)) == GateAccepted()


def test_a_clock_set_back_does_not_stretch_the_lock(
    cache: sqlite_utils.Database, pin_file: Path
) -> None:
    Settings(cache).put(LOCKED_UNTIL_KEY, (NOW + timedelta(days=30)).isoformat())
    locked = TechnicianGate(cache, pin_file).check(PIN, NOW)
    assert isinstance(locked, GateLocked) and locked.minutes_left == 15


def test_no_usable_pin_file_is_not_configured(cache: sqlite_utils.Database, tmp_path: Path) -> None:
    missing = TechnicianGate(cache, tmp_path / "absent").check(PIN, NOW)
    assert isinstance(missing, GateNotConfigured) and missing.problem is PinFileProblem.MISSING
    empty_path = TechnicianGate(cache, "").check(PIN, NOW)
    assert isinstance(empty_path, GateNotConfigured)
    assert empty_path.problem is PinFileProblem.NOT_SET
    garbage = tmp_path / "garbage"
    garbage.write_text("123456\n")  # a PIN in clear is not a hash: refused, not compared
    malformed = TechnicianGate(cache, garbage).check("123456", NOW)
    assert isinstance(malformed, GateNotConfigured)
    assert malformed.problem is PinFileProblem.MALFORMED
    folder = TechnicianGate(cache, tmp_path).check(PIN, NOW)
    assert isinstance(folder, GateNotConfigured) and folder.problem is PinFileProblem.UNREADABLE
    # None of these counted as a wrong PIN.
    assert Settings(cache).get("technician.failed_attempts") is None
