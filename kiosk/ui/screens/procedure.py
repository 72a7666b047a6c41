"""A procedure's page (what to bring, fee, delay, where), for the guide and for a request."""

from __future__ import annotations

from typing import Any

from kivy.factory import Factory

from kiosk.domain.models import Service, localized
from kiosk.i18n import N_

DOCUMENTS = N_("Documents to bring")
FEE = N_("Fee: {amount} dirhams")
FREE = N_("Fee: free")
DELAY = N_("Delay")
WHERE = N_("Good to know")
NOT_HERE = N_("This document is not issued at this annex.")


def fee_text(service: Service, tr: Any) -> str:
    """ "Fee: 20 dirhams" or "Fee: free", in the language of `tr`."""
    return tr(FEE).format(amount=f"{service.fee_mad:g}") if service.fee_mad else tr(FREE)


def add_procedure_page(body: Any, service: Service, lang: str, tr: Any) -> None:
    """The page's sections under `body`, in `lang` (`tr` translates the headings)."""
    body.add_widget(Factory.KioskLabel(text=localized(service.summary, lang)))
    body.add_widget(Factory.SectionLabel(text=tr(DOCUMENTS)))
    for document in service.documents_in(lang):
        body.add_widget(Factory.KioskLabel(text=f"• {document}"))
    body.add_widget(Factory.SectionLabel(text=fee_text(service, tr)))
    if service.fee_note:
        body.add_widget(Factory.KioskLabel(text=localized(service.fee_note, lang)))
    body.add_widget(Factory.SectionLabel(text=tr(DELAY)))
    body.add_widget(Factory.KioskLabel(text=localized(service.delay, lang)))
    body.add_widget(Factory.SectionLabel(text=tr(WHERE)))
    if not service.issued_at_annex:
        body.add_widget(Factory.AlertLabel(text=tr(NOT_HERE)))
    if service.where_to_go:
        body.add_widget(Factory.KioskLabel(text=localized(service.where_to_go, lang)))
