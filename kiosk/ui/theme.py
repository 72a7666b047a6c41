"""The look of the kiosk in one place: colours, sizes and the font of each language."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

# RGBA in 0..1. Deep teal on white: a calm public-service look, text contrast above 7:1.
STANDARD = {
    "BACKGROUND": (0.97, 0.98, 0.98, 1),
    "SURFACE": (1, 1, 1, 1),
    "PRIMARY": (0.0, 0.33, 0.36, 1),  # buttons; white text on it
    "PRIMARY_TEXT": (1, 1, 1, 1),
    "TEXT": (0.08, 0.12, 0.14, 1),  # body text on BACKGROUND / SURFACE
    "MUTED_TEXT": (0.22, 0.27, 0.30, 1),
    "ALERT": (0.55, 0.10, 0.05, 1),  # a printer fault, offline: still 7:1 on white
    "ONLINE": (0.0, 0.33, 0.13, 1),
    "NOTICE_BACKGROUND": (1.0, 0.96, 0.85, 1),  # a warm panel for the annex's notices
    # Pressed (and busy) fills, drawn in the frame after touch-down: a finger hides the
    # target, so the change must be strong enough to see around it; the text keeps 7:1.
    "PRIMARY_DOWN": (0.0, 0.22, 0.24, 1),  # a darker teal under white text
    "SURFACE_DOWN": (0.87, 0.93, 0.94, 1),  # a field (keys and quiet buttons turn PRIMARY)
    "ALERT_DOWN": (0.38, 0.06, 0.03, 1),
}
# For low vision: white and yellow on black, every pair well above 7:1 (most above 15:1).
HIGH_CONTRAST = {
    "BACKGROUND": (0, 0, 0, 1),
    "SURFACE": (0.08, 0.08, 0.08, 1),
    "PRIMARY": (1.0, 0.87, 0.0, 1),  # yellow buttons; black text on them
    "PRIMARY_TEXT": (0, 0, 0, 1),
    "TEXT": (1, 1, 1, 1),
    "MUTED_TEXT": (0.88, 0.88, 0.88, 1),
    "ALERT": (1.0, 0.62, 0.55, 1),
    "ONLINE": (0.55, 1.0, 0.55, 1),
    "NOTICE_BACKGROUND": (0.16, 0.13, 0.0, 1),
    "PRIMARY_DOWN": (1.0, 0.60, 0.0, 1),  # amber under black text
    "SURFACE_DOWN": (0.25, 0.25, 0.25, 1),
    "ALERT_DOWN": (1.0, 0.80, 0.76, 1),
}
PALETTES = {"standard": STANDARD, "high_contrast": HIGH_CONTRAST}
BACKGROUND = SURFACE = PRIMARY = PRIMARY_TEXT = TEXT = MUTED_TEXT = ALERT = ONLINE = (0, 0, 0, 1)
NOTICE_BACKGROUND = (0, 0, 0, 1)
PRIMARY_DOWN = SURFACE_DOWN = ALERT_DOWN = (0, 0, 0, 1)

# Semantic colours (design tokens), per palette. A state is a chip: its text on its fill,
# each pair at least 7:1. Red is for errors only: a refused request is a status (plum), an
# instruction is emphasis (the text colour, bold), never an alarm.
STATES = ("ready", "in_progress", "incomplete", "rejected", "error", "offline")
SEMANTIC = {
    "standard": {
        "READY_TEXT": (0.0, 0.30, 0.12, 1),
        "READY_FILL": (0.86, 0.95, 0.88, 1),
        "IN_PROGRESS_TEXT": (0.04, 0.23, 0.47, 1),
        "IN_PROGRESS_FILL": (0.88, 0.93, 0.99, 1),
        "INCOMPLETE_TEXT": (0.42, 0.24, 0.0, 1),
        "INCOMPLETE_FILL": (1.0, 0.93, 0.78, 1),
        "REJECTED_TEXT": (0.36, 0.12, 0.42, 1),
        "REJECTED_FILL": (0.94, 0.90, 0.97, 1),
        "ERROR_TEXT": (0.55, 0.10, 0.05, 1),
        "ERROR_FILL": (0.99, 0.90, 0.88, 1),
        "OFFLINE_TEXT": (0.20, 0.24, 0.27, 1),
        "OFFLINE_FILL": (0.90, 0.91, 0.92, 1),
        "EMPHASIS": (0.08, 0.12, 0.14, 1),  # instructions: the text colour, in bold
        # A disabled button is lighter than an enabled one: pale fill, muted words.
        "DISABLED_FILL": (0.85, 0.87, 0.88, 1),
        "DISABLED_TEXT": (0.30, 0.33, 0.35, 1),
        "BANNER_BORDER": (0.55, 0.42, 0.0, 1),
    },
    "high_contrast": {
        "READY_TEXT": (0, 0, 0, 1),
        "READY_FILL": (0.55, 1.0, 0.55, 1),
        "IN_PROGRESS_TEXT": (0, 0, 0, 1),
        "IN_PROGRESS_FILL": (0.55, 0.82, 1.0, 1),
        "INCOMPLETE_TEXT": (0, 0, 0, 1),
        "INCOMPLETE_FILL": (1.0, 0.72, 0.30, 1),
        "REJECTED_TEXT": (0, 0, 0, 1),
        "REJECTED_FILL": (0.88, 0.72, 1.0, 1),
        "ERROR_TEXT": (0, 0, 0, 1),
        "ERROR_FILL": (1.0, 0.62, 0.55, 1),
        "OFFLINE_TEXT": (0, 0, 0, 1),
        "OFFLINE_FILL": (0.80, 0.80, 0.80, 1),
        "EMPHASIS": (1, 1, 1, 1),
        "DISABLED_FILL": (0.22, 0.22, 0.22, 1),
        "DISABLED_TEXT": (0.75, 0.75, 0.75, 1),
        "BANNER_BORDER": (1.0, 0.87, 0.0, 1),
    },
}
READY_TEXT = READY_FILL = IN_PROGRESS_TEXT = IN_PROGRESS_FILL = (0, 0, 0, 1)
INCOMPLETE_TEXT = INCOMPLETE_FILL = REJECTED_TEXT = REJECTED_FILL = (0, 0, 0, 1)
ERROR_TEXT = ERROR_FILL = OFFLINE_TEXT = OFFLINE_FILL = EMPHASIS = (0, 0, 0, 1)
DISABLED_FILL = DISABLED_TEXT = BANNER_BORDER = (0, 0, 0, 1)
# Large text: every sp() size grows by this much (Kivy's font scale).
LARGE_TEXT_SCALE = 1.25


def use_palette(name: str) -> None:
    """Make `name` the colours of every widget built from now on (kv rules read them then)."""
    globals().update(PALETTES[name])
    globals().update(SEMANTIC[name])


def state_colours(state: str) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """A state's chip in the palette in use: (text colour, fill); `state` from STATES."""
    key = state.upper()
    return globals()[f"{key}_TEXT"], globals()[f"{key}_FILL"]


use_palette("standard")

# Sizes in density-independent pixels (Kivy's dp); the tests convert with the DPI.
TOUCH_TARGET_MIN_CM = 2.0
BUTTON_HEIGHT_DP = 140
# The back button, language buttons and title bar: 2.7 cm, lower so landscape keeps room.
BAR_HEIGHT_DP = 110
PADDING_DP = 48
TITLE_SP = 44
BODY_SP = 30
BIG_NUMBER_SP = 180
SPACING_DP = 24
# Keys: 84 dp is 2.1 cm at the 102 dpi of a 21.5" 1080x1920 panel, eleven keys to a row there
# (kiosk/ui/widgets/keyboard.py: Arabic takes four rows of nine, three of twelve in landscape).
KEY_HEIGHT_DP = 84
KEY_MIN_WIDTH_DP = 84  # as wide as tall: a row with more keys than fit takes two rows
KEY_SPACING_DP = 8
KEY_SP = 34
FIELD_HEIGHT_DP = 100
ICON_DP = 96
TILE_HEIGHT_DP = 230
LANGUAGE_BUTTON_DP = 150  # when the language buttons share the top bar (landscape)
BACK_BUTTON_DP = 240
# The skeleton (kv/journey.kv): a title shrinks to this share of its size before an ellipsis;
# the scroll bar's gutter; the actions' column beside the keys in landscape.
TITLE_MIN_SCALE = 0.55
# The sizes a title shrinks through, largest first: sizes the type scale uses elsewhere.
TITLE_STEPS_SP = (BODY_SP + 4, BODY_SP, BODY_SP - 4, BODY_SP - 6)
SCROLL_GUTTER_DP = 20
ACTIONS_COLUMN_DP = 300
# The home board's figure columns (people waiting, minutes).
BOARD_FIGURE_DP = 130
LANDSCAPE_TILE_MIN_DP = 96  # 2.4 cm: a landscape tile's least height

# The type scale in sp, from the ticket's number down to a detail.
TYPE_SCALE = {
    "number": BIG_NUMBER_SP,
    "reference": int(TITLE_SP * 1.5),
    "title": TITLE_SP,
    "heading": BODY_SP + 4,
    "body": BODY_SP,
    "small": BODY_SP - 4,
}
# Spacing and corner radii in dp.
SPACE = {"xs": 8, "s": 16, "m": SPACING_DP, "l": PADDING_DP}
RADIUS = {"s": 8, "m": 12, "l": 16}
# Line height per script, in ems: Arabic needs room for its marks above and below, Latin
# and Tifinagh are read best tighter. Kivy's `line_height` multiplies the font's own line
# (ascent + descent), which is 2.12 em for Noto Sans Arabic and 1.37 em for Noto Sans: the
# factor each label gets is the target over that (line_height_factor).
LINE_HEIGHT_EM = {"ar": 1.4, "zgh": 1.3, "fr": 1.2, "en": 1.2}
# Noto Sans Tifinagh has no bold: its "bold" file has Noto Sans Bold's Latin letters and the
# regular Tifinagh glyphs. The text provider draws Tifinagh in these files with a stroke of
# this share of the size (kiosk/ui/text.py): a synthesised bold.
SYNTHETIC_BOLD_FILES = frozenset({"GAUSansTifinagh-Bold.ttf"})
SYNTHETIC_BOLD_STROKE = 0.035

_FONT_FILES = {
    ("ar", False): "GAUSansArabic-Regular.ttf",
    ("ar", True): "GAUSansArabic-Bold.ttf",
    ("zgh", False): "GAUSansTifinagh-Regular.ttf",
    ("zgh", True): "GAUSansTifinagh-Bold.ttf",
    ("fr", False): "NotoSans-Regular.ttf",
    ("fr", True): "NotoSans-Bold.ttf",
    ("en", False): "NotoSans-Regular.ttf",
    ("en", True): "NotoSans-Bold.ttf",
}


def font_path(lang: str, bold: bool = False) -> str:
    """The font file that draws every character of `lang`, Latin ticket numbers included."""
    folder = resources.files("assets").joinpath("fonts")
    return str(Path(str(folder)) / _FONT_FILES[(lang, bold)])


def natural_line_em(lang: str) -> float:
    """The font's own line (ascent + descent) in ems, as Kivy's PIL provider spaces lines."""
    return _natural_line_em(font_path(lang))


@cache
def _natural_line_em(path: str) -> float:
    from PIL import ImageFont

    ascent, descent = ImageFont.truetype(path, 100).getmetrics()
    return float(ascent + descent) / 100


def line_height_factor(lang: str) -> float:
    """Kivy's `line_height` for labels in `lang`: the script's target line over the font's."""
    return LINE_HEIGHT_EM[lang] / natural_line_em(lang)


def icon_path(name: str) -> str:
    """A white pictogram of assets/icons (tinted by the widget that shows it)."""
    folder = resources.files("assets").joinpath("icons")
    return str(Path(str(folder)) / f"{name}.png")


def relative_luminance(rgba: tuple[float, ...]) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in rgba[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(foreground: tuple[float, ...], background: tuple[float, ...]) -> float:
    """WCAG 2 contrast ratio, from 1 to 21."""
    lighter, darker = sorted(
        (relative_luminance(foreground), relative_luminance(background)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)
