"""Ticket rules: number format, the local business day and where numbers come from."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kiosk.i18n import N_

_NUMBER_PATTERN = re.compile(r"([A-Z])-([0-9]{3,4})")


class TicketNumbersExhausted(Exception):
    """No number left in the configured range for this family today."""

    message_key = N_("No more tickets can be issued today. Please ask at the reception desk.")


def format_ticket_number(family: str, seq: int) -> str:
    """`A-042`: the family letter and at least three digits, as called out in the lobby."""
    if len(family) != 1 or not family.isupper() or not 1 <= seq <= 9999:
        raise ValueError(f"no ticket number for family {family!r} and sequence {seq}")
    return f"{family}-{seq:03d}"


def parse_ticket_number(number: str) -> tuple[str, int]:
    """The family letter and sequence of a number such as `A-042`."""
    match = _NUMBER_PATTERN.fullmatch(number)
    if not match:
        raise ValueError(f"not a ticket number: {number!r}")
    return match.group(1), int(match.group(2))


def business_day(instant: datetime, zone: ZoneInfo) -> date:
    """The local date of `instant`: numbering resets at local midnight, not UTC midnight."""
    if instant.tzinfo is None:
        raise ValueError("business_day needs an aware datetime")
    return instant.astimezone(zone).date()


def next_reset(instant: datetime, zone: ZoneInfo) -> datetime:
    """The next local midnight after `instant`, as an aware datetime in `zone`."""
    tomorrow = business_day(instant, zone) + timedelta(days=1)
    return datetime.combine(tomorrow, time.min, tzinfo=zone)


@dataclass(frozen=True)
class LeasedBlock:
    """Numbers reserved for this kiosk by the server, for use while offline."""

    block_id: str
    family: str
    business_day: date
    start: int
    end: int
    next_seq: int

    @property
    def remaining(self) -> int:
        """How many numbers are still unused."""
        return max(self.end - self.next_seq + 1, 0)

    def usable_on(self, day: date) -> bool:
        """A block serves only the business day it was leased for."""
        return self.business_day == day and self.remaining > 0


def next_standalone_seq(last_used: int | None, start: int, end: int) -> int:
    """Next number of the kiosk's own configured range (kiosks with no leased block)."""
    candidate = start if last_used is None or last_used < start else last_used + 1
    if candidate > end:
        raise TicketNumbersExhausted(f"range {start}-{end} used up")
    return candidate


def estimated_wait_s(waiting: int, avg_handling_s: float, open_counters: int) -> int | None:
    """Seconds until served, from queue statistics; None when no counter is open."""
    if open_counters <= 0 or avg_handling_s <= 0:
        return None
    return -(-int(waiting * avg_handling_s) // open_counters)
