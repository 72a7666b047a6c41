"""Time helpers: UTC timestamps for storage and the Casablanca business day for tickets."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

# Morocco moves its UTC offset around Ramadan; zoneinfo (with tzdata) knows the dates.
ANNEX_TIMEZONE = ZoneInfo("Africa/Casablanca")


def utc_now() -> datetime:
    """The current instant, timezone-aware, in UTC."""
    return datetime.now(UTC)


def to_iso(moment: datetime) -> str:
    """Serialise an instant as ISO-8601 UTC with a trailing Z (naive values are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def now_iso() -> str:
    """The current instant as stored in the database."""
    return to_iso(utc_now())


def iso_after(seconds: float) -> str:
    """The instant `seconds` from now, as stored in the database."""
    return to_iso(utc_now() + timedelta(seconds=seconds))


def parse_iso(text: str) -> datetime:
    """Read back a stored ISO-8601 timestamp as an aware UTC datetime."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def business_day(moment: datetime | None = None) -> date:
    """The local calendar date at the annex, which is when ticket numbers reset."""
    return (moment or utc_now()).astimezone(ANNEX_TIMEZONE).date()
