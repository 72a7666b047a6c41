"""Turn laid-out paper lines into ESC/POS bytes: text mode for Latin, GS v 0 for the rest."""

from __future__ import annotations

import bisect
import sys

from PIL import Image, ImageOps

from device_drivers import commands
from device_drivers.cells import CELL_CODES, Cell, CellRow
from device_drivers.document import Align, Document
from device_drivers.layout import (
    CellLine,
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


def raster_bytes(image: Image.Image, quadruple: bool = False) -> bytes:
    """GS v 0 for a mode-"1" image (black = ink) whose width is a whole number of bytes."""
    # In mode "1", tobytes() sets a bit for white; ESC/POS sets a bit for a printed dot.
    ink = ImageOps.invert(image.convert("L")).convert("1")
    return commands.raster_image(image.width // 8, image.height, ink.tobytes(), quadruple)


class _GlyphSlots:
    """Which glyph each user-defined code holds over one job.

    When every code is taken, a new glyph replaces the one needed again furthest ahead in
    the job (never again, best): the job is known in full, so this sends the fewest glyphs.
    ESC @ at the start of a job clears them: a job never relies on an earlier one's glyphs.
    """

    def __init__(self, rows: list[CellRow]) -> None:
        self.uses: dict[Cell, list[int]] = {}
        for index, row in enumerate(rows):
            for cell in dict.fromkeys(row):
                self.uses.setdefault(cell, []).append(index)
        self.code_of: dict[Cell, int] = {}
        self.glyph_at: dict[int, Cell] = {}
        self.row = -1

    def row_bytes(self, row: CellRow) -> tuple[bytes, bytes]:
        """ESC & for the glyphs this row adds, and the row's text."""
        self.row += 1
        missing = [cell for cell in dict.fromkeys(row) if cell not in self.code_of]
        new: dict[int, Cell] = {}
        for cell, code in zip(missing, self._codes_for(len(missing), set(row)), strict=True):
            old = self.glyph_at.pop(code, None)
            if old is not None:
                del self.code_of[old]
            self.code_of[cell], self.glyph_at[code] = code, cell
            new[code] = cell
        return _definitions(new), bytes(self.code_of[cell] for cell in row)

    def _next_use(self, cell: Cell) -> int:
        uses = self.uses.get(cell, [])
        later = bisect.bisect_right(uses, self.row)
        return uses[later] if later < len(uses) else sys.maxsize

    def _codes_for(self, count: int, needed: set[Cell]) -> list[int]:
        """Free codes first, then those whose glyph is needed furthest ahead (or never).

        Among glyphs never needed again, neighbouring codes are taken together: one
        ESC & defines a run of consecutive codes, five bytes saved for each run joined.
        """
        free = [code for code in CELL_CODES if code not in self.glyph_at][:count]
        if len(free) == count:
            return free
        wanted = count - len(free)
        spare = [code for code, cell in self.glyph_at.items() if cell not in needed]
        never = sorted(code for code in spare if self._next_use(self.glyph_at[code]) == sys.maxsize)
        if wanted <= len(never):
            start = min(
                range(len(never) - wanted + 1), key=lambda i: never[i + wanted - 1] - never[i]
            )
            return free + never[start : start + wanted]
        later = sorted(
            (code for code in spare if code not in never),
            key=lambda code: -self._next_use(self.glyph_at[code]),
        )
        return free + never + later[: wanted - len(never)]


def _definitions(new: dict[int, Cell]) -> bytes:
    """One ESC & per run of consecutive codes."""
    out = bytearray()
    codes = sorted(new)
    start = 0
    while start < len(codes):
        end = start
        while end + 1 < len(codes) and codes[end + 1] == codes[end] + 1:
            end += 1
        glyphs = [(new[code].width, new[code].columns) for code in codes[start : end + 1]]
        out += commands.define_user_chars(codes[start], glyphs)
        start = end + 1
    return bytes(out)


class _Encoder:
    """Emits only the mode changes a line needs: every byte counts on a 9600-baud link."""

    def __init__(self, profile: PrinterProfile, rows: list[CellRow]) -> None:
        self.profile = profile
        self.out = bytearray(
            commands.INITIALIZE + commands.select_codepage(profile.codepage_number)
        )
        self.align = Align.LEFT
        self.bold = False
        self.size = (1, 1)
        self.user_chars = False
        self.slots = _GlyphSlots(rows)

    def set_bold(self, bold: bool) -> None:
        if bold != self.bold:
            self.out += commands.BOLD_ON if bold else commands.BOLD_OFF
            self.bold = bold

    def text_mode(self) -> None:
        """Resident characters and the default line spacing again, after rows of cells."""
        if self.user_chars:
            self.out += commands.USER_CHARS_OFF + commands.DEFAULT_LINE_SPACING
            self.user_chars = False

    def cells(self, line: CellLine) -> None:
        self.set_align(line.align)
        self.set_bold(line.bold)
        if self.size != (1, 1):
            self.out += commands.character_size(1, 1)
            self.size = (1, 1)
        for row in line.rows:
            definitions, text = self.slots.row_bytes(row)
            self.out += definitions
            if not self.user_chars:
                self.out += commands.USER_CHARS_ON + commands.CELL_LINE_SPACING
                self.user_chars = True
            self.out += text + commands.LF
        # Every shaped line ends the same gap below its last row: even spacing.
        self.out += commands.feed_dots(RASTER_LINE_GAP_DOTS)

    def set_align(self, align: Align) -> None:
        if align is not self.align:
            self.out += commands.ALIGN[align.value]
            self.align = align

    def text(self, line: TextLine) -> None:
        self.text_mode()
        self.set_align(line.align)
        self.set_bold(line.bold)
        if (line.width_mult, line.height_mult) != self.size:
            self.out += commands.character_size(line.width_mult, line.height_mult)
            self.size = (line.width_mult, line.height_mult)
        self.out += line.text.encode(self.profile.codepage, errors="replace") + commands.LF

    def raster(self, line: RasterLine) -> None:
        self.set_align(line.align)
        self.out += raster_bytes(line.image) + commands.feed_dots(RASTER_LINE_GAP_DOTS)

    def qr(self, line: QRLine) -> None:
        self.set_align(Align.CENTER)
        self.out += commands.feed_dots(line.quiet_dots)
        if line.native:
            self.out += commands.native_qr(line.payload.encode("utf-8"), line.module_dots)
        elif line.wire_image is not None:
            self.out += raster_bytes(line.wire_image, quadruple=True)
        self.out += commands.feed_dots(line.quiet_dots)

    def add(self, line: PaperLine) -> None:
        if isinstance(line, TextLine):
            self.text(line)
        elif isinstance(line, RasterLine):
            self.raster(line)
        elif isinstance(line, CellLine):
            self.cells(line)
        elif isinstance(line, QRLine):
            self.qr(line)
        elif isinstance(line, FeedLine):
            self.text_mode()
            self.out += commands.feed_lines(line.lines)
        elif isinstance(line, CutLine):
            self.out += commands.CUT


def encode_lines(lines: list[PaperLine], profile: PrinterProfile) -> bytes:
    """The bytes of one job, starting with ESC @ and the Latin code page."""
    rows = [row for line in lines if isinstance(line, CellLine) for row in line.rows]
    encoder = _Encoder(profile, rows)
    for line in lines:
        encoder.add(line)
    return bytes(encoder.out)


def encode(document: Document, profile: PrinterProfile) -> bytes:
    """Lay out and encode a document for this printer."""
    return encode_lines(lay_out(document, profile), profile)
