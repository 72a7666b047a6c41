"""Drive the real kiosk app on a real (virtual) X screen, by touches through Kivy's dispatch.

One Kivy window per process: the session's app is built once and each test starts from the
home screen. Touches go through `EventLoop.post_dispatch_input`, the path a touchscreen's
events take, never by calling a handler. Waits pump the event loop until a condition holds.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

DEADLINE_S = 20.0


@contextmanager
def virtual_screen(width: int, height: int) -> Iterator[str]:
    """An Xvfb server of this size for the block; yields its DISPLAY.

    Xvfb picks a free display number itself and writes it to a pipe (`-displayfd`): two
    test processes starting at once can never land on the same screen.
    """
    read_end, write_end = os.pipe()
    screen = f"{width}x{height}x24"
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", screen, "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        pass_fds=(write_end,),
    )
    os.close(write_end)
    with os.fdopen(read_end) as announced:
        number = announced.readline().strip()  # once the server is ready for clients
    if not number or server.poll() is not None:
        raise RuntimeError("Xvfb did not start")
    try:
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(10)


class AppDriver:
    """The running app, a finger, and eyes (screenshots)."""

    def __init__(self, app: Any, artefacts: Path) -> None:
        from kivy.base import EventLoop

        self.app = app
        self.loop = EventLoop
        self.artefacts = artefacts

    def pump(self, frames: int = 2) -> None:
        """Let the app draw and run its scheduled callbacks."""
        for _ in range(frames):
            self.loop.idle()

    def wait_until(self, condition: Callable[[], Any], timeout: float = DEADLINE_S) -> Any:
        """Pump until `condition()` is truthy; return it, or fail the test at the deadline.

        Once it holds, also until the screen has finished drawing (a result comes a text a
        frame): what a test reads next is everything the citizen would read.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump(1)
            found = condition()
            if found:
                self.settle(deadline)
                return found
        raise AssertionError(f"the app never reached: {condition.__doc__ or condition}")

    def settle(self, deadline: float | None = None) -> None:
        """Pump until the current screen adds no more widgets a frame at a time."""
        deadline = deadline or time.monotonic() + DEADLINE_S
        while getattr(self.screen(), "turns_pending", False):
            if time.monotonic() > deadline:
                raise AssertionError("the screen never finished drawing")
            self.pump(1)

    def tap(self, widget: Any) -> None:
        """Touch the middle of `widget` and lift the finger, as a citizen would."""
        from tests.support.finger import Finger

        self.pump()
        self._scroll_into_view(widget)
        x, y = widget.to_window(*widget.center)
        touch = Finger(x, y)
        touch.press()
        self.pump()
        touch.lift()
        self.pump(3)
        self.settle()

    def _scroll_into_view(self, widget: Any) -> None:
        """Scroll the page as a person would, when `widget` lies below what is shown."""
        from kivy.uix.scrollview import ScrollView

        parent = widget.parent
        # The window is its own parent: the climb ends there.
        while parent is not None and parent is not parent.parent:
            if isinstance(parent, ScrollView):
                break
            parent = parent.parent
        if not isinstance(parent, ScrollView) or not parent.children:
            return
        if parent.children[0].height <= parent.height:
            return  # it all fits: nothing to scroll (scroll_to would shift it off the top)
        _x, bottom = widget.to_window(widget.x, widget.y)
        _x, view_bottom = parent.to_window(parent.x, parent.y)
        if bottom < view_bottom or bottom + widget.height > view_bottom + parent.height:
            parent.scroll_to(widget, animate=False)
            self.pump(2)

    def press_key(self, key: int, modifiers: list[str] | None = None) -> None:
        """A key as the window receives it (Escape: 27; F4 with alt: 285)."""
        from kivy.core.window import Window

        Window.dispatch("on_key_down", key, 0, "", modifiers or [])
        Window.dispatch("on_keyboard", key, 0, "", modifiers or [])
        self.pump(3)

    def screen(self) -> Any:
        return self.app.root.current_screen

    def buttons(self, root: Any | None = None) -> list[Any]:
        """Every enabled button shown under `root` (the current screen by default)."""
        from kivy.uix.behaviors import ButtonBehavior

        # restrict: Kivy's walk() goes on past `root` into the rest of the window's tree.
        return [
            w
            for w in (root or self.screen()).walk(restrict=True)
            if isinstance(w, ButtonBehavior) and not w.disabled
        ]

    def button(self, text: str) -> Any:
        """The button showing exactly `text`."""
        found = [b for b in self.buttons() if b.text == text]
        assert found, f"no button {text!r} among {[b.text for b in self.buttons()]}"
        return found[0]

    def texts(self) -> list[str]:
        """Every text shown on the current screen, top to bottom as the widgets hold it."""
        from kivy.uix.label import Label

        from kiosk.i18n import without_isolates

        # As a person reads them: the bidi isolates that order runs are not text.
        return [
            without_isolates(w.text)
            for w in self.screen().walk()
            if isinstance(w, Label) and w.text
        ]

    def screenshot(self, name: str) -> Path:
        """Save what the screen shows as `<artefacts>/<name>.png`."""
        from kivy.core.window import Window
        from kivy.graphics.opengl import GL_RGBA, GL_UNSIGNED_BYTE, glReadPixels
        from PIL import Image

        self.pump(3)
        self.artefacts.mkdir(parents=True, exist_ok=True)
        # RGBA rows are whole 4-byte words at any width: Kivy's own RGB screenshot comes out
        # sheared on a 1366-pixel-wide screen.
        width, height = Window.size
        pixels = glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE)
        picture = Image.frombytes("RGBA", (width, height), pixels).transpose(
            Image.Transpose.FLIP_TOP_BOTTOM
        )
        target = self.artefacts / f"{name}.png"
        picture.convert("RGB").save(target, optimize=True)
        return target


def start_app(context: Any, artefacts: Path) -> AppDriver:
    """Build the app in this process (after `prepare_kivy`) and open its window."""
    from kiosk.ui.app import KioskApp

    app = KioskApp(context, kiosk_mode=True)
    app._run_prepare()  # what App.run() does before its loop: build, open the window
    driver = AppDriver(app, artefacts)
    driver.pump(5)
    return driver


def stop_app(driver: AppDriver) -> None:
    """Stop the app's background work and close its window."""
    driver.app.stop()
    driver.pump(2)
    os.environ.pop("KIVY_TEXT", None)
