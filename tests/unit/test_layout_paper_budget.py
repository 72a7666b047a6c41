"""Every ticket and receipt of every service, language and printer stays within 8 KB."""

from __future__ import annotations

import dataclasses

import pytest

from device_drivers.encoder import encode
from device_drivers.profiles import PROFILES
from kiosk.domain.catalogue import packaged_catalogue
from kiosk.i18n import LANGUAGES
from kiosk.services.documents import (
    receipt_document,
    sample_receipt,
    sample_ticket,
    ticket_document,
)
from tests.support.escpos_decoder import decode
from tests.support.paper import CONTEXT, ISSUED_AT

# Design brief: a bilingual document with its QR within 8 KB: 8.5 s at 9600 baud.
BUDGET_BYTES = 8 * 1024


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_receipt_and_ticket_fits_the_budget_on_every_printer(lang: str) -> None:
    too_big = []
    for service in packaged_catalogue():
        papers = {
            "ticket": ticket_document(
                dataclasses.replace(sample_ticket(lang, ISSUED_AT), service_code=service.code),
                service,
                CONTEXT,
            )
        }
        for pre_request in (False, True):
            receipt = dataclasses.replace(
                sample_receipt(lang, ISSUED_AT, pre_request), service_code=service.code
            )
            papers[f"receipt{'-pre' if pre_request else ''}"] = receipt_document(
                receipt, service, CONTEXT
            )
        for kind, document in papers.items():
            for profile in PROFILES.values():
                size = len(encode(document, profile))
                if size > BUDGET_BYTES:
                    too_big.append((kind, service.code, profile.name, size))
    assert not too_big


@pytest.mark.parametrize("lang", ["ar", "zgh"])
def test_the_largest_receipt_still_decodes_and_sends_no_raster_but_its_qr(lang: str) -> None:
    service = packaged_catalogue().service("passport_application")
    receipt = dataclasses.replace(
        sample_receipt(lang, ISSUED_AT, pre_request=True), service_code=service.code
    )
    decoded = decode(encode(receipt_document(receipt, service, CONTEXT), PROFILES["basic-58"]))
    # The only raster is the QR, sent at half size with every dot doubled (GS v 0 m=3).
    assert [raster.scale for raster in decoded.rasters] == [2]
    assert len(decoded.cell_rows) >= 20
