"""Reference server: a request turning `ready` notifies the citizen by e-mail (SMTP) and SMS."""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.support.reference_server import (
    SMS_OUTBOX_ENV,
    ReferenceServer,
    free_loopback_port,
    running_reference_server,
)


class Mailbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.arrived = threading.Condition()

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=default_policy)
        assert isinstance(message, EmailMessage)
        with self.arrived:
            self.messages.append(message)
            self.arrived.notify_all()
        return "250 Message accepted"

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.messages) >= count, timeout=timeout)
            return list(self.messages)


@pytest.fixture(scope="module")
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    handler = Mailbox()
    port = free_loopback_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReferenceServer]:
    with running_reference_server(tmp_path_factory.mktemp("notifications")) as running:
        yield running


def smtp_args(port: int) -> list[str]:
    return ["--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--smtp-from", "cau@example.ma"]


def submit_request(server: ReferenceServer, cin: str, pin: str, *, sms: bool, email: bool) -> str:
    with server.client() as api:
        token = api.post("/sessions", json={"cin": cin, "pin": pin}).json()["token"]
        response = api.post(
            "/requests",
            json={
                "service_code": "residence_certificate",
                "language": "fr",
                "notify_sms": sms,
                "notify_email": email,
            },
            headers={"X-Session-Token": token, "Idempotency-Key": str(uuid.uuid4())},
        )
    assert response.status_code == 201
    return str(response.json()["request"]["request_number"])


def notifications_for(server: ReferenceServer, request_number: str) -> list[dict[str, Any]]:
    rows = json.loads(server.admin("notifications", "--json"))
    return [row for row in rows if row["request_number"] == request_number]


def test_ready_request_sends_an_email_and_queues_an_sms_in_the_citizens_language(
    server: ReferenceServer, mailbox: tuple[Mailbox, int]
) -> None:
    handler, port = mailbox
    already = len(handler.messages)
    number = submit_request(server, "AB567890", "567890", sms=True, email=True)  # prefers English
    assert "received -> in_progress" in server.admin(
        "advance-request", number, extra_args=smtp_args(port)
    )
    assert notifications_for(server, number) == []  # nothing to say before it is ready
    assert "in_progress -> ready" in server.admin(
        "advance-request", number, extra_args=smtp_args(port)
    )

    message = handler.wait_for(already + 1)[already]
    assert message["To"] == "khadija.tazi@example.ma"
    assert message["From"] == "cau@example.ma"
    assert message["Subject"] == f"Your request {number} is ready"
    assert number in message.get_content()
    # The annex as the English reader calls it, not its French name.
    assert "Administrative annex no. 5, Berkane" in message.get_content()

    records = {row["channel"]: row for row in notifications_for(server, number)}
    assert set(records) == {"email", "sms"}
    assert records["email"]["status"] == "sent"
    assert records["sms"]["status"] == "queued"
    assert records["sms"]["recipient"] == "+212655345605"
    assert all(row["language"] == "en" for row in records.values())
    listing = server.admin("notifications")
    assert f"{number} email khadija.tazi@example.ma [en] sent" in listing

    with server.client() as api:
        token = api.post("/sessions", json={"cin": "AB567890", "pin": "567890"}).json()["token"]
        history = api.get("/requests", headers={"X-Session-Token": token}).json()["requests"]
    assert next(item for item in history if item["request_number"] == number)["status"] == "ready"


def test_the_message_is_in_arabic_or_tifinagh_for_those_citizens(
    server: ReferenceServer, mailbox: tuple[Mailbox, int]
) -> None:
    handler, port = mailbox
    already = len(handler.messages)
    tifinagh_number = submit_request(server, "FD123450", "445566", sms=False, email=True)
    server.admin("advance-request", tifinagh_number, "--to", "ready", extra_args=smtp_args(port))
    # Demo request 4 belongs to Amina (Arabic), is in progress and asked for both channels.
    arabic_number = next(
        row["request_number"]
        for row in _demo_requests(server)
        if row["citizen_id"] == "C-0001" and row["status"] == "in_progress"
    )
    server.admin("advance-request", arabic_number, extra_args=smtp_args(port))
    messages = {str(message["To"]): message for message in handler.wait_for(already + 2)[already:]}

    tifinagh = messages["tiziri.aitouarab@example.ma"]
    assert tifinagh_number in tifinagh["Subject"]
    assert any("\u2d30" <= char <= "\u2d7f" for char in tifinagh.get_content())
    arabic = messages["amina.elidrissi@example.ma"]
    assert any("\u0600" <= char <= "\u06ff" for char in arabic["Subject"])
    assert arabic_number in arabic.get_content()
    # Only the channels the citizen chose: Tiziri asked for e-mail only.
    assert [row["channel"] for row in notifications_for(server, tifinagh_number)] == ["email"]


def _demo_requests(server: ReferenceServer) -> list[dict[str, Any]]:
    with sqlite3.connect(server.db_path) as connection:
        connection.row_factory = sqlite3.Row
        return [dict(row) for row in connection.execute("SELECT * FROM requests")]


def test_collecting_a_ready_request_does_not_notify_again(
    server: ReferenceServer, mailbox: tuple[Mailbox, int]
) -> None:
    _handler, port = mailbox
    number = submit_request(server, "BK234567", "234567", sms=True, email=True)
    server.admin("advance-request", number, "--to", "ready", extra_args=smtp_args(port))
    assert "ready -> collected" in server.admin(
        "advance-request", number, extra_args=smtp_args(port)
    )
    assert len(notifications_for(server, number)) == 2


def test_without_smtp_the_email_is_recorded_as_not_sent(server: ReferenceServer) -> None:
    number = submit_request(server, "FB890123", "890123", sms=True, email=True)
    server.admin("advance-request", number, "--to", "ready")
    records = {row["channel"]: row for row in notifications_for(server, number)}
    assert records["email"]["status"] == "not_sent"
    assert "SMTP" in records["email"]["detail"]
    assert records["sms"]["status"] == "queued"


def test_an_unreachable_smtp_server_is_recorded_as_failed(server: ReferenceServer) -> None:
    number = submit_request(server, "AB901234", "901234", sms=False, email=True)
    closed_port = free_loopback_port()  # nothing listens there
    server.admin("advance-request", number, "--to", "ready", extra_args=smtp_args(closed_port))
    [record] = notifications_for(server, number)
    assert record["status"] == "failed"
    assert record["detail"]


def test_a_plugged_sms_gateway_receives_the_text(server: ReferenceServer, tmp_path: Path) -> None:
    outbox = tmp_path / "sms.txt"
    number = submit_request(server, "JA678901", "678901", sms=True, email=True)  # no e-mail on file
    server.admin(
        "advance-request",
        number,
        "--to",
        "ready",
        extra_args=["--sms-sender", "tests.support.reference_server:FileSmsGateway"],
        env={SMS_OUTBOX_ENV: str(outbox)},
    )
    phone, text = outbox.read_text(encoding="utf-8").strip().split("\t")
    assert phone == "+212666345606"
    assert number in text
    assert any("\u2d30" <= char <= "\u2d7f" for char in text)  # Hassan reads Tamazight
    [record] = notifications_for(server, number)
    assert (record["channel"], record["status"]) == ("sms", "sent")


def test_unknown_request_number_is_an_admin_error(server: ReferenceServer) -> None:
    with pytest.raises(RuntimeError, match="no request"):
        server.admin("advance-request", "R-1999-000000")
