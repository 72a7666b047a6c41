"""The "are you still there?" dialog: seconds left before a signed-in citizen is signed out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.clock import Clock, ClockEvent
from kivy.factory import Factory
from kivy.graphics import Color, Rectangle
from kivy.metrics import dp
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.modalview import ModalView

from kiosk.ui import theme


class StillThereDialog(ModalView):  # type: ignore[misc]
    """Counts down once a second; "stay" keeps the session, zero ends it.

    `texts(seconds_left)` gives (question, countdown line, stay button) in the citizen's
    language, so the dialog knows nothing of translations.
    """

    def __init__(
        self,
        seconds: int,
        texts: Callable[[int], tuple[str, str, str]],
        on_stay: Callable[[], None],
        on_timeout: Callable[[], None],
        **kwargs: Any,
    ) -> None:
        super().__init__(auto_dismiss=False, size_hint=(0.85, None), **kwargs)
        self.background_color = (0, 0, 0, 0)  # the panel is the box below, on the surface
        self._left, self._texts = seconds, texts
        self._on_stay, self._on_timeout = on_stay, on_timeout
        box = BoxLayout(orientation="vertical", padding=dp(32), spacing=dp(24))
        box.size_hint_y = None
        box.bind(minimum_height=box.setter("height"))
        with box.canvas.before:
            Color(*theme.SURFACE)
            panel = Rectangle()
        box.bind(pos=lambda _b, pos: setattr(panel, "pos", pos))
        box.bind(size=lambda _b, size: setattr(panel, "size", size))
        self.question = Factory.TitleLabel(halign="center")
        self.countdown = Factory.KioskLabel(halign="center")
        self.stay = Factory.BigButton()
        self.stay.bind(on_release=lambda _b: self._stay())
        for widget in (self.question, self.countdown, self.stay):
            box.add_widget(widget)
        self.add_widget(box)
        box.bind(height=lambda _box, height: setattr(self, "height", height))
        self._tick: ClockEvent | None = None
        self._show_texts()

    def start(self) -> None:
        """Show the dialog and start counting."""
        # No fade-in: Kivy's 0.1 s fade drew the first frame with the box but without its
        # dimmed backdrop, the screen behind still looking live.
        self.open(animation=False)
        self._tick = Clock.schedule_interval(lambda _dt: self._count(), 1)

    def cancel(self) -> None:
        """Close without calling back (the app went home by another way)."""
        if self._tick is not None:
            self._tick.cancel()
            self._tick = None
        self.dismiss()

    def _show_texts(self) -> None:
        self.question.text, self.countdown.text, self.stay.text = self._texts(self._left)

    def _count(self) -> None:
        self._left -= 1
        if self._left <= 0:
            self.cancel()
            self._on_timeout()
        else:
            self._show_texts()

    def _stay(self) -> None:
        self.cancel()
        self._on_stay()
