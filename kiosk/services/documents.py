"""Compose tickets, receipts and the test page as printable documents, in the citizen's language."""

from __future__ import annotations

import base64
import math
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
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
    Text,
    script_of,
    text,
)
from kiosk.domain.models import CertificateRequest, Service
from kiosk.domain.tracking import printable_tracking_base
from kiosk.domain.validation import mask_cin, western_digits
from kiosk.i18n import LANGUAGES, N_, NP_, is_rtl, plural_translator, translator
from offline_cache.pre_requests import local_reference
from offline_cache.protocol import PreRequest, Ticket, TicketSource

# The second language printed under the service name: French for Arabic and Tamazight
# readers (the counters' working language), Arabic for French and English readers.
SECOND_LANGUAGE = {"ar": "fr", "zgh": "fr", "fr": "ar", "en": "ar"}
PAPER_TIME_FORMAT = "%d/%m/%Y %H:%M"

YOUR_NUMBER = N_("Your number")
PEOPLE_AHEAD = N_("People ahead of you: {count}")
ESTIMATED_WAIT = NP_(
    "Estimated wait: about {minutes} minute", "Estimated wait: about {minutes} minutes"
)
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
VALID_TODAY = N_("Valid today only.")
WHERE_TO_WAIT = N_(
    "Wait in the waiting area and watch the screen: your number will be called to a counter."
)
SCAN_TO_FOLLOW_QUEUE = N_("Scan to follow your place in the queue.")
PROCESSING_DAYS = NP_(
    "Processing time: up to {days} working day", "Processing time: up to {days} working days"
)
PROCESSING_SAME_DAY = N_("Processing time: usually the same day.")
FEE_FREE = N_("Fee: free")
FEE_AMOUNT = N_("Fee: {amount} dirhams")
COLLECT_WITH_RECEIPT = N_("Then collect it at the annex with this receipt and your CIN.")

NBSP = "\u00a0"
# French puts a (no-break) space before these; a line must never start with one.
_FRENCH_SPACED_PUNCTUATION = re.compile(r" ([:;!?»])")
_FRENCH_OPENING_QUOTE = re.compile(r"« ")
# A number and the word after it (its unit: "12 minutes", "500 dirhams") stay on one line.
_NUMBER_AND_UNIT = re.compile(r"(\d) (?=[^\W\d_])")


@dataclass(frozen=True)
class PaperContext:
    """What every printed page needs from the kiosk's configuration."""

    annex_names: Mapping[str, str]  # the annex's name by language
    zone: ZoneInfo
    tracking_url: str

    def annex_name(self, lang: str) -> str:
        """The annex's name in `lang`, else in French, else any configured one."""
        names = self.annex_names
        return names.get(lang) or names.get("fr") or next(iter(names.values()), "")


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
    """A short reference the counter can type: PR- and the start of the idempotency key.

    The rule lives with the cache, which stores this reference beside the pre-request.
    """
    return local_reference(pre.idempotency_key)


def mask_name(name: str) -> str:
    """First letter of each part of a name, the rest hidden: paper leaves the annex."""
    return " ".join(part[0] + "*" * (len(part) - 1) for part in name.split())


def ticket_link(base: str, ticket: Ticket) -> str:
    """The tracking link of a ticket: its idempotency key (which the server also knows).

    The key's 16 bytes in lower-case base32 (26 characters) rather than 36 characters of
    UUID text keep the QR code one version smaller: fewer dots, fewer bytes on the wire.
    """
    key = base64.b32encode(uuid.UUID(ticket.idempotency_key).bytes).decode("ascii")
    return f"{base.rstrip('/')}/t/{key.rstrip('=').lower()}"


def receipt_link(base: str, reference: str) -> str:
    """The tracking link of a request or pre-request."""
    return f"{base.rstrip('/')}/r/{reference}"


def printable_ticket_link(base: str, ticket: Ticket) -> str | None:
    """The ticket's tracking link, or None when the base is a placeholder (no QR, anywhere)."""
    printable = printable_tracking_base(base)
    return ticket_link(printable, ticket) if printable else None


def printable_receipt_link(base: str, reference: str) -> str | None:
    """The receipt's tracking link, or None when the base is a placeholder (no QR, anywhere)."""
    printable = printable_tracking_base(base)
    return receipt_link(printable, reference) if printable else None


def short_link(link: str) -> str:
    """A link as a person types it: without "https://" (browsers add it)."""
    return re.sub(r"^https?://", "", link)


def typeset(content: str, lang: str) -> str:
    """No-break spaces where a line must not break: French punctuation, a number's unit."""
    if lang == "fr":
        content = _FRENCH_SPACED_PUNCTUATION.sub(NBSP + r"\1", content)
        content = _FRENCH_OPENING_QUOTE.sub("«" + NBSP, content)
    return _NUMBER_AND_UNIT.sub(r"\1" + NBSP, content)


def _tracking_blocks(link: str | None, caption: str) -> list[Block]:
    """The QR, what it is for, and the link in text for those without a smartphone.

    The link is printed bare, under the caption: a line explaining it would cost as many
    bytes as the QR on a slow serial printer.

    Nothing at all when the tracking base is a placeholder: a code that leads nowhere,
    or to whoever registers the name, must not leave the annex.
    """
    if link is None:
        return []
    centre = Align.CENTER
    return [QRCode(link), text(caption, align=centre), text(short_link(link), align=centre)]


def fee_line(service: Service, lang: str) -> str:
    """The fee from the catalogue: free, or its amount in dirhams."""
    _ = translator(lang)
    if not service.fee_mad:
        return _(FEE_FREE)
    return _(FEE_AMOUNT).format(amount=f"{service.fee_mad:g}")


def processing_line(service: Service, lang: str) -> str:
    """The catalogue's longest processing delay (law 55.19 puts it on the receipt)."""
    if service.delay_days <= 0:
        return translator(lang)(PROCESSING_SAME_DAY)
    days = service.delay_days
    return plural_translator(lang)(PROCESSING_DAYS, days).format(days=days)


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime(PAPER_TIME_FORMAT)


def wait_lines(ticket: Ticket) -> list[str]:
    """People ahead and the estimated wait, in the ticket's language (paper and screen)."""
    _ = translator(ticket.language)
    plural = plural_translator(ticket.language)
    if ticket.people_ahead is None and ticket.estimated_wait_s is None:
        return [_(WAIT_UNAVAILABLE)]
    lines = []
    if ticket.people_ahead is not None:
        lines.append(_(PEOPLE_AHEAD).format(count=ticket.people_ahead))
    if ticket.estimated_wait_s is not None:
        minutes = max(1, math.ceil(ticket.estimated_wait_s / 60))
        lines.append(plural(ESTIMATED_WAIT, minutes).format(minutes=minutes))
    return lines


def _finish(blocks: list[Block], lang: str) -> Document:
    """Every digit in Western form, as Moroccan administration prints them, and typeset."""
    return tuple(
        replace(block, text=typeset(western_digits(block.text), lang))
        if isinstance(block, Text)
        else block
        for block in blocks
    )


def _labelled(template: str, field: str, value: str, align: Align) -> list[Block]:
    """`Label: value` on one line, or on two when label and value are in different scripts.

    A Latin value inside an Arabic line is legal bidi, but "الاسم: M*** B***" puts the
    trailing asterisks on the wrong side for a reader; two lines read right in both scripts.
    """
    line = template.format(**{field: value})
    if script_of(line) is script_of(value):
        return [text(line, align=align)]
    label = template.replace("{" + field + "}", "").strip()
    return [text(label, align=align), text(value, align=align)]


def ticket_document(ticket: Ticket, service: Service, context: PaperContext) -> Document:
    """A queue ticket: the number very large, the service in two languages, the wait, a QR."""
    lang = ticket.language
    _ = translator(lang)
    centre = Align.CENTER
    link = printable_ticket_link(context.tracking_url, ticket)
    blocks: list[Block] = [
        text(context.annex_name(lang), bold=True, align=centre),
        Separator(),
        text(_(YOUR_NUMBER), align=centre),
        text(ticket.number, Size.BIG_NUMBER, bold=True, align=centre),
        text(service.name(lang), bold=True, align=centre),
        text(service.name(SECOND_LANGUAGE[lang]), align=centre),
        text(_local(ticket.issued_at, context.zone), align=centre),
        *(text(line, align=centre) for line in wait_lines(ticket)),
        text(_(VALID_TODAY), bold=True, align=centre),
        text(_(WHERE_TO_WAIT), align=centre),
        *_tracking_blocks(link, _(SCAN_TO_FOLLOW_QUEUE)),
        text(_(TICKET_FOOTER), align=centre),
        Cut(),
    ]
    return _finish(blocks, lang)


def receipt_document(receipt: Receipt, service: Service, context: PaperContext) -> Document:
    """A request receipt: reference, service, masked identity, documents to bring, a QR."""
    lang = receipt.language
    _ = translator(lang)
    side = Align.RIGHT if is_rtl(lang) else Align.LEFT
    centre = Align.CENTER
    label = PRE_REQUEST_REFERENCE if receipt.pre_request else REQUEST_NUMBER
    link = printable_receipt_link(context.tracking_url, receipt.reference)
    blocks: list[Block] = [
        text(context.annex_name(lang), bold=True, align=centre),
        text(_(RECEIPT_TITLE), bold=True, align=centre),
        Separator(),
        text(_(label), align=centre),
        text(receipt.reference, Size.DOUBLE, bold=True, align=centre),
        text(service.name(lang), bold=True, align=centre),
        text(service.name(SECOND_LANGUAGE[lang]), align=centre),
        Separator(),
    ]
    if receipt.citizen_name:
        blocks += _labelled(_(NAME_LINE), "name", mask_name(receipt.citizen_name), side)
    if receipt.cin:
        blocks += _labelled(_(CIN_LINE), "cin", mask_cin(receipt.cin), side)
    blocks += _labelled(_(DATE_LINE), "date", _local(receipt.created_at, context.zone), side)
    blocks += [
        text(processing_line(service, lang), align=side),
        text(fee_line(service, lang), align=side),
        text(_(DOCUMENTS_TO_BRING), bold=True, align=side),
    ]
    blocks.extend(
        text(f"- {item}", align=side, hanging=True) for item in service.documents_in(lang)
    )
    if receipt.pre_request:
        blocks.append(text(_(BRING_CIN), bold=True, align=side))
    blocks.append(text(_(NOTIFICATION_PROMISE), align=side))
    if not receipt.pre_request:
        blocks.append(text(_(COLLECT_WITH_RECEIPT), align=side))
    blocks += [*_tracking_blocks(link, _(SCAN_TO_TRACK)), Cut()]
    return _finish(blocks, lang)


def print_test_document(status_line: str, profile_line: str, context: PaperContext) -> Document:
    """A page with every language, French accents, a big number, a QR and the printer's status."""
    blocks: list[Block] = [
        text(context.annex_name("fr"), bold=True, align=Align.CENTER),
        Separator(),
    ]
    for lang in LANGUAGES:
        _ = translator(lang)
        side = Align.RIGHT if is_rtl(lang) else Align.LEFT
        blocks.append(text(f"{_(PRINTER_TEST)} - {_(YOUR_NUMBER)}", align=side))
    blocks += [
        text("Accents : é è ê à â ç ô û ù ï ë œ « » € ’", align=Align.LEFT),
        text("A-000", Size.BIG_NUMBER, bold=True, align=Align.CENTER),
        text(profile_line, align=Align.LEFT),
        text(status_line, align=Align.LEFT),
    ]
    base = printable_tracking_base(context.tracking_url)
    if base:
        blocks += [QRCode(base), text(short_link(base), align=Align.CENTER)]
    blocks += [Feed(1), Cut()]
    # Not typeset as French: the page shows the characters exactly as they are sent.
    return _finish(blocks, "")


SAMPLE_SERVICE_CODE = "residence_certificate"


def sample_ticket(language: str, issued_at: datetime, online: bool = True) -> Ticket:
    """A made-up ticket for previews, the docs and benchmarks (not recorded anywhere)."""
    return Ticket(
        idempotency_key="3f2c9d1e-8a4b-4c6d-9e0f-1a2b3c4d5e6f",
        number="A-042",
        family="A",
        seq=42,
        service_code=SAMPLE_SERVICE_CODE,
        business_day=issued_at.date(),
        issued_at=issued_at,
        source=TicketSource.SERVER if online else TicketSource.STANDALONE,
        language=language,
        people_ahead=3 if online else None,
        estimated_wait_s=720 if online else None,
    )


def sample_receipt(language: str, created_at: datetime, pre_request: bool = False) -> Receipt:
    """A made-up receipt for previews, the docs and benchmarks."""
    if pre_request:
        return Receipt(
            "PR-3F2C9D1E", SAMPLE_SERVICE_CODE, language, created_at, None, "AB123456", True
        )
    return Receipt(
        "2026-A5-004217", SAMPLE_SERVICE_CODE, language, created_at, "Mohamed Benali", None, False
    )
