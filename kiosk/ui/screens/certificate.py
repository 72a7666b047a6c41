"""A certificate request: service → its page → alert → confirm → sent, receipt printed."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any

from kivy.factory import Factory

from kiosk.domain.models import Citizen, Service
from kiosk.i18n import N_, ltr_run
from kiosk.services.faults import message_key
from kiosk.services.printing import PrintResult
from kiosk.services.requests import PreparedRequest, SubmitOutcome, SubmitResult
from kiosk.ui.screens.account import OFFER_PRE_REQUEST, SIGN_IN
from kiosk.ui.screens.base import BACK, DONE, JourneyScreen
from kiosk.ui.screens.procedure import add_procedure_page, fee_text
from kiosk.ui.widgets.busy import show_busy

if TYPE_CHECKING:
    from kiosk.services.front_desk import FrontDesk

CHOOSE = N_("Which certificate do you need?")
CONTINUE = N_("Continue")
ALERT_TITLE = N_("How should we tell you it is ready?")
BY_SMS = N_("By SMS to {phone}")
BY_EMAIL = N_("By e-mail to {email}")
NO_ALERT = N_("No message: I will come back")
CONFIRM_TITLE = N_("Check and send")
ALERT_CHOSEN = {
    "sms": N_("Alert: SMS to {phone}"),
    "email": N_("Alert: e-mail to {email}"),
    "none": N_("Alert: none"),
}
SEND = N_("Send the request")
SENDING = N_("Sending your request…")
SENT = N_("Request sent")
REQUEST_NUMBER = N_("Request number")
NOT_SENT = N_("Request not sent")
TRY_AGAIN = N_("Try again")
SIGN_IN_AGAIN = N_("Your session has ended: please sign in again.")
SCREEN_TIME_FORMAT = "%d/%m/%Y %H:%M"


class Step(Enum):
    """Where the citizen is in the request."""

    SERVICES = "services"
    PAGE = "page"
    ALERT = "alert"
    CONFIRM = "confirm"
    SENDING = "sending"
    SENT = "sent"
    NOT_SENT = "not_sent"


class CertificateScreen(JourneyScreen):
    """One confirmed request, one idempotency key: a retry after a timeout files it once."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.step = Step.SERVICES
        self.services: tuple[Service, ...] = ()
        self.service: Service | None = None
        self.alert = "none"
        self.prepared: PreparedRequest | None = None
        self.result: SubmitResult | None = None
        self.printed: PrintResult | None = None
        self.fault_key: str | None = None  # a failure outside the service's outcomes

    # --- journey ---------------------------------------------------------------------------

    def reset(self) -> None:
        self.step, self.service, self.alert = Step.SERVICES, None, "none"
        self.prepared = self.result = self.printed = self.fault_key = None
        self.clear_drawing()

    def on_pre_enter(self, *_args: Any) -> None:
        if self.step is Step.SERVICES and not self.services:
            self._load_services()

    def go_back(self) -> None:
        """Back one step; to the account from the list, or once the request is sent."""
        previous = {
            Step.PAGE: Step.SERVICES,
            Step.ALERT: Step.PAGE,
            Step.CONFIRM: Step.ALERT,
            Step.NOT_SENT: Step.CONFIRM,
        }
        if self.step in previous:
            self.step = previous[self.step]
            self.refresh_texts()
        elif self.step is not Step.SENDING:
            self.app.show("account")
            self.reset()

    def _load_services(self) -> None:
        def loaded(services: tuple[Service, ...]) -> None:
            self.services = services
            if self.step is Step.SERVICES:
                self.refresh_texts()

        # A fault is shown under the (empty) list: the citizen is waiting for it.
        self.run_job(lambda desk: desk.certificate_services(), loaded)

    def choose(self, service: Service) -> None:
        self.service, self.step = service, Step.PAGE
        self.refresh_texts()

    def choose_alert(self, alert: str) -> None:
        self.alert, self.step = alert, Step.CONFIRM
        self.refresh_texts()

    def send(self) -> None:
        """Prepare once (the key), then submit; a retry sends the same prepared request."""
        if self.step not in (Step.CONFIRM, Step.NOT_SENT):
            return  # a tap already taken
        citizen = self._citizen()
        if citizen is None:
            return
        assert self.service is not None
        prepared = self.prepared
        service_code, lang, alert = self.service.code, self.app.lang, self.alert
        self.step = Step.SENDING
        self.refresh_texts()

        def submit(desk: FrontDesk) -> tuple[SubmitResult, PrintResult | None]:
            return desk.submit_request(citizen, prepared, service_code, lang, alert)

        self.run_job(submit, self._submitted, self._fault)

    def _submitted(self, outcome: tuple[SubmitResult, PrintResult | None]) -> None:
        if self.step is not Step.SENDING:
            return
        self.result, self.printed = outcome
        self.prepared = self.result.prepared  # kept: "try again" resends this very key
        self.step = Step.SENT if self.result.outcome is SubmitOutcome.SUBMITTED else Step.NOT_SENT
        self.refresh_texts()

    def _fault(self, error: BaseException) -> None:
        if self.step is Step.SENDING:
            self.result, self.step = None, Step.NOT_SENT
            self.fault_key = message_key(error)
            self.refresh_texts()

    def _citizen(self) -> Citizen | None:
        session = self.app.context.session
        return session.citizen if session.is_active() else None

    # --- drawing ---------------------------------------------------------------------------

    def refresh_texts(self) -> None:
        self.arrange_frame(DONE if self.step is Step.SENT else BACK)
        self.ids.back.disabled = self.step is Step.SENDING
        self.clear_drawing()
        {
            Step.SERVICES: self._draw_services,
            Step.PAGE: self._draw_page,
            Step.ALERT: self._draw_alert,
            Step.CONFIRM: self._draw_confirm,
            Step.SENDING: self._draw_sending,
            Step.SENT: self._draw_sent,
            Step.NOT_SENT: self._draw_not_sent,
        }[self.step](self.ids.body)

    def _draw_services(self, body: Any) -> None:
        self.ids.title.text = self.tr(CHOOSE)
        for service in self.services:
            button = Factory.BigButton(text=service.name(self.app.lang))
            button.bind(on_release=lambda _b, chosen=service: self.choose(chosen))
            body.add_widget(button)

    def _draw_page(self, body: Any) -> None:
        assert self.service is not None
        self.ids.title.text = self.service.name(self.app.lang)
        add_procedure_page(body, self.service, self.app.lang, self.tr)
        self.set_primary(self.tr(CONTINUE), self._to_alert)

    def _to_alert(self) -> None:
        self.step = Step.ALERT
        self.refresh_texts()

    def _alert_texts(self) -> dict[str, str]:
        citizen = self._citizen()
        texts = {}
        if citizen is not None and citizen.phone_masked:
            texts["sms"] = self.tr(BY_SMS).format(phone=ltr_run(citizen.phone_masked))
        if citizen is not None and citizen.email_masked:
            texts["email"] = self.tr(BY_EMAIL).format(email=ltr_run(citizen.email_masked))
        texts["none"] = self.tr(NO_ALERT)
        return texts

    def _draw_alert(self, body: Any) -> None:
        self.ids.title.text = self.tr(ALERT_TITLE)
        for alert, text in self._alert_texts().items():
            button = Factory.BigButton(text=text)
            button.bind(on_release=lambda _b, chosen=alert: self.choose_alert(chosen))
            body.add_widget(button)

    def _draw_confirm(self, body: Any, sending: bool = False) -> None:
        assert self.service is not None
        citizen, lang = self._citizen(), self.app.lang
        self.ids.title.text = self.tr(CONFIRM_TITLE)
        body.add_widget(Factory.SectionLabel(text=self.service.name(lang)))
        body.add_widget(Factory.KioskLabel(text=fee_text(self.service, self.tr)))
        phone = citizen.phone_masked if citizen else ""
        email = citizen.email_masked if citizen else ""
        chosen = self.tr(ALERT_CHOSEN[self.alert]).format(
            phone=ltr_run(phone), email=ltr_run(email)
        )
        body.add_widget(Factory.KioskLabel(text=chosen))
        send = self.set_primary(self.tr(SEND), self.send)
        if sending:
            show_busy(send, self.tr(SENDING))

    def _draw_sending(self, body: Any) -> None:
        # The page stays, its button busy (and back disabled) until the receipt is out.
        self._draw_confirm(body, sending=True)

    def _draw_sent(self, body: Any) -> None:
        result, printed = self.result, self.printed
        assert result is not None and result.request is not None
        request, zone = result.request, self.app.context.config.zone
        self.ids.title.text = self.tr(SENT)
        body.add_widget(Factory.MutedLabel(text=self.tr(REQUEST_NUMBER)))
        body.add_widget(Factory.ReferenceNumber(text=request.request_number))
        service = self.app.context.catalogue.service(request.service_code)
        body.add_widget(Factory.KioskLabel(text=service.name(self.app.lang)))
        moment = request.created_at.astimezone(zone).strftime(SCREEN_TIME_FORMAT)
        body.add_widget(Factory.MutedLabel(text=moment))
        self.add_receipt_outcome(body, printed, request.request_number)

    def _draw_not_sent(self, body: Any) -> None:
        result = self.result
        self.ids.title.text = self.tr(NOT_SENT)
        if result is not None and result.outcome is SubmitOutcome.SESSION_EXPIRED:
            body.add_widget(Factory.AlertLabel(text=self.tr(SIGN_IN_AGAIN)))
            self.set_primary(self.tr(SIGN_IN), lambda: self.app.show("account"))
            return
        key = result.message_key if result is not None else self.fault_key
        body.add_widget(Factory.AlertLabel(text=self.tr(key or "")))
        if result is None or result.outcome is SubmitOutcome.UNREACHABLE:
            self.set_primary(self.tr(TRY_AGAIN), self.send)
            offer = Factory.SecondaryButton(text=self.tr(OFFER_PRE_REQUEST))
            offer.bind(on_release=lambda _b: self.app.show("prerequest"))
            body.add_widget(offer)
