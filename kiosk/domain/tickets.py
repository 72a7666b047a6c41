"""Ticket rules: number format, the local business day and the kiosk's own number range."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from kiosk.i18n import N_

# Numbers of one family and day are split between two spaces so that they can never meet:
# the server's counter (online tickets and the blocks it leases) counts up from 1 and stops
# before STANDALONE_SPACE; kiosks with no block number from their own range inside it.
SERVER_SPACE = (1, 4999)
STANDALONE_SPACE = (5000, 9999)


class TicketNumbersExhausted(Exception):
    """No number left in the configured range for this family today."""

    message_key = N_("No more tickets can be issued today. Please ask at the reception desk.")


def format_ticket_number(family: str, seq: int) -> str:
    """`A-042`: the family letter and at least three digits, as called out in the lobby."""
    if len(family) != 1 or not family.isupper() or not 1 <= seq <= 9999:
        raise ValueError(f"no ticket number for family {family!r} and sequence {seq}")
    return f"{family}-{seq:03d}"


def business_day(instant: datetime, zone: ZoneInfo) -> date:
    """The local date of `instant`: numbering resets at local midnight, not UTC midnight."""
    if instant.tzinfo is None:
        raise ValueError("business_day needs an aware datetime")
    return instant.astimezone(zone).date()


def next_standalone_seq(last_used: int | None, start: int, end: int) -> int:
    """Next number of the kiosk's own configured range (kiosks with no leased block)."""
    candidate = start if last_used is None or last_used < start else last_used + 1
    if candidate > end:
        raise TicketNumbersExhausted(f"range {start}-{end} used up")
    return candidate
