"""One exception hierarchy for printers: a fault before or during a job, or no printer."""

from __future__ import annotations


class PrinterFault(Exception):
    """The printer cannot print now, or stopped in the middle of the job: the job is not
    printed, and nothing more of it is sent (the message says what the printer may still hold).
    """

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
