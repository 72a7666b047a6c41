"""The look of a button whose result is on its way: pressed, disabled, saying what it does."""

from __future__ import annotations

from typing import Any


def show_busy(button: Any, text: str) -> Any:
    """Keep the tapped `button` in its pressed colour, disabled, its label `text` ("Printing…").

    A citizen sees that the tap was taken and cannot send it twice; the screen draws the
    button anew (not busy) once the result arrives. `button` is a BigButton (kv/theme.kv).
    """
    button.busy = True
    button.disabled = True
    button.text = text
    return button
