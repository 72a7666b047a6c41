"""Draw the design tokens of kiosk/ui/theme.py on one sheet: type scale, chips, buttons.

Run `python docs/tools/contact_sheet.py docs/screenshots/design-tokens.png` from the
repository. Drawn with Pillow and Raqm, the engine the kiosk's text provider uses, in both
palettes side by side, so a change of a token shows here before it shows on a screen.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from kiosk.ui import theme

WIDTH, COLUMN = 1400, 700
SAMPLES = {
    "ar": "شهادة السكنى: رقمك A-042",
    "fr": "Certificat de résidence",
    "zgh": "ⵜⴰⵏⴰⵎⵓⵔⵜ ⵏ ⵓⵣⴷⵓⵖ",
}
LEVELS = ("title", "heading", "body", "small")
STATE_WORDS = {
    "ready": "Ready",
    "in_progress": "In progress",
    "incomplete": "Incomplete",
    "rejected": "Rejected",
    "error": "Error",
    "offline": "Offline",
}


def rgb(colour: tuple[float, ...]) -> tuple[int, int, int]:
    red, green, blue = (round(channel * 255) for channel in colour[:3])
    return red, green, blue


def text(
    draw: ImageDraw.ImageDraw,
    xy: tuple[int, int],
    words: str,
    lang: str,
    size: int,
    colour: tuple[float, ...],
    bold: bool = False,
) -> int:
    """Draw `words` as the kiosk does (direction, synthesised bold); return the line's height."""
    path = theme.font_path(lang, bold)
    font = ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.RAQM)
    direction = "rtl" if lang == "ar" else "ltr"
    stroke = 0
    if Path(path).name in theme.SYNTHETIC_BOLD_FILES and any(
        "\u2d30" <= char <= "\u2d7f" for char in words
    ):
        stroke = max(1, round(size * theme.SYNTHETIC_BOLD_STROKE))
    x, y = xy
    if direction == "rtl":
        x -= int(font.getlength(words, direction="rtl"))
    fill = rgb(colour)
    draw.text(
        (x, y),
        words,
        font=font,
        fill=fill,
        direction=direction,
        stroke_width=stroke,
        stroke_fill=fill,
    )
    return round(size * theme.LINE_HEIGHT_EM[lang])


def column(palette: str) -> Image.Image:
    theme.use_palette(palette)
    sheet = Image.new("RGB", (COLUMN, 1500), rgb(theme.BACKGROUND))
    draw = ImageDraw.Draw(sheet)
    y = 24
    y += text(draw, (24, y), f"{palette.replace('_', ' ')}", "en", 34, theme.TEXT, bold=True)
    y += 12
    for level in LEVELS:
        size = round(theme.TYPE_SCALE[level] * 0.8)
        bold = level in ("title", "heading")
        text(draw, (24, y), f"{level} {theme.TYPE_SCALE[level]} sp", "en", 18, theme.MUTED_TEXT)
        y += 26
        for lang, words in SAMPLES.items():
            start = COLUMN - 24 if lang == "ar" else 24
            y += text(draw, (start, y), words, lang, size, theme.TEXT, bold)
        y += 8
    y += 8
    text(draw, (24, y), "chips: text on fill, contrast", "en", 18, theme.MUTED_TEXT)
    y += 30
    x = 24
    for index, state in enumerate(theme.STATES):
        words, fill = theme.state_colours(state)
        label = f"{STATE_WORDS[state]} {theme.contrast(words, fill):.1f}:1"
        font = ImageFont.truetype(theme.font_path("en", True), 22)
        width = int(font.getlength(label)) + 40
        if x + width > COLUMN - 24:
            x, y = 24, y + 60
        draw.rounded_rectangle((x, y, x + width, y + 44), radius=theme.RADIUS["l"], fill=rgb(fill))
        draw.text((x + 20, y + 8), label, font=font, fill=rgb(words))
        x += width + 12
        if index == len(theme.STATES) - 1:
            y += 70
    text(draw, (24, y), "buttons: primary, disabled, secondary", "en", 18, theme.MUTED_TEXT)
    y += 30
    buttons = (
        ("Continue", theme.PRIMARY, theme.PRIMARY_TEXT, None),
        ("Sign in", theme.DISABLED_FILL, theme.DISABLED_TEXT, None),
        ("Start over", theme.SURFACE, theme.PRIMARY, theme.PRIMARY),
    )
    x = 24
    for words, fill, colour, outline in buttons:
        box = (x, y, x + 200, y + 80)
        draw.rounded_rectangle(
            box,
            radius=theme.RADIUS["m"],
            fill=rgb(fill),
            outline=rgb(outline) if outline else None,
            width=3,
        )
        text(draw, (x + 30, y + 22), words, "en", 26, colour, bold=True)
        x += 220
    y += 110
    text(draw, (24, y), "banner, emphasis, error", "en", 18, theme.MUTED_TEXT)
    y += 30
    draw.rounded_rectangle(
        (24, y, COLUMN - 24, y + 70), radius=theme.RADIUS["m"], fill=rgb(theme.NOTICE_BACKGROUND)
    )
    draw.rectangle((36, y, COLUMN - 36, y + 5), fill=rgb(theme.BANNER_BORDER))
    text(draw, (COLUMN - 48, y + 14), "أوقات العمل: من 8:30 إلى 16:30", "ar", 26, theme.TEXT)
    y += 90
    y += text(draw, (24, y), "Bring your CIN to the counter.", "en", 26, theme.EMPHASIS, True)
    text(draw, (24, y + 8), "The printer is out of paper.", "en", 26, theme.ALERT, True)
    theme.use_palette("standard")
    return sheet.crop((0, 0, COLUMN, y + 60))


def main(argv: list[str]) -> int:
    target = Path(argv[0] if argv else "docs/screenshots/design-tokens.png")
    columns = [column(name) for name in ("standard", "high_contrast")]
    height = max(part.height for part in columns)
    sheet = Image.new("RGB", (WIDTH, height), (255, 255, 255))
    for index, part in enumerate(columns):
        sheet.paste(part, (index * COLUMN, 0))
    sheet.save(target, optimize=True)
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
