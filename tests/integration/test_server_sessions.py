"""Reference server: CAU sign-in (CIN + PIN), attempts left, lockout, sign-out, session expiry."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.support.reference_server import (
    DEMO_CIN,
    DEMO_DEVICE_TOKEN_2,
    DEMO_PIN,
    ReferenceServer,
    running_reference_server,
)
from tests.support.waiting import wait_until


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReferenceServer]:
    with running_reference_server(tmp_path_factory.mktemp("sessions")) as running:
        yield running


@pytest.fixture
def api(server: ReferenceServer) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


def sign_in(api: httpx.Client, cin: str, pin: str) -> httpx.Response:
    return api.post("/sessions", json={"cin": cin, "pin": pin})


def test_sign_in_returns_a_session_and_a_masked_citizen(api: httpx.Client) -> None:
    response = sign_in(api, DEMO_CIN, DEMO_PIN)
    assert response.status_code == 201
    body = response.json()
    assert len(body["token"]) >= 32
    assert body["expires_at"].endswith("Z")
    citizen = body["citizen"]
    assert citizen["citizen_id"] == "C-0001"
    assert citizen["display_name"] == "Amina El Idrissi"
    assert citizen["cin_masked"] == "AB****56"
    assert citizen["phone_masked"] == "+2126******01"
    assert citizen["email_masked"] == "a***@example.ma"
    assert citizen["preferred_language"] == "ar"
    assert DEMO_PIN not in response.text


def test_a_lowercase_cin_with_spaces_signs_in_too(api: httpx.Client) -> None:
    assert sign_in(api, " ab123456 ", DEMO_PIN).status_code == 201


def test_citizen_without_phone_gets_null_masks(api: httpx.Client) -> None:
    citizen = sign_in(api, "BE789012", "789012").json()["citizen"]
    assert citizen["phone_masked"] is None
    assert citizen["email_masked"] == "n***@example.ma"


def test_wrong_pin_says_how_many_attempts_are_left(api: httpx.Client) -> None:
    first = sign_in(api, "FA345678", "000000")
    second = sign_in(api, "FA345678", "000001")
    assert first.status_code == second.status_code == 401
    assert first.json()["error"] == "invalid_credentials"
    assert [first.json()["attempts_left"], second.json()["attempts_left"]] == [4, 3]
    # A success resets the count.
    assert sign_in(api, "FA345678", "345678").status_code == 201
    assert sign_in(api, "FA345678", "000002").json()["attempts_left"] == 4


def test_unknown_cin_looks_exactly_like_a_wrong_pin(api: httpx.Client) -> None:
    unknown = sign_in(api, "ZZ999999", "123456")
    wrong_pin = sign_in(api, "AB901234", "000000")
    assert unknown.status_code == wrong_pin.status_code == 401
    assert unknown.json() == wrong_pin.json()


def test_five_failures_from_two_kiosks_lock_the_cin_even_for_the_right_pin(
    server: ReferenceServer,
) -> None:
    cin, right_pin = "F456789", "456789"
    with server.client() as kiosk_1, server.client(DEMO_DEVICE_TOKEN_2) as kiosk_2:
        answers = [
            sign_in(kiosk, cin, "999999") for kiosk in (kiosk_1, kiosk_2, kiosk_1, kiosk_2, kiosk_1)
        ]
        assert [answer.status_code for answer in answers] == [401, 401, 401, 401, 423]
        assert [answer.json().get("attempts_left") for answer in answers[:4]] == [4, 3, 2, 1]
        locked = answers[-1].json()
        assert locked["error"] == "locked"
        assert 890 <= locked["retry_after_s"] <= 900
        # The right PIN, from the other kiosk, is refused too while the lock lasts.
        still_locked = sign_in(kiosk_2, cin, right_pin)
        assert still_locked.status_code == 423
        assert still_locked.json()["error"] == "locked"
        assert int(still_locked.headers["Retry-After"]) == still_locked.json()["retry_after_s"]
        # Other citizens are not affected.
        assert sign_in(kiosk_1, "AB567890", "567890").status_code == 201


def test_unknown_cins_lock_out_too(api: httpx.Client) -> None:
    statuses = [sign_in(api, "XY000001", "123456").status_code for _ in range(6)]
    assert statuses == [401, 401, 401, 401, 423, 423]


def test_sign_out_revokes_the_session(api: httpx.Client) -> None:
    token = sign_in(api, DEMO_CIN, DEMO_PIN).json()["token"]
    session = {"X-Session-Token": token}
    assert api.get("/requests", headers=session).status_code == 200
    signed_out = api.delete("/sessions/current", headers=session)
    assert signed_out.status_code == 204
    assert signed_out.content == b""
    after = api.get("/requests", headers=session)
    assert after.status_code == 401
    assert after.json()["error"] == "session_expired"
    assert api.delete("/sessions/current", headers=session).status_code == 401


def test_session_endpoints_need_a_live_session_token(api: httpx.Client) -> None:
    missing = api.get("/requests")
    forged = api.get("/requests", headers={"X-Session-Token": "forged"})
    for response in (missing, forged):
        assert response.status_code == 401
        assert response.json()["error"] == "session_expired"


def test_a_session_is_bound_to_the_kiosk_that_opened_it(server: ReferenceServer) -> None:
    with server.client() as kiosk_1, server.client(DEMO_DEVICE_TOKEN_2) as kiosk_2:
        token = sign_in(kiosk_1, "JA678901", "678901").json()["token"]
        assert kiosk_2.get("/requests", headers={"X-Session-Token": token}).status_code == 401
        assert kiosk_1.get("/requests", headers={"X-Session-Token": token}).status_code == 200


@pytest.mark.parametrize(
    "body",
    [{}, {"cin": DEMO_CIN}, {"cin": DEMO_CIN, "pin": 123456}, {"cin": "1234", "pin": "123456"}],
)
def test_malformed_sign_in_is_a_422_and_costs_no_attempt(
    api: httpx.Client, body: dict[str, object]
) -> None:
    response = api.post("/sessions", json=body)
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_request"


def test_lockout_and_session_expire(tmp_path_factory: pytest.TempPathFactory) -> None:
    short = ["--lockout-seconds", "2", "--session-seconds", "2"]
    with (
        running_reference_server(tmp_path_factory.mktemp("short"), short) as server,
        server.client() as api,
    ):
        token = sign_in(api, DEMO_CIN, DEMO_PIN).json()["token"]
        for _ in range(5):
            sign_in(api, DEMO_CIN, "000000")
        assert sign_in(api, DEMO_CIN, DEMO_PIN).status_code == 423
        assert wait_until(lambda: sign_in(api, DEMO_CIN, DEMO_PIN).status_code == 201, 10)
        # After the lock, the count starts again from five.
        assert sign_in(api, DEMO_CIN, "000000").json()["attempts_left"] == 4
        assert wait_until(
            lambda: api.get("/requests", headers={"X-Session-Token": token}).status_code == 401,
            10,
        )


def test_concurrent_wrong_pins_are_each_counted(server: ReferenceServer) -> None:
    def guess(index: int) -> httpx.Response:
        token = None if index % 2 else DEMO_DEVICE_TOKEN_2
        with server.client(token) if token else server.client() as kiosk:
            return sign_in(kiosk, "FC012345", f"00000{index}")

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(guess, range(6)))
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [401, 401, 401, 401, 423, 423]
    left = sorted(a.json()["attempts_left"] for a in answers if a.status_code == 401)
    assert left == [1, 2, 3, 4]
