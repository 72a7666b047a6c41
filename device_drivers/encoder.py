"""Turn laid-out paper lines into ESC/POS bytes: text mode for Latin, GS v 0 for the rest."""

from __future__ import annotations

from PIL import Image, ImageOps

from device_drivers import commands
from device_drivers.document import Align, Document
from device_drivers.layout import (
    CutLine,
    FeedLine,
    PaperLine,
    QRLine,
    RasterLine,
    TextLine,
    lay_out,
)
from device_drivers.profiles import PrinterProfile

# Dots left between two raster lines so stacked Arabic lines do not touch.
RASTER_LINE_GAP_DOTS = 6


def raster_bytes(image: Image.Image) -> bytes:
    """GS v 0 for a mode-"1" image (black = ink) whose width is a whole number of bytes."""
    # In mode "1", tobytes() sets a bit for white; ESC/POS sets a bit for a printed dot.
    ink = ImageOps.invert(image.convert("L")).convert("1")
    return commands.raster_image(image.width // 8, image.height, ink.tobytes())


class _Encoder:
    """Emits only the mode changes a line needs: every byte counts on a 9600-baud link."""

    def __init__(self, profile: PrinterProfile) -> None:
        self.profile = profile
        self.out = bytearray(
            commands.INITIALIZE + commands.select_codepage(profile.codepage_number)
        )
        self.align = Align.LEFT
        self.bold = False
        self.size = (1, 1)

    def set_align(self, align: Align) -> None:
        if align is not self.align:
            self.out += commands.ALIGN[align.value]
            self.align = align

    def text(self, line: TextLine) -> None:
        self.set_align(line.align)
        if line.bold != self.bold:
            self.out += commands.BOLD_ON if line.bold else commands.BOLD_OFF
            self.bold = line.bold
        if (line.width_mult, line.height_mult) != self.size:
            self.out += commands.character_size(line.width_mult, line.height_mult)
            self.size = (line.width_mult, line.height_mult)
        self.out += line.text.encode(self.profile.codepage, errors="replace") + commands.LF

    def raster(self, line: RasterLine) -> None:
        self.set_align(line.align)
        self.out += raster_bytes(line.image) + commands.feed_dots(RASTER_LINE_GAP_DOTS)

    def qr(self, line: QRLine) -> None:
        self.set_align(Align.CENTER)
        if line.native:
            self.out += commands.native_qr(line.payload.encode("utf-8"), line.module_dots)
            self.out += commands.LF
        else:
            self.out += raster_bytes(line.image) + commands.feed_dots(RASTER_LINE_GAP_DOTS)

    def add(self, line: PaperLine) -> None:
        if isinstance(line, TextLine):
            self.text(line)
        elif isinstance(line, RasterLine):
            self.raster(line)
        elif isinstance(line, QRLine):
            self.qr(line)
        elif isinstance(line, FeedLine):
            self.out += commands.feed_lines(line.lines)
        elif isinstance(line, CutLine):
            self.out += commands.CUT


def encode_lines(lines: list[PaperLine], profile: PrinterProfile) -> bytes:
    """The bytes of one job, starting with ESC @ and the Latin code page."""
    encoder = _Encoder(profile)
    for line in lines:
        encoder.add(line)
    return bytes(encoder.out)


def encode(document: Document, profile: PrinterProfile) -> bytes:
    """Lay out and encode a document for this printer."""
    return encode_lines(lay_out(document, profile), profile)
