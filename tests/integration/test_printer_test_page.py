"""`kiosk print-test`: four languages, French accents, a QR and the printer's own status."""

from __future__ import annotations

from pathlib import Path

import pytest

from device_drivers.document import Align
from device_drivers.profiles import PROFILES
from kiosk.cli import main
from kiosk.i18n import translator
from kiosk.services.documents import PRINTER_TEST, YOUR_NUMBER
from tests.support.kiosk_config import write_config
from tests.support.paper import reads
from tests.support.printer_emulator import SerialPrinterEmulator


def test_the_test_page_shows_every_language_and_the_status(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    printer = SerialPrinterEmulator()
    try:
        printer.state.paper_near_end = True
        config = write_config(tmp_path, printer.uri)
        # A real tracking base: with none (no server either) the page leaves its QR off.
        tracking = '[printer]\ntracking_url = "https://cau.gov.ma"\n'
        config.write_text(config.read_text().replace("[printer]\n", tracking))
        assert main(["--config", str(config), "print-test"]) == 0
        decoded = printer.wait_for(lambda d: d.cuts == 1)
    finally:
        printer.close()
    profile = PROFILES["generic-58"]
    for lang, side in (("ar", Align.RIGHT), ("fr", Align.LEFT), ("zgh", Align.LEFT)):
        _ = translator(lang)
        assert reads(decoded, f"{_(PRINTER_TEST)} - {_(YOUR_NUMBER)}", profile, side, False)
    assert "é è ê à â ç ô û ù ï ë œ « » € ’" in decoded.plain_text()
    assert "Status: online, paper near end" in decoded.plain_text()
    assert [qr.payload for qr in decoded.qr_codes] == ["https://cau.gov.ma"]
    assert "status: online, paper near end" in capsys.readouterr().out


def test_print_test_exits_1_when_the_printer_does_not_answer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    printer = SerialPrinterEmulator()
    try:
        printer.state.mute = True
        assert main(["--config", str(write_config(tmp_path, printer.uri)), "print-test"]) == 1
    finally:
        printer.close()
    out = capsys.readouterr().out
    assert "not reachable" in out and "NOT printed (unavailable)" in out
