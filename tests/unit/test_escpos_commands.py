"""ESC/POS bytes: French code page, QR, status bytes, transports by URI, capture files."""

from __future__ import annotations

from pathlib import Path

import pytest

from device_drivers.document import Align, Cut, Feed, QRCode, Separator, Size, text
from device_drivers.encoder import encode
from device_drivers.errors import CoverOpen, PaperOut, PrinterOffline, PrinterUriError
from device_drivers.printer import Printer
from device_drivers.profiles import PROFILES
from device_drivers.status import PrinterStatus, is_status_byte, parse_status
from device_drivers.transports import (
    CaptureTransport,
    DummyTransport,
    FileTransport,
    NetworkTransport,
    SerialTransport,
    UsbTransport,
    transport_for,
)
from tests.support.escpos_decoder import Cut as DecodedCut
from tests.support.escpos_decoder import decode

FRENCH = "Récépissé : pièce d’identité, œuvre, « garçon » à 5 €"
OK_ANSWERS = {1: 0x16, 2: 0x12, 3: 0x12, 4: 0x12}


def test_french_accents_are_sent_in_the_selected_code_page() -> None:
    data = encode((text(FRENCH), Cut()), PROFILES["generic-58"])
    assert b"\x1bt\x10" in data  # ESC t 16: WPC1252
    assert "é".encode("cp1252") in data and "œ".encode("cp1252") in data
    decoded = decode(data)
    assert {run.codepage for run in decoded.text_runs} == {"cp1252"}
    assert " ".join(run.text for run in decoded.text_runs) == FRENCH


def test_styles_are_sent_only_when_they_change() -> None:
    document = (text("un"), text("deux"), text("trois", Size.DOUBLE, True, Align.CENTER), Feed(2))
    decoded = decode(encode(document, PROFILES["generic-80"]))
    runs = decoded.text_runs
    assert [(r.text, r.width_mult, r.bold, r.align) for r in runs] == [
        ("un", 1, False, "left"),
        ("deux", 1, False, "left"),
        ("trois", 2, True, "center"),
    ]
    assert encode(document, PROFILES["generic-80"]).count(b"\x1b\x61") == 1


def test_separator_spans_the_paper_and_a_cut_ends_the_job() -> None:
    for name, columns in (("generic-58", 32), ("generic-80", 48)):
        decoded = decode(encode((Separator(), QRCode("x"), Cut()), PROFILES[name]))
        assert decoded.text_runs[0].text == "-" * columns
        assert isinstance(decoded.elements[-1], DecodedCut)


def test_native_qr_carries_the_payload_with_error_correction_m() -> None:
    decoded = decode(encode((QRCode("https://gau.ma/t/abc"),), PROFILES["generic-58"]))
    assert [(qr.payload, qr.error_correction) for qr in decoded.qr_codes] == [
        ("https://gau.ma/t/abc", 49)
    ]


def test_status_bytes_are_parsed_into_what_a_technician_calls_them() -> None:
    assert parse_status(OK_ANSWERS).fault() is None
    assert isinstance(parse_status({**OK_ANSWERS, 4: 0x72}).fault(), PaperOut)
    assert isinstance(parse_status({**OK_ANSWERS, 2: 0x16}).fault(), CoverOpen)
    assert isinstance(parse_status({**OK_ANSWERS, 1: 0x1E, 3: 0x3A}).fault(), PrinterOffline)
    near_end = parse_status({**OK_ANSWERS, 4: 0x1E})
    assert near_end.paper_near_end and near_end.fault() is None
    assert "paper near end" in near_end.describe()
    assert not is_status_byte(0xFF) and is_status_byte(0x12)


def test_write_only_transports_say_the_status_is_unknown(tmp_path: Path) -> None:
    printer = Printer(CaptureTransport(str(tmp_path)), PROFILES["generic-58"])
    status = printer.status()
    assert not status.known and "unknown" in status.describe()


def test_a_faulted_printer_receives_nothing() -> None:
    transport = DummyTransport({**OK_ANSWERS, 4: 0x72})
    with pytest.raises(PaperOut):
        Printer(transport, PROFILES["generic-58"]).print_document((text("A-001"), Cut()))
    assert transport.jobs == []


def test_each_capture_job_goes_to_a_new_file_named_in_order(tmp_path: Path) -> None:
    printer = Printer.from_uri(f"capture:{tmp_path / 'jobs'}", "generic-58")
    for number in ("A-001", "A-002", "A-003"):
        printer.print_document((text(number), Cut()))
    files = sorted((tmp_path / "jobs").iterdir())
    assert [path.name[:10] for path in files] == ["job-000001", "job-000002", "job-000003"]
    assert [decode(path.read_bytes()).text_runs[0].text for path in files] == [
        "A-001",
        "A-002",
        "A-003",
    ]


def test_uris_choose_their_transport() -> None:
    serial_transport = transport_for("serial:/dev/ttyUSB0?baudrate=115200")
    assert isinstance(serial_transport, SerialTransport)
    assert (serial_transport.port_name, serial_transport.baudrate) == ("/dev/ttyUSB0", 115200)
    assert isinstance(transport_for("serial:loop://"), SerialTransport)
    assert transport_for("serial:loop://").port_name == "loop://"  # type: ignore[attr-defined]
    network = transport_for("tcp://192.168.1.50:9100")
    assert isinstance(network, NetworkTransport) and network.address == ("192.168.1.50", 9100)
    assert isinstance(transport_for("file:/dev/usb/lp0"), FileTransport)
    usb = transport_for("usb:04b8:0e15")
    assert isinstance(usb, UsbTransport) and usb.ids == (0x04B8, 0x0E15)
    with pytest.raises(PrinterUriError):
        transport_for("usb:nothex")
    with pytest.raises(PrinterUriError):
        transport_for("lpt:1")


def test_unopenable_devices_name_the_device_and_what_to_check(tmp_path: Path) -> None:
    from device_drivers.errors import PrinterUnavailable

    cases = {
        f"file:{tmp_path / 'missing' / 'lp0'}": "USB cable",
        f"serial:{tmp_path / 'ttyUSB9'}": "dialout",
        "tcp://127.0.0.1:9": "network cable",
    }
    for uri, hint in cases.items():
        with pytest.raises(PrinterUnavailable) as raised:
            Printer.from_uri(uri, "generic-58").status()
        assert hint in str(raised.value)


def test_printer_status_unknown_is_not_a_fault() -> None:
    assert PrinterStatus.unknown("capture").fault() is None


def test_a_missing_usb_printer_is_unavailable_with_a_udev_hint() -> None:
    # Real pyusb, no mock: with no such device (or no libusb) opening fails the same way.
    from device_drivers.errors import PrinterUnavailable

    with pytest.raises(PrinterUnavailable, match="udev rule"):
        Printer.from_uri("usb:1234:5678", "generic-80").status()


def test_a_capture_directory_that_cannot_be_made_is_a_typed_fault(tmp_path: Path) -> None:
    from device_drivers.errors import PrinterUnavailable

    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(PrinterUnavailable, match="not-a-directory"):
        Printer.from_uri(f"capture:{blocker / 'jobs'}", "generic-58").print_document((text("x"),))
