"""The home screen: annex, time, connection, languages, and the journeys a citizen can take."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kivy.clock import Clock

from kiosk.i18n import N_
from kiosk.ui import theme
from kiosk.ui.screens.base import KioskScreen

TAKE_TICKET = N_("Take a queue ticket")
ONLINE = N_("Connected to the central server")
OFFLINE = N_("No network: tickets still work")
DEGRADED = N_("Central server unavailable: tickets still work")
CONNECTIVITY = {"online": ONLINE, "offline": OFFLINE, "degraded": DEGRADED}


class HomeScreen(KioskScreen):
    """Where every journey starts and every session ends."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._notice = ""
        self.add_language_buttons(self.ids.languages)
        self.app.bind(connectivity=lambda *_args: self.refresh_texts())
        Clock.schedule_interval(lambda _dt: self._tick(), 20)

    def refresh_texts(self) -> None:
        self.ids.annex.text = self.app.context.config.kiosk.annex_name
        self.ids.take_ticket.text = self.tr(TAKE_TICKET)
        state = self.app.connectivity
        self.ids.connectivity.text = self.tr(CONNECTIVITY.get(state, OFFLINE))
        self.ids.connectivity.color = theme.ONLINE if state == "online" else theme.ALERT
        self.ids.notice.text = self._notice
        self._tick()
        self.order_for_reading(self.ids.status_row, self.ids.clock, self.ids.connectivity)
        self.order_language_buttons()

    def _tick(self) -> None:
        now = datetime.now(self.app.context.config.zone)
        self.ids.clock.text = now.strftime("%d/%m/%Y  %H:%M")

    def show_notice(self, text: str) -> None:
        self._notice = text
        self.ids.notice.text = text

    def reset(self) -> None:
        self.show_notice("")

    def start_ticket(self) -> None:
        """The citizen chose "take a ticket"."""
        self.show_notice("")
        self.app.show("ticket")
