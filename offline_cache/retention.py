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
    pre_requests: int = 0


def purge_personal_data(
    db: sqlite_utils.Database, now: datetime, retention_days: int
) -> PurgeReport:
    """Past retention: blank synced payloads, drop synced pre-requests, statuses, histories.

    Only records the server confirmed ('done') are purged: a pending one is the only copy,
    and a refused one ('failed') waits for the technician. The outbox row itself stays (key,
    kind, dates) so counts and audits still add up; a pre-request's own row (CIN, phone) goes.
    """
    cutoff = iso(now - timedelta(days=retention_days))
    stamp = iso(now)
    with transaction(db) as conn:
        # Walks the few kept pre-requests, each to its outbox row by key (not every old row).
        pre_requests = conn.execute(
            "DELETE FROM pre_requests WHERE EXISTS (SELECT 1 FROM outbox o "
            "WHERE o.idempotency_key = pre_requests.idempotency_key "
            "AND o.status = 'done' AND o.synced_at < ?)",
            (cutoff,),
        ).rowcount
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
        conn.execute("DELETE FROM request_history_fetches WHERE fetched_at < ?", (cutoff,))
    return PurgeReport(outbox, statuses, history, pre_requests)
