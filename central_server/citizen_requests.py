"""Certificate requests made in a CAU session, and pre-requests queued by offline kiosks."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any, Literal

from central_server.clock import now_iso, utc_now
from central_server.db import next_number
from central_server.errors import ApiError
from central_server.service_codes import is_known_service

# The life of a request at the annex, in order; `rejected` can end any step before `ready`.
REQUEST_FLOW: tuple[str, ...] = ("received", "in_progress", "ready", "collected")


@dataclass(frozen=True)
class CreatedRequest:
    """A request as the API shows it, and whether this call created it."""

    request: dict[str, Any]
    created: bool


def request_view(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "request_number": row["request_number"],
        "service_code": row["service_code"],
        "status": row["status"],
        "status_reason": row["status_reason"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "channel": row["channel"],
    }


def list_requests(connection: sqlite3.Connection, citizen_id: str) -> list[dict[str, Any]]:
    """A citizen's requests, newest first."""
    rows = connection.execute(
        "SELECT * FROM requests WHERE citizen_id = ? ORDER BY created_at DESC, request_number DESC",
        (citizen_id,),
    ).fetchall()
    return [request_view(row) for row in rows]


def create_request(
    connection: sqlite3.Connection,
    *,
    citizen_id: str,
    idempotency_key: str,
    service_code: str,
    language: str,
    notify_sms: bool,
    notify_email: bool,
    annex_id: str,
) -> CreatedRequest:
    """Create once per idempotency key; a replay returns the first result unchanged."""
    existing = connection.execute(
        "SELECT * FROM requests WHERE idempotency_key = ?", (idempotency_key,)
    ).fetchone()
    if existing is not None:
        if existing["citizen_id"] != citizen_id:
            # Never show one citizen another's request because a client reused a key.
            raise ApiError(
                409,
                "idempotency_key_conflict",
                "This Idempotency-Key was used for another citizen.",
            )
        return CreatedRequest(request=request_view(existing), created=False)
    if not is_known_service(connection, service_code):
        raise ApiError(422, "unknown_service", f"Unknown service code {service_code!r}.")
    year = utc_now().year
    number = f"R-{year}-{next_number(connection, f'request-{year}'):06d}"
    stamp = now_iso()
    # The UNIQUE constraint on idempotency_key is the real guard; the lookup above is the fast path.
    connection.execute(
        "INSERT INTO requests (request_number, idempotency_key, citizen_id, service_code, status, "
        "channel, language, notify_sms, notify_email, annex_id, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, 'received', 'kiosk', ?, ?, ?, ?, ?, ?)",
        (
            number,
            idempotency_key,
            citizen_id,
            service_code,
            language,
            notify_sms,
            notify_email,
            annex_id,
            stamp,
            stamp,
        ),
    )
    row = connection.execute(
        "SELECT * FROM requests WHERE request_number = ?", (number,)
    ).fetchone()
    return CreatedRequest(request=request_view(row), created=True)


@dataclass(frozen=True)
class PreRequestOutcome:
    idempotency_key: str
    status: Literal["created", "duplicate", "rejected"]
    reference: str | None
    reason: str | None


def store_pre_request(
    connection: sqlite3.Connection,
    item: dict[str, Any],
    annex_id: str,
    device_id: int,
) -> PreRequestOutcome:
    """Store one queued pre-request, flagged so the counter checks the citizen's identity."""
    key = str(item["idempotency_key"])
    existing = connection.execute(
        "SELECT reference, device_id FROM pre_requests WHERE idempotency_key = ?", (key,)
    ).fetchone()
    if existing is not None:
        if existing["device_id"] != device_id:
            # Another kiosk's key: its reference (and the citizen behind it) stays hidden.
            return PreRequestOutcome(key, "rejected", None, "key_in_use")
        return PreRequestOutcome(key, "duplicate", existing["reference"], None)
    if not is_known_service(connection, str(item["service_code"])):
        return PreRequestOutcome(key, "rejected", None, "unknown_service")
    year = utc_now().year
    reference = f"P-{year}-{next_number(connection, f'pre-request-{year}'):06d}"
    connection.execute(
        "INSERT INTO pre_requests (reference, idempotency_key, service_code, cin, phone, language, "
        "created_at, received_at, annex_id, device_id, identity_to_verify) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
        (
            reference,
            key,
            item["service_code"],
            item["cin"],
            item["phone"],
            item["language"],
            item["created_at"],
            now_iso(),
            annex_id,
            device_id,
        ),
    )
    return PreRequestOutcome(key, "created", reference, None)


def next_request_status(current: str) -> str:
    """The step after `current` in the normal flow; terminal states cannot advance."""
    if current not in REQUEST_FLOW or current == REQUEST_FLOW[-1]:
        raise ValueError(f"a request in state {current!r} cannot advance")
    return REQUEST_FLOW[REQUEST_FLOW.index(current) + 1]


def set_request_status(
    connection: sqlite3.Connection, request_number: str, status: str, reason: str | None = None
) -> sqlite3.Row:
    """Move a request to `status` and return its updated row."""
    connection.execute(
        "UPDATE requests SET status = ?, status_reason = ?, updated_at = ? "
        "WHERE request_number = ?",
        (status, reason, now_iso(), request_number),
    )
    row: sqlite3.Row = connection.execute(
        "SELECT * FROM requests WHERE request_number = ?", (request_number,)
    ).fetchone()
    return row
