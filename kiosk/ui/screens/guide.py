"""The guide of procedures: family → service → what to bring, fee, delay, where; and search."""

from __future__ import annotations

import logging
from enum import Enum
from typing import TYPE_CHECKING, Any

from kivy.factory import Factory

from kiosk.domain.models import Service, ServiceKind
from kiosk.i18n import N_
from kiosk.ui.screens.base import BACK, JourneyScreen
from kiosk.ui.screens.procedure import add_procedure_page
from kiosk.ui.widgets.keyboard import WORD_LAYOUT, TextField

if TYPE_CHECKING:
    from kiosk.services.front_desk import FrontDesk

log = logging.getLogger(__name__)

CHOOSE_FAMILY = N_("Guide of procedures: choose a subject")
GUIDE = N_("Guide of procedures")
CHOOSE_SERVICE = N_("Choose a procedure")
SEARCH_HINT = N_("Search the guide")
NO_RESULT = N_("Nothing found. Try another word, or choose a subject.")
ONLINE_REQUEST = N_(
    "With your CAU account you can request it online or at this kiosk, then collect it here."
)
FOLLOW_HERE = N_("Once filed, follow your application on this kiosk with its dossier number.")
TAKE_TICKET_FOR = N_("Take a ticket for this procedure")


class Step(Enum):
    """Which page of the guide is shown."""

    FAMILIES = "families"
    SERVICES = "services"
    DETAIL = "detail"
    SEARCH = "search"


class GuideScreen(JourneyScreen):
    """Browse by subject or search in any of the four languages; each page says what to do."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.search_field = TextField(max_length=40)
        self.search_field.bind(on_release=lambda _field: self.start_search())
        self.step = Step.FAMILIES
        self.family: str | None = None
        self.service: Service | None = None
        self.came_from = Step.FAMILIES
        self.results: list[Service] = []
        self._searched = ""

    # --- journey ---------------------------------------------------------------------------

    def reset(self) -> None:
        self.step, self.family, self.service = Step.FAMILIES, None, None
        self.search_field.value, self.results, self._searched = "", [], ""
        self.clear_drawing()

    def go_back(self) -> None:
        """Back one page; home from the list of subjects."""
        if self.step is Step.DETAIL:
            self.step = self.came_from
        elif self.step in (Step.SERVICES, Step.SEARCH):
            self.step = Step.FAMILIES
        else:
            self.app.go_home()
            return
        self.refresh_texts()

    def choose_family(self, letter: str) -> None:
        self.family, self.step = letter, Step.SERVICES
        self.refresh_texts()

    def open_service(self, service: Service) -> None:
        self.came_from, self.service, self.step = self.step, service, Step.DETAIL
        self.refresh_texts()

    def start_search(self) -> None:
        self.step = Step.SEARCH
        self.refresh_texts()

    def on_typed(self) -> None:
        """Search again on every key: results follow what is typed."""
        query = self.search_field.value

        def search(desk: FrontDesk) -> tuple[str, list[Service]]:
            return query, desk.search_guide(query)

        def failed(error: BaseException) -> None:
            # Typing goes on: the search shows nothing found (the worker logged the fault).
            log.warning("guide search failed: %s", type(error).__name__)
            self._found((query, []))

        self.run_job(search, self._found, failed)

    def _found(self, outcome: tuple[str, list[Service]]) -> None:
        query, results = outcome
        if query != self.search_field.value or self.step is not Step.SEARCH:
            return  # an answer to an older query: the citizen typed on since
        self.results, self._searched = results, query
        self._draw_results(self.ids.body)

    def take_ticket(self, code: str) -> None:
        """From a procedure's page straight to its ticket."""
        self.app.take_ticket_for(code)

    # --- drawing ---------------------------------------------------------------------------

    def refresh_texts(self) -> None:
        self.arrange_frame(BACK)
        self.show_keyboard(None)
        self.ids.body.clear_widgets()
        {
            Step.FAMILIES: self._draw_families,
            Step.SERVICES: self._draw_services,
            Step.DETAIL: self._draw_detail,
            Step.SEARCH: self._draw_search,
        }[self.step](self.ids.body)
        self.ids.scroll.scroll_y = 1

    def _service_button(self, service: Service) -> Any:
        button = Factory.BigButton(text=service.name(self.app.lang))
        button.bind(on_release=lambda _b, chosen=service: self.open_service(chosen))
        return button

    def _draw_families(self, body: Any) -> None:
        self.ids.title.text = self.tr(CHOOSE_FAMILY)
        self.search_field.hint = self.tr(SEARCH_HINT)
        body.add_widget(self.search_field)
        self.add_family_buttons(body)

    def _draw_services(self, body: Any) -> None:
        self.ids.title.text = self.tr(CHOOSE_SERVICE)
        for service in self.app.context.catalogue:
            if service.family == self.family:
                body.add_widget(self._service_button(service))

    def _draw_search(self, body: Any) -> None:
        self.ids.title.text = self.tr(GUIDE)
        self.search_field.hint = self.tr(SEARCH_HINT)
        # The citizen's own script first; the other keyboards are one key away.
        first = WORD_LAYOUT[self.app.lang]
        self.search_field.layouts = tuple(dict.fromkeys((first, *WORD_LAYOUT.values())))
        self.show_keyboard(self.search_field)
        self.keyboard.layout = first
        self._draw_results(body)

    def _draw_results(self, body: Any) -> None:
        body.clear_widgets()
        body.add_widget(self.search_field)
        if self._searched.strip() and not self.results:
            body.add_widget(Factory.KioskLabel(text=self.tr(NO_RESULT)))
        for service in self.results:
            body.add_widget(self._service_button(service))

    def _draw_detail(self, body: Any) -> None:
        service, lang = self.service, self.app.lang
        assert service is not None
        self.ids.title.text = service.name(lang)
        add_procedure_page(body, service, lang, self.tr)
        if service.kind is ServiceKind.CERTIFICATE and service.issued_at_annex:
            body.add_widget(Factory.KioskLabel(text=self.tr(ONLINE_REQUEST)))
        elif service.kind is not ServiceKind.CERTIFICATE:
            body.add_widget(Factory.KioskLabel(text=self.tr(FOLLOW_HERE)))
        if service.issued_at_annex or service.kind is not ServiceKind.CERTIFICATE:
            # In the footer: the step's action stays in view however long the page.
            self.set_primary(self.tr(TAKE_TICKET_FOR), lambda: self.take_ticket(service.code))
