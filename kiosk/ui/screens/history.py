"""My requests: the citizen's certificate requests, newest first; offline, "as of" a time."""

from __future__ import annotations

from typing import Any

from kivy.factory import Factory

from kiosk.domain.models import RequestStatus
from kiosk.i18n import N_, ltr_run
from kiosk.services.faults import message_key
from kiosk.services.requests import STATUS_NAMES, HistoryOutcome, HistoryView
from kiosk.ui.screens.base import BACK, JourneyScreen
from kiosk.ui.screens.certificate import SIGN_IN_AGAIN

TITLE = N_("My requests")
LOADING = N_("Loading your requests…")
NONE_YET = N_("You have no requests yet.")
AS_OF = N_("No network: this is the last known list, as of {moment}.")
FILED = N_("Filed on {date}")
REASON = N_("Reason given by the administration: {reason}")
# Each status's semantic colour (theme.STATES): a refused request stands out, not in red.
STATUS_TONES = {
    RequestStatus.RECEIVED: "in_progress",
    RequestStatus.IN_PROGRESS: "in_progress",
    RequestStatus.READY: "ready",
    RequestStatus.COLLECTED: "ready",
    RequestStatus.REJECTED: "rejected",
}
DATE_FORMAT = "%d/%m/%Y"
SCREEN_TIME_FORMAT = "%d/%m/%Y %H:%M"


class HistoryScreen(JourneyScreen):
    """Fetched each time it is shown; a service the catalogue lacks shows the server's code."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.view: HistoryView | None = None
        self.loading = False

    def reset(self) -> None:
        self.view, self.loading = None, False
        self.clear_drawing()

    def on_pre_enter(self, *_args: Any) -> None:
        self.view, self.loading = None, True
        self.refresh_texts()
        citizen = self.app.context.session.citizen
        citizen_id = citizen.citizen_id if citizen else ""
        self.run_job(lambda desk: desk.history(citizen_id), self._loaded, self._fault)

    def _loaded(self, view: HistoryView) -> None:
        if not self.loading:
            return  # the citizen left: this list is not for the next one
        self.view, self.loading = view, False
        self.refresh_texts()

    def _fault(self, error: BaseException) -> None:
        self._loaded(HistoryView(HistoryOutcome.NEEDS_NETWORK, message_key=message_key(error)))

    def go_back(self) -> None:
        """Back to the account's choices."""
        self.app.show("account")
        self.reset()

    def refresh_texts(self) -> None:
        self.arrange_frame(BACK)
        self.clear_drawing()
        self.ids.title.text = self.tr(LOADING if self.loading else TITLE)
        if self.view is not None:
            self._draw_view(self.ids.body, self.view)

    def _draw_view(self, body: Any, view: HistoryView) -> None:
        zone, lang = self.app.context.config.zone, self.app.lang
        if view.outcome is HistoryOutcome.SESSION_EXPIRED:
            body.add_widget(Factory.AlertLabel(text=self.tr(SIGN_IN_AGAIN)))
            return
        if view.outcome is HistoryOutcome.NEEDS_NETWORK:
            body.add_widget(Factory.AlertLabel(text=self.tr(view.message_key or "")))
            return
        if view.as_of is not None:
            moment = view.as_of.astimezone(zone).strftime(SCREEN_TIME_FORMAT)
            body.add_widget(Factory.AlertLabel(text=self.tr(AS_OF).format(moment=moment)))
        if not view.entries:
            body.add_widget(Factory.KioskLabel(text=self.tr(NONE_YET)))
        for entry in view.entries:
            request = entry.request
            row = Factory.RequestRow()
            row.ids.service.text = entry.service_name(lang)
            row.ids.status.text = self.tr(STATUS_NAMES[request.status])
            row.ids.status.tone = STATUS_TONES[request.status]
            filed = request.created_at.astimezone(zone).strftime(DATE_FORMAT)
            filed_on = self.tr(FILED).format(date=ltr_run(filed))
            row.ids.details.text = f"{ltr_run(request.request_number)} · {filed_on}"
            if request.status_reason:
                reason = self.tr(REASON).format(reason=request.status_reason)
                row.ids.details.text += "\n" + reason
            body.add_widget(row)
