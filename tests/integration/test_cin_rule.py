"""One CIN rule on both sides: 1-2 letters then 1-6 digits; the server refuses a 7th digit."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from central_server.demo_data import DEMO_CITIZENS, demo_dossiers
from central_server.models import CIN_PATTERN
from kiosk.domain.validation import normalize_cin
from tests.support.reference_server import DEMO_PIN, ReferenceServer, running_reference_server

SEVEN_DIGITS = ("AB1234567", "F1234567")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReferenceServer]:
    with running_reference_server(tmp_path_factory.mktemp("cin-rule")) as running:
        yield running


@pytest.fixture
def api(server: ReferenceServer) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


def test_every_demo_cin_follows_the_one_rule_on_both_sides() -> None:
    cins = {citizen.cin for citizen in DEMO_CITIZENS} | {cin for _, _, cin, _ in demo_dossiers()}
    for cin in cins:
        assert re.fullmatch(CIN_PATTERN, cin), cin
        assert normalize_cin(cin) == cin


def test_every_demo_citizen_still_signs_in(api: httpx.Client) -> None:
    for citizen in DEMO_CITIZENS:
        response = api.post("/sessions", json={"cin": citizen.cin, "pin": citizen.pin})
        assert response.status_code == 201, (citizen.cin, response.text)


@pytest.mark.parametrize("cin", SEVEN_DIGITS)
def test_a_seventh_digit_is_refused_with_422_wherever_a_cin_goes(
    api: httpx.Client, cin: str
) -> None:
    sign_in = api.post("/sessions", json={"cin": cin, "pin": DEMO_PIN})
    lookup = api.post(
        "/applications/lookup",
        json={"kind": "passport", "dossier_number": "PP-2026-000100", "cin": cin},
    )
    batch = api.post(
        "/pre-requests/batch",
        json={
            "items": [
                {
                    "idempotency_key": str(uuid.uuid4()),
                    "service_code": "residence_certificate",
                    "cin": cin,
                    "phone": "+212612345678",
                    "language": "fr",
                    "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                }
            ]
        },
    )
    for response in (sign_in, lookup, batch):
        assert response.status_code == 422, response.text
        assert response.json()["error"] == "invalid_request"
    # Without the seventh digit it is a CIN: a sign-in answer (201 or 401), not a 422.
    assert api.post("/sessions", json={"cin": cin[:-1], "pin": DEMO_PIN}).status_code in (201, 401)
