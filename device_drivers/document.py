"""The printable document: blocks of already-translated text, QR codes, separators, feeds, a cut."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum


class Script(StrEnum):
    """How a text line reaches the paper: printer text mode (latin) or shaped raster."""

    LATIN = "latin"
    ARABIC = "arabic"
    TIFINAGH = "tifinagh"


class Size(StrEnum):
    """Text size: body text, double height and width, or a ticket number across the paper."""

    NORMAL = "normal"
    DOUBLE = "double"
    BIG_NUMBER = "big_number"


class Align(StrEnum):
    """Horizontal position of a line on the paper."""

    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


@dataclass(frozen=True)
class Style:
    """How a text block looks."""

    size: Size = Size.NORMAL
    bold: bool = False
    align: Align = Align.LEFT
    # A list item: lines after the first start under the text, not under the bullet.
    hanging: bool = False


@dataclass(frozen=True)
class Text:
    """One paragraph of already-translated text; long text wraps by words."""

    text: str
    style: Style = field(default_factory=Style)
    script: Script = Script.LATIN


@dataclass(frozen=True)
class QRCode:
    """A QR code (a tracking link, for example), centred."""

    payload: str


@dataclass(frozen=True)
class Separator:
    """A thin horizontal rule across the paper."""


@dataclass(frozen=True)
class Feed:
    """Blank lines."""

    lines: int = 1


@dataclass(frozen=True)
class Cut:
    """Feed past the cutter and cut the paper."""


Block = Text | QRCode | Separator | Feed | Cut
Document = tuple[Block, ...]


def script_of(text: str) -> Script:
    """The script a line must be printed in: any Arabic or Tifinagh letter forces a raster."""
    for char in text:
        if "\u2d30" <= char <= "\u2d7f":
            return Script.TIFINAGH
        if unicodedata.bidirectional(char) in ("AL", "R"):
            return Script.ARABIC
    return Script.LATIN


def text(
    content: str,
    size: Size = Size.NORMAL,
    bold: bool = False,
    align: Align = Align.LEFT,
    hanging: bool = False,
) -> Text:
    """A text block whose script is read from its content."""
    return Text(content, Style(size, bold, align, hanging), script_of(content))
