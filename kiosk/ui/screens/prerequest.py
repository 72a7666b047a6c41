"""An offline pre-request: service, CIN and phone → kept and queued → a receipt with PR-…."""

from __future__ import annotations

import logging
from enum import Enum
from typing import TYPE_CHECKING, Any

from kivy.clock import Clock, ClockEvent
from kivy.factory import Factory

from kiosk.domain.models import Service
from kiosk.i18n import N_, ltr_run
from kiosk.services.faults import message_key
from kiosk.services.printing import PrintResult
from kiosk.services.requests import StoredPreRequest
from kiosk.ui.screens.base import BACK, DONE, JourneyScreen
from kiosk.ui.widgets.busy import show_busy
from kiosk.ui.widgets.keyboard import TextField

if TYPE_CHECKING:
    from kiosk.services.front_desk import FrontDesk

log = logging.getLogger(__name__)

CHOOSE = N_("Pre-request without an account: which certificate?")
EXPLAIN = N_(
    "Without the network, the kiosk keeps your request and sends it later. "
    "Your identity is checked at the counter."
)
FORM_TITLE = N_("Your CIN and your phone")
CIN_HINT = N_("CIN number")
PHONE_HINT = N_("Phone number")
RECORD = N_("Record the pre-request")
SAVING = N_("Recording…")
SAVED = N_("Pre-request recorded")
REFERENCE = N_("Pre-request reference")
AT_COUNTER = N_("Bring your CIN to the counter: your identity is checked there.")
SENDING_LATER = N_("It will be sent to the administration as soon as the network is back.")
SERVER_REFERENCE = N_("Received by the administration under the reference {reference}.")
# While the receipt is shown, look for the server's reference (a sync may run meanwhile).
REFERENCE_POLL_S = 2.0


class Step(Enum):
    """Where the citizen is in the pre-request."""

    SERVICES = "services"
    FORM = "form"
    SAVING = "saving"
    SAVED = "saved"


class PreRequestScreen(JourneyScreen):
    """For field staff and days without a network: nothing needs the server until the sync."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cin = TextField(uppercase=True, max_length=8, layouts=("azerty", "digits"))
        self.phone = TextField(max_length=16, layouts=("phone",))
        for field in (self.cin, self.phone):
            field.bind(on_release=lambda chosen: self.show_keyboard(chosen))
        self.record_button = self.primary_button  # the footer's, on the form
        self.step = Step.SERVICES
        self.services: tuple[Service, ...] = ()
        self.service: Service | None = None
        self.error = ""
        self.stored: StoredPreRequest | None = None
        self.printed: PrintResult | None = None
        self._poll: ClockEvent | None = None

    # --- journey ---------------------------------------------------------------------------

    def reset(self) -> None:
        self._stop_polling()
        self.step, self.service, self.error = Step.SERVICES, None, ""
        self.stored = self.printed = None
        self.cin.value = self.phone.value = ""
        self.clear_drawing()

    def on_pre_enter(self, *_args: Any) -> None:
        if not self.services:
            # A fault is shown under the (empty) list: the citizen is waiting for it.
            self.run_job(lambda desk: desk.offline_services(), self._services_loaded)

    def _services_loaded(self, services: tuple[Service, ...]) -> None:
        self.services = services
        if self.step is Step.SERVICES:
            self.refresh_texts()

    def go_back(self) -> None:
        """Back to the list from the form; home from the list or once recorded."""
        if self.step is Step.FORM:
            self.step, self.error = Step.SERVICES, ""
            self.refresh_texts()
        elif self.step is not Step.SAVING:
            self.app.go_home()

    def hand_over(self, **values: str) -> None:
        """The CIN typed at sign-in (the server could not answer): the form starts with it."""
        if self.step in (Step.SERVICES, Step.FORM) and values.get("cin"):
            self.cin.value = values["cin"]

    def choose(self, service: Service) -> None:
        self.service, self.step = service, Step.FORM
        self.refresh_texts()

    def record(self) -> None:
        """Keep it and queue it in one transaction (on the worker), then print the receipt."""
        if self.step is not Step.FORM:
            return  # a tap already taken
        assert self.service is not None
        code, lang = self.service.code, self.app.lang
        cin, phone = self.cin.value, self.phone.value
        self.step, self.error = Step.SAVING, ""
        self.refresh_texts()

        def keep(desk: FrontDesk) -> tuple[StoredPreRequest, PrintResult]:
            return desk.create_pre_request(code, cin, phone, lang)

        self.run_job(keep, self._kept, self._refused)

    def _kept(self, outcome: tuple[StoredPreRequest, PrintResult]) -> None:
        if self.step is not Step.SAVING:
            return
        self.stored, self.printed = outcome
        self.cin.value = self.phone.value = ""  # kept in the cache now, not on the screen
        self.step = Step.SAVED
        self.refresh_texts()
        look = Clock.schedule_interval
        self._poll = look(lambda _dt: self._look_for_reference(), REFERENCE_POLL_S)

    def _refused(self, error: BaseException) -> None:
        # A CIN or phone that is not one, or a storage fault: back to the form, nothing lost.
        if self.step is Step.SAVING:
            self.step, self.error = Step.FORM, message_key(error)
            self.refresh_texts()

    def _look_for_reference(self) -> None:
        stored = self.stored
        if stored is None or stored.server_reference:
            self._stop_polling()
            return
        key = stored.record.idempotency_key

        self.run_job(lambda desk: desk.pre_request(key), self._reference_read, self._poll_failed)

    def _poll_failed(self, error: BaseException) -> None:
        # The receipt already shows the PR- reference; the next poll tries again.
        log.warning("pre-request reference not read: %s", type(error).__name__)

    def _reference_read(self, found: StoredPreRequest | None) -> None:
        if self.step is Step.SAVED and found is not None and found.server_reference:
            self.stored = found
            self._stop_polling()
            self.refresh_texts()

    def _stop_polling(self) -> None:
        if self._poll is not None:
            self._poll.cancel()
            self._poll = None

    def on_typed(self) -> None:
        self._update_record_button()

    # --- drawing ---------------------------------------------------------------------------

    def refresh_texts(self) -> None:
        self.arrange_frame(DONE if self.step is Step.SAVED else BACK)
        self.ids.back.disabled = self.step is Step.SAVING
        self.clear_drawing()
        body = self.ids.body
        if self.step is Step.SERVICES:
            self.ids.title.text = self.tr(CHOOSE)
            body.add_widget(Factory.KioskLabel(text=self.tr(EXPLAIN)))
            for service in self.services:
                button = Factory.BigButton(text=service.name(self.app.lang))
                button.bind(on_release=lambda _b, chosen=service: self.choose(chosen))
                body.add_widget(button)
        elif self.step is Step.FORM:
            self._draw_form(body)
        elif self.step is Step.SAVING:
            self._draw_form(body, saving=True)
        else:
            self._draw_saved(body)

    def _draw_form(self, body: Any, saving: bool = False) -> None:
        assert self.service is not None
        self.ids.title.text = self.tr(FORM_TITLE)
        self.cin.hint, self.phone.hint = self.tr(CIN_HINT), self.tr(PHONE_HINT)
        self.set_primary(self.tr(RECORD), self.record)
        self._update_record_button()
        for field in (self.cin, self.phone):
            field.disabled = saving  # nothing to type while it is kept and printed
        if saving:
            show_busy(self.record_button, self.tr(SAVING))
        # The fields first: on a short landscape panel the keyboard leaves room for little.
        self.add_form(body, [self.cin, self.phone])
        body.add_widget(Factory.SectionLabel(text=self.service.name(self.app.lang)))
        if self.error:
            body.add_widget(Factory.AlertLabel(text=self.tr(self.error)))
        body.add_widget(Factory.KioskLabel(text=self.tr(AT_COUNTER)))
        if not saving:
            # A CIN already there (typed at sign-in): the keys go to the phone.
            first = self.phone if self.cin.value and not self.phone.value else self.cin
            self.show_keyboard(self.typing_field() or first)

    def _update_record_button(self) -> None:
        if self.step is not Step.FORM:
            return  # the footer's button is another step's now
        self.record_button.disabled = not (self.cin.value.strip() and self.phone.value.strip())

    def _draw_saved(self, body: Any) -> None:
        stored, printed = self.stored, self.printed
        assert stored is not None and printed is not None
        self.ids.title.text = self.tr(SAVED)
        body.add_widget(Factory.MutedLabel(text=self.tr(REFERENCE)))
        body.add_widget(Factory.ReferenceNumber(text=stored.local_reference))
        service = self.app.context.catalogue.service(stored.record.service_code)
        body.add_widget(Factory.KioskLabel(text=service.name(self.app.lang)))
        # An instruction, not a fault: emphasis, never the error red.
        body.add_widget(Factory.EmphasisLabel(text=self.tr(AT_COUNTER)))
        if stored.server_reference:
            text = self.tr(SERVER_REFERENCE).format(reference=ltr_run(stored.server_reference))
            body.add_widget(Factory.KioskLabel(text=text))
        else:
            body.add_widget(Factory.MutedLabel(text=self.tr(SENDING_LATER)))
        self.add_receipt_outcome(body, printed, stored.local_reference)
