"""Queue tickets: online allocation, leased number blocks for offline kiosks, offline uploads."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import date
from typing import Any, Literal

from central_server.clock import now_iso
from central_server.devices import STANDALONE_SPACE
from central_server.errors import ApiError
from central_server.queue import estimated_wait, family_queue

BatchStatus = Literal["created", "duplicate", "rejected"]


def format_number(family: str, seq: int) -> str:
    """`A`, 42 -> `A-042`: three digits at least, as printed on the ticket."""
    return f"{family}-{seq:03d}"


# The annex's counter (online tickets and leased blocks) lives below the standalone space,
# which kiosks number in on their own (see devices.STANDALONE_SPACE): the two never meet.
SERVER_SPACE_END = STANDALONE_SPACE[0] - 1


def _reserve(
    connection: sqlite3.Connection, annex_id: str, family: str, day: date, count: int
) -> int:
    """Take `count` consecutive numbers from the day's counter and return the first one."""
    connection.execute(
        "INSERT INTO ticket_counters (annex_id, family, business_day, next_seq) "
        "VALUES (?, ?, ?, 1) "
        "ON CONFLICT DO NOTHING",
        (annex_id, family, day.isoformat()),
    )
    row = connection.execute(
        "SELECT next_seq FROM ticket_counters "
        "WHERE annex_id = ? AND family = ? AND business_day = ?",
        (annex_id, family, day.isoformat()),
    ).fetchone()
    first = int(row["next_seq"])
    if first + count - 1 > SERVER_SPACE_END:
        raise ApiError(
            409,
            "numbers_exhausted",
            f"Family {family} has no {count} more numbers today below {SERVER_SPACE_END + 1}; "
            "kiosks number from their standalone ranges.",
        )
    connection.execute(
        "UPDATE ticket_counters SET next_seq = ? "
        "WHERE annex_id = ? AND family = ? AND business_day = ?",
        (first + count, annex_id, family, day.isoformat()),
    )
    return first


def ticket_view(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "number": row["number"],
        "family": row["family"],
        "seq": row["seq"],
        "business_day": row["business_day"],
        "people_ahead": row["people_ahead"],
        "estimated_wait_s": row["estimated_wait_s"],
    }


def allocate_ticket(
    connection: sqlite3.Connection,
    *,
    idempotency_key: str,
    annex_id: str,
    device_id: int,
    family: str,
    service_code: str,
    issued_at: str,
    day: date,
) -> tuple[dict[str, Any], bool]:
    """Allocate the next number online; a replayed key returns the ticket it holds, unchanged.

    That ticket may be the one the kiosk numbered itself and uploaded after giving up on
    this very request (the printed number wins): then no number is taken here.
    """
    existing = connection.execute(
        "SELECT * FROM tickets WHERE idempotency_key = ?", (idempotency_key,)
    ).fetchone()
    if existing is not None:
        if existing["device_id"] != device_id:
            # Another kiosk's key: say nothing of its ticket or its annex's queue.
            raise ApiError(
                409, "idempotency_key_conflict", "This idempotency_key belongs to another device."
            )
        return ticket_view(existing), False
    seq = _reserve(connection, annex_id, family, day, 1)
    # Everyone waiting in the family now is ahead: the new ticket joins the end of the queue.
    queue = family_queue(connection, annex_id, family, day)
    people_ahead = queue.waiting
    wait = estimated_wait(people_ahead, queue.avg_handling_s, queue.open_counters)
    connection.execute(
        "INSERT INTO tickets (idempotency_key, annex_id, device_id, family, business_day, seq, "
        "number, service_code, source, block_id, issued_at, received_at, people_ahead, "
        "estimated_wait_s) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'online', NULL, ?, ?, ?, ?)",
        (
            idempotency_key,
            annex_id,
            device_id,
            family,
            day.isoformat(),
            seq,
            format_number(family, seq),
            service_code,
            issued_at,
            now_iso(),
            people_ahead,
            wait,
        ),
    )
    row = connection.execute(
        "SELECT * FROM tickets WHERE idempotency_key = ?", (idempotency_key,)
    ).fetchone()
    return ticket_view(row), True


def lease_block(
    connection: sqlite3.Connection,
    *,
    annex_id: str,
    device_id: int,
    family: str,
    size: int,
    day: date,
) -> dict[str, Any]:
    """Reserve `size` numbers for one kiosk; nobody else, online or offline, will get them."""
    start = _reserve(connection, annex_id, family, day, size)
    block_id = f"blk-{uuid.uuid4().hex}"
    end = start + size - 1
    connection.execute(
        "INSERT INTO ticket_blocks (block_id, annex_id, device_id, family, business_day, "
        "start_seq, end_seq, leased_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (block_id, annex_id, device_id, family, day.isoformat(), start, end, now_iso()),
    )
    return {
        "block_id": block_id,
        "family": family,
        "business_day": day.isoformat(),
        "start": start,
        "end": end,
    }


def _rejection(
    connection: sqlite3.Connection, item: dict[str, Any], annex_id: str, device_id: int
) -> str | None:
    """Why an offline ticket cannot hold its number, or None if it can."""
    if item["number"] != format_number(item["family"], item["seq"]):
        return "number_mismatch"
    if item["source"] == "standalone":
        first, last = STANDALONE_SPACE
        return None if first <= item["seq"] <= last else "outside_standalone_space"
    if not item.get("block_id"):
        return "block_id_required"
    block = connection.execute(
        "SELECT * FROM ticket_blocks WHERE block_id = ?", (item["block_id"],)
    ).fetchone()
    if block is None or block["annex_id"] != annex_id:
        return "unknown_block"
    if block["device_id"] != device_id:
        return "block_not_yours"
    if block["family"] != item["family"] or block["business_day"] != item["business_day"]:
        return "block_mismatch"
    if not block["start_seq"] <= item["seq"] <= block["end_seq"]:
        return "seq_outside_block"
    return None


def _holder(
    connection: sqlite3.Connection, item: dict[str, Any], annex_id: str
) -> sqlite3.Row | None:
    """The ticket that already holds this number today, if any."""
    row: sqlite3.Row | None = connection.execute(
        "SELECT * FROM tickets WHERE annex_id = ? AND family = ? AND business_day = ? AND seq = ?",
        (annex_id, item["family"], item["business_day"], item["seq"]),
    ).fetchone()
    return row


def _record_conflict(
    connection: sqlite3.Connection,
    item: dict[str, Any],
    annex_id: str,
    device_id: int,
    reason: str,
    holder_key: str | None = None,
) -> tuple[BatchStatus, str]:
    """A refused upload is kept for the annex's staff (`central-server conflicts`)."""
    connection.execute(
        "INSERT INTO ticket_conflicts (recorded_at, annex_id, device_id, idempotency_key, number, "
        "business_day, reason, holder_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            now_iso(),
            annex_id,
            device_id,
            str(item["idempotency_key"]),
            str(item["number"]),
            str(item["business_day"]),
            reason,
            holder_key,
        ),
    )
    return "rejected", reason


def store_offline_ticket(
    connection: sqlite3.Connection, item: dict[str, Any], annex_id: str, device_id: int
) -> tuple[BatchStatus, str | None]:
    """Record one ticket numbered on a kiosk; returns (status, reason) as the batch reports it.

    The number printed on the ticket is what the citizen holds, so it is what the server
    must hold: a replay is a duplicate, an online allocation the kiosk gave up waiting for
    under the same key is replaced by it (and voided), and anything that would make two
    tickets hold one number is refused and recorded, never stored twice nor dropped silently.
    """
    key = str(item["idempotency_key"])
    existing = connection.execute(
        "SELECT * FROM tickets WHERE idempotency_key = ?", (key,)
    ).fetchone()
    if existing is not None:
        if existing["device_id"] != device_id:
            return _record_conflict(connection, item, annex_id, device_id, "key_in_use")
        if (
            existing["number"] == item["number"]
            and existing["business_day"] == item["business_day"]
        ):
            return "duplicate", None
        if existing["source"] != "online":
            return _record_conflict(connection, item, annex_id, device_id, "key_in_use")
    reason = _rejection(connection, item, annex_id, device_id)
    if reason is not None:
        return _record_conflict(connection, item, annex_id, device_id, reason)
    holder = _holder(connection, item, annex_id)
    if holder is not None:
        return _record_conflict(
            connection, item, annex_id, device_id, "number_taken", holder["idempotency_key"]
        )
    if existing is not None:
        _void_online_allocation(connection, existing, item)
        return "created", None
    connection.execute(
        "INSERT INTO tickets (idempotency_key, annex_id, device_id, family, business_day, seq, "
        "number, service_code, source, block_id, issued_at, received_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            key,
            annex_id,
            device_id,
            item["family"],
            item["business_day"],
            item["seq"],
            item["number"],
            item["service_code"],
            item["source"],
            item.get("block_id"),
            item["issued_at"],
            now_iso(),
        ),
    )
    return "created", None


def _void_online_allocation(
    connection: sqlite3.Connection, online: sqlite3.Row, item: dict[str, Any]
) -> None:
    """The printed number takes the place of the one allocated after the kiosk gave up.

    The row keeps its place in the queue (the queue count does not change: one citizen, one
    place); its old number is recorded as void so no counter ever calls it.
    """
    connection.execute(
        "INSERT INTO voided_numbers (idempotency_key, annex_id, device_id, number, business_day, "
        "replaced_by, voided_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            online["idempotency_key"],
            online["annex_id"],
            online["device_id"],
            online["number"],
            online["business_day"],
            item["number"],
            now_iso(),
        ),
    )
    connection.execute(
        "UPDATE tickets SET family = ?, business_day = ?, seq = ?, number = ?, source = ?, "
        "block_id = ?, issued_at = ?, received_at = ?, people_ahead = NULL, "
        "estimated_wait_s = NULL WHERE idempotency_key = ?",
        (
            item["family"],
            item["business_day"],
            item["seq"],
            item["number"],
            item["source"],
            item.get("block_id"),
            item["issued_at"],
            now_iso(),
            online["idempotency_key"],
        ),
    )
