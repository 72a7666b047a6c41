"""Follow a passport or firearm-licence application: kind → dossier and CIN → its timeline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from enum import Enum
from typing import Any

from kivy.factory import Factory

from kiosk.i18n import N_
from kiosk.services.faults import message_key
from kiosk.services.records import TimelineEntry
from kiosk.services.scanning import CodeKind
from kiosk.services.status import KINDS, Outcome, StatusLookup, stage_name
from kiosk.ui.screens.base import BACK, DONE, JourneyScreen
from kiosk.ui.widgets.busy import show_busy
from kiosk.ui.widgets.keyboard import TextField

TITLE = N_("Follow an application")
CHOOSE_KIND = N_("Which application do you want to follow?")
KIND_NAMES = {"passport": N_("Passport"), "firearm_licence": N_("Firearm licence")}
DOSSIER_HINT = N_("Dossier number")
CIN_HINT = N_("CIN number")
LOOK_UP = N_("Look up")
TYPE_OR_SCAN = N_("Type the dossier number from your receipt and your CIN, or scan the receipt.")
TYPE_BOTH = N_("Type the dossier number from your receipt and your CIN.")
LOOKING = N_("Looking up your application…")
CURRENT_STAGE = N_("Current stage: {stage}")
REASON = N_("Reason given by the administration: {reason}")
AS_OF = N_("No network: this is the last known status, as of {moment}.")
UPDATED = N_("Updated on {moment}")
TRY_AGAIN = N_("Try again")
SCREEN_TIME_FORMAT = "%d/%m/%Y %H:%M"
DATE_FORMAT = "%d/%m/%Y"
# Each stage's semantic colour (theme.STATES): a refusal is not an error, nor teal.
STAGE_TONES = {
    "submitted": "in_progress",
    "incomplete": "incomplete",
    "under_review": "in_progress",
    "investigation": "in_progress",
    "rejected": "rejected",
    "approved": "ready",
    "in_production": "in_progress",
    "ready": "ready",
    "collected": "ready",
}
# The scanner's reading of each kind of dossier code.
SCANNED_KINDS = {
    CodeKind.PASSPORT_DOSSIER: "passport",
    CodeKind.FIREARM_DOSSIER: "firearm_licence",
}


class Step(Enum):
    """Where the citizen is in the look-up."""

    KIND = "kind"
    FORM = "form"
    LOOKING = "looking"
    ANSWER = "answer"


class StatusScreen(JourneyScreen):
    """kind → dossier number and CIN (keys or scanner) → the timeline, or one plain message."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.dossier = TextField(uppercase=True, max_length=20, layouts=("azerty", "digits"))
        self.cin = TextField(uppercase=True, max_length=8, layouts=("azerty", "digits"))
        for field in (self.dossier, self.cin):
            field.bind(on_release=lambda chosen: self.show_keyboard(chosen))
        self.look_up_button = self.primary_button  # the footer's, on the form
        self.step = Step.KIND
        self.kind: str | None = None
        self.answer: StatusLookup | None = None

    # --- journey ---------------------------------------------------------------------------

    def reset(self) -> None:
        self.step, self.kind, self.answer = Step.KIND, None, None
        self.dossier.value = self.cin.value = ""
        self.clear_drawing()

    def go_back(self) -> None:
        """Back one step: a failed look-up returns to the form with what was typed."""
        if self.step is Step.FORM:
            self.step = Step.KIND
        elif self.step is Step.ANSWER and self._failed():
            self.step = Step.FORM
        elif self.step is not Step.LOOKING:
            self.app.go_home()
            return
        self.refresh_texts()

    def choose_kind(self, kind: str) -> None:
        self.kind, self.step = kind, Step.FORM
        self.refresh_texts()

    def look_up(self) -> None:
        """Ask the server (or the cache) on the worker; the button says it is looking."""
        if self.step is not Step.FORM:
            return  # a tap already taken
        assert self.kind is not None
        kind, dossier, cin = self.kind, self.dossier.value, self.cin.value
        self.step = Step.LOOKING
        self.refresh_texts()
        self.run_job(
            lambda desk: desk.look_up_status(kind, dossier, cin), self._answered, self._fault
        )

    def _answered(self, answer: StatusLookup) -> None:
        if self.step is not Step.LOOKING:
            return  # the citizen left (inactivity): the answer is not for the next one
        self.answer, self.step = answer, Step.ANSWER
        self.refresh_texts()

    def _fault(self, error: BaseException) -> None:
        self._answered(StatusLookup(Outcome.NEEDS_NETWORK, message_key=message_key(error)))

    def _failed(self) -> bool:
        return self.answer is not None and self.answer.status is None

    def on_scan(self, kind: str, value: str) -> None:
        """A receipt's dossier code fills kind and number; a CAU card fills the CIN."""
        if self.step is Step.LOOKING:
            return
        scanned = CodeKind(kind)
        if scanned in SCANNED_KINDS:
            self.kind, self.dossier.value = SCANNED_KINDS[scanned], value
        elif scanned is CodeKind.CAU_CARD:
            self.cin.value = value
        else:
            return
        if self.kind is not None:
            self.step = Step.FORM
        self.refresh_texts()

    def on_typed(self) -> None:
        self._update_look_up_button()

    # --- drawing ---------------------------------------------------------------------------

    def refresh_texts(self) -> None:
        self.arrange_frame(
            DONE if self.step is Step.ANSWER and not self._failed() else BACK,
            back_enabled=self.step is not Step.LOOKING,
        )
        self.clear_body()
        body = self.ids.body
        self.show_keyboard(None)
        draw = {
            Step.KIND: self._draw_kinds,
            Step.FORM: self._draw_form,
            Step.LOOKING: self._draw_looking,
            Step.ANSWER: self._draw_answer,
        }[self.step]
        draw(body)

    def _draw_kinds(self, body: Any) -> None:
        self.ids.title.text = self.tr(CHOOSE_KIND)
        for kind in KINDS:
            button = self.icon_button(self.tr(KIND_NAMES[kind]), kind)
            button.bind(on_release=lambda _b, chosen=kind: self.choose_kind(chosen))
            body.add_widget(button)

    def _draw_form(self, body: Any, looking: bool = False) -> None:
        assert self.kind is not None
        self.ids.title.text = self.tr(KIND_NAMES[self.kind])
        self.dossier.hint, self.cin.hint = self.tr(DOSSIER_HINT), self.tr(CIN_HINT)
        self.set_primary(self.tr(LOOK_UP), self.look_up)
        self._update_look_up_button()
        for field in (self.dossier, self.cin):
            field.disabled = looking  # nothing to type until the answer
        if looking:
            show_busy(self.look_up_button, self.tr(LOOKING))
        self.add_form(body, [self.dossier, self.cin])
        scanner = self.app.context.scanner is not None
        body.add_widget(Factory.KioskLabel(text=self.tr(TYPE_OR_SCAN if scanner else TYPE_BOTH)))
        if not looking:
            self.show_keyboard(self.keyboard.target or self.dossier)

    def _update_look_up_button(self) -> None:
        if self.step is not Step.FORM:
            return  # the footer's button is another step's now
        filled = self.dossier.value.strip() and self.cin.value.strip()
        self.look_up_button.disabled = not filled

    def _draw_looking(self, body: Any) -> None:
        self._draw_form(body, looking=True)

    def _draw_answer(self, body: Any) -> None:
        answer = self.answer
        assert answer is not None
        if answer.status is None:
            self.ids.title.text = self.tr(TITLE)
            body.add_widget(Factory.AlertLabel(text=self.tr(answer.message_key or "")))
            self.set_primary(self.tr(TRY_AGAIN), self.go_back)
            return
        status, zone = answer.status, self.app.context.config.zone
        self.ids.title.text = self.tr(KIND_NAMES.get(status.kind, TITLE))
        # Top to bottom, a text a frame (see add_in_turns): a timeline is a dozen labels.
        makers: list[Callable[[], Any]] = [lambda: Factory.KioskLabel(text=status.dossier_number)]
        if answer.outcome is Outcome.CACHED and answer.as_of is not None:
            as_of = self.tr(AS_OF).format(
                moment=answer.as_of.astimezone(zone).strftime(SCREEN_TIME_FORMAT)
            )
            makers.append(lambda: Factory.AlertLabel(text=as_of))
        current = self.tr(CURRENT_STAGE).format(stage=self.tr(stage_name(status.stage)))
        tone = STAGE_TONES.get(status.stage, "in_progress")
        makers.append(lambda: Factory.StatusChip(text=current, tone=tone))
        if status.reason:
            reason = self.tr(REASON).format(reason=status.reason)
            makers.append(lambda: Factory.KioskLabel(text=reason))
        for entry in status.timeline:
            makers.append(lambda entry=entry: self._timeline_row(entry, status.stage, zone))
        updated = self.tr(UPDATED).format(
            moment=status.updated_at.astimezone(zone).strftime(SCREEN_TIME_FORMAT)
        )
        makers.append(lambda: Factory.MutedLabel(text=updated))
        self.add_in_turns(body, makers)

    def _timeline_row(self, entry: TimelineEntry, current: str, zone: tzinfo) -> Any:
        """One stage of the timeline: its dot (filled at the current stage), date and name."""
        row = Factory.TimelineRow()
        row.ids.date.text = entry.date.astimezone(zone).strftime(DATE_FORMAT)
        row.ids.stage.text = self.tr(stage_name(entry.stage))
        row.ids.dot.reached = entry.stage == current
        self.order_for_reading(row, row.ids.dot, row.ids.date, row.ids.stage)
        return row
