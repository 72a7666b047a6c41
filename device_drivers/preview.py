"""Draw laid-out lines as the paper will show them, at the printer's dot width (a 1-bit PNG)."""

from __future__ import annotations

from functools import cache

from PIL import Image, ImageDraw, ImageFont

from device_drivers.cells import rows_image
from device_drivers.document import Align, Document, Script
from device_drivers.encoder import RASTER_LINE_GAP_DOTS
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
from device_drivers.profiles import CHAR_HEIGHT_DOTS, CHAR_WIDTH_DOTS, PrinterProfile
from device_drivers.raster import font_path

LINE_SPACING_DOTS = 30  # ESC 2, the default line spacing (1/6 inch at 180 dpi)
MARGIN_DOTS = 16  # white paper shown above the first and below the last line
_CELL_FONT_PIXELS = 21


@cache
def _cell_font(bold: bool) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(font_path(Script.LATIN, bold), _CELL_FONT_PIXELS)


@cache
def _glyph(char: str, bold: bool) -> Image.Image:
    """One character in a font A cell; wide letters (M, W) are squeezed as the printer's are."""
    font = _cell_font(bold)
    width = max(int(font.getlength(char)), 1)
    canvas = Image.new("1", (width, CHAR_HEIGHT_DOTS), 1)
    ImageDraw.Draw(canvas).text((0, CHAR_HEIGHT_DOTS - 5), char, font=font, fill=0, anchor="ls")
    if width > CHAR_WIDTH_DOTS:
        canvas = canvas.resize((CHAR_WIDTH_DOTS, CHAR_HEIGHT_DOTS), Image.Resampling.NEAREST)
    return canvas


def _text_image(line: TextLine) -> Image.Image:
    # A printer draws font A in fixed 12 x 24 cells and scales each cell by GS !;
    # drawing the same way shows where lines really break and what would be cut off.
    cells = Image.new("1", (max(len(line.text), 1) * CHAR_WIDTH_DOTS, CHAR_HEIGHT_DOTS), 1)
    for index, char in enumerate(line.text):
        glyph = _glyph(char, line.bold)
        cells.paste(glyph, (index * CHAR_WIDTH_DOTS + (CHAR_WIDTH_DOTS - glyph.width) // 2, 0))
    scaled = (cells.width * line.width_mult, cells.height * line.height_mult)
    return cells.resize(scaled, Image.Resampling.NEAREST)


def _x(width: int, paper: int, align: Align) -> int:
    return {Align.LEFT: 0, Align.CENTER: (paper - width) // 2, Align.RIGHT: paper - width}[align]


def draw_lines(lines: list[PaperLine], profile: PrinterProfile) -> Image.Image:
    """One tall 1-bit image of the printed paper."""
    paper = profile.width_dots
    pieces: list[tuple[Image.Image | None, int, int]] = []  # image, x, advance
    for line in lines:
        if isinstance(line, TextLine):
            image = _text_image(line)
            advance = max(LINE_SPACING_DOTS, image.height + 6)
            pieces.append((image, _x(image.width, paper, line.align), advance))
        elif isinstance(line, RasterLine):
            x = _x(line.image.width, paper, line.align)
            pieces.append((line.image, x, line.image.height + RASTER_LINE_GAP_DOTS))
        elif isinstance(line, CellLine):
            image = rows_image(line.rows, line.bold, line.align.value)
            x = _x(image.width, paper, line.align)
            pieces.append((image, x, image.height + RASTER_LINE_GAP_DOTS))
        elif isinstance(line, QRLine):
            x = _x(line.image.width, paper, Align.CENTER)
            pieces.append((None, 0, line.quiet_dots))
            pieces.append((line.image, x, line.image.height + line.quiet_dots))
        elif isinstance(line, FeedLine):
            pieces.append((None, 0, LINE_SPACING_DOTS * line.lines))
        elif isinstance(line, CutLine):
            pieces.append((None, 0, 0))
    height = MARGIN_DOTS * 2 + sum(advance for _, _, advance in pieces)
    page = Image.new("1", (paper, height), 1)
    y = MARGIN_DOTS
    for piece, x, advance in pieces:
        if piece is not None:
            page.paste(piece, (x, y))
        y += advance
    return page


def render_preview(document: Document, profile: PrinterProfile) -> Image.Image:
    """The document drawn as this printer would print it."""
    return draw_lines(lay_out(document, profile), profile)
