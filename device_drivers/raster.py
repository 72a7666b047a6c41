"""Shaped text (Arabic, Tifinagh) and QR codes as 1-bit images cropped to their ink."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont

from device_drivers.bidi import rtl_line_runs
from device_drivers.document import Align, Script, Size

FONTS_PACKAGE = "assets"
_FONT_FILES: dict[tuple[Script, bool], str] = {
    (Script.ARABIC, False): "NotoSansArabic-Regular.ttf",
    (Script.ARABIC, True): "NotoSansArabic-Bold.ttf",
    (Script.TIFINAGH, False): "NotoSansTifinagh-Regular.ttf",
    # Noto has no bold Tifinagh: bold Tifinagh lines use the regular face.
    (Script.TIFINAGH, True): "NotoSansTifinagh-Regular.ttf",
    (Script.LATIN, False): "NotoSans-Regular.ttf",
    (Script.LATIN, True): "NotoSans-Bold.ttf",
}
# Pixel sizes chosen so a raster line stands as tall as font A (24 dots) or its double.
FONT_PIXELS: dict[Size, int] = {Size.NORMAL: 24, Size.DOUBLE: 42, Size.BIG_NUMBER: 96}
# Tifinagh glyphs sit low in their em square: a larger size gives them the same ink height.
_SCRIPT_SCALE: dict[Script, float] = {Script.ARABIC: 1.0, Script.TIFINAGH: 1.25, Script.LATIN: 1.0}
# Anti-aliased edges darker than this become ink; a little below half keeps thin strokes.
_INK_THRESHOLD = 110
QR_ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M


@cache
def fonts_dir() -> Path:
    """The packaged fonts directory (assets/fonts), wherever the kiosk is installed."""
    return Path(str(resources.files(FONTS_PACKAGE).joinpath("fonts")))


def font_path(script: Script, bold: bool) -> str:
    """Filesystem path of the packaged Noto font for a script."""
    return str(fonts_dir() / _FONT_FILES[(script, bold)])


@cache
def font_for(script: Script, size: Size, bold: bool) -> ImageFont.FreeTypeFont:
    """The font a script is shaped with, through Raqm (HarfBuzz + FriBiDi)."""
    return ImageFont.truetype(
        font_path(script, bold),
        round(FONT_PIXELS[size] * _SCRIPT_SCALE[script]),
        layout_engine=ImageFont.Layout.RAQM,
    )


def _shaping(script: Script) -> tuple[str, str]:
    """Raqm's direction and language for a script."""
    if script is Script.ARABIC:
        return "rtl", "ar"
    return "ltr", "zgh" if script is Script.TIFINAGH else "fr"


@cache
def _has_glyph(script: Script, bold: bool, char: str) -> bool:
    if char.isspace():
        return True
    font = font_for(script, Size.NORMAL, bold)
    return _glyph_bitmap(font, char) != _glyph_bitmap(font, "\uffff")


def _glyph_bitmap(font: ImageFont.FreeTypeFont, char: str) -> bytes:
    canvas = Image.new("L", (int(font.size) * 2, int(font.size) * 2), 0)
    ImageDraw.Draw(canvas).text((0, 0), char, font=font, fill=255)
    return canvas.tobytes()


@dataclass(frozen=True)
class _Run:
    """Characters drawn with one font in one direction (rtl runs are in logical order)."""

    text: str
    script: Script
    rtl: bool = False


_MIRRORED = str.maketrans("()[]{}<>«»", ")(][}{><»«")


def _font_runs(text: str, script: Script, bold: bool) -> list[_Run]:
    """Split text into runs the script's font can draw and runs that need the Latin font.

    Noto's Arabic font has no Latin letters and its Tifinagh font has no digits or
    punctuation: a masked name or a count inside a translated sentence falls back to
    Noto Sans. Digits, punctuation and spaces stay with the run they follow.
    """
    runs: list[_Run] = []
    for char in text:
        if char.isalpha():
            # Letters decide the run; digits, punctuation and spaces follow the letters
            # before them, so "AB****56" stays one Latin run.
            wanted = script if _has_glyph(script, bold, char) else Script.LATIN
        elif runs and _has_glyph(runs[-1].script, bold, char):
            wanted = runs[-1].script
        else:
            wanted = script if _has_glyph(script, bold, char) else Script.LATIN
        if runs and runs[-1].script is wanted:
            runs[-1] = _Run(runs[-1].text + char, wanted)
        else:
            runs.append(_Run(char, wanted))
    return runs


def _visual_runs(text: str, script: Script, bold: bool) -> list[_Run]:
    """The runs of one line from left to right, each with its font and direction."""
    if script is not Script.ARABIC:
        return _font_runs(text, script, bold)
    runs: list[_Run] = []
    for directional in rtl_line_runs(text):
        if not directional.rtl:
            # Latin words and numbers read left to right, in Noto Sans, which has them all.
            runs.append(_Run(directional.text, Script.LATIN))
            continue
        for piece in reversed(_font_runs(directional.text, Script.ARABIC, bold)):
            if piece.script is Script.ARABIC:
                runs.append(_Run(piece.text, Script.ARABIC, rtl=True))
            else:
                # Punctuation the Arabic font lacks: laid out here, mirrored as bidi requires.
                runs.append(_Run(piece.text[::-1].translate(_MIRRORED), Script.LATIN))
    return runs


def _shaping_of(run: _Run) -> tuple[str, str]:
    return (
        ("rtl", "ar")
        if run.rtl
        else _shaping(Script.LATIN if run.script is Script.ARABIC else run.script)
    )


def line_width(text: str, script: Script, size: Size, bold: bool) -> float:
    """Advance width of a line in dots, as render_line would draw it."""
    total = 0.0
    for run in _visual_runs(text, script, bold):
        direction, language = _shaping_of(run)
        font = font_for(run.script, size, bold)
        total += font.getlength(run.text, direction=direction, language=language)
    return total


def wrap_words(text: str, script: Script, size: Size, bold: bool, max_width: int) -> list[str]:
    """Break text into lines by words, in logical (reading) order, each no wider than max_width.

    Lines are split before shaping, so each is shaped on its own and the first words of
    an Arabic sentence land on the top line, as a reader expects.
    """
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if current and line_width(candidate, script, size, bold) > max_width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def render_line(text: str, script: Script, size: Size, bold: bool) -> Image.Image:
    """One shaped line as a mode-"1" image (black = ink), cropped to its ink's bounding box."""
    runs = _visual_runs(text.strip(), script, bold)
    fonts = [font_for(run.script, size, bold) for run in runs]
    ascent = max((font.getmetrics()[0] for font in fonts), default=1)
    descent = max((font.getmetrics()[1] for font in fonts), default=1)
    width = int(line_width(text.strip(), script, size, bold)) + ascent  # slack for overhangs
    canvas = Image.new("L", (width + 2 * ascent, ascent * 2 + descent * 2), 0)
    draw = ImageDraw.Draw(canvas)
    x = float(ascent)
    for run, font in zip(runs, fonts, strict=True):
        direction, language = _shaping_of(run)
        draw.text(
            (x, ascent * 1.5),
            run.text,
            font=font,
            fill=255,
            anchor="ls",
            direction=direction,
            language=language,
        )
        x += font.getlength(run.text, direction=direction, language=language)
    ink = canvas.point(lambda value: 255 if value >= _INK_THRESHOLD else 0)
    box = ink.getbbox()
    if box is None:
        return Image.new("1", (1, 1), 1)
    # Invert so that the image reads like the paper: black ink on white.
    return ink.crop(box).point(lambda value: 0 if value else 255).convert("1")


def render_text(
    text: str, script: Script, size: Size, bold: bool, max_width: int
) -> list[Image.Image]:
    """A paragraph wrapped by words to max_width, one cropped image per line."""
    lines = wrap_words(text, script, size, bold, max_width)
    images = [render_line(line, script, size, bold) for line in lines]
    # A single word wider than the paper is scaled down rather than cut off.
    return [_fit(image, max_width) for image in images]


def _fit(image: Image.Image, max_width: int) -> Image.Image:
    if image.width <= max_width:
        return image
    height = max(1, image.height * max_width // image.width)
    return (
        image.convert("L")
        .resize((max_width, height))
        .point(lambda v: 255 if v > 127 else 0)
        .convert("1")
    )


def qr_image(payload: str, module_dots: int) -> Image.Image:
    """A QR code as a mode-"1" image (black = ink), without quiet zone."""
    code = qrcode.QRCode(error_correction=QR_ERROR_CORRECTION, box_size=module_dots, border=0)
    code.add_data(payload)
    code.make(fit=True)
    image: Image.Image = code.make_image().get_image().convert("1")
    return image


def pad_to_bytes(image: Image.Image, align: Align) -> Image.Image:
    """Widen to a whole number of bytes per row, putting the padding away from the aligned edge."""
    width = (image.width + 7) // 8 * 8
    if width == image.width:
        return image
    padded = Image.new("1", (width, image.height), 1)
    spare = width - image.width
    offset = {Align.LEFT: 0, Align.CENTER: spare // 2, Align.RIGHT: spare}[align]
    padded.paste(image, (offset, 0))
    return padded
