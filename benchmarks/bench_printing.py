"""Printing benchmark: bytes per ticket and receipt, wire time, service call to first byte.

Run: .venv/bin/python -m benchmarks.bench_printing
Budgets (design brief §5): a bilingual ticket with QR ≤ 8 KB (aim ≤ 4 KB) and
≤ 150 ms from the service call to the first byte at the printer.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from device_drivers.encoder import encode
from device_drivers.printer import Printer
from device_drivers.profiles import PROFILES
from kiosk.domain.catalogue import packaged_catalogue
from kiosk.i18n import LANGUAGES
from kiosk.services.documents import (
    PaperContext,
    receipt_document,
    sample_receipt,
    sample_ticket,
    ticket_document,
)
from kiosk.services.printing import PrintingService
from kiosk.services.tickets import TicketService
from offline_cache.database import open_cache
from tests.support.printer_emulator import SerialPrinterEmulator

ZONE = ZoneInfo("Africa/Casablanca")
CONTEXT = PaperContext("Annexe administrative 5 - Berkane", ZONE, "https://gau.example.ma/suivi")
RUNS = 20


def _wire_ms(size: int, baud: int) -> float:
    # 8N1: ten bits on the wire per byte.
    return size * 10 / baud * 1000


def size_table() -> None:
    """Bytes per document for every language and profile, and the time they take on the wire."""
    catalogue = packaged_catalogue()
    now = datetime.now(ZONE)
    print("| document | lang | profile | bytes | 9600 baud | 115200 baud |")
    print("| --- | --- | --- | ---: | ---: | ---: |")
    for kind in ("ticket", "receipt"):
        for lang in LANGUAGES:
            for name in ("generic-58", "generic-80", "basic-58", "basic-80"):
                if kind == "ticket":
                    ticket = sample_ticket(lang, now)
                    service = catalogue.service(ticket.service_code)
                    document = ticket_document(ticket, service, CONTEXT)
                else:
                    receipt = sample_receipt(lang, now)
                    service = catalogue.service(receipt.service_code)
                    document = receipt_document(receipt, service, CONTEXT)
                size = len(encode(document, PROFILES[name]))
                print(
                    f"| {kind} | {lang} | {name} | {size} | {_wire_ms(size, 9600):.0f} ms "
                    f"| {_wire_ms(size, 115200):.0f} ms |"
                )


def first_byte_latency(lang: str, profile: str) -> tuple[float, float, float]:
    """Median, min and max ms from TicketService.issue + print_ticket to ESC @ at the printer."""
    catalogue = packaged_catalogue()
    emulator = SerialPrinterEmulator(baudrate=115200)
    with tempfile.TemporaryDirectory() as directory:
        db = open_cache(Path(directory) / "cache.sqlite")
        tickets = TicketService(db, catalogue, ZONE, (1, 9999), online=None)
        printing = PrintingService(Printer.from_uri(emulator.uri, profile), CONTEXT, catalogue)
        timings = []
        try:
            for run in range(RUNS + 1):
                emulator.clear()
                started = time.perf_counter()
                result = printing.print_ticket(tickets.issue("residence_certificate", lang))
                assert result.printed, result
                emulator.wait_for(lambda decoded: decoded.cuts == 1)
                first = next(at for at, chunk in emulator.arrivals if b"\x1b@" in chunk)
                if run:  # the first run loads fonts: a kiosk does that once, at start
                    timings.append((first - started) * 1000)
        finally:
            db.conn.close()
            emulator.close()
    return statistics.median(timings), min(timings), max(timings)


def main() -> None:
    """Print both tables."""
    size_table()
    print()
    print(f"Service call (issue + print) to first byte at a pty printer, {RUNS} runs:")
    print("| lang | profile | median | min | max |")
    print("| --- | --- | ---: | ---: | ---: |")
    for lang, profile in (("ar", "generic-58"), ("zgh", "generic-80"), ("fr", "basic-80")):
        median, low, high = first_byte_latency(lang, profile)
        print(f"| {lang} | {profile} | {median:.1f} ms | {low:.1f} ms | {high:.1f} ms |")


if __name__ == "__main__":
    main()
