"""A finger on the Kivy window: touches posted through the event loop's input dispatch.

Kivy ships the same thing as `kivy.tests.common.UnitTestTouch`, but importing that module
loads pytest and its plugins (about 10 MB resident), which a benchmark would then count as
the kiosk's own memory.
"""

from __future__ import annotations

from typing import Any

from kivy.base import EventLoop
from kivy.input.motionevent import MotionEvent


class Finger(MotionEvent):  # type: ignore[misc]
    """One touch at window coordinates (x, y), pressed and lifted through `EventLoop`."""

    def __init__(self, x: float, y: float) -> None:
        window = EventLoop.window
        position = {"x": x / (window.width - 1.0), "y": y / (window.height - 1.0)}
        super().__init__("Finger", 99, position, is_touch=True, type_id="touch")
        self.profile = ["pos"]

    def depack(self, args: dict[str, Any]) -> None:
        self.sx, self.sy = args["x"], args["y"]
        super().depack(args)

    def press(self) -> None:
        EventLoop.post_dispatch_input("begin", self)

    def slide_to(self, x: float, y: float) -> None:
        """Move the pressed finger to window coordinates (x, y)."""
        window = EventLoop.window
        self.move({"x": x / (window.width - 1.0), "y": y / (window.height - 1.0)})
        EventLoop.post_dispatch_input("update", self)

    def lift(self) -> None:
        EventLoop.post_dispatch_input("end", self)
