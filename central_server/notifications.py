"""Telling citizens their request is ready: four-language texts, e-mail over SMTP, pluggable SMS."""

from __future__ import annotations

import importlib
import smtplib
import sqlite3
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

from central_server.annex_info import annex_name_in
from central_server.clock import now_iso
from central_server.config import SmtpSettings
from central_server.db import Database

SUBJECTS: dict[str, str] = {
    "ar": "طلبكم {number} جاهز",
    "fr": "Votre demande {number} est prête",
    "zgh": "ⵜⴰⵙⵓⵜⵔⴰ ⵏⵏⴽ {number} ⵜⵓⵊⴷ",
    "en": "Your request {number} is ready",
}

BODIES: dict[str, str] = {
    "ar": "طلبكم رقم {number} جاهز. يمكنكم سحبه من {annex} مع بطاقتكم الوطنية.",
    "fr": "Votre demande n° {number} est prête. Retirez-la à {annex} avec votre CNIE.",
    "zgh": "ⵜⴰⵙⵓⵜⵔⴰ ⵏⵏⴽ {number} ⵜⵓⵊⴷ. ⴰⵡⵉ ⵜⵜ ⵙⴳ {annex} ⴰⴽⴷ ⵜⴰⴽⴰⵔⴹⴰ ⵏⵏⴽ ⵜⴰⵏⴰⵎⵓⵔⵜ.",
    "en": "Your request {number} is ready. Collect it at {annex} with your national ID card.",
}


def render_ready_message(language: str, number: str, annex: str) -> tuple[str, str]:
    """Subject and body in the citizen's language (French if the language is unknown)."""
    lang = language if language in BODIES else "fr"
    return SUBJECTS[lang].format(number=number), BODIES[lang].format(number=number, annex=annex)


class SmsSender(Protocol):
    """Anything that can deliver a text message; returns the status to record (e.g. `sent`)."""

    def send(self, phone: str, text: str) -> str: ...


class QueuedSmsSender:
    """The default: no gateway, so the SMS is only recorded as queued for a later relay."""

    def send(self, phone: str, text: str) -> str:
        return "queued"


def load_sms_sender(spec: str | None) -> SmsSender:
    """`package.module:factory` builds a real gateway sender; no spec gives the queued recorder."""
    if not spec:
        return QueuedSmsSender()
    module_name, _, attribute = spec.partition(":")
    factory = getattr(importlib.import_module(module_name), attribute or "SmsSender")
    sender: SmsSender = factory()
    return sender


def send_email(settings: SmtpSettings, recipient: str, subject: str, body: str) -> None:
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = recipient
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(settings.host, settings.port, timeout=10) as client:
        client.send_message(message)


@dataclass(frozen=True)
class PendingNotification:
    notification_id: int
    channel: str
    recipient: str
    subject: str
    body: str


def queue_ready_notifications(
    connection: sqlite3.Connection, request: sqlite3.Row, annex_id: str | None
) -> list[PendingNotification]:
    """Record a pending notification per channel the citizen chose (same transaction as `ready`).

    The annex is named in the citizen's language where the server has that name.
    """
    citizen = connection.execute(
        "SELECT phone, email, preferred_language FROM citizens WHERE citizen_id = ?",
        (request["citizen_id"],),
    ).fetchone()
    language = citizen["preferred_language"]
    named = annex_name_in(connection, annex_id, language) if annex_id else None
    subject, body = render_ready_message(
        language, request["request_number"], named or "l'annexe administrative"
    )
    wanted = []
    if request["notify_email"] and citizen["email"]:
        wanted.append(("email", citizen["email"]))
    if request["notify_sms"] and citizen["phone"]:
        wanted.append(("sms", citizen["phone"]))
    pending = []
    for channel, recipient in wanted:
        cursor = connection.execute(
            "INSERT INTO notifications (request_number, citizen_id, channel, recipient, language, "
            "subject, body, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?)",
            (
                request["request_number"],
                request["citizen_id"],
                channel,
                recipient,
                language,
                subject,
                body,
                now_iso(),
            ),
        )
        pending.append(
            PendingNotification(int(cursor.lastrowid or 0), channel, recipient, subject, body)
        )
    return pending


def deliver(
    database: Database,
    pending: list[PendingNotification],
    smtp: SmtpSettings | None,
    sms_sender: SmsSender,
) -> None:
    """Send what was queued and record the outcome of each channel."""
    for item in pending:
        status, detail = _deliver_one(item, smtp, sms_sender)
        with database.write() as connection:
            connection.execute(
                "UPDATE notifications SET status = ?, detail = ? WHERE notification_id = ?",
                (status, detail, item.notification_id),
            )


def _deliver_one(
    item: PendingNotification, smtp: SmtpSettings | None, sms_sender: SmsSender
) -> tuple[str, str | None]:
    if item.channel == "sms":
        return sms_sender.send(item.recipient, item.body), None
    if smtp is None:
        return "not_sent", "no SMTP server configured"
    try:
        send_email(smtp, item.recipient, item.subject, item.body)
    except (OSError, smtplib.SMTPException) as exc:
        return "failed", f"{type(exc).__name__}: {exc}"
    return "sent", None


def list_notifications(connection: sqlite3.Connection) -> list[sqlite3.Row]:
    return connection.execute("SELECT * FROM notifications ORDER BY notification_id").fetchall()
