"""Purge personal data that the kiosk no longer needs once it is safely on the server."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlite_utils

from offline_cache.clock import iso
from offline_cache.database import transaction

PURGED_PAYLOAD = '{"purged": true}'


@dataclass(frozen=True)
class PurgeReport:
    """How many rows of each kind lost their personal data."""

    outbox_rows: int
    statuses: int
    history_rows: int


def purge_personal_data(
    db: sqlite_utils.Database, now: datetime, retention_days: int
) -> PurgeReport:
    """Blank synced outbox payloads, and drop cached statuses and histories, past retention.

    Only rows the server confirmed ('done') are purged: a pending record is the only copy.
    The outbox row itself stays (key, kind, dates) so counts and audits still add up.
    """
    cutoff = iso(now - timedelta(days=retention_days))
    stamp = iso(now)
    with transaction(db) as conn:
        outbox = conn.execute(
            "UPDATE outbox SET payload = ?, purged_at = ? "
            "WHERE status = 'done' AND purged_at IS NULL AND synced_at < ?",
            (PURGED_PAYLOAD, stamp, cutoff),
        ).rowcount
        statuses = conn.execute(
            "DELETE FROM application_statuses WHERE fetched_at < ?", (cutoff,)
        ).rowcount
        history = conn.execute(
            "DELETE FROM request_history WHERE fetched_at < ?", (cutoff,)
        ).rowcount
    return PurgeReport(outbox, statuses, history)
