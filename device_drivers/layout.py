"""Lay a document out on paper: wrapped text-mode lines, shaped raster lines, QR codes, cuts."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from PIL import Image

from device_drivers.document import (
    Align,
    Cut,
    Document,
    Feed,
    QRCode,
    Script,
    Separator,
    Size,
    Text,
)
from device_drivers.profiles import CHAR_WIDTH_DOTS, PrinterProfile
from device_drivers.raster import pad_to_bytes, qr_image, render_text

MAX_MULTIPLIER = 8  # GS ! scales characters up to 8 times
QR_NATIVE_MODULE_DOTS = 5
# Raster QR modules are kept small: every row of a raster costs bytes on a slow serial link.
QR_RASTER_MODULE_DOTS = 4


@dataclass(frozen=True)
class TextLine:
    """A line printed in text mode with font A, scaled by GS !."""

    text: str
    width_mult: int
    height_mult: int
    bold: bool
    align: Align


@dataclass(frozen=True, eq=False)
class RasterLine:
    """A 1-bit image (black = ink) printed with GS v 0, its width a whole number of bytes."""

    image: Image.Image
    align: Align


@dataclass(frozen=True, eq=False)
class QRLine:
    """A QR code: the printer draws it (native) or it is sent as a raster image."""

    payload: str
    module_dots: int
    native: bool
    image: Image.Image


@dataclass(frozen=True)
class FeedLine:
    """Blank lines."""

    lines: int


@dataclass(frozen=True)
class CutLine:
    """Feed to the cutter and cut."""


PaperLine = TextLine | RasterLine | QRLine | FeedLine | CutLine


def _multipliers(block: Text, width_dots: int) -> tuple[int, int]:
    if block.style.size is Size.DOUBLE:
        return 2, 2
    if block.style.size is Size.BIG_NUMBER:
        # As large as the paper allows for this many characters, square cells.
        fit = width_dots // (CHAR_WIDTH_DOTS * max(len(block.text), 1))
        mult = max(1, min(MAX_MULTIPLIER, fit))
        return mult, mult
    return 1, 1


def _text_lines(block: Text, profile: PrinterProfile) -> list[PaperLine]:
    if block.script is not Script.LATIN:
        images = render_text(
            block.text, block.script, block.style.size, block.style.bold, profile.width_dots
        )
        return [
            RasterLine(pad_to_bytes(image, block.style.align), block.style.align)
            for image in images
        ]
    width_mult, height_mult = _multipliers(block, profile.width_dots)
    columns = profile.width_dots // (CHAR_WIDTH_DOTS * width_mult)
    wrapped = textwrap.wrap(block.text, width=columns) or [""]
    return [
        TextLine(line, width_mult, height_mult, block.style.bold, block.style.align)
        for line in wrapped
    ]


def _qr_line(block: QRCode, profile: PrinterProfile) -> QRLine:
    module = QR_NATIVE_MODULE_DOTS if profile.native_qr else QR_RASTER_MODULE_DOTS
    image = qr_image(block.payload, module)
    if not profile.native_qr:
        image = pad_to_bytes(image, Align.CENTER)
    return QRLine(block.payload, module, profile.native_qr, image)


def lay_out(document: Document, profile: PrinterProfile) -> list[PaperLine]:
    """The lines a document becomes on this printer's paper."""
    lines: list[PaperLine] = []
    for block in document:
        if isinstance(block, Text):
            lines.extend(_text_lines(block, profile))
        elif isinstance(block, QRCode):
            lines.append(_qr_line(block, profile))
        elif isinstance(block, Separator):
            lines.append(TextLine("-" * profile.chars_per_line, 1, 1, False, Align.LEFT))
        elif isinstance(block, Feed):
            lines.append(FeedLine(block.lines))
        elif isinstance(block, Cut):
            lines.append(CutLine())
    return lines
