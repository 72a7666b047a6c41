"""The theme keeps text readable (contrast ≥ 7:1) and targets big enough (≥ 2 cm) for anyone."""

from __future__ import annotations

import pytest

from kiosk.config import Config
from kiosk.ui import theme

# (text, background) pairs the screens use for body text.
TEXT_ON_BACKGROUND = {
    "body": ("TEXT", "BACKGROUND"),
    "body on a card": ("TEXT", "SURFACE"),
    "muted": ("MUTED_TEXT", "BACKGROUND"),
    "muted on a card": ("MUTED_TEXT", "SURFACE"),
    "alert": ("ALERT", "BACKGROUND"),
    "alert on a card": ("ALERT", "SURFACE"),
    "online": ("ONLINE", "BACKGROUND"),
    "button": ("PRIMARY_TEXT", "PRIMARY"),
    "quiet button": ("PRIMARY", "SURFACE"),
    "notice": ("TEXT", "NOTICE_BACKGROUND"),
    # Pictograms are tinted with the text colour of their surface (kv/home.kv, widgets.kv).
    "pictogram on a tile": ("PRIMARY_TEXT", "PRIMARY"),
    # Pressed (and busy) states: the fill changes, the text stays readable.
    "pressed button or tile": ("PRIMARY_TEXT", "PRIMARY_DOWN"),
    "pressed field": ("TEXT", "SURFACE_DOWN"),
    "pressed field's hint": ("MUTED_TEXT", "SURFACE_DOWN"),
    "exit button": ("PRIMARY_TEXT", "ALERT"),
    "pressed exit button": ("PRIMARY_TEXT", "ALERT_DOWN"),
}
# A pressed fill must be seen around a finger: its contrast with the fill at rest.
PRESSED_FILLS = {
    "button or tile": ("PRIMARY", "PRIMARY_DOWN"),
    "exit button": ("ALERT", "ALERT_DOWN"),
    "quiet button or key (turns primary)": ("SURFACE", "PRIMARY"),
    "field": ("SURFACE", "SURFACE_DOWN"),
}


@pytest.mark.parametrize("palette", sorted(theme.PALETTES))
@pytest.mark.parametrize("use", sorted(TEXT_ON_BACKGROUND))
def test_text_contrast_is_at_least_seven_to_one(palette: str, use: str) -> None:
    colours = theme.PALETTES[palette]
    foreground, background = TEXT_ON_BACKGROUND[use]
    assert theme.contrast(colours[foreground], colours[background]) >= 7.0


@pytest.mark.parametrize("palette", sorted(theme.PALETTES))
@pytest.mark.parametrize("use", sorted(PRESSED_FILLS))
def test_a_pressed_fill_stands_apart_from_the_fill_at_rest(palette: str, use: str) -> None:
    colours = theme.PALETTES[palette]
    rest, pressed = PRESSED_FILLS[use]
    assert theme.contrast(colours[rest], colours[pressed]) >= 1.2


def test_the_high_contrast_palette_changes_what_widgets_are_built_with() -> None:
    try:
        theme.use_palette("high_contrast")
        assert (theme.TEXT, theme.BACKGROUND) == ((1, 1, 1, 1), (0, 0, 0, 1))
    finally:
        theme.use_palette("standard")
    assert theme.STANDARD["TEXT"] == theme.TEXT


def test_contrast_is_computed_as_wcag_defines_it() -> None:
    assert theme.contrast((0, 0, 0, 1), (1, 1, 1, 1)) == pytest.approx(21.0)
    assert theme.contrast((0.5, 0.5, 0.5, 1), (0.5, 0.5, 0.5, 1)) == pytest.approx(1.0)
    # WCAG's own example: #767676 on white is 4.54:1.
    grey = 0x76 / 255
    assert theme.contrast((grey, grey, grey, 1), (1, 1, 1, 1)) == pytest.approx(4.54, abs=0.01)


def test_buttons_are_two_centimetres_tall_at_the_configured_density() -> None:
    dpi = Config().kiosk.screen_dpi
    assert theme.BUTTON_HEIGHT_DP / dpi * 2.54 >= theme.TOUCH_TARGET_MIN_CM


def test_no_kv_file_shows_a_literal_text() -> None:
    # Every visible text comes from the .po catalogues through the screens' refresh_texts();
    # a `text: "…"` in a kv file would never be translated.
    from importlib import resources

    folder = resources.files("kv")
    offenders = []
    for kv in folder.iterdir():
        if not kv.name.endswith(".kv"):
            continue
        for number, line in enumerate(kv.read_text(encoding="utf-8").splitlines(), 1):
            key, _, value = line.strip().partition(":")
            if key == "text" and value.strip()[:1] in {'"', "'"}:
                offenders.append(f"{kv.name}:{number}: {line.strip()}")
    assert not offenders, offenders


@pytest.mark.parametrize("palette", sorted(theme.PALETTES))
@pytest.mark.parametrize("state", theme.STATES)
def test_every_state_chip_reads_at_seven_to_one(palette: str, state: str) -> None:
    try:
        theme.use_palette(palette)
        words, fill = theme.state_colours(state)
        assert theme.contrast(words, fill) >= 7.0
    finally:
        theme.use_palette("standard")


@pytest.mark.parametrize("palette", sorted(theme.PALETTES))
def test_emphasis_reads_and_a_disabled_button_is_weaker_than_an_enabled_one(palette: str) -> None:
    colours = {**theme.PALETTES[palette], **theme.SEMANTIC[palette]}
    page = colours["BACKGROUND"]
    assert theme.contrast(colours["EMPHASIS"], page) >= 7.0
    assert colours["EMPHASIS"] != colours["ALERT"]  # red is for errors only
    # Disabled: still readable (4.5:1), but its fill and words stand out less than enabled.
    assert theme.contrast(colours["DISABLED_TEXT"], colours["DISABLED_FILL"]) >= 4.5
    assert theme.contrast(colours["DISABLED_FILL"], page) < theme.contrast(colours["PRIMARY"], page)
    assert theme.contrast(colours["DISABLED_TEXT"], colours["DISABLED_FILL"]) < theme.contrast(
        colours["PRIMARY_TEXT"], colours["PRIMARY"]
    )


def test_a_refusal_is_neither_the_error_red_nor_another_states_colour() -> None:
    for palette in theme.PALETTES:
        fills = {state: theme.SEMANTIC[palette][f"{state.upper()}_FILL"] for state in theme.STATES}
        assert len(set(fills.values())) == len(theme.STATES), palette


@pytest.mark.parametrize(("lang", "target"), [("ar", 1.4), ("fr", 1.2), ("zgh", 1.3)])
def test_line_heights_are_set_per_script_in_ems(lang: str, target: float) -> None:
    assert theme.line_height_factor(lang) * theme.natural_line_em(lang) == pytest.approx(target)
