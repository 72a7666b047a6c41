"""The touchscreen app (Kivy): the only package of the kiosk that imports kivy.

`prepare_kivy()` must run before the first `import kivy…`: Kivy reads its text provider,
window options and command-line policy at import time.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def prepare_kivy(state_dir: Path, windowed: bool, size: tuple[int, int]) -> None:
    """Set Kivy up for a kiosk: Pillow/Raqm text, no console noise, no exits, no cursor."""
    # The PIL text provider lays every label out with Pillow and Raqm: FriBiDi orders mixed
    # Arabic/Latin/digit lines and HarfBuzz shapes them, the same engine as on paper. (SDL2's
    # provider reverses mixed lines and measures Arabic unshaped.)
    os.environ["KIVY_TEXT"] = "pil"
    os.environ["KIVY_NO_ARGS"] = "1"  # the kiosk's own CLI owns the arguments
    # Kivy must not take over Python's root logger (it would print every library's DEBUG
    # lines): the kiosk's own logging setup decides what reaches the journal.
    os.environ["KIVY_LOG_MODE"] = "PYTHON"
    os.environ["KCFG_KIVY_LOG_LEVEL"] = "warning"  # read when kivy is first imported
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    kivy_home = Path(os.environ.setdefault("KIVY_HOME", str(state_dir / "kivy")))
    try:
        kivy_home.mkdir(parents=True, exist_ok=True)
    except OSError:
        # Kivy keeps only its own settings there; an unwritable state directory (the cache
        # then says what is wrong, translated) must not stop the screen from starting.
        os.environ["KIVY_HOME"] = tempfile.mkdtemp(prefix="gau-kivy-")
    from kivy.config import Config

    width, height = size
    Config.set("graphics", "width", str(width))
    Config.set("graphics", "height", str(height))
    Config.set("graphics", "fullscreen", "0" if windowed else "auto")
    Config.set("graphics", "borderless", "0" if windowed else "1")
    Config.set("graphics", "show_cursor", "1" if windowed else "0")
    Config.set("graphics", "resizable", "1" if windowed else "0")
    # Escape must never close the app in front of a citizen (technician mode is the way out).
    Config.set("kivy", "exit_on_escape", "0")
    Config.set("kivy", "keyboard_mode", "")
    Config.set("input", "mouse", "mouse,disable_multitouch")
