"""Arabic and Tifinagh as downloaded font-A glyphs (ESC &): joining, visual order, cells."""

# A shaped line sent as a raster costs every dot of its bounding box, about 50 bytes per
# Arabic letter. The same line as user-defined characters costs one byte per cell once
# each distinct glyph has been sent: a receipt repeats the same few dozen letter forms.
# Arabic is joined here with its presentation forms (the contextual form of each letter,
# lam-alef ligatures) and ordered right to left with the rules of the bidi algorithm that
# a receipt's lines need; each form is drawn by the same merged fonts as the raster path.

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

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

# --- Arabic joining -------------------------------------------------------------------

_ALEFS = frozenset("\u0622\u0623\u0625\u0627")  # with madda, hamza above, hamza below, plain
_LAM = "\u0644"
_TATWEEL = "\u0640"


@cache
def _forms() -> dict[str, dict[str, str]]:
    """Presentation forms by letter (or lam + alef): isolated, final, initial, medial."""
    forms: dict[str, dict[str, str]] = {}
    for code in range(0xFE80, 0xFEFD):
        char = chr(code)
        parts = unicodedata.decomposition(char).split()
        if len(parts) < 2 or not parts[0].startswith("<"):
            continue
        base = "".join(chr(int(part, 16)) for part in parts[1:])
        forms.setdefault(base, {})[parts[0].strip("<>")] = char
    return forms


def _joining_type(char: str) -> str:
    """D (joins both sides), R (joins the letter before it only), T (transparent mark) or U."""
    if unicodedata.category(char) == "Mn":
        return "T"
    if char == _TATWEEL:
        return "D"
    forms = _forms().get(char, {})
    if "initial" in forms or "medial" in forms:
        return "D"
    return "R" if "final" in forms else "U"


def _neighbour(types: Sequence[str], start: int, step: int) -> int | None:
    index = start + step
    while 0 <= index < len(types):
        if types[index] != "T":
            return index
        index += step
    return None


def _form(base: str, joins_before: bool, joins_after: bool) -> str:
    forms = _forms().get(base, {})
    wanted = {
        (True, True): "medial",
        (True, False): "final",
        (False, True): "initial",
        (False, False): "isolated",
    }[(joins_before, joins_after)]
    return forms.get(wanted) or forms.get("isolated") or base


def joined_units(text: str) -> list[str]:
    """Logical-order units of an Arabic line: each letter in its contextual form with its marks.

    Lam followed by alef becomes the lam-alef ligature, as every Arabic font draws it.
    """
    types = [_joining_type(char) for char in text]
    units: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if types[index] == "T" and units:
            units[-1] += char
            index += 1
            continue
        before = _neighbour(types, index, -1)
        after = _neighbour(types, index, 1)
        joins_before = types[index] in "DR" and before is not None and types[before] == "D"
        if char == _LAM and after is not None and text[after] in _ALEFS:
            units.append(_form(char + text[after], joins_before, False))
            units[-1] += "".join(text[index + 1 : after])  # marks on the lam
            index = after + 1
            continue
        joins_after = types[index] == "D" and after is not None and types[after] in "DR"
        units.append(_form(char, joins_before, joins_after) if types[index] != "U" else char)
        index += 1
    return units


# --- Visual order (the bidi algorithm's rules for a right-to-left paragraph) ------------

_MIRROR = {"(": ")", ")": "(", "[": "]", "]": "[", "{": "}", "}": "{", "<": ">", ">": "<"}
_MIRROR |= {"«": "»", "»": "«", "‹": "›", "›": "‹"}


def _bidi_class(unit: str) -> str:
    kind = unicodedata.bidirectional(unit[0])
    if kind in ("AL", "R"):
        return "R"
    if kind in ("EN", "AN"):
        return "EN"
    if kind in ("L", "ES", "CS", "ET"):
        return kind
    return "N"


def visual_order(units: Sequence[str]) -> list[str]:
    """Units of a right-to-left paragraph in the order they are printed, left to right.

    Rules W4-W7, N1-N2 and L2 of UAX #9 for one paragraph without embeddings: numbers
    and Latin words stay left to right inside the Arabic line, and brackets are mirrored.
    """
    kinds = [_bidi_class(unit) for unit in units]
    count = len(kinds)
    for i in range(1, count - 1):  # W4: one separator between two numbers
        if kinds[i] in ("ES", "CS") and kinds[i - 1] == "EN" and kinds[i + 1] == "EN":
            kinds[i] = "EN"
    for i in range(count):  # W5: terminators next to a number
        if kinds[i] == "ET":
            j = i
            while j < count and kinds[j] == "ET":
                j += 1
            if (i > 0 and kinds[i - 1] == "EN") or (j < count and kinds[j] == "EN"):
                for k in range(i, j):
                    kinds[k] = "EN"
    kinds = ["N" if kind in ("ES", "CS", "ET") else kind for kind in kinds]  # W6
    strong = "R"
    for i, kind in enumerate(kinds):  # W7: numbers in a Latin stretch are Latin
        if kind in ("L", "R"):
            strong = kind
        elif kind == "EN" and strong == "L":
            kinds[i] = "L"
    resolved = list(kinds)
    i = 0
    while i < count:  # N1-N2: neutrals take their neighbours' direction, else the paragraph's
        if kinds[i] != "N":
            i += 1
            continue
        j = i
        while j < count and kinds[j] == "N":
            j += 1
        left = "R" if i == 0 or kinds[i - 1] in ("R", "EN") else "L"
        right = "R" if j == count or kinds[j] in ("R", "EN") else "L"
        for k in range(i, j):
            resolved[k] = left if left == right else "R"
        i = j
    levels = [1 if kind == "R" else 2 for kind in resolved]
    order = list(range(count))
    i = 0
    while i < count:  # L2: reverse the left-to-right islands, then the whole line
        if levels[order[i]] != 2:
            i += 1
            continue
        j = i
        while j < count and levels[order[j]] == 2:
            j += 1
        order[i:j] = reversed(order[i:j])
        i = j
    order.reverse()
    return [_MIRROR.get(units[k], units[k]) if levels[k] == 1 else units[k] for k in order]


def units_of(text: str, script: Script) -> list[str]:
    """The printed units of a line, left to right."""
    if script is Script.ARABIC:
        return visual_order(joined_units(text))
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
