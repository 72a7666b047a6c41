"""What tickets and receipts say: annex, validity, where to go, delay and fee, QR and link."""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from PIL import Image, ImageOps
from pyzbar.pyzbar import decode as zbar_decode

from device_drivers.document import Align, Text
from device_drivers.encoder import encode
from device_drivers.layout import QR_NATIVE_MODULE_DOTS, QR_RASTER_MODULE_DOTS, TextLine, lay_out
from device_drivers.preview import render_preview
from device_drivers.profiles import PROFILES
from kiosk.domain.catalogue import packaged_catalogue
from kiosk.domain.models import Service
from kiosk.i18n import LANGUAGES, translator
from kiosk.services.documents import (
    SCAN_TO_FOLLOW_QUEUE,
    SCAN_TO_TRACK,
    VALID_TODAY,
    WHERE_TO_WAIT,
    PaperContext,
    Receipt,
    processing_line,
    receipt_document,
    sample_receipt,
    sample_ticket,
    short_link,
    ticket_document,
    ticket_link,
)
from offline_cache.protocol import Ticket
from tests.support.escpos_decoder import Decoded, decode
from tests.support.paper import ANNEX_NAMES, CONTEXT, ISSUED_AT, qr_payloads, reads

PLACEHOLDER = dataclasses.replace(CONTEXT, tracking_url="https://gau.example.ma/suivi")


def _ticket(lang: str, code: str = "residence_certificate") -> tuple[Ticket, Service]:
    ticket = dataclasses.replace(sample_ticket(lang, ISSUED_AT), service_code=code)
    return ticket, packaged_catalogue().service(code)


def _receipt(lang: str, code: str, pre_request: bool = False) -> tuple[Receipt, Service]:
    receipt = dataclasses.replace(sample_receipt(lang, ISSUED_AT, pre_request), service_code=code)
    return receipt, packaged_catalogue().service(code)


def _printed_ticket(lang: str, profile_name: str, context: PaperContext = CONTEXT) -> Decoded:
    ticket, service = _ticket(lang)
    return decode(encode(ticket_document(ticket, service, context), PROFILES[profile_name]))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_ticket_names_the_annex_in_its_language_and_says_where_to_wait(lang: str) -> None:
    profile = PROFILES["generic-58"]
    decoded = _printed_ticket(lang, "generic-58")
    _ = translator(lang)
    assert reads(decoded, ANNEX_NAMES[lang], profile, Align.CENTER, bold=True)
    assert reads(decoded, _(VALID_TODAY), profile, Align.CENTER, bold=True)
    assert reads(decoded, _(WHERE_TO_WAIT), profile, Align.CENTER, bold=False)
    assert reads(decoded, _(SCAN_TO_FOLLOW_QUEUE), profile, Align.CENTER, bold=False)
    link = ticket_link(CONTEXT.tracking_url, _ticket(lang)[0])
    assert qr_payloads(decoded) == [link]
    assert short_link(link) in decoded.plain_text().replace(" ", "")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("profile_name", ["generic-58", "basic-80"])
def test_no_qr_caption_or_link_when_the_tracking_base_is_a_placeholder(
    lang: str, profile_name: str
) -> None:
    profile = PROFILES[profile_name]
    _ = translator(lang)
    ticket = _printed_ticket(lang, profile_name, PLACEHOLDER)
    receipt, service = _receipt(lang, "residence_certificate")
    paper = decode(encode(receipt_document(receipt, service, PLACEHOLDER), profile))
    for decoded, caption in ((ticket, SCAN_TO_FOLLOW_QUEUE), (paper, SCAN_TO_TRACK)):
        assert decoded.qr_codes == [] and decoded.rasters == []
        assert not reads(decoded, _(caption), profile, Align.CENTER, bold=False)
        assert "example" not in decoded.plain_text() and "/suivi" not in decoded.plain_text()
        assert decoded.cuts == 1


def _fr_text(decoded: Decoded) -> str:
    return decoded.plain_text().replace("\xa0", " ")


def test_a_receipt_gives_the_delay_and_the_fee_from_the_catalogue() -> None:
    profile = PROFILES["generic-80"]
    free, service = _receipt("fr", "residence_certificate")
    decoded = decode(encode(receipt_document(free, service, CONTEXT), profile))
    assert "Délai de traitement : 1 jour ouvrable au plus" in _fr_text(decoded)
    assert "Frais : gratuit" in _fr_text(decoded)
    paid, passport = _receipt("fr", "passport_application")
    decoded = decode(encode(receipt_document(paid, passport, CONTEXT), profile))
    assert "Délai de traitement : 15 jours ouvrables au plus" in _fr_text(decoded)
    assert "Frais : 500 dirhams" in _fr_text(decoded)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("residence_certificate", "مدة المعالجة: يوم عمل واحد على الأكثر"),
        ("administrative_certificate", "مدة المعالجة: يوما عمل على الأكثر"),
        ("celibacy_certificate", "مدة المعالجة: 3 أيام عمل على الأكثر"),
        ("firearm_licence_application", "مدة المعالجة: 30 يوم عمل على الأكثر"),
        ("individual_life_certificate", "مدة المعالجة: عادة في نفس اليوم."),
    ],
)
def test_the_arabic_delay_takes_the_plural_form_of_its_number(code: str, expected: str) -> None:
    receipt, service = _receipt("ar", code)
    assert processing_line(service, "ar") == expected
    decoded = decode(encode(receipt_document(receipt, service, CONTEXT), PROFILES["generic-58"]))
    printed = expected.replace("3 أ", "3\xa0أ").replace("30 ي", "30\xa0ي")
    assert reads(decoded, printed, PROFILES["generic-58"], Align.RIGHT, bold=False)


def test_french_lines_never_start_with_punctuation_or_a_lone_unit() -> None:
    profile = PROFILES["generic-58"]
    for service in packaged_catalogue():
        ticket, _ = _ticket("fr", service.code)
        receipt, _ = _receipt("fr", service.code)
        for document in (
            ticket_document(ticket, service, CONTEXT),
            receipt_document(receipt, service, CONTEXT),
        ):
            for block in document:
                if not isinstance(block, Text):
                    continue
                lines = [
                    line.text for line in lay_out((block,), profile) if isinstance(line, TextLine)
                ]
                for before, line in itertools.pairwise(lines):
                    start = line.strip()[:1]
                    assert start not in (":", ";", "!", "?", "»"), (service.code, line)
                    # "12" ending a line and "minutes" starting the next.
                    assert not (before.rstrip()[-1:].isdigit() and start.isalpha()), line


def test_a_wrapped_list_item_hangs_under_its_text_not_its_bullet() -> None:
    receipt, service = _receipt("fr", "passport_application")
    runs = decode(encode(receipt_document(receipt, service, CONTEXT), PROFILES["generic-58"]))
    texts = [run.text for run in runs.text_runs]
    first = next(i for i, line in enumerate(texts) if line.startswith("- Formulaire"))
    assert texts[first + 1].startswith("  ") and not texts[first + 1].startswith("   ")


@pytest.mark.parametrize("profile_name", sorted(PROFILES))
def test_the_qr_has_a_quiet_zone_of_four_modules(profile_name: str) -> None:
    profile = PROFILES[profile_name]
    module = QR_NATIVE_MODULE_DOTS if profile.native_qr else QR_RASTER_MODULE_DOTS
    ticket, service = _ticket("ar")
    page = render_preview(ticket_document(ticket, service, CONTEXT), profile)
    symbols = zbar_decode(ImageOps.expand(page.convert("L"), border=40, fill=255))
    assert len(symbols) == 1
    rect = symbols[0].rect
    left, top = rect.left - 40, rect.top - 40
    zone = 4 * module
    around = page.crop(
        (left - zone, top - zone, left + rect.width + zone, top + rect.height + zone)
    )
    # Blank out the symbol (zbar's box can miss its last dot): what is left must be white.
    around.paste(Image.new("1", (rect.width + 4, rect.height + 4), 1), (zone - 2, zone - 2))
    assert ImageOps.invert(around.convert("L")).getbbox() is None
