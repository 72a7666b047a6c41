"""The home screen: annex, time, connection, languages, journeys, queues and notices."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from kivy.clock import Clock
from kivy.factory import Factory

from kiosk.i18n import N_, NP_, plural_translator
from kiosk.services.home_board import QueueLine
from kiosk.ui import theme
from kiosk.ui.screens.base import KioskScreen, landscape
from kiosk.ui.widgets.secret_taps import watch_secret_taps
from kiosk.ui.widgets.tile import JourneyTile, ListenButton

log = logging.getLogger(__name__)

TAKE_TICKET = N_("Take a queue ticket")
FOLLOW_APPLICATION = N_("Follow a passport or firearm-licence application")
GUIDE = N_("Guide of procedures")
ONLINE = N_("Connected to the central server")
OFFLINE = N_("No network: tickets still work")
DEGRADED = N_("Central server unavailable: tickets still work")
CONNECTIVITY = {"online": ONLINE, "offline": OFFLINE, "degraded": DEGRADED}
QUEUES = N_("Waiting now")
NOTICES = N_("Notices")
NOT_AVAILABLE = N_("not available")
PEOPLE_WAITING = NP_("{count} person waiting", "{count} people waiting")
ABOUT_MINUTES = NP_("about {minutes} minute", "about {minutes} minutes")
NOBODY_WAITING = N_("no wait")
MY_ACCOUNT = N_("My CAU account: certificates and requests")
LARGER_TEXT = N_("Larger text")
NORMAL_TEXT = N_("Normal text")
HIGH_CONTRAST = N_("High contrast")
STANDARD_COLOURS = N_("Standard colours")
HOME_PROMPT = N_("Welcome. Touch the service you need.")
# The journeys on the home screen: (screen, label, icon).
JOURNEYS = (
    ("ticket", TAKE_TICKET, "ticket"),
    ("status", FOLLOW_APPLICATION, "status"),
    ("guide", GUIDE, "guide"),
    ("account", MY_ACCOUNT, "account"),
)
BOARD_REFRESH_S = 20


class HomeScreen(KioskScreen):
    """Where every journey starts and every session ends."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._notice = ""
        self.queues: list[QueueLine] = []
        self.announcements: list[str] = []
        self._board_drawn: tuple[object, ...] = ()
        self.add_language_buttons(self.ids.languages)
        self.tiles: dict[str, Any] = {}
        for screen, _label, icon in JOURNEYS:
            tile = JourneyTile(icon=theme.icon_path(icon))
            tile.bind(on_release=lambda _tile, chosen=screen: self.start(chosen))
            self.tiles[screen] = tile
        self.text_size_button = Factory.WrappingQuietButton()
        self.text_size_button.bind(on_release=lambda _b: self.app.toggle_large_text())
        self.contrast_button = Factory.WrappingQuietButton()
        self.contrast_button.bind(on_release=lambda _b: self.app.toggle_high_contrast())
        self.listen_button = ListenButton(icon=theme.icon_path("listen"))
        self.listen_button.bind(on_release=lambda _b: self.app.speak(self.spoken_prompt()))
        self.app.bind(connectivity=self._connectivity_changed)
        # Five quick taps on the annex's name open technician mode (nothing hints at it).
        self.secret_taps = watch_secret_taps(self.ids.annex, lambda: self.start("technician"))
        self._ticking = Clock.schedule_interval(lambda _dt: self._tick(), BOARD_REFRESH_S)

    def dispose(self) -> None:
        self.app.unbind(connectivity=self._connectivity_changed)
        self._ticking.cancel()
        super().dispose()

    # --- what the citizen does -------------------------------------------------------------

    def start(self, screen: str) -> None:
        """The citizen chose a journey."""
        self.show_notice("")
        self.app.show(screen)

    def start_ticket(self) -> None:
        """The citizen chose "take a ticket"."""
        self.start("ticket")

    # --- drawing ---------------------------------------------------------------------------

    def refresh_texts(self) -> None:
        lang = self.app.lang
        self.ids.annex.text = self.app.context.config.kiosk.annex_name_in(lang)
        for screen, label, _icon in JOURNEYS:
            self.tiles[screen].text = self.tr(label)
        self._show_connectivity()
        self.ids.notice.text = self._notice
        self._show_clock()
        self.order_for_reading(
            self.ids.status_row,
            self.ids.clock,
            self.ids.connectivity_icon,
            self.ids.connectivity,
        )
        self.order_language_buttons()
        self.text_size_button.text = self.tr(NORMAL_TEXT if self.app.large_text else LARGER_TEXT)
        contrast = STANDARD_COLOURS if self.app.high_contrast else HIGH_CONTRAST
        self.contrast_button.text = self.tr(contrast)
        display = [self.text_size_button, self.contrast_button]
        if self.app.context.speaker.available(self.app.lang):
            display.append(self.listen_button)
        self.order_for_reading(self.ids.display_row, *display)
        self.ids.main.orientation = "horizontal" if landscape() else "vertical"
        self.ids.journeys.clear_widgets()
        for tile in self.tiles.values():
            # Landscape: pictogram beside the name, tiles sharing the height left to them.
            tile.orientation = "horizontal" if landscape() else "vertical"
            tile.compact = landscape()
            # Larger text on a landscape panel: the name needs the pictogram's width too.
            tile.show_icon = not (landscape() and self.app.large_text)
            tile.size_hint_y = 1 if landscape() else None
            self.ids.journeys.add_widget(tile)
        self._draw_board()
        self.load_board()  # notices are read in the language now shown

    def spoken_prompt(self) -> str:
        return self.tr(HOME_PROMPT)

    @property
    def take_ticket(self) -> Any:
        """The "take a ticket" tile (tests and part 2's screens reach it by name)."""
        return self.tiles["ticket"]

    def _draw_board(self) -> None:
        # The board is reloaded every 20 s and after each sync; redrawing identical rows
        # would still lay out and render every label again (a long frame for nothing).
        drawn = (self.app.lang, landscape(), tuple(self.queues), tuple(self.announcements))
        if drawn == self._board_drawn:
            return
        board = self.ids.board
        if drawn[:2] != self._board_drawn[:2]:
            # Another language or orientation: every text and its side change, so anew.
            board.clear_widgets()
        self._board_drawn = drawn
        wanted: list[tuple[str, tuple[str, ...]]] = [("SectionLabel", (self.tr(QUEUES),))]
        wanted += [("QueueRow", self._queue_texts(line)) for line in self.queues]
        if self.announcements:
            wanted.append(("SectionLabel", (self.tr(NOTICES),)))
            wanted += [("NoticeLabel", (text,)) for text in self.announcements]
        self._fill_board(board, wanted)

    def _queue_texts(self, line: QueueLine) -> tuple[str, str, str]:
        """A family's row: its letter, its name and its figures, in the current language."""
        family = self.app.context.catalogue.families.get(line.family)
        name = family.names.get(self.app.lang, line.family) if family else line.family
        if line.waiting is None:
            return line.family, name, self.tr(NOT_AVAILABLE)
        plural = plural_translator(self.app.lang)
        figures = plural(PEOPLE_WAITING, line.waiting).format(count=line.waiting)
        if line.wait_minutes:
            minutes = line.wait_minutes
            figures += " · " + plural(ABOUT_MINUTES, minutes).format(minutes=minutes)
        elif line.wait_minutes == 0:
            figures += " · " + self.tr(NOBODY_WAITING)
        return line.family, name, figures

    def _fill_board(self, board: Any, wanted: list[tuple[str, tuple[str, ...]]]) -> None:
        """Show `wanted` (widget kind, texts) on the board, keeping the widgets already there.

        After a ticket only one family's figures move: written over in place, one label is
        rendered again rather than the board's twenty (about 100 ms of one frame under a
        sync), and no widgets are made and thrown away.
        """
        shown = board.children[::-1]  # Kivy keeps children last first
        for index, (kind, texts) in enumerate(wanted):
            if index < len(shown) and type(shown[index]).__name__ == kind:
                widget = shown[index]
            else:
                # From here on the board holds other kinds: what follows is made anew.
                for stale in shown[index:]:
                    board.remove_widget(stale)
                shown = shown[:index]
                widget = getattr(Factory, kind)()
                if kind == "QueueRow":
                    self.order_for_reading(widget, widget.ids.letter, widget.ids.lines)
                board.add_widget(widget)
                shown.append(widget)
            if kind == "QueueRow":
                widget.ids.letter.text, widget.ids.name.text, widget.ids.figures.text = texts
            else:
                (widget.text,) = texts
        for stale in shown[len(wanted) :]:
            board.remove_widget(stale)

    def _show_connectivity(self) -> None:
        state = self.app.connectivity
        self.ids.connectivity.text = self.tr(CONNECTIVITY.get(state, OFFLINE))
        self.ids.connectivity.color = theme.ONLINE if state == "online" else theme.ALERT
        self.ids.connectivity_icon.source = theme.icon_path(
            "online" if state == "online" else "offline"
        )
        self.ids.connectivity_icon.color = self.ids.connectivity.color

    def _show_clock(self) -> None:
        now = datetime.now(self.app.context.config.zone)
        self.ids.clock.text = now.strftime("%d/%m/%Y  %H:%M")

    def _tick(self) -> None:
        self._show_clock()
        self.load_board()

    def _connectivity_changed(self, *_args: Any) -> None:
        self._show_connectivity()
        self.load_board()  # a sync just ran or stopped: the figures may have moved

    def load_board(self) -> None:
        """Read the queues and notices on the worker; draw them when they arrive."""
        lang = self.app.lang
        self.run_job(lambda desk: desk.home_board(lang), self._board_loaded, self._board_failed)

    def _board_loaded(self, board: tuple[list[QueueLine], list[str]]) -> None:
        self.queues, self.announcements = board
        self._draw_board()

    def _board_failed(self, error: BaseException) -> None:
        # Nobody waits for the board: the last figures stay shown, the journal says why.
        log.warning("home board not read: %s; the last figures stay shown", type(error).__name__)

    def on_scan(self, kind: str, value: str) -> None:
        """A dossier code opens its look-up, a CAU card the sign-in, already filled in."""
        journey = {"passport_dossier": "status", "firearm_dossier": "status", "cau_card": "account"}
        if kind in journey:
            self.show_notice("")
            self.app.open_with_scan(journey[kind], kind, value)

    def show_notice(self, text: str) -> None:
        self._notice = text
        self.ids.notice.text = text

    def reset(self) -> None:
        self.show_notice("")
