"""A small ESC/POS decoder for tests: text, downloaded-character rows, rasters, QR codes, cuts.

Strict on purpose: a command it does not know raises, so a stray byte in a job fails a test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PIL import Image

CODEPAGES = {0: "cp437", 2: "cp850", 16: "cp1252", 19: "cp858"}
ALIGNMENTS = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right"}


class DecodeError(ValueError):
    """Bytes that are not the ESC/POS this decoder knows."""


@dataclass(frozen=True)
class TextRun:
    """One printed line of text mode, decoded with the selected code page."""

    text: str
    codepage: str
    bold: bool
    width_mult: int
    height_mult: int
    align: str


@dataclass(frozen=True)
class Raster:
    """A GS v 0 raster image; `scale` 2 when sent in quadruple mode (each dot 2 x 2)."""

    width_bytes: int
    height: int
    data: bytes
    align: str
    scale: int = 1

    @property
    def width(self) -> int:
        return self.width_bytes * 8

    def image(self) -> Image.Image:
        """The image as on paper: mode "1", black = printed dot."""
        # ESC/POS sets a bit for a printed dot; PIL mode "1" sets it for white.
        inverted = bytes(255 - value for value in self.data)
        image = Image.frombytes("1", (self.width, self.height), inverted)
        if self.scale != 1:
            image = image.resize((self.width * self.scale, self.height * self.scale))
        return image


Glyph = tuple[int, bytes]  # a downloaded character: width in dots, three bytes a column


@dataclass(frozen=True)
class CellRow:
    """One printed line of downloaded characters (ESC & glyphs selected with ESC % 1)."""

    glyphs: tuple[Glyph, ...]
    bold: bool
    align: str
    line_spacing: int | None  # ESC 3 n in force, None for the default

    def image(self) -> Image.Image:
        """The row as on paper (without emphasis): mode "1", black = printed dot."""
        image = Image.new("1", (max(sum(w for w, _ in self.glyphs), 1), 24), 1)
        x = 0
        for width, columns in self.glyphs:
            for column in range(width):
                for y in range(24):
                    if columns[column * 3 + y // 8] & (0x80 >> (y % 8)):
                        image.putpixel((x + column, y), 0)
            x += width
        return image


@dataclass(frozen=True)
class QR:
    """A native QR code (GS ( k store + print)."""

    payload: str
    module_dots: int
    error_correction: int


@dataclass(frozen=True)
class Cut:
    """GS V."""


@dataclass(frozen=True)
class StatusQuery:
    """DLE EOT n."""

    kind: int


Element = TextRun | CellRow | Raster | QR | Cut | StatusQuery


@dataclass
class Decoded:
    """Everything a job contains, in order."""

    elements: list[Element] = field(default_factory=list)
    initialised: int = 0

    @property
    def text_runs(self) -> list[TextRun]:
        return [e for e in self.elements if isinstance(e, TextRun)]

    @property
    def cell_rows(self) -> list[CellRow]:
        return [e for e in self.elements if isinstance(e, CellRow)]

    @property
    def rasters(self) -> list[Raster]:
        return [e for e in self.elements if isinstance(e, Raster)]

    @property
    def qr_codes(self) -> list[QR]:
        return [e for e in self.elements if isinstance(e, QR)]

    @property
    def cuts(self) -> int:
        return sum(isinstance(e, Cut) for e in self.elements)

    def plain_text(self) -> str:
        """All text-mode lines joined by spaces (wrapped phrases read whole again)."""
        return " ".join(run.text.strip() for run in self.text_runs if run.text.strip())


@dataclass
class _State:
    codepage: int = 0
    bold: bool = False
    width_mult: int = 1
    height_mult: int = 1
    align: str = "left"
    qr_data: bytes = b""
    qr_module: int = 3
    qr_ec: int = 48
    user_chars: bool = False
    glyphs: dict[int, Glyph] = field(default_factory=dict)
    line_spacing: int | None = None


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, count: int) -> bytes:
        if self.pos + count > len(self.data):
            raise DecodeError(f"truncated command at byte {self.pos}")
        chunk = self.data[self.pos : self.pos + count]
        self.pos += count
        return chunk

    def byte(self) -> int:
        return self.take(1)[0]


def decode(data: bytes) -> Decoded:
    """Decode one or more jobs' bytes."""
    reader = _Reader(data)
    state = _State()
    result = Decoded()
    line = bytearray()

    def flush_line() -> None:
        if state.user_chars and any(code in state.glyphs for code in line):
            if not all(code in state.glyphs for code in line):
                raise DecodeError(f"a line mixes downloaded and resident characters: {line!r}")
            glyphs = tuple(state.glyphs[code] for code in line)
            result.elements.append(CellRow(glyphs, state.bold, state.align, state.line_spacing))
            line.clear()
            return
        codepage = CODEPAGES.get(state.codepage, f"table-{state.codepage}")
        result.elements.append(
            TextRun(
                bytes(line).decode(codepage),
                codepage,
                state.bold,
                state.width_mult,
                state.height_mult,
                state.align,
            )
        )
        line.clear()

    while reader.pos < len(data):
        value = reader.byte()
        if value == 0x0A:
            flush_line()
        elif value == 0x1B:
            _escape(reader, state, result, line, flush_line)
        elif value == 0x1D:
            _group(reader, state, result)
        elif value == 0x10:
            if reader.byte() != 0x04:
                raise DecodeError(f"unknown DLE command at byte {reader.pos - 1}")
            result.elements.append(StatusQuery(reader.byte()))
        elif value < 0x20:
            raise DecodeError(f"unexpected control byte 0x{value:02x} at {reader.pos - 1}")
        else:
            line.append(value)
    if line:
        flush_line()
    return result


def _escape(
    reader: _Reader,
    state: _State,
    result: Decoded,
    line: bytearray,
    flush_line: Callable[[], None],
) -> None:
    command = chr(reader.byte())
    if command == "@":
        vars(state).update(vars(_State()))
        result.initialised += 1
    elif command == "t":
        state.codepage = reader.byte()
    elif command == "a":
        state.align = ALIGNMENTS[reader.byte()]
    elif command == "E":
        state.bold = bool(reader.byte() & 1)
    elif command in ("d", "J"):
        reader.byte()
        if line:
            flush_line()
    elif command == "&":
        if reader.byte() != 3:
            raise DecodeError("downloaded characters other than font A's 24 dots")
        first, last = reader.byte(), reader.byte()
        if not 0x20 <= first <= last <= 0x7E:
            raise DecodeError(f"ESC & codes {first}..{last} outside 32..126")
        for code in range(first, last + 1):
            width = reader.byte()
            if width > 12:
                raise DecodeError(f"a downloaded character {width} dots wide (font A: 12)")
            state.glyphs[code] = (width, reader.take(3 * width))
    elif command == "%":
        state.user_chars = bool(reader.byte() & 1)
    elif command == "3":
        state.line_spacing = reader.byte()
    elif command == "2":
        state.line_spacing = None
    else:
        raise DecodeError(f"unknown command ESC {command!r} at byte {reader.pos - 2}")


def _group(reader: _Reader, state: _State, result: Decoded) -> None:
    command = chr(reader.byte())
    if command == "!":
        size = reader.byte()
        state.width_mult, state.height_mult = (size >> 4) + 1, (size & 0x0F) + 1
    elif command == "v":
        if reader.byte() != ord("0"):
            raise DecodeError("only GS v 0 is expected")
        mode = reader.byte()
        if mode not in (0, 3, 48, 51):
            raise DecodeError(f"GS v 0 mode {mode}: only normal and quadruple are expected")
        width_bytes = int.from_bytes(reader.take(2), "little")
        height = int.from_bytes(reader.take(2), "little")
        data = reader.take(width_bytes * height)
        scale = 2 if mode in (3, 51) else 1
        result.elements.append(Raster(width_bytes, height, data, state.align, scale))
    elif command == "(":
        if reader.byte() != ord("k"):
            raise DecodeError("only GS ( k is expected")
        length = int.from_bytes(reader.take(2), "little")
        body = reader.take(length)
        _qr(body, state, result)
    elif command == "V":
        mode = reader.byte()
        if mode in (65, 66):
            reader.byte()
        result.elements.append(Cut())
    else:
        raise DecodeError(f"unknown command GS {command!r} at byte {reader.pos - 2}")


def _qr(body: bytes, state: _State, result: Decoded) -> None:
    if body[0] != 49:
        raise DecodeError("GS ( k for a symbol other than QR")
    function = body[1]
    if function == 67:
        state.qr_module = body[2]
    elif function == 69:
        state.qr_ec = body[2]
    elif function == 80:
        state.qr_data = body[3:]
    elif function == 81:
        result.elements.append(QR(state.qr_data.decode("utf-8"), state.qr_module, state.qr_ec))
    elif function != 65:
        raise DecodeError(f"unknown QR function {function}")
