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
from kivy.metrics import Metrics
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.screenmanager import NoTransition, ScreenManager

from kiosk.i18n import N_, NP_, is_rtl, plural_translator, translator
from kiosk.services.faults import GENERIC_MESSAGE
from kiosk.services.front_desk import AppContext
from kiosk.services.records import ConnectivitySnapshot
from kiosk.services.scanning import ScannedCode
from kiosk.ui import theme
from kiosk.ui.memory import release_free_memory
from kiosk.ui.screens import SCREENS
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.screens.ticket import TicketScreen
from kiosk.ui.service_manager import report_to_systemd
from kiosk.ui.text import forget_fonts, install_measure_cache, set_paragraph_direction
from kiosk.ui.widget_map import install_widget_map
from kiosk.ui.widgets.aligned_label import AlignedLabel  # noqa: F401  (kv/theme.kv builds on it)
from kiosk.ui.widgets.countdown import StillThereDialog
from kiosk.ui.widgets.keyboard import OnScreenKeyboard
from kiosk.ui.widgets.scroll import KioskScroll  # noqa: F401  (kv/theme.kv styles it)
from kiosk.ui.worker import Worker

log = logging.getLogger(__name__)

PREBUILD_AFTER_S = 1.0  # after the first frame of home: the kiosk is interactive before
PREBUILD_GAP_S = 0.2
RELEASE_MEMORY_AFTER_S = 2.0
STILL_THERE = N_("Are you still there?")
SIGNING_OUT_IN = NP_(
    "For your privacy, you will be signed out in {count} second.",
    "For your privacy, you will be signed out in {count} seconds.",
)
STAY = N_("I am still here")
ESCAPE_KEYS = {27}  # Escape (and Android back), which Kivy would turn into "close the app"
# Every dp size of the theme was chosen on the 21.5" 1080x1920 reference panel (about 102
# pixels per inch). `[kiosk] screen_dpi` scales them on another panel, so a 2 cm key
# stays 2 cm under the finger.
REFERENCE_DPI = 102


class KioskApp(App):  # type: ignore[misc]
    """Holds the language and the journey's screens; the work is in screens and services."""

    lang = StringProperty("ar")
    rtl = BooleanProperty(True)
    halign = StringProperty("right")
    font_regular = StringProperty("")
    font_bold = StringProperty("")
    connectivity = StringProperty("offline")
    large_text = BooleanProperty(False)
    high_contrast = BooleanProperty(False)

    def __init__(self, context: AppContext, kiosk_mode: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.context = context
        self.kiosk_mode = kiosk_mode
        self.worker = Worker(context.open_front_desk)
        self.title = "GAU Kiosk"
        self._inactivity: ClockEvent | None = None
        self._still_there: StillThereDialog | None = None
        self.screens: dict[str, KioskScreen] = {}
        self.apology = ""
        # The kv rules read these while the screens are built: they must name a font already.
        start = context.config.kiosk.default_language
        self.font_regular = theme.font_path(start)
        self.font_bold = theme.font_path(start, bold=True)

    # --- building ------------------------------------------------------------------------

    def build(self) -> ScreenManager:
        install_measure_cache()
        Metrics.density = self.context.config.kiosk.screen_dpi / REFERENCE_DPI
        # The annex's resting display ([accessibility]): what the kiosk starts with and
        # returns to once the citizen who changed it has gone.
        self._apply_display(*self._resting_display())
        for name in ("theme", "widgets", "journey"):
            _load_kv(name)
        # One keyboard for the whole app, lent to the screen that asks for it: a keyboard
        # per screen kept a hundred-odd keys (and their textures) for each screen visited.
        self.keyboard = OnScreenKeyboard()
        manager = ScreenManager(transition=NoTransition())
        self.root = manager
        # Only home is built before the first frame, so a cold start draws one screen; the
        # others (keyboards, lists) follow one per clock tick a second later, or on demand.
        self.set_language(self.context.config.kiosk.default_language)
        self.screen("home")
        report_to_systemd()  # READY=1 after home's first frame, then the watchdog's pings
        Clock.schedule_once(self._build_next_screen, PREBUILD_AFTER_S)
        Window.bind(on_request_close=self._on_request_close, on_keyboard=self._on_keyboard)
        Window.bind(on_touch_down=self._on_touch)
        ExceptionManager.add_handler(_KeepRunning(self))
        self.context.start_background(self._on_connectivity, self._on_scan)
        install_widget_map(self)  # only with $KIOSK_WIDGET_MAP: where things are, for tests
        return manager

    def on_stop(self) -> None:
        self.context.stop_background()
        self.worker.shutdown()

    # --- language -------------------------------------------------------------------------

    def tr(self, message: str) -> str:
        """`message` in the current language."""
        return translator(self.lang)(message)

    def set_language(self, lang: str) -> None:
        """Switch language; every screen bound to `lang` redraws itself, the journey goes on."""
        rtl = is_rtl(lang)
        self.rtl = rtl
        set_paragraph_direction(rtl)
        self.halign = "right" if rtl else "left"
        self.font_regular = theme.font_path(lang)
        self.font_bold = theme.font_path(lang, bold=True)
        self.apology = translator(lang)(GENERIC_MESSAGE)
        # Last: the screens redraw when `lang` changes, and read direction and fonts then.
        self.lang = lang

    def choose_language(self, lang: str) -> None:
        """A citizen's choice: the screen redraws in `lang` and, where a voice exists, says so."""
        self.set_language(lang)
        self.speak(self.root.current_screen.spoken_prompt())

    # --- speech -------------------------------------------------------------------------

    def speak(self, text: str) -> None:
        """Say `text` in the current language, if a voice exists; never waits for it."""
        speaker = self.context.speaker
        if text and speaker.available(self.lang):
            speaker.say(text, self.lang)

    # --- display: larger text, high contrast ------------------------------------------------

    def toggle_large_text(self) -> None:
        """Every text a quarter larger, or back to normal; home is drawn again."""
        self._set_display(not self.large_text, self.high_contrast)

    def toggle_high_contrast(self) -> None:
        """White and yellow on black, or back to the standard colours."""
        self._set_display(self.large_text, not self.high_contrast)

    def _resting_display(self) -> tuple[bool, bool]:
        accessibility = self.context.config.accessibility
        return accessibility.large_text, accessibility.high_contrast

    def _apply_display(self, large_text: bool, high_contrast: bool) -> None:
        self.large_text, self.high_contrast = large_text, high_contrast
        Metrics.fontscale = theme.LARGE_TEXT_SCALE if large_text else 1.0
        theme.use_palette("high_contrast" if high_contrast else "standard")
        Window.clearcolor = theme.BACKGROUND

    def _set_display(self, large_text: bool, high_contrast: bool) -> None:
        self._apply_display(large_text, high_contrast)
        # Sizes and colours are read when widgets are built (kv rules, sp()): build anew.
        current = self.root.current
        for screen in list(self.screens.values()):
            screen.dispose()
            self.root.remove_widget(screen)
        self.screens.clear()
        self.screen("home")
        self.show(current)
        Clock.schedule_once(self._build_next_screen, PREBUILD_GAP_S)

    # --- navigation and safety ------------------------------------------------------------

    def screen(self, name: str) -> KioskScreen:
        """The screen called `name`, built (with its kv rules) on first use."""
        screen = self.screens.get(name)
        if screen is None:
            _load_kv(name)
            screen = SCREENS[name](name=name, app=self)
            self.screens[name] = screen
            self.root.add_widget(screen)
            screen.refresh_texts()
        return screen

    def _build_next_screen(self, _dt: float) -> None:
        # One screen per clock tick once home is up, so the first tap on a journey finds
        # its screen built and no single frame carries them all.
        missing = [name for name in SCREENS if name not in self.screens]
        if missing:
            self.screen(missing[0])
            Clock.schedule_once(self._build_next_screen, PREBUILD_GAP_S)

    def show(self, name: str) -> KioskScreen:
        """Show a screen (its journey state is kept until `go_home`) and return it."""
        screen = self.screen(name)
        screen.refresh_if_stale()
        self.root.current = name
        self._restart_inactivity()
        return screen

    def go_home(self, apology: bool = False) -> None:
        """Back to home: every screen forgets the journey; the citizen's language stays.

        "Back" from a journey's first step and "Done" land here: the same citizen is still
        in front of the kiosk, so home stays in the language they chose (Arabic home under
        a French reader's finger moved the language buttons, too). A CAU sign-in ends here
        all the same: home shows no account, and nothing on home would sign it out later.
        """
        self._forget_journeys()
        self.root.current = "home"
        self.screens["home"].refresh_if_stale()
        if apology:
            self.screens["home"].show_notice(self.apology)
        # Once home is drawn and the citizen has gone: not in the frame of the tap.
        Clock.schedule_once(lambda _dt: self._release_memory(), RELEASE_MEMORY_AFTER_S)

    def start_over(self, apology: bool = False) -> None:
        """The visit ends ("start over", inactivity): home in the kiosk's default language."""
        self._forget_journeys()
        self.root.current = "home"
        resting = self._resting_display()
        if (self.large_text, self.high_contrast) != resting:
            self._set_display(*resting)  # the citizen who changed them has gone
        self.set_language(self.context.config.kiosk.default_language)
        self.screens["home"].refresh_if_stale()  # when the language did not change
        if apology:
            self.screens["home"].show_notice(self.apology)
        Clock.schedule_once(lambda _dt: self._release_memory(), RELEASE_MEMORY_AFTER_S)

    def _forget_journeys(self) -> None:
        self._close_still_there()
        self.context.speaker.stop()
        if self.context.session.citizen is not None:
            self._end_session()
        for screen in self.screens.values():
            screen.forget_jobs()  # an answer still on its way is not for the next citizen
            screen.reset()  # forgets the state and empties the widgets that showed it
            screen.mark_stale()  # redrawn from that clean state when next shown

    # --- hand-overs between sibling screens ------------------------------------------------

    def take_ticket_for(self, service_code: str) -> None:
        """The ticket journey, straight to issuing a ticket for `service_code` (from the guide)."""
        ticket = self.show("ticket")
        assert isinstance(ticket, TicketScreen)
        ticket.choose_service(service_code)

    def open_with_scan(self, name: str, kind: str, value: str) -> None:
        """Open the journey `name` with a code the scanner read on another screen."""
        self.show(name).on_scan(kind, value)

    def _release_memory(self) -> None:
        if self.root.current != "home":
            return  # a new citizen is already on a journey: their faces are in use
        forget_fonts(keep={self.font_regular, self.font_bold})
        release_free_memory()

    def _restart_inactivity(self) -> None:
        if self._inactivity is not None:
            self._inactivity.cancel()
        timeout = self.context.config.kiosk.inactivity_timeout_s
        self._inactivity = Clock.schedule_once(lambda _dt: self._inactive(), timeout)

    def _inactive(self) -> None:
        if self.root.current == "home":
            default = self.context.config.kiosk.default_language
            if (self.large_text, self.high_contrast) != self._resting_display() or (
                self.lang != default
            ):
                self.start_over()  # the citizen who changed them has gone
            return
        if self.context.session.citizen is not None:
            self._ask_still_there()  # a signed-in citizen may be reading: ask first
        else:
            log.info("inactivity: back to the home screen")
            self.start_over()

    def _ask_still_there(self) -> None:
        plural = plural_translator(self.lang)

        def texts(seconds: int) -> tuple[str, str, str]:
            left = plural(SIGNING_OUT_IN, seconds).format(count=seconds)
            return self.tr(STILL_THERE), left, self.tr(STAY)

        self._still_there = StillThereDialog(
            self.context.config.kiosk.signout_warning_s,
            texts,
            on_stay=self._restart_inactivity,
            on_timeout=self._timed_out,
        )
        self._still_there.start()

    def _timed_out(self) -> None:
        log.info("inactivity: signed out, back to the home screen")
        self._still_there = None
        self.start_over()

    def _close_still_there(self) -> None:
        if self._still_there is not None:
            self._still_there.cancel()
            self._still_there = None

    def _end_session(self) -> None:
        # Forgotten here and now; the server is told on the worker, where waiting is harmless.
        close_on_server = self.context.session.forget()
        self.worker.run(
            lambda desk: desk.end_session_on_server(close_on_server),
            lambda _done: None,
            # Best-effort: the session is already gone here, and expires on the server anyway.
            lambda error: log.info(
                "sign-out not confirmed by the server: %s", type(error).__name__
            ),
        )

    def _on_touch(self, _window: Any, _touch: Any) -> bool:
        self.context.speaker.stop()  # the next tap interrupts whatever is being said
        if self._still_there is not None:
            self._close_still_there()  # any touch answers "still there?"
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


_loaded_kv: set[str] = set()


def _load_kv(name: str) -> None:
    # Once per process: a class rule loaded twice builds its children twice (a screen
    # rebuilt for larger text would show every tile's icon and label two times).
    if name in _loaded_kv:
        return
    # By package path, never by working directory: the kiosk runs from anywhere.
    with resources.as_file(resources.files("kv").joinpath(f"{name}.kv")) as path:
        Builder.load_file(str(Path(path)))
    _loaded_kv.add(name)


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
