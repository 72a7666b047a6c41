"""CAU sign-in and sign-out through SessionHolder against the real reference server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from device_drivers.scanner import classify
from kiosk.central import CentralClient, SessionExpired
from kiosk.services.session import (
    Cancelled,
    InputField,
    InvalidInput,
    LockedOut,
    SessionHolder,
    SignedIn,
    Unreachable,
    UnreachableCause,
    WrongPin,
)
from tests.support.misbehaving_server import Behaviour, MisbehavingServer, refused_url
from tests.support.reference_server import (
    DEMO_CIN,
    DEMO_DEVICE_TOKEN,
    DEMO_PIN,
    DEMO_REVOKED_TOKEN,
    ReferenceServer,
)


@pytest.fixture
def client(reference_server: ReferenceServer) -> Iterator[CentralClient]:
    with CentralClient(reference_server.base_url, DEMO_DEVICE_TOKEN) as central:
        yield central


def test_sign_in_keeps_the_token_in_memory_and_gives_masked_identity(
    client: CentralClient,
) -> None:
    holder = SessionHolder(pin_length=6)
    before = datetime.now(UTC)
    # Typed the way people type it: lower case, a space, Arabic-Indic digits in the PIN.
    outcome = holder.sign_in(client, "ab 123456", "١٢٣٤٥٦")

    assert isinstance(outcome, SignedIn)
    assert outcome.citizen_id == "C-0001"
    assert outcome.display_name == "Amina El Idrissi"
    assert outcome.cin_masked != DEMO_CIN and outcome.cin_masked.startswith("AB")
    assert outcome.phone_masked is not None and "12345601" not in outcome.phone_masked
    assert outcome.expires_at > before
    assert holder.is_active(before)
    token = holder.token()
    assert token is not None and token not in repr(holder) and token not in repr(outcome)
    # The token is the real session: the citizen's history answers with it.
    assert isinstance(client.list_requests(token), list)
    # Past the server's expiry the holder forgets it by itself.
    assert not holder.is_active(outcome.expires_at + timedelta(seconds=1))
    assert holder.token() is None and holder.citizen is None


def test_a_scanned_cau_card_gives_the_cin(client: CentralClient) -> None:
    holder = SessionHolder()
    outcome = holder.sign_in(client, classify(f"CAU:{DEMO_CIN}"), DEMO_PIN)
    assert isinstance(outcome, SignedIn) and outcome.citizen_id == "C-0001"
    refused = holder.sign_in(client, classify("PP-2026-000123"), DEMO_PIN)
    assert isinstance(refused, InvalidInput) and refused.field is InputField.CIN
    assert not holder.is_active()


def test_wrong_pins_count_down_then_lock_in_minutes(client: CentralClient) -> None:
    holder = SessionHolder()
    left = []
    for _ in range(4):
        outcome = holder.sign_in(client, DEMO_CIN, "999999")
        assert isinstance(outcome, WrongPin)
        left.append(outcome.attempts_left)
    assert left == [4, 3, 2, 1]

    locked = holder.sign_in(client, DEMO_CIN, "999999")
    assert isinstance(locked, LockedOut)
    assert locked.minutes_left == 15  # the reference server locks for 900 s
    assert locked.until > datetime.now(UTC) + timedelta(minutes=14)
    # Even the right PIN is refused while locked, and the minutes are still given.
    again = holder.sign_in(client, DEMO_CIN, DEMO_PIN)
    assert isinstance(again, LockedOut) and 1 <= again.minutes_left <= 15
    assert not holder.is_active()


def test_invalid_input_is_caught_before_the_server(client: CentralClient) -> None:
    holder = SessionHolder(pin_length=6)
    cin = holder.sign_in(client, "12345", DEMO_PIN)
    assert isinstance(cin, InvalidInput) and cin.field is InputField.CIN
    assert cin.message_key == cin.error.message_key
    pin = holder.sign_in(client, DEMO_CIN, "12345")
    assert isinstance(pin, InvalidInput) and pin.field is InputField.PIN
    # Nothing counted against the CIN: five wrong tries are still left afterwards.
    wrong = holder.sign_in(client, DEMO_CIN, "999999")
    assert isinstance(wrong, WrongPin) and wrong.attempts_left == 4


def test_server_stopped_is_unreachable(reference_server: ReferenceServer) -> None:
    holder = SessionHolder()
    with CentralClient(reference_server.base_url, DEMO_DEVICE_TOKEN, 0.5, 1.0) as client:
        reference_server.stop()
        outcome = holder.sign_in(client, DEMO_CIN, DEMO_PIN)
    assert isinstance(outcome, Unreachable)
    assert outcome.cause is UnreachableCause.OFFLINE
    assert outcome.message_key  # the client's own sentence for "no connection"
    assert not holder.is_active()
    with CentralClient(refused_url(), DEMO_DEVICE_TOKEN, 0.5, 1.0) as nowhere:
        assert isinstance(holder.sign_in(nowhere, DEMO_CIN, DEMO_PIN), Unreachable)


@pytest.mark.parametrize(
    ("behaviour", "cause"),
    [
        (Behaviour.ERROR_500, UnreachableCause.SERVER_FAULT),
        (Behaviour.ERROR_503, UnreachableCause.SERVER_FAULT),
        (Behaviour.HANG, UnreachableCause.OFFLINE),
        (Behaviour.HTML, UnreachableCause.BAD_REPLY),
        (Behaviour.INVALID_DEVICE, UnreachableCause.DEVICE_REFUSED),
    ],
)
def test_server_faults_are_unreachable_with_their_cause(
    misbehaving: MisbehavingServer, behaviour: Behaviour, cause: UnreachableCause
) -> None:
    misbehaving.mode = behaviour
    with CentralClient(misbehaving.base_url, DEMO_DEVICE_TOKEN, 0.5, 0.5) as client:
        outcome = SessionHolder().sign_in(client, DEMO_CIN, DEMO_PIN)
    assert isinstance(outcome, Unreachable) and outcome.cause is cause


def test_a_revoked_kiosk_cannot_sign_citizens_in(reference_server: ReferenceServer) -> None:
    with CentralClient(reference_server.base_url, DEMO_REVOKED_TOKEN) as client:
        outcome = SessionHolder().sign_in(client, DEMO_CIN, DEMO_PIN)
    assert isinstance(outcome, Unreachable)
    assert outcome.cause is UnreachableCause.DEVICE_REFUSED


def test_sign_out_ends_the_session_on_the_server(client: CentralClient) -> None:
    holder = SessionHolder()
    assert isinstance(holder.sign_in(client, DEMO_CIN, DEMO_PIN), SignedIn)
    token = holder.token()
    assert token is not None
    holder.sign_out(client)
    assert not holder.is_active() and holder.token() is None and holder.citizen is None
    with pytest.raises(SessionExpired):
        client.list_requests(token)


def test_sign_out_clears_the_token_even_when_the_server_is_down(
    reference_server: ReferenceServer,
) -> None:
    holder = SessionHolder()
    with CentralClient(reference_server.base_url, DEMO_DEVICE_TOKEN, 0.5, 1.0) as client:
        assert isinstance(holder.sign_in(client, DEMO_CIN, DEMO_PIN), SignedIn)
        reference_server.stop()
        holder.sign_out(client)  # no exception: the server's refusal is swallowed
    assert not holder.is_active()
    assert holder.token() is None and holder.citizen is None and holder.expires_at is None


def test_signing_in_again_signs_the_previous_citizen_out(client: CentralClient) -> None:
    holder = SessionHolder()
    assert isinstance(holder.sign_in(client, DEMO_CIN, DEMO_PIN), SignedIn)
    first = holder.token()
    assert first is not None
    second = holder.sign_in(client, "BK234567", "234567")
    assert isinstance(second, SignedIn) and second.citizen_id == "C-0002"
    assert holder.token() != first
    with pytest.raises(SessionExpired):
        client.list_requests(first)


class _SlowSignInServer:
    """A loopback server whose POST /sessions answers only when the test releases it."""

    def __init__(self) -> None:
        self.arrived = threading.Event()
        self.release = threading.Event()
        self.closed_tokens: list[str] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                owner.arrived.set()
                owner.release.wait(10)
                expires = (datetime.now(UTC) + timedelta(minutes=10)).isoformat()
                citizen = {
                    "citizen_id": "C-0001",
                    "display_name": "Amina El Idrissi",
                    "cin_masked": "AB****56",
                    "phone_masked": None,
                    "email_masked": None,
                    "preferred_language": "ar",
                }
                body = {"token": "late-token", "expires_at": expires, "citizen": citizen}
                self._reply(201, json.dumps(body).encode())

            def do_DELETE(self) -> None:
                owner.closed_tokens.append(self.headers.get("X-Session-Token", ""))
                self._reply(204, b"")

            def _reply(self, status: int, payload: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


def test_a_sign_out_during_sign_in_wins() -> None:
    server = _SlowSignInServer()
    holder = SessionHolder()
    outcomes: list[object] = []
    try:
        with CentralClient(server.base_url, DEMO_DEVICE_TOKEN) as client:
            signing_in = threading.Thread(
                target=lambda: outcomes.append(holder.sign_in(client, DEMO_CIN, DEMO_PIN))
            )
            signing_in.start()
            assert server.arrived.wait(10)
            holder.clear()  # the inactivity wipe, while the server is still answering
            server.release.set()
            signing_in.join(10)
    finally:
        server.release.set()
        server.httpd.shutdown()
    assert outcomes == [Cancelled()]
    assert not holder.is_active() and holder.token() is None
    assert server.closed_tokens == ["late-token"]  # the late session was ended again
