"""Printing benchmark: bytes per ticket and receipt, wire time, service call to first byte.

Run: .venv/bin/python -m benchmarks.bench_printing
Budgets (design brief §5): a bilingual ticket with QR ≤ 8 KB (aim ≤ 4 KB) and
≤ 150 ms from the service call to the first byte at the printer.
"""

from __future__ import annotations

import dataclasses
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
ANNEX_NAMES = {
    "ar": "الملحقة الإدارية 5 - بركان",
    "fr": "Annexe administrative 5 - Berkane",
    "zgh": "ⵜⴰⵎⵙⵙⵓⴷⵙⵜ ⵜⴰⵏⴱⴰⴹⵜ 5 - ⴱⵔⴽⴰⵏ",
    "en": "Administrative annex 5 - Berkane",
}
# A real public base: a placeholder one would leave the QR (and its bytes) off the paper.
CONTEXT = PaperContext(ANNEX_NAMES, ZONE, "https://cau.gov.ma")
RUNS = 20


def _wire_ms(size: int, baud: int) -> float:
    # 8N1: ten bits on the wire per byte.
    return size * 10 / baud * 1000


def _largest(kind: str, code: str, lang: str, paper_mm: int, now: datetime) -> int:
    """Bytes of the larger of the two printers of this width (raster QR or native), and for
    receipts the larger of a request's and an offline pre-request's."""
    service = packaged_catalogue().service(code)
    documents = []
    if kind == "ticket":
        ticket = dataclasses.replace(sample_ticket(lang, now), service_code=code)
        documents.append(ticket_document(ticket, service, CONTEXT))
    else:
        for pre_request in (False, True):
            receipt = dataclasses.replace(sample_receipt(lang, now, pre_request), service_code=code)
            documents.append(receipt_document(receipt, service, CONTEXT))
    profiles = [p for p in PROFILES.values() if p.paper_mm == paper_mm]
    return max(len(encode(document, profile)) for document in documents for profile in profiles)


def size_table() -> int:
    """Bytes of every service's ticket and receipt in each language and paper width, and the
    longest of each row on the wire. Returns the largest document's size."""
    now = datetime.now(ZONE)
    largest = 0
    print("Bytes (largest of native-QR and raster-QR printer; receipts: request or pre-request)")
    print("| document | service | paper | ar | fr | zgh | en | 9600 baud | 115200 baud |")
    print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for kind in ("ticket", "receipt"):
        for service in packaged_catalogue():
            for paper_mm in (58, 80):
                sizes = [_largest(kind, service.code, lang, paper_mm, now) for lang in LANGUAGES]
                worst = max(sizes)
                largest = max(largest, worst)
                cells = " | ".join(str(size) for size in sizes)
                print(
                    f"| {kind} | {service.code} | {paper_mm} mm | {cells} "
                    f"| {_wire_ms(worst, 9600) / 1000:.1f} s | {_wire_ms(worst, 115200):.0f} ms |"
                )
    print(f"Largest: {largest} bytes ({_wire_ms(largest, 9600) / 1000:.1f} s at 9600 baud)")
    return largest


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
