"""A fault in the middle of a job: reported not printed, and nothing of it prints later."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils

from device_drivers.encoder import encode
from device_drivers.errors import PaperOut
from device_drivers.printer import Printer, job_pieces
from device_drivers.profiles import PROFILES
from kiosk.domain.catalogue import packaged_catalogue
from kiosk.services.documents import Receipt, receipt_document, sample_receipt
from kiosk.services.printing import PrintingService
from kiosk.services.tickets import TicketService
from tests.support.escpos_decoder import StatusQuery, decode
from tests.support.paper import CONTEXT, ISSUED_AT
from tests.support.printer_emulator import NetworkPrinterEmulator, SerialPrinterEmulator

PAPER_OUT_AR = "نفد الورق من الطابعة. المرجو تسجيل رقمك من الشاشة."
PAPER_OUT_KEY = "The printer is out of paper. Please note your number from the screen."


@pytest.fixture
def emulator() -> Iterator[SerialPrinterEmulator]:
    printer = SerialPrinterEmulator()
    yield printer
    printer.close()


@pytest.fixture
def network_emulator() -> Iterator[NetworkPrinterEmulator]:
    printer = NetworkPrinterEmulator()
    yield printer
    printer.close()


def _arabic_receipt(profile: str = "generic-80") -> tuple[Receipt, bytes]:
    """The Arabic receipt of the report (16 KB as rasters), and its bytes for `profile`."""
    receipt = sample_receipt("ar", ISSUED_AT)
    service = packaged_catalogue().service(receipt.service_code)
    return receipt, encode(receipt_document(receipt, service, CONTEXT), PROFILES[profile])


def _at_9600(uri: str) -> str:
    # The pty carries bytes at any speed; 9600 baud makes the printer check every 960 bytes.
    return uri.replace("baudrate=115200", "baudrate=9600")


def _printing(uri: str, profile: str = "generic-80") -> PrintingService:
    printer = Printer.from_uri(_at_9600(uri), profile)
    return PrintingService(printer, CONTEXT, packaged_catalogue())


@pytest.mark.parametrize(
    "where",
    ["early", "halfway", "at the cut"],
)
def test_paper_out_in_the_middle_of_a_receipt_is_not_printed_and_nothing_prints_later(
    cache: sqlite_utils.Database, emulator: SerialPrinterEmulator, where: str
) -> None:
    receipt, job = _arabic_receipt()
    # The roll runs out after this many bytes of the job have printed ("at the cut": only
    # the final feed and cut are left, so only the read after the last byte can see it).
    emulator.state.paper_left_bytes = {"early": 500, "halfway": len(job) // 2}.get(
        where, len(job) - 6
    )
    result = _printing(emulator.uri).print_receipt(receipt)

    assert not result.printed and result.error == "paper_out"
    assert result.message == PAPER_OUT_AR and result.message_key == PAPER_OUT_KEY
    assert result.detail is not None and "stopped mid-job" in result.detail
    assert "buffer was cleared" in result.detail
    emulator.settle()
    # The roll did run out before the end of the job, and the printer was told to drop the rest.
    assert emulator.state.paper_out and emulator.state.paper_left_bytes == 0
    assert emulator.clears == 1 and emulator.held == b""

    # The technician changes the roll: nothing of the receipt comes out, and the next
    # ticket comes out alone.
    emulator.replace_paper()
    assert emulator.printed_on_new_roll == b""
    tickets = TicketService(cache, packaged_catalogue(), CONTEXT.zone, (5000, 5499), online=None)
    fresh = tickets.issue("residence_certificate", "fr")
    assert _printing(emulator.uri).print_ticket(fresh).printed
    emulator.settle()
    after = decode(emulator.printed_on_new_roll)
    assert after.initialised == 1 and after.cuts == 1
    assert [run.text for run in after.text_runs if run.width_mult >= 4] == [fresh.number]


def test_a_healthy_printer_is_checked_between_pieces_and_prints_the_receipt_whole(
    emulator: SerialPrinterEmulator,
) -> None:
    receipt, job = _arabic_receipt()
    printing = _printing(emulator.uri)
    result = printing.print_receipt(receipt)
    assert result.printed and result.size_bytes == len(job)
    emulator.settle()
    pieces = job_pieces(job, printing.printer.piece_size)
    # One DLE EOT before the job (four kinds) and one offline-cause read after each piece.
    elements = emulator.decoded().elements
    queries = [element.kind for element in elements if isinstance(element, StatusQuery)]
    assert queries == [1, 2, 3, 4] + [2] * len(pieces) and len(pieces) > 2
    assert decode(emulator.paper).cuts == 1 and emulator.held == b""


def test_paper_out_mid_job_on_a_network_printer_is_a_typed_fault_and_cleared(
    network_emulator: NetworkPrinterEmulator,
) -> None:
    receipt, job = _arabic_receipt()
    network_emulator.state.paper_left_bytes = len(job) // 3
    service = packaged_catalogue().service(receipt.service_code)
    printer = Printer.from_uri(network_emulator.uri, "generic-80")
    with pytest.raises(PaperOut, match="buffer was cleared"):
        printer.print_document(receipt_document(receipt, service, CONTEXT))
    network_emulator.settle()
    network_emulator.replace_paper()
    assert network_emulator.clears == 1 and network_emulator.printed_on_new_roll == b""


def test_a_printer_that_ignores_the_clear_request_is_reported_honestly(
    emulator: SerialPrinterEmulator,
) -> None:
    receipt, job = _arabic_receipt()
    emulator.state.paper_left_bytes = len(job) // 2
    emulator.state.obeys_clear = False
    result = _printing(emulator.uri).print_receipt(receipt)
    assert not result.printed and result.error == "paper_out"
    assert result.detail is not None and "did not confirm clearing" in result.detail
    # Without the clear, the rest of the piece the printer held comes out on the new roll:
    # the stale print the clear request prevents in the tests above.
    emulator.settle()
    emulator.replace_paper()
    assert len(emulator.printed_on_new_roll) > 0


def test_a_basic_printer_is_not_sent_a_clear_and_at_most_one_piece_prints_late(
    emulator: SerialPrinterEmulator,
) -> None:
    receipt, job = _arabic_receipt("basic-80")
    emulator.state.paper_left_bytes = 500
    printing = _printing(emulator.uri, "basic-80")
    pieces = job_pieces(job, printing.printer.piece_size)
    assert len(pieces) > 1
    result = printing.print_receipt(receipt)
    assert not result.printed and result.error == "paper_out"
    assert result.detail is not None and "cannot clear the printer's buffer" in result.detail
    emulator.settle()
    assert b"\x10\x14" not in emulator.received
    # What such a printer still held is the rest of one piece: it prints on the new roll
    # (without the cut: that was in the last piece, never sent).
    emulator.replace_paper()
    late = emulator.printed_on_new_roll
    assert 0 < len(late) < len(pieces[0])
    assert b"\x1dVB" not in late


def test_a_capture_directory_gets_the_job_whole_and_unchecked(tmp_path: Path) -> None:
    # A capture (or a usblp file) cannot read status: there is no fault to see mid-job, so
    # the job is written whole, as before, and its status says "unknown".
    receipt, job = _arabic_receipt()
    service = packaged_catalogue().service(receipt.service_code)
    printer = Printer.from_uri(f"capture:{tmp_path}", "generic-80")
    printed = printer.print_document(receipt_document(receipt, service, CONTEXT))
    assert printed.status_checks == 0 and not printed.status.known
    assert [path.read_bytes() for path in tmp_path.iterdir()] == [job]
