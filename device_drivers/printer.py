"""A printer: a transport and a profile; checks status before each job, never queues one."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from device_drivers import commands
from device_drivers.document import Document
from device_drivers.encoder import encode
from device_drivers.errors import PrinterUnavailable
from device_drivers.profiles import PrinterProfile, profile_named
from device_drivers.status import STATUS_KINDS, PrinterStatus, is_status_byte, parse_status
from device_drivers.transports import Transport, transport_for


@dataclass(frozen=True)
class PrintedJob:
    """What was sent, and the status seen just before sending it."""

    size_bytes: int
    status: PrinterStatus


def read_status(transport: Transport) -> PrinterStatus:
    """Ask DLE EOT 1..4 on an open transport; PrinterUnavailable if the printer does not answer."""
    if not transport.can_read:
        return PrinterStatus.unknown(f"{transport.description} cannot report status")
    answers: dict[int, int] = {}
    for kind in STATUS_KINDS:
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


class Printer:
    """Prints documents on one device; a job is sent whole, or not at all."""

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

    def print_document(self, document: Document) -> PrintedJob:
        """Check the printer, then send the job; raise a PrinterFault without sending anything.

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
                self.transport.write(data)
            finally:
                self.transport.close()
        return PrintedJob(len(data), status)
