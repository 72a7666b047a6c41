"""A request's state reads the same on the kiosk and on the tracking page its QR opens."""

from __future__ import annotations

import pytest

from central_server.web.i18n import page_texts
from central_server.web.routes_requests import STATUS_LABELS
from kiosk.i18n import translator
from kiosk.services.requests import STATUS_NAMES


@pytest.mark.parametrize("lang", ["ar", "fr", "zgh", "en"])
def test_every_request_state_has_one_name_on_kiosk_and_phone(lang: str) -> None:
    kiosk = translator(lang)
    page = page_texts(lang, "requests")
    for status, message in STATUS_NAMES.items():
        on_the_page = page.gettext(STATUS_LABELS[status.value])
        assert kiosk(message) == on_the_page, (status, lang)
