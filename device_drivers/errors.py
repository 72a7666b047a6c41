"""One exception hierarchy for printers: a fault found before a job is sent, or no printer."""

from __future__ import annotations


class PrinterFault(Exception):
    """The printer cannot print now; the job was not sent (and will not be sent later)."""

    code = "fault"


class PaperOut(PrinterFault):
    """The paper roll is empty."""

    code = "paper_out"


class CoverOpen(PrinterFault):
    """The paper cover is open."""

    code = "cover_open"


class PrinterOffline(PrinterFault):
    """The printer says it is offline or in error (cutter jam, overheating, ...)."""

    code = "offline"


class PrinterUnavailable(PrinterFault):
    """No printer could be reached: not plugged in, no power, no permission, not answering."""

    code = "unavailable"


class PrinterUriError(ValueError):
    """A printer URI that names no transport this kiosk knows."""
