"""The client accepts only replies of the contract's shape, and says which field is wrong."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.central import BadResponse, DeviceTokenError, load_device_token, models


def _request(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "request_number": "R-2026-000123",
        "service_code": "residence_certificate",
        "status": "ready",
        "status_reason": None,
        "created_at": "2026-11-20T08:00:00Z",
        "updated_at": "2026-11-21T08:00:00+00:00",
        "channel": "kiosk",
    }
    return {**base, **changes}


def test_a_valid_request_is_typed() -> None:
    parsed = models.parse_request(_request())
    assert parsed.status == "ready"
    assert parsed.created_at.tzinfo is not None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"status": "lost"}, "request.status"),
        ({"created_at": "yesterday"}, "request.created_at"),
        ({"created_at": "2026-11-20T08:00:00"}, "request.created_at"),
        ({"channel": 3}, "request.channel"),
        ({"request_number": None}, "request.request_number"),
    ],
)
def test_a_wrong_field_is_named(changes: dict[str, object], field: str) -> None:
    with pytest.raises(BadResponse, match=field.replace(".", r"\.")):
        models.parse_request(_request(**changes))


def test_a_missing_field_is_named() -> None:
    body = _request()
    del body["service_code"]
    with pytest.raises(BadResponse, match="service_code: missing"):
        models.parse_request(body)


def test_booleans_are_not_integers() -> None:
    with pytest.raises(BadResponse, match="seq"):
        models.parse_ticket(
            {
                "number": "A-001",
                "family": "A",
                "seq": True,
                "business_day": "2026-11-21",
                "people_ahead": 0,
                "estimated_wait_s": None,
            },
            "3f2c9d1e-8a4b-4c6d-9e0f-1a2b3c4d5e6f",
            "residence_certificate",
            datetime(2026, 11, 21, 9, 0, tzinfo=UTC),
            "fr",
        )


def test_batch_results_must_answer_every_item_in_order() -> None:
    reply = {
        "results": [
            {"idempotency_key": "k2", "status": "created", "reason": None},
            {"idempotency_key": "k1", "status": "created", "reason": None},
        ]
    }
    with pytest.raises(BadResponse, match="key for key"):
        models.parse_batch_results(reply, ["k1", "k2"])
    with pytest.raises(BadResponse, match="key for key"):
        models.parse_batch_results({"results": reply["results"][:1]}, ["k2", "k3"])
    parsed = models.parse_batch_results(reply, ["k2", "k1"])
    assert [item.status for item in parsed] == ["created", "created"]


def test_catalogue_overrides_round_trip_to_the_contract_form() -> None:
    body = {
        "annex_id": "berkane-5",
        "annex_name": "Annexe 5",
        "annex_names": {"ar": "الملحقة 5"},
        "revision": 3,
        "overrides": {
            "residence_certificate": {
                "fee_mad": 20,
                "delay": {"ar": "يوم", "fr": "1 jour", "zgh": "ⵢⴰⵏ ⵡⴰⵙⵙ", "en": "1 day"},
            },
            "passport_application": {"documents": {"fr": ["Photo", "CNIE"]}},
        },
        "disabled": ["collective_life_certificate"],
    }
    parsed = models.parse_catalogue(body, '"etag-1"')
    assert parsed.etag == '"etag-1"'
    assert parsed.overrides["residence_certificate"].fee_mad == 20.0
    # What the engine stores is what the guide service reads back: the contract's body.
    assert parsed.as_json() == body


def test_a_block_with_an_empty_range_is_refused() -> None:
    body = {"block_id": "b", "family": "A", "business_day": "2026-11-21", "start": 9, "end": 3}
    with pytest.raises(BadResponse, match="range"):
        models.parse_block(body)


def test_device_token_file_errors_name_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "device-token"
    with pytest.raises(DeviceTokenError, match=re.escape(str(missing))):
        load_device_token(str(missing))
    missing.write_text("  \n")
    with pytest.raises(DeviceTokenError, match="empty"):
        load_device_token(str(missing))
    with pytest.raises(DeviceTokenError, match=r"server\.device_token_file"):
        load_device_token("")
    missing.write_text("secret-token\n")
    assert load_device_token(str(missing)) == "secret-token"


def test_a_session_never_shows_its_token_in_a_repr() -> None:
    from kiosk.domain.models import Citizen

    session = models.Session(
        "token-in-memory-only",
        datetime(2026, 11, 26, tzinfo=UTC),
        Citizen("C-0001", "Amina El Idrissi", "AB****56", None, None, "ar"),
    )
    assert "token-in-memory-only" not in repr(session)
    assert session.token == "token-in-memory-only"
