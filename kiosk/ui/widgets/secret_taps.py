"""The hidden gesture that opens technician mode: five taps within three seconds on a widget.

Nothing on screen hints at it: the watched widget (the annex's name on the home screen)
looks and behaves as before; only the count of recent taps on it is kept.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import Any

TAPS = 5
WITHIN_S = 3.0


class SecretTaps:
    """Counts taps; the `count`-th tap within `within_s` seconds calls `on_unlock`.

    `clock` gives seconds (monotonic by default; tests inject their own). After an unlock
    the count starts again from nothing, so a sixth tap does not open it twice.
    """

    def __init__(
        self,
        on_unlock: Callable[[], None],
        count: int = TAPS,
        within_s: float = WITHIN_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._on_unlock = on_unlock
        self._count = count
        self._within_s = within_s
        self._clock = clock
        self._taps: deque[float] = deque(maxlen=count)

    def tap(self) -> bool:
        """Count one tap now; True if it completed the gesture (and `on_unlock` ran)."""
        now = self._clock()
        self._taps.append(now)
        if len(self._taps) < self._count or now - self._taps[0] > self._within_s:
            return False
        self._taps.clear()
        self._on_unlock()
        return True

    def forget(self) -> None:
        """Drop the taps counted so far."""
        self._taps.clear()


def watch_secret_taps(widget: Any, on_unlock: Callable[[], None], **options: Any) -> SecretTaps:
    """Count the touches that land on `widget` (a Kivy widget); returns the counter.

    The touch goes on to the widget as before: the gesture takes nothing away from it.
    """
    taps = SecretTaps(on_unlock, **options)

    def touched(target: Any, touch: Any) -> bool:
        if target.collide_point(*touch.pos) and not getattr(touch, "is_mouse_scrolling", False):
            taps.tap()
        return False

    widget.bind(on_touch_down=touched)
    return taps
