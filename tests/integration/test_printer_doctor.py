"""`kiosk doctor` reports the printer's paper and cover, and whether the scanner's port opens."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from kiosk.config import Config, PrinterSection, ScannerSection
from kiosk.services.doctor import check_printer, check_scanner
from tests.support.printer_emulator import SerialPrinterEmulator
from tests.support.scanner_emulator import ScannerEmulator


def _with(printer_uri: str = "capture:/tmp/unused", scanner_uri: str = "") -> Config:
    return dataclasses.replace(
        Config(),
        printer=PrinterSection(uri=printer_uri, profile="generic-58"),
        scanner=ScannerSection(uri=scanner_uri),
    )


def test_doctor_fails_on_paper_out_and_passes_when_it_is_back() -> None:
    printer = SerialPrinterEmulator()
    try:
        printer.state.paper_out = True
        result = check_printer(_with(printer.uri))
        assert not result.ok and "PAPER OUT" in result.detail
        printer.state.paper_out = False
        assert check_printer(_with(printer.uri)).ok
    finally:
        printer.close()


def test_doctor_names_an_unreachable_printer(tmp_path: Path) -> None:
    result = check_printer(_with(f"serial:{tmp_path / 'ttyUSB0'}"))
    assert not result.ok and "ttyUSB0" in result.detail and "dialout" in result.detail


def test_doctor_checks_the_scanner_port(tmp_path: Path) -> None:
    assert check_scanner(_with()).ok
    scanner = ScannerEmulator(tmp_path / "ttyScanner")
    try:
        assert check_scanner(_with(scanner_uri=str(scanner.link))).ok
    finally:
        scanner.close()
    missing = check_scanner(_with(scanner_uri=str(tmp_path / "ttyScanner")))
    assert not missing.ok and "dialout" in missing.detail
