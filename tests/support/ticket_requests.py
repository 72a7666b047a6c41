"""Ticket requests as a kiosk sends them to the reference server, for the server's tests."""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx


def casablanca_today() -> str:
    """The business day the server numbers in."""
    return datetime.now(ZoneInfo("Africa/Casablanca")).date().isoformat()


def take_ticket(api: httpx.Client, family: str, key: str | None = None) -> httpx.Response:
    """POST /tickets: an online number for `family` (a new key unless one is given)."""
    return api.post(
        "/tickets",
        json={
            "idempotency_key": key or str(uuid.uuid4()),
            "service_code": "residence_certificate",
            "family": family,
            "issued_at": "2026-11-21T09:00:00Z",
        },
    )


def offline_ticket(
    family: str, seq: int, block_id: str | None, source: str = "block", **changes: object
) -> dict[str, object]:
    """An item of POST /tickets/batch (`source="standalone"` for a kiosk's own range)."""
    item: dict[str, object] = {
        "idempotency_key": str(uuid.uuid4()),
        "number": f"{family}-{seq:03d}",
        "family": family,
        "seq": seq,
        "service_code": "indigence_certificate",
        "business_day": casablanca_today(),
        "issued_at": "2026-11-21T10:30:00+01:00",
        "source": source,
        "block_id": block_id,
    }
    item.update(changes)
    return item
