"""Request receipts read right in every language and width, and never show a full name or CIN."""

from __future__ import annotations

import dataclasses

import pytest

from device_drivers.document import Align
from device_drivers.encoder import encode
from device_drivers.profiles import PROFILES
from kiosk.domain.catalogue import packaged_catalogue
from kiosk.i18n import LANGUAGES, is_rtl, translator
from kiosk.services.documents import (
    BRING_CIN,
    NOTIFICATION_PROMISE,
    SECOND_LANGUAGE,
    mask_name,
    receipt_document,
    receipt_link,
    sample_receipt,
)
from tests.support.escpos_decoder import decode
from tests.support.paper import CONTEXT, ISSUED_AT, LOCAL_TIME, qr_payloads, reads


def _receipt(lang: str, profile_name: str, pre_request: bool = False) -> tuple[bytes, str]:
    receipt = sample_receipt(lang, ISSUED_AT, pre_request=pre_request)
    service = packaged_catalogue().service(receipt.service_code)
    data = encode(receipt_document(receipt, service, CONTEXT), PROFILES[profile_name])
    return data, receipt_link(CONTEXT.tracking_url, receipt.reference)


@pytest.mark.parametrize("profile_name", sorted(PROFILES))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_receipt_shows_reference_service_masked_name_documents_and_qr(
    lang: str, profile_name: str
) -> None:
    profile = PROFILES[profile_name]
    data, link = _receipt(lang, profile_name)
    decoded = decode(data)
    service = packaged_catalogue().service("residence_certificate")
    side = Align.RIGHT if is_rtl(lang) else Align.LEFT
    _ = translator(lang)

    reference = [run for run in decoded.text_runs if run.text == "2026-A5-004217"]
    assert reference and reference[0].width_mult == 2 and reference[0].bold
    assert reads(decoded, service.name(lang), profile, Align.CENTER, bold=True)
    assert reads(decoded, service.name(SECOND_LANGUAGE[lang]), profile, Align.CENTER, False)
    assert "M****** B*****" in decoded.plain_text()
    assert "Mohamed" not in decoded.plain_text() and "Benali" not in decoded.plain_text()
    assert LOCAL_TIME in decoded.plain_text()
    first_document = service.documents_in(lang)[0]
    assert reads(decoded, f"- {first_document}", profile, side, bold=False, hanging=True)
    assert reads(decoded, _(NOTIFICATION_PROMISE), profile, side, bold=False)
    assert qr_payloads(decoded) == [link]
    assert decoded.cuts == 1


@pytest.mark.parametrize("lang", LANGUAGES)
def test_offline_pre_request_receipt_asks_for_the_cin_at_the_counter(lang: str) -> None:
    profile = PROFILES["generic-80"]
    data, link = _receipt(lang, "generic-80", pre_request=True)
    decoded = decode(data)
    assert "PR-3F2C9D1E" in decoded.plain_text()
    assert "AB****56" in decoded.plain_text() and "123456" not in decoded.plain_text()
    side = Align.RIGHT if is_rtl(lang) else Align.LEFT
    assert reads(decoded, translator(lang)(BRING_CIN), profile, side, bold=True)
    assert qr_payloads(decoded) == [link]


def test_arabic_receipt_lines_are_placed_right_by_the_printer_not_by_white_dots() -> None:
    decoded = decode(_receipt("ar", "generic-80")[0])
    body = [row for row in decoded.cell_rows if row.align == "right"]
    assert len(body) >= 8
    # Right alignment is the printer's (ESC a 2): no row carries white to push it right.
    for row in body:
        width = sum(glyph_width for glyph_width, _ in row.glyphs)
        assert width < PROFILES["generic-80"].width_dots
        assert not row.glyphs or any(row.glyphs[0][1])


def test_names_are_masked_letter_by_letter() -> None:
    assert mask_name("Mohamed Benali") == "M****** B*****"
    assert mask_name("  Ali  ") == "A**"


def test_digits_are_printed_in_western_form() -> None:
    receipt = dataclasses.replace(sample_receipt("ar", ISSUED_AT), reference="٢٠٢٦-A5-٠٠٤٢١٧")
    service = packaged_catalogue().service(receipt.service_code)
    decoded = decode(encode(receipt_document(receipt, service, CONTEXT), PROFILES["generic-58"]))
    assert "2026-A5-004217" in decoded.plain_text()
