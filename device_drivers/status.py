"""Real-time printer status (DLE EOT n) parsed into what a technician would call it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from device_drivers.errors import CoverOpen, PaperOut, PrinterFault, PrinterOffline

# DLE EOT n queries, in the order they are asked.
STATUS_KINDS = (1, 2, 3, 4)
# DLE EOT 2, the offline cause: cover open, printing stopped at paper end, error.
OFFLINE_CAUSE = 2
# Every status byte has bits 1 and 4 set and bits 0 and 7 clear.
_FIXED_MASK, _FIXED_BITS = 0x93, 0x12


def is_status_byte(value: int) -> bool:
    """Whether a byte has the fixed bits every DLE EOT answer carries."""
    return value & _FIXED_MASK == _FIXED_BITS


@dataclass(frozen=True)
class PrinterStatus:
    """What the printer reported; `known` is False where the transport cannot read back."""

    known: bool
    online: bool = True
    paper_near_end: bool = False
    paper_out: bool = False
    cover_open: bool = False
    error: bool = False
    detail: str = ""

    @classmethod
    def unknown(cls, detail: str) -> PrinterStatus:
        """A transport that only writes: assume online, and say so."""
        return cls(known=False, detail=detail)

    def fault(self) -> PrinterFault | None:
        """The fault that must stop a job, most specific first; None if it may print."""
        if self.paper_out:
            return PaperOut("paper roll is empty")
        if self.cover_open:
            return CoverOpen("paper cover is open")
        if self.error or not self.online:
            return PrinterOffline(self.detail or "printer reports it is offline")
        return None

    def describe(self) -> str:
        """One line for `kiosk doctor` and the print-test page."""
        if not self.known:
            return f"status unknown ({self.detail})"
        words = ["online" if self.online else "OFFLINE"]
        words += [
            label
            for flag, label in (
                (self.paper_out, "PAPER OUT"),
                (self.paper_near_end, "paper near end"),
                (self.cover_open, "COVER OPEN"),
                (self.error, "ERROR"),
            )
            if flag
        ]
        if self.detail:
            words.append(f"({self.detail})")
        return ", ".join(words)


def parse_status(answers: Mapping[int, int]) -> PrinterStatus:
    """Build a status from the answers to DLE EOT 1..4 (kind -> status byte)."""
    printer, offline, error, paper = (answers.get(kind, 0x12) for kind in STATUS_KINDS)
    details = []
    if error & 0x08:
        details.append("autocutter error")
    if error & 0x20:
        details.append("unrecoverable error")
    if error & 0x40:
        details.append("auto-recoverable error (head too hot?)")
    return PrinterStatus(
        known=True,
        online=not printer & 0x08,
        cover_open=bool(offline & 0x04),
        # Paper end is reported by the roll sensor (n=4) and as the reason printing stopped (n=2).
        paper_out=bool(paper & 0x60) or bool(offline & 0x20),
        paper_near_end=bool(paper & 0x0C),
        error=bool(offline & 0x40) or bool(error & 0x68),
        detail=", ".join(details),
    )
