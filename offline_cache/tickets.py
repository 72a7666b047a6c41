"""Locally issued tickets and the number blocks leased from the server."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlite_utils

from offline_cache.clock import iso, utc_now


@dataclass(frozen=True)
class StoredBlock:
    """A leased block as stored: numbers start..end, next_seq is the next unused one."""

    block_id: str
    family: str
    business_day: date
    start: int
    end: int
    next_seq: int


@dataclass(frozen=True)
class StoredTicket:
    """A ticket row as stored."""

    idempotency_key: str
    number: str
    family: str
    seq: int
    service_code: str
    business_day: date
    issued_at: str
    source: str
    language: str


class TicketStore:
    """Repository of tickets and number blocks. Writes expect the caller's transaction."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self._db = db

    def insert_ticket(self, ticket: StoredTicket) -> None:
        """Record an issued ticket (inside the transaction that also queues it)."""
        self._db.conn.execute(
            "INSERT INTO tickets (idempotency_key, number, family, seq, service_code, "
            "business_day, issued_at, source, language) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                ticket.idempotency_key,
                ticket.number,
                ticket.family,
                ticket.seq,
                ticket.service_code,
                ticket.business_day.isoformat(),
                ticket.issued_at,
                ticket.source,
                ticket.language,
            ),
        )

    def last_seq(self, day: date, family: str, source: str) -> int | None:
        """Highest sequence of one source for a family on a business day."""
        row = self._db.conn.execute(
            "SELECT MAX(seq) FROM tickets WHERE business_day = ? AND family = ? AND source = ?",
            (day.isoformat(), family, source),
        ).fetchone()
        return None if row[0] is None else int(row[0])

    def tickets_on(self, day: date) -> list[StoredTicket]:
        """Every ticket issued on a business day, in issue order."""
        rows = self._db.conn.execute(
            "SELECT idempotency_key, number, family, seq, service_code, business_day, issued_at, "
            "source, language FROM tickets WHERE business_day = ? ORDER BY issued_at, rowid",
            (day.isoformat(),),
        ).fetchall()
        return [_ticket(row) for row in rows]

    def add_block(self, block: StoredBlock, leased_at: datetime | None = None) -> None:
        """Store a block the server leased to this kiosk."""
        self._db.conn.execute(
            'INSERT OR IGNORE INTO number_blocks (block_id, family, business_day, start, "end", '
            "next_seq, leased_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                block.block_id,
                block.family,
                block.business_day.isoformat(),
                block.start,
                block.end,
                block.next_seq,
                iso(leased_at or utc_now()),
            ),
        )

    def usable_block(self, day: date, family: str) -> StoredBlock | None:
        """The oldest block of this family and day that still has numbers."""
        row = self._db.conn.execute(
            'SELECT block_id, family, business_day, start, "end", next_seq FROM number_blocks '
            'WHERE business_day = ? AND family = ? AND next_seq <= "end" '
            "ORDER BY leased_at, start LIMIT 1",
            (day.isoformat(), family),
        ).fetchone()
        return _block(row) if row else None

    def remaining_in_blocks(self, day: date, family: str) -> int:
        """Unused numbers left in this family's blocks for the day."""
        row = self._db.conn.execute(
            'SELECT COALESCE(SUM("end" - next_seq + 1), 0) FROM number_blocks '
            'WHERE business_day = ? AND family = ? AND next_seq <= "end"',
            (day.isoformat(), family),
        ).fetchone()
        return int(row[0])

    def advance_block(self, block_id: str, used_seq: int) -> None:
        """Move a block past the number just used."""
        self._db.conn.execute(
            "UPDATE number_blocks SET next_seq = ? WHERE block_id = ?", (used_seq + 1, block_id)
        )


def _ticket(row: tuple[Any, ...]) -> StoredTicket:
    return StoredTicket(
        idempotency_key=row[0],
        number=row[1],
        family=row[2],
        seq=row[3],
        service_code=row[4],
        business_day=date.fromisoformat(row[5]),
        issued_at=row[6],
        source=row[7],
        language=row[8],
    )


def _block(row: tuple[Any, ...]) -> StoredBlock:
    return StoredBlock(
        block_id=row[0],
        family=row[1],
        business_day=date.fromisoformat(row[2]),
        start=row[3],
        end=row[4],
        next_seq=row[5],
    )
