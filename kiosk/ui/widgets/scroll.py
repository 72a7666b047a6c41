"""The scrolling area of every screen, whose buttons look pressed as soon as a finger lands."""

from __future__ import annotations

from typing import Any

from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.scrollview import ScrollView


class KioskScroll(ScrollView):  # type: ignore[misc]
    """A ScrollView (styled in kv/theme.kv) that draws the press of a button at once.

    To tell a tap from a drag, Kivy's ScrollView holds a touch back from its children for
    `scroll_timeout` (55 ms) and at least three frames, so a button in a journey's body
    looked pressed four frames after the finger landed, if at all. Here the button under
    the finger is drawn pressed at once (its `state` only: nothing is triggered), and put
    back if the touch turns into a scroll or ends without reaching it.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._shown_pressed: tuple[Any, Any] | None = None  # (touch, button)

    def on_touch_down(self, touch: Any) -> bool:
        taken = bool(super().on_touch_down(touch))
        if taken and self._shown_pressed is None and self.collide_point(*touch.pos):
            button = self._button_at(*self.to_window(*touch.pos))
            if button is not None and button not in touch.ud:  # held back from it
                button.state = "down"
                self._shown_pressed = (touch, button)
        return taken

    def on_touch_move(self, touch: Any) -> bool:
        moved = bool(super().on_touch_move(touch))
        shown = self._shown_pressed
        dragged = abs(touch.y - touch.oy) > self.scroll_distance
        if shown is not None and shown[0] is touch and dragged and shown[1] not in touch.ud:
            self._put_back()  # a drag, not a tap: the page scrolls, the button was not chosen
        return moved

    def on_touch_up(self, touch: Any) -> bool:
        lifted = bool(super().on_touch_up(touch))
        shown = self._shown_pressed
        if shown is not None and shown[0] is touch:
            # Reached by the touch, the button's own release ends its pressed state.
            if shown[1] not in touch.ud:
                shown[1].state = "normal"
            self._shown_pressed = None
        return lifted

    def _put_back(self) -> None:
        if self._shown_pressed is not None:
            self._shown_pressed[1].state = "normal"
            self._shown_pressed = None

    def _button_at(self, x: float, y: float) -> Any:
        """The innermost enabled button under window point (x, y), if any."""
        found = None
        for widget in self.walk(restrict=True):
            if (
                isinstance(widget, ButtonBehavior)
                and not widget.disabled
                and widget.collide_point(*widget.to_widget(x, y))
            ):
                found = widget  # walk() goes parent first: the last hit is the innermost
        return found
