"""The CAU account: sign in with CIN and PIN (or the card's QR), then the citizen's choices."""

from __future__ import annotations

from enum import Enum
from typing import Any

from kivy.factory import Factory

from kiosk.i18n import N_, NP_, plural_translator
from kiosk.services.faults import message_key
from kiosk.services.scanning import CodeKind
from kiosk.services.session import (
    InputField,
    InvalidInput,
    LockedOut,
    SignedIn,
    SignInOutcome,
    Unreachable,
    UnreachableCause,
    WrongPin,
)
from kiosk.ui.screens.base import BACK, JourneyScreen
from kiosk.ui.widgets.busy import show_busy
from kiosk.ui.widgets.keyboard import TextField

TITLE = N_("My CAU account")
CIN_HINT = N_("CIN number")
PIN_HINT = N_("Secret code (PIN)")
SIGN_IN = N_("Sign in")
TYPE_OR_SCAN = N_("Type your CIN and your secret code, or scan your CAU card.")
TYPE_BOTH = N_("Type your CIN and your secret code.")
SIGNING_IN = N_("Signing in…")
WRONG = N_("Wrong CIN or secret code.")
ATTEMPTS_LEFT = NP_("{count} attempt left before a lock.", "{count} attempts left before a lock.")
LOCKED = NP_(
    "Too many wrong codes: try again in {count} minute.",
    "Too many wrong codes: try again in {count} minutes.",
)
OFFER_PRE_REQUEST = N_("Make a pre-request without an account")
HELLO = N_("Hello, {name}")
REQUEST_CERTIFICATE = N_("Request a certificate")
MY_REQUESTS = N_("My requests")
SIGN_OUT = N_("Sign out")


class Step(Enum):
    """Where the citizen is in the account journey."""

    SIGN_IN = "sign_in"
    SIGNING_IN = "signing_in"
    MENU = "menu"


class AccountScreen(JourneyScreen):
    """CIN (keys or card) and PIN (masked pad) → signed in: request, history, sign out."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cin = TextField(uppercase=True, max_length=8, layouts=("azerty", "digits"))
        pin_length = self.app.context.config.kiosk.pin_length
        self.pin = TextField(masked=True, max_length=pin_length, layouts=("pin",))
        for field in (self.cin, self.pin):
            field.bind(on_release=lambda chosen: self.show_keyboard(chosen))
        self.sign_in_button = self.primary_button  # the footer's, while signing in
        self.step = Step.SIGN_IN
        self.outcome: SignInOutcome | None = None

    # --- journey ---------------------------------------------------------------------------

    def reset(self) -> None:
        self.step, self.outcome = Step.SIGN_IN, None
        self.cin.value = self.pin.value = ""
        self.clear_drawing()

    def on_pre_enter(self, *_args: Any) -> None:
        if self.step is Step.MENU and not self.app.context.session.is_active():
            self.step, self.outcome = Step.SIGN_IN, None  # the session ran out meanwhile
            self.refresh_texts()

    def go_back(self) -> None:
        """Home; a signed-in citizen going home is signed out (the next one must not inherit)."""
        if self.step is not Step.SIGNING_IN:
            self.app.go_home()

    def sign_in(self) -> None:
        """Ask the server on the worker; the PIN leaves the field at once."""
        if self.step is not Step.SIGN_IN:
            return  # a tap already taken
        cin, pin = self.cin.value, self.pin.value
        self.pin.value = ""
        self.step = Step.SIGNING_IN
        self.refresh_texts()
        self.run_job(lambda desk: desk.sign_in(cin, pin), self._answered, self._fault)

    def _answered(self, outcome: SignInOutcome) -> None:
        if self.step is not Step.SIGNING_IN:
            return  # the citizen left meanwhile; a late session is the holder's to close
        self.outcome = outcome
        self.step = Step.MENU if isinstance(outcome, SignedIn) else Step.SIGN_IN
        if isinstance(outcome, SignedIn):
            self.cin.value = ""  # nothing typed stays in a widget once signed in
        self.refresh_texts()

    def _fault(self, error: BaseException) -> None:
        # Outside the holder's typed outcomes (a cache fault, a bug): the citizen is told in
        # the fault's own words and still offered the pre-request.
        self._answered(Unreachable(UnreachableCause.REFUSED, message_key(error)))

    def on_scan(self, kind: str, value: str) -> None:
        """A CAU card's QR gives the CIN; the citizen still types the secret code."""
        if self.step is Step.SIGN_IN and CodeKind(kind) is CodeKind.CAU_CARD:
            self.cin.value = value
            self.refresh_texts()
            self.show_keyboard(self.pin)

    def on_typed(self) -> None:
        self._update_sign_in_button()

    # --- drawing ---------------------------------------------------------------------------

    def refresh_texts(self) -> None:
        # Signed in, there is no step before the choices: no Back that would sign out
        # unannounced; the footer's way out reads "Sign out", and home then says so.
        self.arrange_frame(None if self.step is Step.MENU else BACK)
        self.ids.back.disabled = self.step is not Step.SIGN_IN
        if self.step is Step.MENU:
            self.set_way_out(self.tr(SIGN_OUT))
        self.clear_drawing()
        body = self.ids.body
        if self.step is Step.SIGN_IN:
            self._draw_sign_in(body)
        elif self.step is Step.SIGNING_IN:
            self._draw_sign_in(body, signing_in=True)
        else:
            self._draw_menu(body)

    def _draw_sign_in(self, body: Any, signing_in: bool = False) -> None:
        self.ids.title.text = self.tr(TITLE)
        self.cin.hint, self.pin.hint = self.tr(CIN_HINT), self.tr(PIN_HINT)
        self.set_primary(self.tr(SIGN_IN), self.sign_in)
        self._update_sign_in_button()
        for field in (self.cin, self.pin):
            field.disabled = signing_in  # nothing to type until the answer
        if signing_in:
            show_busy(self.sign_in_button, self.tr(SIGNING_IN))
        self.add_form(body, [self.cin, self.pin])
        if signing_in:
            return  # the last answer's lines are not this one's
        for line in self._outcome_lines():
            body.add_widget(Factory.AlertLabel(text=line))
        scanner = self.app.context.scanner is not None
        body.add_widget(Factory.KioskLabel(text=self.tr(TYPE_OR_SCAN if scanner else TYPE_BOTH)))
        # Found before any sign-in fails: a citizen without an account (or its code) has a
        # way forward from the first step.
        offer = Factory.SecondaryButton(text=self.tr(OFFER_PRE_REQUEST))
        offer.bind(on_release=lambda _b: self._offer_pre_request())
        body.add_widget(offer)
        wrong_field = self.outcome.field if isinstance(self.outcome, InvalidInput) else None
        first = self.pin if self.cin.value and wrong_field is not InputField.CIN else self.cin
        self.show_keyboard(first)

    def _offer_pre_request(self) -> None:
        # The CIN the citizen typed goes along: one thing less to type on the next form.
        self.app.show("prerequest").hand_over(cin=self.cin.value)

    def _outcome_lines(self) -> list[str]:
        outcome, plural = self.outcome, plural_translator(self.app.lang)
        if isinstance(outcome, WrongPin):
            lines = [self.tr(WRONG)]
            if outcome.attempts_left is not None:
                count = outcome.attempts_left
                lines.append(plural(ATTEMPTS_LEFT, count).format(count=count))
            return lines
        if isinstance(outcome, LockedOut):
            count = outcome.minutes_left
            return [plural(LOCKED, count).format(count=count)]
        if isinstance(outcome, InvalidInput | Unreachable):
            return [self.tr(outcome.message_key)]
        return []  # none yet, or Cancelled: the citizen simply signs in again

    def _update_sign_in_button(self) -> None:
        if self.step is not Step.SIGN_IN:
            return  # the footer's button is another step's now
        self.sign_in_button.disabled = not (self.cin.value.strip() and self.pin.value)

    def _draw_menu(self, body: Any) -> None:
        citizen = self.outcome
        assert isinstance(citizen, SignedIn)
        self.ids.title.text = self.tr(HELLO).format(name=citizen.display_name)
        for label, icon, screen in (
            (REQUEST_CERTIFICATE, "account", "certificate"),
            (MY_REQUESTS, "status", "history"),
        ):
            button = self.icon_button(self.tr(label), icon)
            button.bind(on_release=lambda _b, chosen=screen: self.app.show(chosen))
            body.add_widget(button)
