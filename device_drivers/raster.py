"""Shaped text (Arabic, Tifinagh) and QR codes as 1-bit images cropped to their ink."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import qrcode
from PIL import Image, ImageChops, ImageDraw, ImageFont

from device_drivers.document import Align, Script, Size

FONTS_PACKAGE = "assets"
_FONT_FILES: dict[tuple[Script, bool], str] = {
    # GAU Sans: the Noto script font with Noto Sans's Latin letters, digits and punctuation
    # merged in (assets/fonts/build_merged_fonts.py), so one font draws a whole line.
    (Script.ARABIC, False): "GAUSansArabic-Regular.ttf",
    (Script.ARABIC, True): "GAUSansArabic-Bold.ttf",
    # No free font has a bold Tifinagh: bold is the regular face widened by one dot
    # (render_line), as a printer's emphasized mode strikes each dot twice.
    (Script.TIFINAGH, False): "GAUSansTifinagh-Regular.ttf",
    (Script.TIFINAGH, True): "GAUSansTifinagh-Regular.ttf",
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
    """Filesystem path of the packaged font for a script (GAU Sans, or Noto Sans for Latin)."""
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


def line_width(text: str, script: Script, size: Size, bold: bool) -> float:
    """Advance width of a line in dots, as render_line would draw it."""
    direction, language = _shaping(script)
    return font_for(script, size, bold).getlength(text, direction=direction, language=language)


def wrap_words(text: str, script: Script, size: Size, bold: bool, max_width: int) -> list[str]:
    """Break text into lines by words, in logical (reading) order, each no wider than max_width.

    Lines are split before shaping, so each is shaped on its own and the first words of
    an Arabic sentence land on the top line, as a reader expects.
    """
    lines: list[str] = []
    current = ""
    # Only a plain space breaks a line: a no-break space holds a number to its unit.
    for word in (part for part in text.split(" ") if part.strip()):
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
    """One shaped line as a mode-"1" image (black = ink), cropped to its ink's bounding box.

    The whole line is one Raqm layout in one font, as on screen: FriBiDi orders it (an
    Arabic line is a right-to-left paragraph, its Latin words and numbers read left to
    right inside it) and HarfBuzz shapes it.
    """
    line = text.strip()
    font = font_for(script, size, bold)
    direction, language = _shaping(script)
    ascent, descent = font.getmetrics()
    # Slack for overhangs.
    width = int(font.getlength(line, direction=direction, language=language)) + ascent
    canvas = Image.new("L", (width + 2 * ascent, ascent * 2 + descent * 2), 0)
    ImageDraw.Draw(canvas).text(
        (float(ascent), ascent * 1.5),
        line,
        font=font,
        fill=255,
        anchor="ls",
        direction=direction,
        language=language,
    )
    ink = canvas.point(lambda value: 255 if value >= _INK_THRESHOLD else 0)
    if bold and script is Script.TIFINAGH:
        ink = ImageChops.lighter(ink, ImageChops.offset(ink, 1, 0))
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
