"""The home screen: annex, time, connection, languages, journeys, queues and notices."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from kivy.clock import Clock
from kivy.factory import Factory
from kivy.metrics import dp, sp

from kiosk.i18n import N_
from kiosk.services.home_board import HomeView, QueueLine
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
NOT_AVAILABLE = N_("not available")
PEOPLE_HEADING = N_("People waiting")
MINUTES_HEADING = N_("Minutes")
# A figure the board cannot give: a dash under its heading (the row's name says why).
NO_FIGURE = "–"
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
        self._annex_names: dict[str, str] = {}  # by language, as the server gave them
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
        fit = Clock.create_trigger(self._fit_tiles)
        self.ids.start_scroll.bind(height=lambda *_args: fit())
        self.ids.banner.bind(height=lambda *_args: fit())
        for tile in self.tiles.values():
            tile.ids.name.bind(texture_size=lambda *_args: fit())

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
        self._show_annex_name()
        for screen, label, _icon in JOURNEYS:
            self.tiles[screen].text = self.tr(label)
        self._show_connectivity()
        self.ids.notice.text = self._notice
        self._show_clock()
        # Centred in every language: the base rule re-aligns titles to the reading side.
        self.ids.annex.halign = "center"
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
        wide = landscape()
        self.ids.main.orientation = "horizontal" if wide else "vertical"
        # Landscape, Arabic mirrors the whole page: the journeys where reading starts, the
        # board after. Portrait stacks them, the journeys first.
        columns = (self.ids.start_scroll, self.ids.board_column)
        if wide:
            self.order_for_reading(self.ids.main, *columns)
        else:
            columns = tuple(column.__self__ for column in columns)  # held across the clear
            self.ids.main.clear_widgets()
            for column in columns:
                self.ids.main.add_widget(column)
        self._place_annex(wide)
        # The 2×2 grid of landscape reads from the right in Arabic: the first tile there.
        self.ids.journeys.orientation = "rl-tb" if self.app.rtl else "lr-tb"
        self.ids.journeys.clear_widgets()
        for tile in self.tiles.values():
            # Landscape: pictogram beside the name, tiles sharing the height left to them.
            tile.orientation = "horizontal" if landscape() else "vertical"
            tile.compact = landscape()
            # Larger text on a landscape panel: the name needs the pictogram's width too.
            tile.show_icon = not (landscape() and self.app.large_text)
            # Landscape: as tall as the grid's rows (_fit_tiles); portrait: as its rule says.
            tile.size_hint_y = 1 if landscape() else None
            self.ids.journeys.add_widget(tile)
        self._fit_tiles()
        self._draw_board()
        self.load_board()  # notices are read in the language now shown

    def _fit_tiles(self, *_args: Any) -> None:
        """Landscape: the tiles' rows share the height left under the banner, never less
        than their names need (larger text); the column scrolls when even that is too much."""
        grid = self.ids.journeys
        if not landscape():
            grid.row_force_default = False
            return
        need = max(
            [dp(theme.LANDSCAPE_TILE_MIN_DP)]
            + [tile.ids.name.texture_size[1] + dp(24) for tile in self.tiles.values()]
        )
        banner = self.ids.banner.height
        room = (self.ids.start_scroll.height - banner - 2 * grid.spacing[1]) / 2
        grid.row_force_default = True
        grid.row_default_height = max(need, room)

    def _place_annex(self, wide: bool) -> None:
        """Landscape: the annex's name leads the status row; portrait: a row of its own."""
        annex, page, row = self.ids.annex.__self__, self.ids.page, self.ids.status_row
        annex.font_size = sp(theme.TITLE_SP * (0.75 if wide else 1))
        annex.size_hint_x = 1.4 if wide else 1
        # One line in the status row: a longer name (the server's, larger text) that wrapped
        # pushed the row, and the name's first line, above the window.
        annex.shorten = wide
        annex.shorten_from = "right"
        self.ids.clock.size_hint_x = 0.9 if wide else 0.6  # the date and time on one line
        # Landscape: 2.3 cm language buttons rather than 2.7, for the board's last row.
        self.ids.languages.height = dp(theme.BAR_HEIGHT_DP * (0.85 if wide else 1))
        if annex.parent is not None:
            annex.parent.remove_widget(annex)
        if wide:
            ids = self.ids
            self.order_for_reading(row, annex, ids.clock, ids.connectivity_icon, ids.connectivity)
        else:
            page.add_widget(annex, index=len(page.children))  # Kivy's index 0 is the bottom

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
            self.ids.banner.clear_widgets()
        self._board_drawn = drawn
        heading = (self.tr(QUEUES), self.tr(PEOPLE_HEADING), self.tr(MINUTES_HEADING))
        wanted: list[tuple[str, tuple[str, ...]]] = [("QueueHeading", heading)]
        wanted += [("QueueRow", self._queue_texts(line)) for line in self.queues]
        self._fill_board(board, wanted)
        # Notices are a banner at the top, not rows at the foot of a small scrolling box.
        notices = [("NoticeLabel", (text,)) for text in self.announcements]
        self._fill_board(self.ids.banner, notices)

    def _queue_texts(self, line: QueueLine) -> tuple[str, str, str, str]:
        """A family's row: letter, name, people waiting, minutes, in the current language."""
        family = self.app.context.catalogue.families.get(line.family)
        name = family.names.get(self.app.lang, line.family) if family else line.family
        if line.waiting is None:
            # Unknown or stale figures: said in words, where the name would be.
            return line.family, f"{name} · {self.tr(NOT_AVAILABLE)}", NO_FIGURE, NO_FIGURE
        minutes = str(line.wait_minutes) if line.wait_minutes is not None else NO_FIGURE
        return line.family, name, str(line.waiting), minutes

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
                ids = widget.ids
                if kind == "QueueRow":
                    cells = (ids.letter, ids.name, ids.figures, ids.minutes)
                    self.order_for_reading(widget, *cells)
                elif kind == "QueueHeading":
                    self.order_for_reading(widget, ids.title, ids.people, ids.minutes)
                board.add_widget(widget)
                shown.append(widget)
            ids = widget.ids
            if kind == "QueueRow":
                ids.letter.text, ids.name.text, ids.figures.text, ids.minutes.text = texts
            elif kind == "QueueHeading":
                ids.title.text, ids.people.text, ids.minutes.text = texts
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
        self.run_job(
            lambda desk: desk.home_board(lang),
            lambda board: self._board_loaded(board, lang),
            self._board_failed,
        )

    def _board_loaded(self, board: HomeView, lang: str) -> None:
        self.queues, self.announcements = board.queues, board.notices
        if board.annex_name:
            self._annex_names[lang] = board.annex_name
            self._show_annex_name()
        self._draw_board()

    def _show_annex_name(self) -> None:
        # As the server (and its tracking pages) name the annex, once a sync brought it;
        # the configured name until then.
        lang = self.app.lang
        named = self._annex_names.get(lang) or self.app.context.config.kiosk.annex_name_in(lang)
        if self.ids.annex.text != named:
            self.ids.annex.text = named

    def _board_failed(self, error: BaseException) -> None:
        # Nobody waits for the board: the last figures stay shown, the journal says why.
        log.warning("home board not read: %s; the last figures stay shown", type(error).__name__)

    def on_scan(self, kind: str, value: str) -> None:
        """A dossier code opens its look-up, a CAU card the sign-in, already filled in."""
        journey = {"passport_dossier": "status", "firearm_dossier": "status", "cau_card": "account"}
        if kind in journey:
            self.show_notice("")
            self.app.open_with_scan(journey[kind], kind, value)

    def show_notice(self, text: str, fault: bool = True) -> None:
        self._notice = text
        self.ids.notice.text = text
        # Red for a fault only; news (signed out) in the emphasis colour, bold.
        self.ids.notice.color = theme.ALERT if fault else theme.EMPHASIS

    def reset(self) -> None:
        self.show_notice("")
