"""Each way the central server can fail reaches the caller as the right typed error."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

import pytest

from kiosk.central import (
    BadResponse,
    CentralClient,
    CentralError,
    InvalidDevice,
    Offline,
    Rejected,
    ServerFault,
)
from kiosk.i18n import translator
from offline_cache.protocol import (
    DeviceNotAuthorised,
    PermanentError,
    TransientError,
    Unreachable,
)
from tests.support.misbehaving_server import (
    Behaviour,
    MisbehavingServer,
    refused_url,
)

READ_TIMEOUT_S = 0.5


def _client(base_url: str) -> CentralClient:
    return CentralClient(
        base_url, "test-token", connect_timeout_s=0.5, read_timeout_s=READ_TIMEOUT_S
    )


def _ticket_item() -> dict[str, object]:
    return {
        "idempotency_key": str(uuid.uuid4()),
        "number": "A-501",
        "family": "A",
        "seq": 501,
        "service_code": "residence_certificate",
        "business_day": "2026-11-21",
        "issued_at": datetime.now(UTC).isoformat(),
        "source": "standalone",
        "block_id": None,
    }


def test_connection_refused_is_offline() -> None:
    client = _client(refused_url())
    with pytest.raises(Offline) as caught:
        client.health()
    assert isinstance(caught.value, Unreachable)
    assert "cannot connect" in str(caught.value)


def test_a_reply_that_never_comes_is_offline_after_the_read_timeout(
    misbehaving: MisbehavingServer,
) -> None:
    misbehaving.mode = Behaviour.HANG
    started = time.monotonic()
    with pytest.raises(Offline, match="no reply in time"):
        _client(misbehaving.base_url).push_tickets([_ticket_item()])
    assert time.monotonic() - started < READ_TIMEOUT_S + 2


@pytest.mark.parametrize(
    ("behaviour", "status"), [(Behaviour.ERROR_500, 500), (Behaviour.ERROR_503, 503)]
)
def test_5xx_is_a_server_fault(
    misbehaving: MisbehavingServer, behaviour: Behaviour, status: int
) -> None:
    misbehaving.mode = behaviour
    with pytest.raises(ServerFault) as caught:
        _client(misbehaving.base_url).queue_stats()
    assert caught.value.status == status
    assert isinstance(caught.value, TransientError)
    assert not isinstance(caught.value, Unreachable)


@pytest.mark.parametrize(
    ("behaviour", "detail"),
    [
        (Behaviour.TRUNCATED_JSON, "malformed JSON"),
        (Behaviour.HTML, "expected JSON, got text/html"),
        (Behaviour.WRONG_SHAPE, "missing"),
        (Behaviour.HTML_404, "without the API's error JSON"),
    ],
)
def test_replies_that_break_the_contract_are_bad_responses(
    misbehaving: MisbehavingServer, behaviour: Behaviour, detail: str
) -> None:
    misbehaving.mode = behaviour
    client = _client(misbehaving.base_url)
    for call in (client.health, client.queue_stats, client.announcements):
        with pytest.raises(BadResponse, match=detail):
            call()


def test_a_batch_reply_of_the_wrong_shape_is_a_bad_response(
    misbehaving: MisbehavingServer,
) -> None:
    misbehaving.mode = Behaviour.WRONG_SHAPE
    with pytest.raises(BadResponse, match=r"batch\.results: missing"):
        _client(misbehaving.base_url).push_tickets([_ticket_item()])


def test_a_connection_cut_mid_reply_is_offline(misbehaving: MisbehavingServer) -> None:
    misbehaving.mode = Behaviour.CUT_CONNECTION
    with pytest.raises(Offline, match="connection lost"):
        _client(misbehaving.base_url).push_tickets([_ticket_item()])


def test_an_unknown_device_is_rejected_and_stops_sync(misbehaving: MisbehavingServer) -> None:
    misbehaving.mode = Behaviour.INVALID_DEVICE
    with pytest.raises(InvalidDevice) as caught:
        _client(misbehaving.base_url).push_tickets([_ticket_item()])
    assert caught.value.status == 401
    assert caught.value.error == "invalid_device"
    assert isinstance(caught.value, DeviceNotAuthorised)
    assert isinstance(caught.value, PermanentError)


def test_a_4xx_with_the_error_json_is_rejected_with_its_code(
    misbehaving: MisbehavingServer,
) -> None:
    misbehaving.mode = Behaviour.REJECT_422
    item = _ticket_item()
    item["service_code"] = ""
    with pytest.raises(Rejected) as caught:
        _client(misbehaving.base_url).push_tickets([item])
    assert (caught.value.status, caught.value.error) == (422, "validation_error")
    assert caught.value.message == "service_code required"


def test_requests_carry_the_device_token_and_json(misbehaving: MisbehavingServer) -> None:
    client = _client(misbehaving.base_url)
    item = _ticket_item()
    results = client.push_tickets([item])
    assert [result.status for result in results] == ["created"]
    sent = misbehaving.requests[-1]
    assert sent.headers["Authorization"] == "Bearer test-token"
    assert sent.headers["Content-Type"] == "application/json"
    assert sent.body == {"items": [item]}
    # A replay of the same key is reported as a duplicate, not an error.
    assert [result.status for result in client.push_tickets([item])] == ["duplicate"]


@pytest.mark.parametrize(
    "error",
    [
        Offline("x"),
        ServerFault("x", 500),
        BadResponse("x"),
        InvalidDevice(401, "invalid_device", "x"),
        Rejected(422, "unknown_service", "x"),
    ],
)
@pytest.mark.parametrize("lang", ["ar", "fr", "zgh", "en"])
def test_every_error_has_a_translated_message(error: CentralError, lang: str) -> None:
    text = translator(lang)(error.message_key)
    assert text
    if lang != "en":
        assert text != error.message_key
