"""Every ticket layout, in every language and on every printer profile, reads right once decoded."""

from __future__ import annotations

import dataclasses

import pytest
from PIL import Image

from device_drivers.document import Align
from device_drivers.encoder import encode
from device_drivers.profiles import PROFILES, PrinterProfile
from kiosk.domain.catalogue import packaged_catalogue
from kiosk.i18n import LANGUAGES, translator
from kiosk.services.documents import (
    SECOND_LANGUAGE,
    WAIT_UNAVAILABLE,
    sample_ticket,
    ticket_document,
    ticket_link,
)
from tests.support.escpos_decoder import Cut, decode
from tests.support.paper import (
    CONTEXT,
    ISSUED_AT,
    LOCAL_TIME,
    qr_payloads,
    reads,
)

TICKET_BUDGET_BYTES = 8 * 1024


def _ticket_bytes(lang: str, profile: PrinterProfile, online: bool = True) -> tuple[bytes, str]:
    ticket = sample_ticket(lang, ISSUED_AT, online=online)
    service = packaged_catalogue().service(ticket.service_code)
    return encode(ticket_document(ticket, service, CONTEXT), profile), ticket_link(
        CONTEXT.tracking_url, ticket
    )


@pytest.mark.parametrize("profile_name", sorted(PROFILES))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_ticket_shows_number_service_time_and_tracking_qr(lang: str, profile_name: str) -> None:
    profile = PROFILES[profile_name]
    data, link = _ticket_bytes(lang, profile)
    decoded = decode(data)
    service = packaged_catalogue().service("residence_certificate")

    number = [run for run in decoded.text_runs if run.text == "A-042"]
    assert number and number[0].width_mult >= 4 and number[0].bold
    assert number[0].width_mult * 12 * len("A-042") <= profile.width_dots
    assert reads(decoded, service.name(lang), profile, Align.CENTER, bold=True)
    assert reads(decoded, service.name(SECOND_LANGUAGE[lang]), profile, Align.CENTER, bold=False)
    assert LOCAL_TIME in decoded.plain_text()
    assert qr_payloads(decoded) == [link]
    assert decoded.qr_codes if profile.native_qr else not decoded.qr_codes
    assert decoded.initialised == 1 and decoded.cuts == 1
    assert isinstance(decoded.elements[-1], Cut)
    assert {run.codepage for run in decoded.text_runs} == {"cp1252"}
    assert len(data) <= TICKET_BUDGET_BYTES


@pytest.mark.parametrize("lang", LANGUAGES)
def test_offline_ticket_says_the_estimate_is_unavailable(lang: str) -> None:
    profile = PROFILES["generic-58"]
    data, _ = _ticket_bytes(lang, profile, online=False)
    decoded = decode(data)
    assert reads(decoded, translator(lang)(WAIT_UNAVAILABLE), profile, Align.CENTER, bold=False)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_ticket_with_native_qr_stays_within_4_kb(lang: str) -> None:
    for code in ("residence_certificate", "celibacy_certificate", "indigence_certificate"):
        ticket = dataclasses.replace(sample_ticket(lang, ISSUED_AT), service_code=code)
        service = packaged_catalogue().service(code)
        assert len(encode(ticket_document(ticket, service, CONTEXT), PROFILES["generic-80"])) <= (
            4 * 1024
        )


def test_every_service_fits_the_budget_on_the_smallest_printer() -> None:
    for service in packaged_catalogue():
        for lang in ("ar", "zgh"):
            ticket = dataclasses.replace(sample_ticket(lang, ISSUED_AT), service_code=service.code)
            data = encode(ticket_document(ticket, service, CONTEXT), PROFILES["basic-58"])
            assert len(data) <= TICKET_BUDGET_BYTES, (service.code, lang, len(data))


@pytest.mark.parametrize("profile_name", ["generic-58", "generic-80"])
@pytest.mark.parametrize("lang", ["ar", "zgh"])
def test_shaped_lines_are_downloaded_glyphs_that_fit_the_paper(
    lang: str, profile_name: str
) -> None:
    profile = PROFILES[profile_name]
    decoded = decode(_ticket_bytes(lang, profile)[0])
    assert decoded.cell_rows and not decoded.rasters  # no raster at all on a native-QR printer
    for row in decoded.cell_rows:
        assert all(width <= 12 for width, _ in row.glyphs)
        assert sum(width for width, _ in row.glyphs) <= profile.width_dots
        assert row.line_spacing == 24  # rows of one line touch: a two-row Arabic line is whole


def test_the_number_is_the_largest_thing_on_the_ticket() -> None:
    decoded = decode(_ticket_bytes("fr", PROFILES["generic-80"])[0])
    biggest = max(decoded.text_runs, key=lambda run: run.height_mult)
    assert biggest.text == "A-042" and biggest.height_mult == 8


def test_a_ticket_image_matches_its_paper_width() -> None:
    from device_drivers.preview import render_preview

    ticket = sample_ticket("ar", ISSUED_AT)
    service = packaged_catalogue().service(ticket.service_code)
    for name in ("generic-58", "generic-80"):
        image = render_preview(ticket_document(ticket, service, CONTEXT), PROFILES[name])
        assert image.mode == "1" and image.width == PROFILES[name].width_dots
        assert isinstance(image, Image.Image)
