"""Timestamps in one format for every table: ISO-8601 UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def iso(instant: datetime) -> str:
    """ISO-8601 text of an aware datetime, normalised to UTC."""
    if instant.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return instant.astimezone(UTC).isoformat(timespec="seconds")


def parse_iso(text: str) -> datetime:
    """An aware datetime from ISO-8601 text (a trailing Z is accepted)."""
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError(f"timestamp without a time zone: {text!r}")
    return parsed
