"""A scanner on a pty: codes classified, garbage ignored, repeats debounced, unplug survived."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from device_drivers.scanner import CodeKind, ScannedCode, Scanner, classify
from tests.support.scanner_emulator import CodeSink, ScannerEmulator, wait_until


class FakeClock:
    """Time the test moves by hand, so debouncing is tested without waiting 1.5 s."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def device(tmp_path: Path) -> Iterator[ScannerEmulator]:
    emulator = ScannerEmulator(tmp_path / "ttyScanner")
    yield emulator
    emulator.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sink() -> CodeSink:
    return CodeSink()


@pytest.fixture
def scanner(device: ScannerEmulator, sink: CodeSink, clock: FakeClock) -> Iterator[Scanner]:
    reader = Scanner(str(device.link), sink, clock=clock)
    reader.start()
    assert reader.connected.wait(5)
    yield reader
    reader.stop()


def _kinds(codes: list[ScannedCode]) -> list[tuple[CodeKind, str]]:
    return [(code.kind, code.value) for code in codes]


def test_codes_are_classified() -> None:
    assert _kinds([classify("CAU:AB123456")]) == [(CodeKind.CAU_CARD, "AB123456")]
    assert _kinds([classify("pp-2026-000123")]) == [(CodeKind.PASSPORT_DOSSIER, "PP-2026-000123")]
    assert _kinds([classify("PA-2026-000045")]) == [(CodeKind.FIREARM_DOSSIER, "PA-2026-000045")]
    assert classify("CAU:123").kind is CodeKind.UNKNOWN
    assert classify("https://example.org").kind is CodeKind.UNKNOWN


def test_scanned_codes_reach_the_app_and_garbage_does_not(
    device: ScannerEmulator, scanner: Scanner, sink: CodeSink
) -> None:
    device.scan("CAU:AB123456")
    device.scan(b"\x00\xff\xfe\x1b[2J")  # line noise
    device.scan("PP-2026-000123", terminator=b"\n")
    device.scan(b"X" * 500)  # far too long for any code
    device.scan("PA-2026-000045", terminator=b"\r\n")
    device.scan("HELLO-42")
    codes = sink.wait_for(4)
    assert _kinds(codes) == [
        (CodeKind.CAU_CARD, "AB123456"),
        (CodeKind.PASSPORT_DOSSIER, "PP-2026-000123"),
        (CodeKind.FIREARM_DOSSIER, "PA-2026-000045"),
        (CodeKind.UNKNOWN, "HELLO-42"),
    ]
    assert scanner.connected.is_set()


def test_a_code_held_under_the_scanner_counts_once(
    device: ScannerEmulator, scanner: Scanner, sink: CodeSink, clock: FakeClock
) -> None:
    for _ in range(3):
        device.scan("CAU:AB123456")
        clock.now += 0.3
    device.scan("PP-2026-000123")  # a marker: everything before it has been handled
    assert _kinds(sink.wait_for(2)) == [
        (CodeKind.CAU_CARD, "AB123456"),
        (CodeKind.PASSPORT_DOSSIER, "PP-2026-000123"),
    ]
    clock.now += 2.0  # the citizen scans the same card again, later
    device.scan("CAU:AB123456")
    assert len(sink.wait_for(3)) == 3


def test_the_scanner_comes_back_by_itself_after_an_unplug(
    device: ScannerEmulator, scanner: Scanner, sink: CodeSink
) -> None:
    device.scan("CAU:AB123456")
    sink.wait_for(1)
    device.unplug()
    wait_until(lambda: not scanner.connected.is_set())
    device.plug()
    assert scanner.connected.wait(5)
    device.scan("PA-2026-000045")
    assert _kinds(sink.wait_for(2))[1] == (CodeKind.FIREARM_DOSSIER, "PA-2026-000045")


def test_a_failing_callback_does_not_stop_the_reader(
    device: ScannerEmulator, clock: FakeClock
) -> None:
    sink = CodeSink()

    def fragile(code: ScannedCode) -> None:
        if code.kind is CodeKind.UNKNOWN:
            raise RuntimeError("the app choked")
        sink(code)

    reader = Scanner(str(device.link), fragile, clock=clock)
    reader.start()
    try:
        assert reader.connected.wait(5)
        device.scan("???")
        device.scan("CAU:AB123456")
        assert _kinds(sink.wait_for(1)) == [(CodeKind.CAU_CARD, "AB123456")]
    finally:
        reader.stop()


def test_stop_returns_promptly_even_while_the_port_is_missing(tmp_path: Path) -> None:
    reader = Scanner(str(tmp_path / "no-such-port"), CodeSink())
    reader.start()
    started = time.monotonic()
    reader.stop()
    assert time.monotonic() - started < 1.0
