"""Capability profiles of ESC/POS printers: paper width, native QR, Latin code page."""

from __future__ import annotations

from dataclasses import dataclass

# Font A of ESC/POS printers is 12 x 24 dots.
CHAR_WIDTH_DOTS = 12
CHAR_HEIGHT_DOTS = 24


@dataclass(frozen=True)
class PrinterProfile:
    """What a printer model can do."""

    name: str
    paper_mm: int
    width_dots: int
    native_qr: bool
    # WPC1252 (ESC t 16) has every French letter, including œ and the typographic
    # apostrophe, which CP858 lacks; cheap Epson clones support it under this number.
    codepage: str = "cp1252"
    codepage_number: int = 16
    # ESC & user-defined characters (font A, 12 x 24): Arabic and Tifinagh are sent as
    # downloaded glyphs, a few KB a receipt; without them every shaped line is a raster.
    download_chars: bool = True
    # Whether the printer obeys DLE DC4 fn=8 (clear buffers, real-time; Epson TM-T20, T88IV
    # and later). One that does not prints what it still holds once its fault is cleared.
    clears_buffer: bool = False

    @property
    def chars_per_line(self) -> int:
        """Characters of font A that fit across the paper at normal size."""
        return self.width_dots // CHAR_WIDTH_DOTS


PROFILES: dict[str, PrinterProfile] = {
    "generic-58": PrinterProfile("generic-58", 58, 384, native_qr=True, clears_buffer=True),
    "generic-80": PrinterProfile("generic-80", 80, 576, native_qr=True, clears_buffer=True),
    "basic-58": PrinterProfile("basic-58", 58, 384, native_qr=False),
    "basic-80": PrinterProfile("basic-80", 80, 576, native_qr=False),
}


def profile_named(name: str) -> PrinterProfile:
    """The profile called `name`; ValueError listing the known ones otherwise."""
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown printer profile {name!r}; known: {sorted(PROFILES)}") from None
