"""A network printer on a loopback TCP port: status read back, faults typed, jobs whole."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from device_drivers.document import Cut, QRCode, text
from device_drivers.errors import CoverOpen
from device_drivers.printer import Printer
from tests.support.printer_emulator import NetworkPrinterEmulator


@pytest.fixture
def emulator() -> Iterator[NetworkPrinterEmulator]:
    printer = NetworkPrinterEmulator()
    yield printer
    printer.close()


def test_a_job_reaches_a_network_printer(emulator: NetworkPrinterEmulator) -> None:
    printer = Printer.from_uri(emulator.uri, "generic-80")
    job = printer.print_document((text("B-007"), QRCode("https://gau.ma/t/x"), Cut()))
    assert job.status.known and job.status.fault() is None
    decoded = emulator.wait_for(lambda d: d.cuts == 1)
    assert [run.text for run in decoded.text_runs if run.text] == ["B-007"]
    assert [qr.payload for qr in decoded.qr_codes] == ["https://gau.ma/t/x"]


def test_an_open_cover_on_a_network_printer_stops_the_job(emulator: NetworkPrinterEmulator) -> None:
    emulator.state.cover_open = True
    with pytest.raises(CoverOpen):
        Printer.from_uri(emulator.uri, "generic-80").print_document((text("B-008"), Cut()))
    emulator.settle()
    assert emulator.decoded().text_runs == []
