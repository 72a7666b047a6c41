"""A printer: a transport and a profile; watches status through each job, never queues one."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

from device_drivers import commands
from device_drivers.document import Document
from device_drivers.encoder import encode
from device_drivers.errors import PrinterFault, PrinterUnavailable
from device_drivers.profiles import PrinterProfile, profile_named
from device_drivers.status import (
    OFFLINE_CAUSE,
    STATUS_KINDS,
    PrinterStatus,
    is_status_byte,
    parse_status,
)
from device_drivers.transports import Transport, transport_for

#: Wire time between two status reads during a job: how late a fault is seen, and how much
#: a printer that cannot clear its buffer may still hold (half a second of data).
CHECK_EVERY_S = 0.5
#: Bytes a second on links that do not say (network, USB): at least a 115200-baud line.
DEFAULT_BYTES_PER_S = 11_520
#: A printer clearing its buffers answers at once; one that does not know the request never.
CLEAR_TIMEOUT_S = 1.0


@dataclass(frozen=True)
class PrintedJob:
    """What was sent, the status seen just before sending it, and the reads made during it."""

    size_bytes: int
    status: PrinterStatus
    status_checks: int = 0


def read_status(transport: Transport, kinds: Iterable[int] = STATUS_KINDS) -> PrinterStatus:
    """Ask DLE EOT for each of `kinds`; PrinterUnavailable if the printer does not answer."""
    if not transport.can_read:
        return PrinterStatus.unknown(f"{transport.description} cannot report status")
    answers: dict[int, int] = {}
    for kind in kinds:
        answer = transport.query(commands.status_request(kind))
        if answer is None:
            raise PrinterUnavailable(
                f"{transport.description} does not answer: check that the printer is "
                "switched on and its cable plugged in"
            )
        if not is_status_byte(answer):
            raise PrinterUnavailable(
                f"{transport.description} answered 0x{answer:02x} to a status request: "
                "check the baud rate in printer.uri and the printer's serial settings"
            )
        answers[kind] = answer
    return parse_status(answers)


def job_pieces(job: bytes, size: int) -> list[bytes]:
    """The job cut between commands into pieces of at least `size` bytes (or the whole job)."""
    pieces: list[bytes] = []
    start = 0
    for end in commands.command_ends(job):
        if end - start >= size:
            pieces.append(job[start:end])
            start = end
    if start < len(job):
        if pieces:  # a short tail (the feed and the cut) goes with the piece before it
            pieces[-1] += job[start:]
        else:
            pieces.append(job[start:])
    return pieces


class Printer:
    """Prints documents on one device; a job is printed whole, or reported not printed."""

    def __init__(self, transport: Transport, profile: PrinterProfile) -> None:
        self.transport = transport
        self.profile = profile
        # Two workers printing at once would interleave their bytes on one device.
        self._lock = threading.Lock()

    @classmethod
    def from_uri(cls, uri: str, profile_name: str) -> Printer:
        """The printer a URI and a profile name describe."""
        return cls(transport_for(uri), profile_named(profile_name))

    def status(self) -> PrinterStatus:
        """The printer's current status (raises PrinterUnavailable if it cannot be reached)."""
        with self._lock:
            self.transport.open()
            try:
                return read_status(self.transport)
            finally:
                self.transport.close()

    @property
    def piece_size(self) -> int:
        """Bytes sent between two status reads during a job."""
        bytes_per_s = self.transport.bytes_per_second or DEFAULT_BYTES_PER_S
        return max(256, int(bytes_per_s * CHECK_EVERY_S))

    def print_document(self, document: Document) -> PrintedJob:
        """Check the printer, send the job checking it again as it goes; PrinterFault if not all
        of it printed, having cleared what the printer still holds where it can.

        Nothing is kept for a later retry: a ticket printed after the printer comes back
        would show a number already called.
        """
        data = encode(document, self.profile)
        with self._lock:
            self.transport.open()
            try:
                status = read_status(self.transport)
                fault = status.fault()
                if fault is not None:
                    raise fault
                checks = self._send_watched(data)
            finally:
                self.transport.close()
        return PrintedJob(len(data), status, checks)

    def _send_watched(self, data: bytes) -> int:
        """Send the job piece by piece, reading the offline cause after each; return the reads."""
        if not self.transport.can_read:
            # A file or a capture cannot say it stopped: the job goes whole, as before.
            self.transport.write(data)
            return 0
        sent = checks = 0
        for piece in job_pieces(data, self.piece_size):
            fault: PrinterFault | None
            try:
                self.transport.write(piece)
                sent += len(piece)
                checks += 1
                # DLE EOT 2 alone names every fault that stops printing: paper end, cover,
                # error. The read after the last piece is the one that says the job is done.
                fault = read_status(self.transport, (OFFLINE_CAUSE,)).fault()
            except PrinterFault as raised:
                fault = raised
            if fault is not None:
                raise self._abandon(fault, sent, len(data)) from fault
        return checks

    def _abandon(self, fault: PrinterFault, sent: int, size: int) -> PrinterFault:
        """Drop what is left of a stopped job; the fault to report, saying what may still print."""
        self.transport.discard_pending()
        if not self.profile.clears_buffer:
            left = (
                f"profile {self.profile.name} cannot clear the printer's buffer: the part of "
                "the job it still holds will print when the fault is cleared"
            )
        else:
            try:
                answer = self.transport.exchange(
                    commands.CLEAR_BUFFERS, len(commands.CLEAR_RESPONSE), CLEAR_TIMEOUT_S
                )
            except PrinterFault:
                answer = b""
            if answer == commands.CLEAR_RESPONSE:
                left = "the printer's buffer was cleared: nothing more of it will print"
            else:
                left = (
                    "the printer did not confirm clearing its buffer: what it holds may print "
                    "when the fault is cleared"
                )
        return type(fault)(f"{fault}; stopped mid-job after {sent} of {size} bytes, {left}")
