"""Tickets issued here, the number blocks leased from the server and this kiosk's own range."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlite_utils

from offline_cache.clock import iso, parse_iso, utc_now
from offline_cache.protocol import Ticket, TicketBlock, TicketSource
from offline_cache.settings import Settings

_COLUMNS = (
    "idempotency_key, number, family, seq, service_code, business_day, issued_at, source, "
    "language, block_id, people_ahead, estimated_wait_s"
)
# Settings key of the standalone range the server assigned to this kiosk ("5000-5499").
STANDALONE_RANGE_KEY = "standalone_range"


@dataclass(frozen=True)
class StoredBlock:
    """A leased block as stored: the block, and the next number not yet used."""

    block: TicketBlock
    next_seq: int


class TicketStore:
    """Repository of tickets and number blocks. Writes join the caller's transaction."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self._db = db

    def insert_ticket(self, ticket: Ticket) -> None:
        """Record an issued ticket (inside the transaction that also queues it)."""
        self._db.conn.execute(
            f"INSERT INTO tickets ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                ticket.idempotency_key,
                ticket.number,
                ticket.family,
                ticket.seq,
                ticket.service_code,
                ticket.business_day.isoformat(),
                iso(ticket.issued_at),
                ticket.source.value,
                ticket.language,
                ticket.block_id,
                ticket.people_ahead,
                ticket.estimated_wait_s,
            ),
        )

    def last_seq(self, day: date, family: str, start: int, end: int) -> int | None:
        """Highest standalone sequence of a family on a business day within start..end.

        Within the range: a kiosk that moves to another range (the one the server assigned
        after its first sync) starts that range at its beginning.
        """
        rows = self._db.query(
            "SELECT MAX(seq) AS last FROM tickets WHERE business_day = ? AND family = ? "
            "AND source = ? AND seq BETWEEN ? AND ?",
            (day.isoformat(), family, TicketSource.STANDALONE.value, start, end),
        )
        last = next(rows)["last"]
        return None if last is None else int(last)

    def tickets_on(self, day: date) -> list[Ticket]:
        """Every ticket issued on a business day, in issue order."""
        rows = self._db.query(
            f"SELECT {_COLUMNS} FROM tickets WHERE business_day = ? ORDER BY issued_at, rowid",
            (day.isoformat(),),
        )
        return [_ticket(row) for row in rows]

    def add_block(self, block: TicketBlock, leased_at: datetime | None = None) -> None:
        """Store a block the server leased to this kiosk (a replayed lease is ignored)."""
        self._db.conn.execute(
            'INSERT OR IGNORE INTO number_blocks (block_id, family, business_day, start, "end", '
            "next_seq, leased_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                block.block_id,
                block.family,
                block.business_day.isoformat(),
                block.start,
                block.end,
                block.start,
                iso(leased_at or utc_now()),
            ),
        )

    def usable_block(self, day: date, family: str) -> StoredBlock | None:
        """The oldest block of this family and day that still has numbers."""
        rows = self._db.query(
            'SELECT block_id, family, business_day, start, "end", next_seq FROM number_blocks '
            'WHERE business_day = ? AND family = ? AND next_seq <= "end" '
            "ORDER BY leased_at, start LIMIT 1",
            (day.isoformat(), family),
        )
        row = next(rows, None)
        if row is None:
            return None
        block = TicketBlock(
            block_id=row["block_id"],
            family=row["family"],
            business_day=date.fromisoformat(row["business_day"]),
            start=row["start"],
            end=row["end"],
        )
        return StoredBlock(block, row["next_seq"])

    def remaining_in_blocks(self, day: date, family: str) -> int:
        """Unused numbers left in this family's blocks for the day."""
        rows = self._db.query(
            'SELECT COALESCE(SUM("end" - next_seq + 1), 0) AS remaining FROM number_blocks '
            'WHERE business_day = ? AND family = ? AND next_seq <= "end"',
            (day.isoformat(), family),
        )
        return int(next(rows)["remaining"])

    def advance_block(self, block_id: str, used_seq: int) -> None:
        """Move a block past the number just used."""
        self._db.conn.execute(
            "UPDATE number_blocks SET next_seq = ? WHERE block_id = ?", (used_seq + 1, block_id)
        )

    def assigned_range(self) -> tuple[int, int] | None:
        """The standalone range the server assigned to this kiosk, once it has told us."""
        value = Settings(self._db).get(STANDALONE_RANGE_KEY)
        if value is None:
            return None
        start, _, end = value.partition("-")
        return int(start), int(end)

    def assign_range(self, start: int, end: int) -> None:
        """Remember the standalone range the server assigned to this kiosk."""
        Settings(self._db).put(STANDALONE_RANGE_KEY, f"{start}-{end}")


def _ticket(row: dict[str, Any]) -> Ticket:
    return Ticket(
        idempotency_key=row["idempotency_key"],
        number=row["number"],
        family=row["family"],
        seq=row["seq"],
        service_code=row["service_code"],
        business_day=date.fromisoformat(row["business_day"]),
        issued_at=parse_iso(row["issued_at"]),
        source=TicketSource(row["source"]),
        language=row["language"],
        block_id=row["block_id"],
        people_ahead=row["people_ahead"],
        estimated_wait_s=row["estimated_wait_s"],
    )
