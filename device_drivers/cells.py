"""Arabic and Tifinagh as downloaded font-A glyphs (ESC &): joining, visual order, cells."""

# A shaped line sent as a raster costs every dot of its bounding box, about 50 bytes per
# Arabic letter. The same line as user-defined characters costs one byte per cell once
# each distinct glyph has been sent: a receipt repeats the same few dozen letter forms.
# Arabic is joined into its presentation forms by arabic-reshaper (the contextual form of
# each letter, lam-alef ligatures) and ordered by the levels python-bidi (unicode-bidi)
# resolves for a right-to-left paragraph; each form is drawn by the same merged fonts as
# the raster path.

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from arabic_reshaper import ArabicReshaper  # type: ignore[import-untyped]
from bidi import get_display  # type: ignore[import-untyped]
from bidi.mirror import MIRRORED  # type: ignore[import-untyped]
from PIL import Image, ImageChops, ImageDraw, ImageFont

from device_drivers.document import Script
from device_drivers.raster import font_path

CELL_MAX_WIDTH = 12  # font A: a user-defined character is at most 12 dots wide
CELL_HEIGHT = 24  # and exactly 24 dots (three bytes a column) tall
CELL_CODES = range(0x20, 0x7F)  # the codes ESC & may define
_INK_THRESHOLD = 110


@dataclass(frozen=True)
class Face:
    """How a script's cells are drawn: font size, rows of cells a line spans, baseline row.

    There is no bold face: a bold line is the same glyphs in the printer's emphasized
    mode (ESC E, each dot struck again one dot to the right), so bold costs no glyphs.
    That is also Tifinagh's bold: no free font has one.
    """

    script: Script
    pixels: int
    rows: int
    baseline: int


# Arabic is a pixel smaller than the raster path's 24 (the largest receipt, 7.6 KB, would
# be 8.6 KB at 24); its marks and descenders need two rows of cells (48 dots), the baseline
# low enough that most letters' bodies sit in the lower one. Tifinagh is non-joining and
# sits on its baseline: one row holds it.
_FACE_SHAPE: dict[Script, tuple[int, int, int]] = {
    Script.ARABIC: (23, 2, 35),
    Script.TIFINAGH: (24, 1, 18),
}


def face_for(script: Script) -> Face:
    """The cell face of a shaped script."""
    pixels, rows, baseline = _FACE_SHAPE[script]
    return Face(script, pixels, rows, baseline)


@dataclass(frozen=True)
class Cell:
    """One user-defined character: its width in dots and its columns, top dot the high bit."""

    width: int
    columns: bytes

    def image(self) -> Image.Image:
        """The cell as on paper: mode "1", black = ink."""
        return cell_image(self.width, self.columns)


def cell_image(width: int, columns: bytes) -> Image.Image:
    """A mode-"1" image (black = ink) of `width` columns of three bytes each."""
    image = Image.new("1", (max(width, 1), CELL_HEIGHT), 1)
    pixels = image.load()
    assert pixels is not None
    for x in range(width):
        for y in range(CELL_HEIGHT):
            if columns[x * 3 + y // 8] & (0x80 >> (y % 8)):
                pixels[x, y] = 0
    return image


CellRow = tuple[Cell, ...]

# --- Arabic joining and visual order ----------------------------------------------------

# Each letter in its contextual presentation form, lam-alef as its ligature: the forms Raqm
# (HarfBuzz) draws for the same letters. The font also maps the word ligatures (Allah and
# the like) but HarfBuzz does not use them, so neither do we. Harakat stay on their letter
# and tatweel stays a joining letter: the font draws both.
_RESHAPER = ArabicReshaper(
    configuration={
        "delete_harakat": False,
        "shift_harakat_position": False,
        "delete_tatweel": False,
        "support_ligatures": True,
        "ARABIC LIGATURE ALLAH": False,
    }
)
_LEVEL = re.compile(r"Level\(\s*(\d+)")


def joined_units(text: str) -> list[str]:
    """Logical-order units of an Arabic line: each letter in its contextual form with its marks.

    Lam followed by alef becomes the lam-alef ligature, as every Arabic font draws it.
    """
    units: list[str] = []
    for char in _RESHAPER.reshape(text):
        if units and unicodedata.category(char) == "Mn":
            units[-1] += char
        else:
            units.append(char)
    return units


def embedding_levels(text: str) -> list[int]:
    """The bidi algorithm's resolved level of each character of a right-to-left paragraph.

    Odd is right to left: the Arabic and the neutrals between; even is left to right:
    numbers, Latin words and what they enclose.
    """
    # python-bidi's get_display reorders a string (rules L1-L2) but neither mirrors (L4)
    # nor says where each character went (python-bidi issue 25). Its debug report is the
    # unicode-bidi crate's BidiInfo, whose resolved levels run one per UTF-8 byte.
    report = str(get_display(text, base_dir="R", debug=True))
    listing = report.partition("levels:")[2].partition("paragraphs:")[0]
    by_byte = [int(level) for level in _LEVEL.findall(listing)]
    if len(by_byte) != len(text.encode()):
        raise RuntimeError("python-bidi's debug report no longer lists one level per byte")
    levels = []
    offset = 0
    for char in text:
        levels.append(by_byte[offset])
        offset += len(char.encode())
    return levels


def visual_order(levels: Sequence[int]) -> list[int]:
    """Logical indices in the order they are printed, left to right (rule L2 of UAX #9).

    From the highest level down to 1, every run at that level or above is reversed: the
    line reads right to left, and its numbers and Latin words left to right inside it.
    """
    order = list(range(len(levels)))
    for level in range(max(levels, default=0), 0, -1):
        start = 0
        while start < len(order):
            if levels[order[start]] < level:
                start += 1
                continue
            end = start
            while end < len(order) and levels[order[end]] >= level:
                end += 1
            order[start:end] = reversed(order[start:end])
            start = end
    return order


# Wrapping measures a line's candidates again and again; bounded, since lines change.
@lru_cache(maxsize=1024)
def _arabic_units(text: str) -> tuple[str, ...]:
    units = joined_units(text)
    levels = embedding_levels("".join(units))
    # A unit's level is its letter's: its marks take the letter's type (rule W1).
    starts = itertools.accumulate((len(unit) for unit in units), initial=0)
    unit_levels = [levels[start] for start, _ in zip(starts, units, strict=False)]
    # Rule L4: a bracket in a right-to-left run is drawn as its mirror image, "(" as ")".
    return tuple(
        MIRRORED.get(units[k][0], units[k][0]) + units[k][1:] if unit_levels[k] % 2 else units[k]
        for k in visual_order(unit_levels)
    )


def units_of(text: str, script: Script) -> list[str]:
    """The printed units of a line, left to right."""
    if script is Script.ARABIC:
        return list(_arabic_units(text))
    return list(text)


# --- Glyph cells ----------------------------------------------------------------------


@cache
def _font(face: Face) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(
        font_path(face.script, False), face.pixels, layout_engine=ImageFont.Layout.RAQM
    )


@cache
def unit_image(unit: str, face: Face) -> Image.Image:
    """One unit drawn at its advance: mode "1" (black = ink), `face.rows` cells tall.

    Ink beyond the advance (a final letter's tail) widens the image rather than being lost.
    """
    font = _font(face)
    height = face.rows * CELL_HEIGHT
    advance = round(font.getlength(unit, features=["-kern"]))
    pad = face.pixels
    canvas = Image.new("L", (advance + 2 * pad, height), 0)
    ImageDraw.Draw(canvas).text((pad, face.baseline), unit, font=font, fill=255, anchor="ls")
    ink = canvas.point(lambda value: 255 if value >= _INK_THRESHOLD else 0)
    box = ink.getbbox()
    left, right = pad, pad + advance
    if box is not None:
        left, right = min(left, box[0]), max(right, box[2])
    inverted = ink.crop((left, 0, max(right, left + 1), height)).point(
        lambda value: 0 if value else 255
    )
    return inverted.convert("1")


def _columns(image: Image.Image) -> bytes:
    """Column-major bytes, three a column, top dot in the high bit, a set bit for ink."""
    # Rotated and mirrored, each column of the image is a row of 24 bits, ink set.
    turned = ImageChops.invert(image.convert("L")).transpose(Image.Transpose.TRANSPOSE)
    return turned.convert("1").tobytes()


def _row_cells(row: Image.Image, cuts: Sequence[int]) -> CellRow:
    """One row of a line cut into cells: blank stretches as blank cells, ink cut at units.

    Cutting ink only where one unit ends and the next begins, and blank wherever it is,
    makes the same letter the same cells wherever it stands: it is defined once a job.
    """
    width = row.width
    columns = _columns(row)
    ink = [any(columns[3 * x : 3 * x + 3]) for x in range(width)]
    cells: list[Cell] = []
    x = 0
    while x < width:
        end = x
        while end < width and ink[end] == ink[x]:
            end += 1
        if ink[x]:
            start = x
            for stop in [cut for cut in cuts if x < cut < end] + [end]:
                cells += _chunks(row, start, stop)
                start = stop
        else:
            cells += _chunks(row, x, end)
        x = end
    return tuple(cells)


def _chunks(row: Image.Image, start: int, stop: int) -> list[Cell]:
    cells = []
    for x in range(start, stop, CELL_MAX_WIDTH):
        width = min(CELL_MAX_WIDTH, stop - x)
        cells.append(Cell(width, _columns(row.crop((x, 0, x + width, CELL_HEIGHT)))))
    return cells


def line_cells(text: str, face: Face, indent: int = 0) -> tuple[CellRow, ...]:
    """A line as rows of cells, left to right; `indent` blank dots at the line's start side."""
    images = [unit_image(unit, face) for unit in units_of(text, face.script)]
    total = sum(image.width for image in images) + indent
    line = Image.new("1", (max(total, 1), face.rows * CELL_HEIGHT), 1)
    # A right-to-left line starts on the right: its indent is there.
    x = indent if face.script is not Script.ARABIC else 0
    cuts = []
    for image in images:
        line.paste(image, (x, 0))
        x += image.width
        cuts.append(x)
    return tuple(
        _row_cells(line.crop((0, r * CELL_HEIGHT, line.width, (r + 1) * CELL_HEIGHT)), cuts)
        for r in range(face.rows)
    )


def line_width(text: str, face: Face) -> int:
    """Dots across a line drawn as cells."""
    return sum(unit_image(unit, face).width for unit in units_of(text, face.script))


def row_image(row: CellRow) -> Image.Image:
    """A row of cells side by side, as the printer prints them (no space between cells)."""
    image = Image.new("1", (max(sum(cell.width for cell in row), 1), CELL_HEIGHT), 1)
    x = 0
    for cell in row:
        image.paste(cell.image(), (x, 0))
        x += cell.width
    return image


def rows_image(
    rows: Sequence[CellRow], emphasized: bool = False, align: str = "left"
) -> Image.Image:
    """Rows stacked with no gap, as ESC 3 24 prints them, each placed by the printer's
    alignment (rows of one line may differ in width); emphasized strikes each dot twice."""
    images = [row_image(row) for row in rows]
    width = max(piece.width for piece in images)
    image = Image.new("1", (width, CELL_HEIGHT * len(images)), 1)
    for index, piece in enumerate(images):
        spare = width - piece.width
        x = {"left": 0, "center": spare // 2, "right": spare}[align]
        image.paste(piece, (x, index * CELL_HEIGHT))
    if emphasized:
        ink = ImageChops.invert(image.convert("L"))
        widened = ImageChops.lighter(ink, ImageChops.offset(ink, 1, 0).crop((0, 0, *ink.size)))
        image = ImageChops.invert(widened).convert("1")
    return image
