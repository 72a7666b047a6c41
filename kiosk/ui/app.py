"""The kiosk application: screens, language, kiosk-mode guards, inactivity and crash safety."""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.base import ExceptionHandler, ExceptionManager
from kivy.clock import Clock, ClockEvent
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.screenmanager import NoTransition, ScreenManager

from kiosk.i18n import is_rtl, translator
from kiosk.services.faults import GENERIC_MESSAGE
from kiosk.services.scanning import ScannedCode
from kiosk.ui import theme
from kiosk.ui.context import AppContext
from kiosk.ui.screens import SCREENS
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.worker import Worker
from offline_cache.sync import ConnectivitySnapshot

log = logging.getLogger(__name__)

ESCAPE_KEYS = {27}  # Escape (and Android back), which Kivy would turn into "close the app"


class KioskApp(App):  # type: ignore[misc]
    """Holds the language and the journey's screens; the work is in screens and services."""

    lang = StringProperty("ar")
    rtl = BooleanProperty(True)
    halign = StringProperty("right")
    font_regular = StringProperty("")
    font_bold = StringProperty("")
    connectivity = StringProperty("offline")

    def __init__(self, context: AppContext, kiosk_mode: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.context = context
        self.kiosk_mode = kiosk_mode
        self.worker = Worker(context.config.cache.path)
        self.title = "GAU Kiosk"
        self._inactivity: ClockEvent | None = None
        self.screens: dict[str, KioskScreen] = {}
        self.apology = ""
        # The kv rules read these while the screens are built: they must name a font already.
        start = context.config.kiosk.default_language
        self.font_regular = theme.font_path(start)
        self.font_bold = theme.font_path(start, bold=True)

    # --- building ------------------------------------------------------------------------

    def build(self) -> ScreenManager:
        for name in ("theme", "widgets", "journey", *SCREENS):
            # By package path, never by working directory: the kiosk runs from anywhere.
            kv = resources.files("kv").joinpath(f"{name}.kv")
            with resources.as_file(kv) as path:
                Builder.load_file(str(Path(path)))
        Window.clearcolor = theme.BACKGROUND
        manager = ScreenManager(transition=NoTransition())
        for name, screen_class in SCREENS.items():
            screen = screen_class(name=name, app=self)
            self.screens[name] = screen
            manager.add_widget(screen)
        self.set_language(self.context.config.kiosk.default_language)
        Window.bind(on_request_close=self._on_request_close, on_keyboard=self._on_keyboard)
        Window.bind(on_touch_down=self._on_touch)
        ExceptionManager.add_handler(_KeepRunning(self))
        if self.context.sync is not None:
            self.context.sync.worker.add_listener(self._on_connectivity)
            self.context.sync.start()
        if self.context.scanner is not None:
            self.context.scanner.listen(self._on_scan)
            self.context.scanner.start()
        return manager

    def on_stop(self) -> None:
        if self.context.sync is not None:
            self.context.sync.stop()
        if self.context.scanner is not None:
            self.context.scanner.stop()
        self.worker.shutdown()

    # --- language -------------------------------------------------------------------------

    def tr(self, message: str) -> str:
        """`message` in the current language."""
        return translator(self.lang)(message)

    def set_language(self, lang: str) -> None:
        """Switch language and redraw every screen in place: the journey goes on."""
        self.lang = lang
        self.rtl = is_rtl(lang)
        self.halign = "right" if self.rtl else "left"
        self.font_regular = theme.font_path(lang)
        self.font_bold = theme.font_path(lang, bold=True)
        self.apology = self.tr(GENERIC_MESSAGE)
        for screen in self.screens.values():
            screen.refresh_texts()

    # --- navigation and safety ------------------------------------------------------------

    def show(self, name: str) -> None:
        """Show a screen (its journey state is kept until `go_home`)."""
        self.root.current = name
        self._restart_inactivity()

    def go_home(self, apology: bool = False) -> None:
        """Back to the start: every screen forgets what was typed or shown for a citizen."""
        for screen in self.screens.values():
            screen.reset()
        self.root.current = "home"
        self.set_language(self.context.config.kiosk.default_language)
        if apology:
            self.screens["home"].show_notice(self.apology)

    def _restart_inactivity(self) -> None:
        if self._inactivity is not None:
            self._inactivity.cancel()
        timeout = self.context.config.kiosk.inactivity_timeout_s
        self._inactivity = Clock.schedule_once(lambda _dt: self._inactive(), timeout)

    def _inactive(self) -> None:
        if self.root.current != "home":
            log.info("inactivity: back to the home screen")
            self.go_home()

    def _on_touch(self, _window: Any, _touch: Any) -> bool:
        self._restart_inactivity()
        return False  # let the touch reach the widgets

    def _on_request_close(self, *_args: Any, **_kwargs: Any) -> bool:
        # True = "handled": the window stays. Alt+F4 and the window manager's close land here.
        return self.kiosk_mode

    def _on_keyboard(self, _window: Any, key: int, *_args: Any) -> bool:
        return self.kiosk_mode and key in ESCAPE_KEYS

    def _on_scan(self, code: ScannedCode) -> None:
        # Called on the scanner's thread, like the connectivity listener below.
        def deliver(_dt: float) -> None:
            self._restart_inactivity()
            self.root.current_screen.on_scan(code.kind.value, code.value)

        Clock.schedule_once(deliver)

    def _on_connectivity(self, snapshot: ConnectivitySnapshot) -> None:
        # Called on the sync worker's thread: hop to the UI thread before touching widgets.
        state = snapshot.state.value
        Clock.schedule_once(lambda _dt: setattr(self, "connectivity", state))


class _KeepRunning(ExceptionHandler):  # type: ignore[misc]
    """An exception inside a screen sends the citizen home with an apology; the app lives on."""

    def __init__(self, app: KioskApp) -> None:
        super().__init__()
        self._app = app

    def handle_exception(self, exception: BaseException) -> int:
        if isinstance(exception, KeyboardInterrupt | SystemExit):
            return ExceptionManager.RAISE  # a technician's Ctrl+C or a service stop
        log.exception("a screen failed; back to the home screen", exc_info=exception)
        try:
            self._app.go_home(apology=True)
        except Exception:  # the home screen itself failed: keep the loop alive regardless
            log.exception("could not return home")
        return ExceptionManager.PASS
