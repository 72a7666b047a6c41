"""Technician mode in tests: the PIN, the hidden gesture and the PIN pad, and a whole app that
the technician closes.

Run as `python -m tests.support.technician`: a kiosk of its own (one Kivy window per
process, so the tests' shared app keeps running), on its own Xvfb, standalone (no server),
printing to a capture file, running its own event loop as `kiosk run` does. Touches,
one per frame, open technician mode and tap "Exit to the desktop"; the process exits 0
only if `App.run()` then returned. Anything else exits 1 with the reason on stderr.
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from tests.support.ui_driver import AppDriver, virtual_screen

TECHNICIAN_PIN = "482916"
WRONG_PIN = "111111"
SIZE = (1080, 1920)
START_AFTER_S = 1.0
DEADLINE_S = 60.0


def write_technician_pin(folder: Path) -> Path:
    """The PIN file `kiosk technician set-pin` would write for TECHNICIAN_PIN, in `folder`."""
    from kiosk.services.technician import hash_pin, write_pin_file

    path = folder / "technician-pin"
    write_pin_file(path, hash_pin(TECHNICIAN_PIN))
    return path


def open_technician_mode(driver: AppDriver) -> Any:
    """Five taps on the annex's name at the top of home; the technician screen."""
    annex = driver.app.screens["home"].ids.annex
    for _ in range(5):
        driver.tap(annex)
    driver.wait_until(lambda: driver.app.root.current == "technician")
    return driver.screen()


def type_pin(driver: AppDriver, pin: str) -> None:
    """Tap the PIN's digits on the screen's pad, then "open"."""
    screen = driver.screen()
    if screen.keyboard.target is None:
        driver.tap(screen.pin)
    for digit in pin:
        keys = [b for b in driver.buttons(screen.ids.footer) if b.text == digit]
        assert keys, f"no key {digit!r} on the PIN pad"
        driver.tap(keys[0])
    assert len(screen.pin.value) == len(pin)
    driver.tap(screen.open_button)


def tap_in_report(driver: AppDriver, button: Any) -> None:
    """Scroll the report until `button` is in view (as a finger would), then tap it."""
    driver.screen().ids.scroll.scroll_to(button, animate=False)
    driver.pump(3)
    driver.tap(button)


def _buttons(root: Any) -> list[Any]:
    from kivy.uix.behaviors import ButtonBehavior

    return [w for w in root.walk() if isinstance(w, ButtonBehavior) and not w.disabled]


def _technician_exits(app: Any) -> Iterator[None]:
    """Touches, one step per frame of the running app: the gesture, the PIN, "exit"."""
    from tests.support.finger import Finger

    def tap(widget: Any) -> Iterator[None]:
        touch = Finger(*widget.to_window(*widget.center))
        touch.press()
        yield
        touch.lift()
        yield

    def until(condition: Callable[[], object]) -> Iterator[None]:
        while not condition():
            yield

    home = app.screens["home"]
    yield from until(lambda: home.ids.annex.text and home.ids.annex.width > 1)
    for _ in range(5):
        yield from tap(home.ids.annex)
    yield from until(lambda: app.root.current == "technician")
    screen = app.root.current_screen
    for digit in TECHNICIAN_PIN:
        (key,) = [b for b in _buttons(screen.ids.footer) if b.text == digit]
        yield from tap(key)
    yield from tap(screen.open_button)
    yield from until(lambda: screen.report is not None)
    (leave,) = [b for b in _buttons(screen.ids.body) if b.text == "خروج إلى سطح المكتب"]
    screen.ids.scroll.scroll_to(leave, animate=False)
    yield
    yield from tap(leave)
    for _ in range(50):
        yield  # App.run() should have returned by now
    raise AssertionError("the app kept running after 'Exit to the desktop'")


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch, virtual_screen(*SIZE) as display:
        state = Path(scratch)
        os.environ["DISPLAY"] = display
        from kiosk.config import parse_config

        config = parse_config(
            f'[printer]\nuri = "capture:{state / "printed"}"\n'
            f'[cache]\npath = "{state / "cache.sqlite"}"\n'
            f'[technician]\npin_file = "{write_technician_pin(state)}"\n'
        )
        from kiosk.ui import prepare_kivy

        prepare_kivy(state, windowed=False, size=SIZE)
        from kivy.clock import Clock

        from kiosk.ui.app import KioskApp
        from kiosk.ui.context import AppContext

        # As `kiosk run` does, in kiosk mode: the app's own loop, driven by touches.
        app = KioskApp(AppContext.from_config(config), kiosk_mode=True)
        steps = _technician_exits(app)

        def advance(_dt: float) -> bool:
            try:
                next(steps)
            except StopIteration:
                return False
            except BaseException:  # the app would swallow it and carry on: end here
                traceback.print_exc()
                os._exit(1)
            return True

        def too_long(_dt: float) -> None:
            print("technician mode did not close the app in time", file=sys.stderr)
            os._exit(1)

        Clock.schedule_once(lambda _dt: Clock.schedule_interval(advance, 0), START_AFTER_S)
        Clock.schedule_once(too_long, DEADLINE_S)
        app.run()  # returns only when the app stops
    print("the app stopped: App.run() returned", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
