"""The outside driver's reading of the widget map and of screenshots (no display needed)."""

from __future__ import annotations

from typing import Any

from PIL import Image

from tests.support.outside_driver import ScreenMap, changed_fraction, dominant_colour


def _map(**overrides: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "version": 1,
        "seq": 3,
        "stable": True,
        "frames": 10,
        "ticks": 200,
        "screen": "status",
        "language": "ar",
        "rtl": True,
        "busy": False,
        "window": {"width": 1080, "height": 1920},
        "keyboard": {"layout": "azerty", "rect": [48, 1400, 984, 472], "shown": None},
        "touches": {"down": 2, "up": 2, "held": False, "down_frame": 8, "down_tick": 150},
        "widgets": [
            {
                "id": "status.dossier",
                "role": "field",
                "text": "PP",
                "rect": [48, 300, 984, 100],
                "shown": [48, 300, 984, 100],
                "pressed": False,
                "disabled": False,
                "focused": True,
            },
            {
                "id": "status.look_up_button",
                "role": "primary",
                "text": "Look up",
                "rect": [48, 1900, 984, 140],
                "shown": [48, 1900, 984, 20],
                "pressed": False,
                "disabled": True,
            },
            {"id": "keyboard.P", "role": "key", "text": "P", "rect": [1, 2, 3, 4], "shown": None},
        ],
    }
    raw.update(overrides)
    return raw


def test_a_map_reads_as_a_person_sees_it() -> None:
    shown = ScreenMap.parse(_map())
    assert (shown.screen, shown.language, shown.window) == ("status", "ar", (1080, 1920))
    assert shown.settled and shown.keyboard_layout == "azerty"
    assert shown.keyboard_rect == (48, 1400, 984, 472)  # the whole rect when none is clipped
    dossier = shown.one(id="status.dossier")
    assert dossier.whole and dossier.focused and dossier.centre == (540, 350)
    primary = shown.find(role="primary")[0]
    assert not primary.whole  # a 20-pixel strip of it: not seen whole
    assert shown.find(id="status.") == [dossier, primary]  # an id prefix ends with "."
    assert shown.keys_shown() == {}  # a key scrolled away is not a key to tap
    assert shown.find(role="key", shown=False)[0].text == "P"


def test_a_busy_or_changing_screen_is_not_settled() -> None:
    assert not ScreenMap.parse(_map(busy=True)).settled
    assert not ScreenMap.parse(_map(stable=False)).settled


def test_a_change_is_the_share_of_pixels_a_person_sees_change() -> None:
    before = Image.new("RGB", (100, 10), (0, 80, 90))
    after = before.copy()
    after.paste((20, 20, 20), (0, 0, 10, 10))  # a tenth of it, darker
    after.paste((5, 85, 95), (50, 0, 100, 10))  # half of it, by less than the eye sees
    assert changed_fraction(before, before) == 0
    assert abs(changed_fraction(before, after) - 0.1) < 1e-9
    colour, share = dominant_colour(after)
    assert colour == (5, 85, 95) and share == 0.5
