"""What reading the printer's status during a job costs: bytes, reads, and time per read.

Run: .venv/bin/python -m benchmarks.bench_mid_job_checks
A pty carries bytes at any speed, so wire time is computed (8N1, ten bits a byte) and the
round trip of one status read through pyserial, the pty and the emulator is measured.
"""

from __future__ import annotations

import statistics
import time

from device_drivers.encoder import encode
from device_drivers.printer import Printer, job_pieces, read_status
from device_drivers.profiles import PROFILES
from device_drivers.status import OFFLINE_CAUSE
from kiosk.domain.catalogue import packaged_catalogue
from kiosk.services.documents import receipt_document, sample_receipt
from tests.support.paper import CONTEXT, ISSUED_AT
from tests.support.printer_emulator import SerialPrinterEmulator

READS = 200
BAUDS = (9600, 115200)
# One read: DLE EOT 2 out, one status byte back.
BYTES_PER_READ = 4


def round_trip_ms(emulator: SerialPrinterEmulator) -> float:
    """Median ms of one offline-cause read on an open port."""
    printer = Printer.from_uri(emulator.uri, "generic-80")
    printer.transport.open()
    try:
        times = []
        for _ in range(READS):
            started = time.perf_counter()
            read_status(printer.transport, (OFFLINE_CAUSE,))
            times.append((time.perf_counter() - started) * 1000)
    finally:
        printer.transport.close()
    return statistics.median(times)


def main() -> None:
    """Print one table row per language, profile and baud rate."""
    catalogue = packaged_catalogue()
    emulator = SerialPrinterEmulator()
    try:
        trip = round_trip_ms(emulator)
    finally:
        emulator.close()
    print(f"one status read on a pty: {trip:.2f} ms (median of {READS})")
    print("| receipt | profile | bytes | baud | reads | extra bytes | extra wire | total |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for language in ("ar", "fr"):
        receipt = sample_receipt(language, ISSUED_AT)
        service = catalogue.service(receipt.service_code)
        for name in ("generic-80", "basic-80"):
            job = encode(receipt_document(receipt, service, CONTEXT), PROFILES[name])
            for baud in BAUDS:
                printer = Printer.from_uri(f"serial:/dev/null?baudrate={baud}", name)
                reads = len(job_pieces(job, printer.piece_size))
                extra = reads * BYTES_PER_READ
                job_ms = len(job) * 10 / baud * 1000
                extra_ms = extra * 10 / baud * 1000
                share = (extra_ms + reads * trip) / job_ms * 100
                print(
                    f"| {language} | {name} | {len(job)} | {baud} | {reads} | {extra} "
                    f"| {extra_ms:.1f} ms | {extra_ms + reads * trip:.1f} ms ({share:.2f} %) |"
                )


if __name__ == "__main__":
    main()
