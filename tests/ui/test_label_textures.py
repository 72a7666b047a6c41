"""Labels carry a texture as wide as their lines, drawn where their alignment puts the text."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.ui_driver import AppDriver


def _drawn_at(label: Any) -> tuple[float, float]:
    """The left edge and width of the rectangle that draws the label's texture."""
    from kivy.graphics import Rectangle

    for instruction in label.canvas.children:
        if isinstance(instruction, Rectangle) and instruction.texture is label.texture:
            return instruction.pos[0], instruction.size[0]
    raise AssertionError(f"nothing draws {label.text!r}")


@pytest.mark.parametrize(("language", "edge"), [("Français", "left"), ("العربية", "right")])
def test_home_text_sits_at_its_edge_with_a_texture_only_as_wide_as_its_lines(
    home: AppDriver, language: str, edge: str
) -> None:
    from kiosk.ui.widgets.aligned_label import AlignedLabel

    if home.app.lang != {"Français": "fr", "العربية": "ar"}[language]:
        home.tap(home.button(language))
    labels = [
        w
        for w in home.screen().walk()
        if isinstance(w, AlignedLabel) and w.text and w.text_size[0] and w.halign == edge
    ]
    assert len(labels) > 5
    narrower = 0
    for label in labels:
        x, width = _drawn_at(label)
        box_left = label.center_x - label.text_size[0] / 2
        box_right = box_left + label.text_size[0]
        # Where Kivy's box-wide texture had the text: against the box's edge.
        if edge == "left":
            assert abs(x - box_left) <= 1, label.text
        else:
            assert abs(x + width - box_right) <= 1, label.text
        assert width <= label.text_size[0] + 1, label.text
        narrower += width < label.text_size[0] / 2
    # The board's heading, the clock and the like: much narrower than their boxes. (The board
    # is a table now: its names and figures fill their cells, so two such labels, not three.)
    assert narrower >= 2
    if home.app.lang != "ar":
        home.tap(home.button("العربية"))
