"""Compose tickets, receipts and the test page as printable documents, in the citizen's language."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from device_drivers.document import (
    Align,
    Block,
    Cut,
    Document,
    Feed,
    QRCode,
    Separator,
    Size,
    text,
)
from kiosk.domain.models import CertificateRequest, PreRequest, Service, Ticket
from kiosk.domain.validation import mask_cin
from kiosk.i18n import LANGUAGES, N_, is_rtl, translator

# The second language printed under the service name: French for Arabic and Tamazight
# readers (the counters' working language), Arabic for French and English readers.
SECOND_LANGUAGE = {"ar": "fr", "zgh": "fr", "fr": "ar", "en": "ar"}
PAPER_TIME_FORMAT = "%d/%m/%Y %H:%M"

YOUR_NUMBER = N_("Your number")
PEOPLE_AHEAD = N_("People ahead of you: {count}")
ESTIMATED_WAIT = N_("Estimated wait: about {minutes} min")
WAIT_UNAVAILABLE = N_("Wait estimate unavailable")
TICKET_FOOTER = N_("Please wait until your number is called.")
RECEIPT_TITLE = N_("Request receipt")
REQUEST_NUMBER = N_("Request number")
PRE_REQUEST_REFERENCE = N_("Pre-request reference")
NAME_LINE = N_("Name: {name}")
CIN_LINE = N_("CIN: {cin}")
DATE_LINE = N_("Date: {date}")
DOCUMENTS_TO_BRING = N_("Documents to bring:")
NOTIFICATION_PROMISE = N_("You will receive an SMS or e-mail when your certificate is ready.")
BRING_CIN = N_("Bring your CIN to the counter.")
SCAN_TO_TRACK = N_("Scan to track your request.")
PRINTER_TEST = N_("Printer test")


@dataclass(frozen=True)
class PaperContext:
    """What every printed page needs from the kiosk's configuration."""

    annex_name: str
    zone: ZoneInfo
    tracking_url: str


@dataclass(frozen=True)
class Receipt:
    """What a request receipt (récépissé, law 55.19) shows; name and CIN are masked on paper."""

    reference: str
    service_code: str
    language: str
    created_at: datetime
    citizen_name: str | None
    cin: str | None
    pre_request: bool

    @classmethod
    def for_request(
        cls, request: CertificateRequest, language: str, citizen_name: str | None
    ) -> Receipt:
        """The receipt of a request filed in a signed-in CAU account."""
        return cls(
            request.request_number,
            request.service_code,
            language,
            request.created_at,
            citizen_name,
            None,
            pre_request=False,
        )

    @classmethod
    def for_pre_request(cls, pre: PreRequest) -> Receipt:
        """The receipt of an offline pre-request: identity is checked at the counter."""
        return cls(
            pre_request_reference(pre),
            pre.service_code,
            pre.language,
            pre.created_at,
            None,
            pre.cin,
            pre_request=True,
        )


def pre_request_reference(pre: PreRequest) -> str:
    """A short reference the counter can type: PR- and the start of the idempotency key."""
    return "PR-" + pre.idempotency_key.replace("-", "")[:8].upper()


def mask_name(name: str) -> str:
    """First letter of each part of a name, the rest hidden: paper leaves the annex."""
    return " ".join(part[0] + "*" * (len(part) - 1) for part in name.split())


def ticket_link(base: str, ticket: Ticket) -> str:
    """The tracking link of a ticket (its idempotency key, which the server also knows)."""
    return f"{base.rstrip('/')}/t/{ticket.idempotency_key.replace('-', '')}"


def receipt_link(base: str, reference: str) -> str:
    """The tracking link of a request or pre-request."""
    return f"{base.rstrip('/')}/r/{reference}"


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime(PAPER_TIME_FORMAT)


def _wait_lines(ticket: Ticket) -> list[str]:
    _ = translator(ticket.language)
    if ticket.people_ahead is None and ticket.estimated_wait_s is None:
        return [_(WAIT_UNAVAILABLE)]
    lines = []
    if ticket.people_ahead is not None:
        lines.append(_(PEOPLE_AHEAD).format(count=ticket.people_ahead))
    if ticket.estimated_wait_s is not None:
        minutes = max(1, math.ceil(ticket.estimated_wait_s / 60))
        lines.append(_(ESTIMATED_WAIT).format(minutes=minutes))
    return lines


def ticket_document(ticket: Ticket, service: Service, context: PaperContext) -> Document:
    """A queue ticket: the number very large, the service in two languages, the wait, a QR."""
    lang = ticket.language
    _ = translator(lang)
    centre = Align.CENTER
    blocks: list[Block] = [
        text(context.annex_name, bold=True, align=centre),
        Separator(),
        text(_(YOUR_NUMBER), align=centre),
        text(ticket.number, Size.BIG_NUMBER, bold=True, align=centre),
        text(service.name(lang), bold=True, align=centre),
        text(service.name(SECOND_LANGUAGE[lang]), align=centre),
        text(_local(ticket.issued_at, context.zone), align=centre),
        *(text(line, align=centre) for line in _wait_lines(ticket)),
        QRCode(ticket_link(context.tracking_url, ticket)),
        text(_(TICKET_FOOTER), align=centre),
        Cut(),
    ]
    return tuple(blocks)


def receipt_document(receipt: Receipt, service: Service, context: PaperContext) -> Document:
    """A request receipt: reference, service, masked identity, documents to bring, a QR."""
    lang = receipt.language
    _ = translator(lang)
    side = Align.RIGHT if is_rtl(lang) else Align.LEFT
    centre = Align.CENTER
    label = PRE_REQUEST_REFERENCE if receipt.pre_request else REQUEST_NUMBER
    blocks: list[Block] = [
        text(context.annex_name, bold=True, align=centre),
        text(_(RECEIPT_TITLE), bold=True, align=centre),
        Separator(),
        text(_(label), align=centre),
        text(receipt.reference, Size.DOUBLE, bold=True, align=centre),
        text(service.name(lang), bold=True, align=centre),
        text(service.name(SECOND_LANGUAGE[lang]), align=centre),
        Separator(),
    ]
    if receipt.citizen_name:
        blocks.append(text(_(NAME_LINE).format(name=mask_name(receipt.citizen_name)), align=side))
    if receipt.cin:
        blocks.append(text(_(CIN_LINE).format(cin=mask_cin(receipt.cin)), align=side))
    blocks.append(
        text(_(DATE_LINE).format(date=_local(receipt.created_at, context.zone)), align=side)
    )
    blocks.append(text(_(DOCUMENTS_TO_BRING), bold=True, align=side))
    blocks.extend(text(f"- {item}", align=side) for item in service.documents_in(lang))
    if receipt.pre_request:
        blocks.append(text(_(BRING_CIN), bold=True, align=side))
    blocks += [
        text(_(NOTIFICATION_PROMISE), align=side),
        QRCode(receipt_link(context.tracking_url, receipt.reference)),
        text(_(SCAN_TO_TRACK), align=centre),
        Cut(),
    ]
    return tuple(blocks)


def print_test_document(status_line: str, profile_line: str, context: PaperContext) -> Document:
    """A page with every language, French accents, a big number, a QR and the printer's status."""
    blocks: list[Block] = [text(context.annex_name, bold=True, align=Align.CENTER), Separator()]
    for lang in LANGUAGES:
        _ = translator(lang)
        side = Align.RIGHT if is_rtl(lang) else Align.LEFT
        blocks.append(text(f"{_(PRINTER_TEST)} - {_(YOUR_NUMBER)}", align=side))
    blocks += [
        text("Accents : é è ê à â ç ô û ù ï ë œ « » € ’", align=Align.LEFT),
        text("A-000", Size.BIG_NUMBER, bold=True, align=Align.CENTER),
        text(profile_line, align=Align.LEFT),
        text(status_line, align=Align.LEFT),
        QRCode(context.tracking_url),
        Feed(1),
        Cut(),
    ]
    return tuple(blocks)
