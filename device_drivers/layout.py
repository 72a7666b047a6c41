"""Lay a document out on paper: wrapped text-mode lines, shaped raster lines, QR codes, cuts."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from PIL import Image

from device_drivers.cells import CELL_CODES, CellRow, Face, face_for, line_cells, line_width
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
# ISO/IEC 18004 asks for four modules of white around a symbol so phones find its edges.
QR_QUIET_MODULES = 4


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
class CellLine:
    """A shaped line as downloaded characters: one or two rows of cells printed as text."""

    rows: tuple[CellRow, ...]
    align: Align
    bold: bool


@dataclass(frozen=True, eq=False)
class QRLine:
    """A QR code: the printer draws it (native) or it is sent as a raster image."""

    payload: str
    module_dots: int
    native: bool
    image: Image.Image
    # A raster QR goes on the wire at half its size, printed with every dot doubled both
    # ways (GS v 0 quadruple): a quarter of the bytes, the same modules on paper.
    wire_image: Image.Image | None

    @property
    def quiet_dots(self) -> int:
        """White fed above and below; the paper's width already leaves it at the sides."""
        return QR_QUIET_MODULES * self.module_dots


@dataclass(frozen=True)
class FeedLine:
    """Blank lines."""

    lines: int


@dataclass(frozen=True)
class CutLine:
    """Feed to the cutter and cut."""


PaperLine = TextLine | RasterLine | CellLine | QRLine | FeedLine | CutLine


def _multipliers(block: Text, width_dots: int) -> tuple[int, int]:
    if block.style.size is Size.DOUBLE:
        return 2, 2
    if block.style.size is Size.BIG_NUMBER:
        # As large as the paper allows for this many characters, square cells.
        fit = width_dots // (CHAR_WIDTH_DOTS * max(len(block.text), 1))
        mult = max(1, min(MAX_MULTIPLIER, fit))
        return mult, mult
    return 1, 1


def _wrap_cells(block: Text, face: Face, width: int) -> list[tuple[str, int]]:
    """Lines of a shaped paragraph in reading order with their indent, each within `width`.

    Only a plain space breaks a line; a list item's later lines hang under its text.
    """
    words = [word for word in block.text.split(" ") if word.strip()]
    indent = line_width(words[0] + " ", face) if block.style.hanging and words else 0
    lines: list[tuple[str, int]] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        room = width - (indent if lines else 0)
        if current and line_width(candidate, face) > room:
            lines.append((current, indent if lines else 0))
            current = word
        else:
            current = candidate
    if current:
        lines.append((current, indent if lines else 0))
    return lines


def _blank_run(row: CellRow) -> int:
    count = 0
    for cell in row:
        if any(cell.columns):
            break
        count += 1
    return count


def _trim(row: CellRow, align: Align) -> CellRow:
    """The row without the blank cells its alignment makes useless (one byte each)."""
    lead, trail = _blank_run(row), _blank_run(row[::-1])
    if lead == len(row):
        return ()
    if align is Align.RIGHT:
        return row[lead:]
    if align is Align.LEFT:
        return row[: len(row) - trail]
    # Centred: the same width off each side keeps the row over the others.
    lead_dots = sum(cell.width for cell in row[:lead])
    trail_dots = sum(cell.width for cell in row[len(row) - trail :])
    while lead and sum(cell.width for cell in row[:lead]) > min(lead_dots, trail_dots):
        lead -= 1
    while trail and sum(cell.width for cell in row[len(row) - trail :]) > sum(
        cell.width for cell in row[:lead]
    ):
        trail -= 1
    if sum(cell.width for cell in row[:lead]) != sum(
        cell.width for cell in row[len(row) - trail :]
    ):
        return row
    return row[lead : len(row) - trail]


def _cell_lines(block: Text, profile: PrinterProfile) -> list[PaperLine] | None:
    """The block as downloaded characters, or None when it must be a raster."""
    if not profile.download_chars or block.style.size is not Size.NORMAL:
        return None
    face = face_for(block.script)
    lines: list[PaperLine] = []
    for words, indent in _wrap_cells(block, face, profile.width_dots):
        rows = line_cells(words, face, indent)
        too_wide = sum(cell.width for cell in rows[0]) > profile.width_dots
        # A row can only use as many distinct glyphs as there are codes to define.
        if too_wide or any(len(set(row)) > len(CELL_CODES) for row in rows):
            return None
        trimmed = tuple(_trim(row, block.style.align) for row in rows)
        lines.append(CellLine(trimmed, block.style.align, block.style.bold))
    return lines


def _latin_lines(block: Text, profile: PrinterProfile) -> list[PaperLine]:
    width_mult, height_mult = _multipliers(block, profile.width_dots)
    columns = profile.width_dots // (CHAR_WIDTH_DOTS * width_mult)
    hang = ""
    if block.style.hanging and " " in block.text:
        hang = " " * (len(block.text.split(" ", 1)[0]) + 1)
    wrapped = textwrap.wrap(block.text, width=columns, subsequent_indent=hang) or [""]
    return [
        TextLine(line, width_mult, height_mult, block.style.bold, block.style.align)
        for line in wrapped
    ]


def _text_lines(block: Text, profile: PrinterProfile) -> list[PaperLine]:
    if block.script is Script.LATIN:
        return _latin_lines(block, profile)
    cells = _cell_lines(block, profile)
    if cells is not None:
        return cells
    images = render_text(
        block.text, block.script, block.style.size, block.style.bold, profile.width_dots
    )
    return [
        RasterLine(pad_to_bytes(image, block.style.align), block.style.align) for image in images
    ]


def _qr_line(block: QRCode, profile: PrinterProfile) -> QRLine:
    module = QR_NATIVE_MODULE_DOTS if profile.native_qr else QR_RASTER_MODULE_DOTS
    image = qr_image(block.payload, module)
    if profile.native_qr:
        return QRLine(block.payload, module, True, image, None)
    wire = pad_to_bytes(qr_image(block.payload, module // 2), Align.CENTER)
    return QRLine(
        block.payload, module, False, wire.resize((wire.width * 2, wire.height * 2)), wire
    )


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
