"""Take a queue ticket: family, then service, then the number, very large, printed or shown."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from enum import Enum
from typing import Any

from kivy.clock import Clock, ClockEvent
from kivy.factory import Factory
from kivy.metrics import sp

from kiosk.i18n import N_
from kiosk.services.documents import YOUR_NUMBER, printable_ticket_link, wait_lines
from kiosk.services.faults import message_key
from kiosk.services.printing import PrintResult
from kiosk.services.records import Ticket
from kiosk.ui import theme
from kiosk.ui.screens.base import BACK, DONE, JourneyScreen, landscape
from kiosk.ui.widgets.busy import show_busy
from kiosk.ui.widgets.qr import qr_image

CHOOSE_FAMILY = N_("Which service are you here for?")
CHOOSE_SERVICE = N_("Choose your procedure")
PRINTING = N_("Printing your ticket…")
PRINTED = N_("Take your ticket from the printer below the screen.")
WHERE_TO_GO = N_("Please wait in the hall until your number is called.")
SCAN_TICKET = N_("No ticket printed: note your number, or scan this code with your phone.")
# How long the number stays on screen before the kiosk is ready for the next citizen.
RESULT_SHOWN_S = 45
LANDSCAPE_NUMBER_SCALE = 0.6


class Step(Enum):
    """Where the citizen is in the journey."""

    FAMILY = "family"
    SERVICE = "service"
    PRINTING = "printing"
    RESULT = "result"
    FAILED = "failed"


class TicketScreen(JourneyScreen):
    """family → service → issue and print (on the worker) → the number."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.step = Step.FAMILY
        self.family: str | None = None
        self.service_code: str | None = None  # the procedure tapped: its button shows busy
        self.ticket: Ticket | None = None
        self.printed: PrintResult | None = None
        self.error = ""
        self._leave: ClockEvent | None = None

    # --- journey ---------------------------------------------------------------------------

    def reset(self) -> None:
        self._cancel_leave()
        self.step, self.family, self.ticket, self.printed, self.error = (
            Step.FAMILY,
            None,
            None,
            None,
            "",
        )
        self.service_code = None
        self.clear_drawing()

    def go_back(self) -> None:
        """Back one step, or home from the first one or once the ticket is out."""
        if self.step is Step.SERVICE:
            self.step = Step.FAMILY
            self.refresh_texts()
        elif self.step is not Step.PRINTING:
            self.app.go_home()

    def choose_family(self, letter: str) -> None:
        self.family, self.step = letter, Step.SERVICE
        self.refresh_texts()

    def choose_service(self, code: str, tapped: Any = None) -> None:
        """Issue and print on the worker; the tapped button shows it is busy meanwhile."""
        if self.step is Step.PRINTING or (tapped is not None and self.step is not Step.SERVICE):
            # A second finger on another procedure, lifted while the first one's ticket
            # prints or after it is shown: one ticket per tap.
            return
        self.step, self.service_code = Step.PRINTING, code
        if tapped is None:  # its button, if shown (else from the guide's page)
            shown = (b for b in self.ids.body.children if getattr(b, "service_code", "") == code)
            tapped = next(shown, None)
        if tapped is None:  # from the guide's page: its family's list, this one busy
            self.family = self.app.context.catalogue.service(code).family
            self.refresh_texts()
        else:
            # The buttons shown are marked in place, not drawn again: the tap's frame
            # lays out no text, and the finger's button is the one that says "printing".
            self.arrange_frame(BACK, back_enabled=False)
            for button in self.ids.body.children:
                button.disabled = True
            show_busy(tapped, self.tr(PRINTING))
        language = self.app.lang
        self.run_job(lambda desk: desk.issue_ticket(code, language), self._issued, self._failed)

    def _issued(self, outcome: tuple[Ticket, PrintResult]) -> None:
        self.ticket, self.printed = outcome
        self.step = Step.RESULT
        self.refresh_texts()
        # Left on screen that long, the citizen has gone with their ticket: the visit ends.
        self._leave = Clock.schedule_once(lambda _dt: self.app.start_over(), RESULT_SHOWN_S)

    def _failed(self, error: BaseException) -> None:
        self.step, self.error = Step.FAILED, message_key(error)
        self.refresh_texts()

    def _cancel_leave(self) -> None:
        if self._leave is not None:
            self._leave.cancel()
            self._leave = None

    # --- drawing ---------------------------------------------------------------------------

    def refresh_texts(self) -> None:
        self.clear_body()
        body = self.ids.body
        self.arrange_frame(
            DONE if self.step is Step.RESULT else BACK, back_enabled=self.step is not Step.PRINTING
        )
        draw = {
            Step.FAMILY: self._draw_families,
            Step.SERVICE: self._draw_services,
            Step.PRINTING: self._draw_printing,
            Step.RESULT: self._draw_result,
            Step.FAILED: self._draw_failed,
        }[self.step]
        draw(body)

    def _draw_families(self, body: Any) -> None:
        self.ids.title.text = self.tr(CHOOSE_FAMILY)
        self.add_family_buttons(body)

    def _draw_services(self, body: Any, printing: bool = False) -> None:
        self.ids.title.text = self.tr(CHOOSE_SERVICE)
        for service in self.app.context.catalogue:
            if service.family != self.family:
                continue
            button = Factory.BigButton(text=service.name(self.app.lang), disabled=printing)
            button.bind(
                on_release=lambda tapped, code=service.code: self.choose_service(code, tapped)
            )
            button.service_code = service.code
            if printing and service.code == self.service_code:
                show_busy(button, self.tr(PRINTING))
            body.add_widget(button)

    def _draw_printing(self, body: Any) -> None:
        # The list stays where it was, the tapped procedure busy, the others and back
        # disabled, until the number shows: a ticket never prints for a citizen who left.
        self._draw_services(body, printing=True)

    def _draw_result(self, body: Any) -> None:
        assert self.ticket is not None and self.printed is not None
        # Shown in the language chosen now, even if the ticket was taken in another one.
        shown = dataclasses.replace(self.ticket, language=self.app.lang)
        service = self.app.context.catalogue.service(shown.service_code)
        self.ids.title.text = self.tr(YOUR_NUMBER)
        # The number first, then a text a frame (see add_in_turns).
        # On a 768-pixel landscape panel the full-size number would push the people ahead
        # and the wait below the fold: a smaller one keeps them in view.
        latin = theme.font_path("en", bold=True)
        size = sp(theme.TYPE_SCALE["number"] * (LANDSCAPE_NUMBER_SCALE if landscape() else 1))
        makers: list[Callable[[], Any]] = [
            # Latin letters and digits only: in the Latin face, whose line is 1.4 em where
            # the Arabic face's is 2.1 em (a number 80 px shorter on screen, same glyphs).
            lambda: self._number(shown.number, size, latin)
        ]
        # The figures the citizen waits by first, then what and where.
        lines = [*wait_lines(shown), service.name(self.app.lang), self.tr(WHERE_TO_GO)]
        if self.printed.printed:
            lines.append(self.tr(PRINTED))
        makers += [lambda line=line: Factory.KioskLabel(text=line) for line in lines]
        if not self.printed.printed:
            # The reason, in the citizen's language, and the ticket's QR to take it along.
            reason = self.tr(self.printed.message_key or "")
            makers.append(lambda: Factory.KioskLabel(text=reason, color=theme.ALERT))
            # No QR (and nothing telling to scan one) when the tracking base is a placeholder.
            link = printable_ticket_link(self.app.context.config.tracking_base, shown)
            if link is not None:
                scan = self.tr(SCAN_TICKET)
                makers.append(lambda: Factory.KioskLabel(text=scan))
                makers.append(lambda: qr_image(link))
        self.add_in_turns(body, makers)

    @staticmethod
    def _number(number: str, size: float, font: str) -> Any:
        label = Factory.TicketNumber(text=number)
        # Set once built: the kv rule binds the font to the language's, over any argument.
        label.font_size, label.font_name = size, font
        return label

    def _draw_failed(self, body: Any) -> None:
        self.ids.title.text = self.tr(self.error)
