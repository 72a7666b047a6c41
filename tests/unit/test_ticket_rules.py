"""Ticket numbers, the local business day across midnight and Ramadan offset changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kiosk.domain.tickets import (
    TicketNumbersExhausted,
    business_day,
    format_ticket_number,
    next_standalone_seq,
)

CASABLANCA = ZoneInfo("Africa/Casablanca")


def test_numbers_are_short_and_zero_padded() -> None:
    assert format_ticket_number("A", 42) == "A-042"
    assert format_ticket_number("P", 7) == "P-007"
    assert format_ticket_number("B", 1234) == "B-1234"
    with pytest.raises(ValueError):
        format_ticket_number("AB", 1)
    with pytest.raises(ValueError):
        format_ticket_number("a", 1)


def test_offset_is_one_hour_outside_ramadan_and_zero_during_it() -> None:
    # Guards the tests below: they only mean something if tzdata has Morocco's rule.
    assert datetime(2026, 1, 15, 12, tzinfo=CASABLANCA).utcoffset() == timedelta(hours=1)
    assert datetime(2026, 3, 1, 12, tzinfo=CASABLANCA).utcoffset() == timedelta(0)


def test_day_resets_at_local_midnight_not_utc_midnight_in_normal_time() -> None:
    # UTC+1: 23:30 UTC on Jan 15 is already 00:30 on Jan 16 in Berkane.
    assert business_day(datetime(2026, 1, 15, 22, 59, tzinfo=UTC), CASABLANCA) == date(2026, 1, 15)
    assert business_day(datetime(2026, 1, 15, 23, 0, tzinfo=UTC), CASABLANCA) == date(2026, 1, 16)
    assert business_day(datetime(2026, 1, 15, 23, 30, tzinfo=UTC), CASABLANCA) == date(2026, 1, 16)


def test_during_ramadan_local_midnight_is_utc_midnight() -> None:
    assert business_day(datetime(2026, 3, 1, 23, 30, tzinfo=UTC), CASABLANCA) == date(2026, 3, 1)
    assert business_day(datetime(2026, 3, 2, 0, 0, tzinfo=UTC), CASABLANCA) == date(2026, 3, 2)


def _transitions(year: int) -> list[datetime]:
    """UTC instants (to the minute) where Casablanca's offset changes during `year`."""
    found, instant = [], datetime(year, 1, 1, tzinfo=UTC)
    previous = instant.astimezone(CASABLANCA).utcoffset()
    while instant.year == year:
        instant += timedelta(hours=1)
        offset = instant.astimezone(CASABLANCA).utcoffset()
        if offset != previous:
            lo = instant - timedelta(hours=1)
            while (instant - lo) > timedelta(minutes=1):
                mid = lo + (instant - lo) / 2
                if mid.astimezone(CASABLANCA).utcoffset() == previous:
                    lo = mid
                else:
                    instant = mid
            found.append(instant.replace(second=0, microsecond=0))
            instant = instant.replace(minute=0) + timedelta(hours=1)
            previous = offset
    return found


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_business_day_never_jumps_or_repeats_across_ramadan_changes(year: int) -> None:
    transitions = _transitions(year)
    assert len(transitions) == 2, "Morocco changes offset twice a year, around Ramadan"
    for change in transitions:
        # Walk minute by minute around the change: the local date only ever moves forward,
        # one day at a time, exactly when local time passes midnight.
        instant = change - timedelta(hours=3)
        day = business_day(instant, CASABLANCA)
        while instant < change + timedelta(hours=3):
            instant += timedelta(minutes=1)
            new_day = business_day(instant, CASABLANCA)
            if new_day != day:
                assert new_day == day + timedelta(days=1)
                local = instant.astimezone(CASABLANCA)
                assert (local.hour, local.minute) == (0, 0)
                day = new_day


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError):
        business_day(datetime(2026, 1, 1, 12), CASABLANCA)


def test_standalone_range_numbers_and_exhaustion() -> None:
    assert next_standalone_seq(None, 500, 502) == 500
    assert next_standalone_seq(500, 500, 502) == 501
    assert next_standalone_seq(12, 500, 502) == 500
    with pytest.raises(TicketNumbersExhausted):
        next_standalone_seq(502, 500, 502)
