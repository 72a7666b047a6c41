"""Serial printer on a pty: a fault leaves the ticket issued and queued; nothing stale prints."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlite_utils

from device_drivers.errors import PaperOut, PrinterUnavailable
from device_drivers.printer import Printer
from kiosk.domain.catalogue import packaged_catalogue
from kiosk.services.printing import PrintingService
from kiosk.services.tickets import TicketService
from offline_cache.outbox import Outbox, OutboxStatus
from tests.support.escpos_decoder import Decoded
from tests.support.paper import CONTEXT
from tests.support.printer_emulator import SerialPrinterEmulator

SERVICE = "residence_certificate"


@pytest.fixture
def emulator() -> Iterator[SerialPrinterEmulator]:
    printer = SerialPrinterEmulator()
    yield printer
    printer.close()


def _services(cache: sqlite_utils.Database, uri: str) -> tuple[TicketService, PrintingService]:
    catalogue = packaged_catalogue()
    tickets = TicketService(cache, catalogue, CONTEXT.zone, (5000, 5499), online=None)
    printing = PrintingService(Printer.from_uri(uri, "generic-58"), CONTEXT, catalogue)
    return tickets, printing


def _numbers(decoded: Decoded) -> list[str]:
    return [run.text for run in decoded.text_runs if run.width_mult >= 4]


def test_a_ticket_prints_on_a_healthy_serial_printer(
    cache: sqlite_utils.Database, emulator: SerialPrinterEmulator
) -> None:
    tickets, printing = _services(cache, emulator.uri)
    ticket = tickets.issue(SERVICE, "ar")
    result = printing.print_ticket(ticket)
    assert result.printed and result.size_bytes > 0
    decoded = emulator.wait_for(lambda d: d.cuts == 1)
    assert _numbers(decoded) == [ticket.number]


@pytest.mark.parametrize(
    ("fault", "code", "words"),
    [
        ("paper_out", "paper_out", "out of paper"),
        ("cover_open", "cover_open", "cover is open"),
        ("error", "offline", "not working"),
        ("mute", "unavailable", "not available"),
    ],
)
def test_a_faulted_printer_leaves_the_ticket_issued_queued_and_on_screen(
    cache: sqlite_utils.Database,
    emulator: SerialPrinterEmulator,
    fault: str,
    code: str,
    words: str,
) -> None:
    setattr(emulator.state, fault, True)
    tickets, printing = _services(cache, emulator.uri)
    ticket = tickets.issue(SERVICE, "en")
    result = printing.print_ticket(ticket)
    assert not result.printed and result.error == code
    assert result.message is not None and words in result.message
    # The ticket exists and goes to the server all the same.
    assert Outbox(cache).counts()[OutboxStatus.PENDING] == 1
    # Only status queries reached the printer: no text, no image, no cut (looked at once the
    # printer has read everything the kiosk wrote).
    emulator.settle()
    decoded = emulator.decoded()
    assert decoded.text_runs == [] and decoded.rasters == [] and decoded.cuts == 0


def test_the_message_on_screen_is_in_the_citizens_language(
    cache: sqlite_utils.Database, emulator: SerialPrinterEmulator
) -> None:
    emulator.state.paper_out = True
    tickets, printing = _services(cache, emulator.uri)
    result = printing.print_ticket(tickets.issue(SERVICE, "ar"))
    assert result.message == "نفد الورق من الطابعة. المرجو تسجيل رقمك من الشاشة."


def test_no_stale_ticket_prints_when_the_paper_is_back(
    cache: sqlite_utils.Database, emulator: SerialPrinterEmulator
) -> None:
    tickets, printing = _services(cache, emulator.uri)
    emulator.state.paper_out = True
    stale = tickets.issue(SERVICE, "fr")
    assert not printing.print_ticket(stale).printed

    emulator.state.paper_out = False
    fresh = tickets.issue(SERVICE, "fr")
    assert printing.print_ticket(fresh).printed
    # A status round trip after the job: the printer has handled every byte sent before.
    printing.status()
    decoded = emulator.decoded()
    assert _numbers(decoded) == [fresh.number]
    assert decoded.initialised == 1 and decoded.cuts == 1
    assert stale.number != fresh.number


def test_the_driver_raises_a_typed_fault_before_sending(emulator: SerialPrinterEmulator) -> None:
    emulator.state.paper_out = True
    printer = Printer.from_uri(emulator.uri, "generic-80")
    with pytest.raises(PaperOut):
        printer.print_document(())
    emulator.settle()
    assert emulator.decoded().initialised == 0


def test_a_slow_printer_still_prints(
    cache: sqlite_utils.Database, emulator: SerialPrinterEmulator
) -> None:
    emulator.state.answer_delay_s = 0.05
    tickets, printing = _services(cache, emulator.uri)
    assert printing.print_ticket(tickets.issue(SERVICE, "zgh")).printed
    emulator.wait_for(lambda d: d.cuts == 1)


def test_paper_near_end_still_prints_and_is_reported(emulator: SerialPrinterEmulator) -> None:
    emulator.state.paper_near_end = True
    status = Printer.from_uri(emulator.uri, "generic-58").status()
    assert status.paper_near_end and status.fault() is None


def test_an_unplugged_printer_is_unavailable_and_named(emulator: SerialPrinterEmulator) -> None:
    printer = Printer.from_uri(emulator.uri, "generic-58")
    emulator.unplug()
    with pytest.raises(PrinterUnavailable, match=emulator.device):
        printer.status()


def test_a_rendering_bug_still_leaves_the_ticket_to_show_on_screen(
    cache: sqlite_utils.Database, emulator: SerialPrinterEmulator
) -> None:
    from device_drivers.profiles import PrinterProfile
    from device_drivers.transports import transport_for

    # A profile naming a code page Python does not know: encoding the job fails.
    broken = PrinterProfile("broken", 58, 384, native_qr=True, codepage="no-such-codepage")
    tickets, _ = _services(cache, emulator.uri)
    printing = PrintingService(
        Printer(transport_for(emulator.uri), broken), CONTEXT, packaged_catalogue()
    )
    result = printing.print_ticket(tickets.issue(SERVICE, "fr"))
    assert not result.printed and result.error == "internal_error"
    assert result.message and "note your number" not in result.message  # translated to French
    assert Outbox(cache).counts()[OutboxStatus.PENDING] == 1
    emulator.settle()
    assert emulator.decoded().initialised == 0
