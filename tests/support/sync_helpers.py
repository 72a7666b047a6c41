"""Helpers shared by the sync tests: offline records, an engine, and the server's view."""

from __future__ import annotations

import sqlite3
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlite_utils

from kiosk.central import CentralClient
from kiosk.domain.catalogue import Catalogue
from kiosk.domain.tickets import STANDALONE_SPACE
from kiosk.services.tickets import TicketService
from offline_cache.pre_requests import PreRequestStore
from offline_cache.protocol import PreRequest
from offline_cache.sync import SyncEngine
from tests.support.reference_server import DEMO_DEVICE_TOKEN
from tests.support.tiny_catalogue import catalogue_of

ZONE = ZoneInfo("Africa/Casablanca")
# Codes the reference server knows, one per family.
SERVICES = {"residence_certificate": "A", "celibacy_certificate": "B", "indigence_certificate": "C"}


def sync_catalogue() -> Catalogue:
    """A small catalogue whose service codes the reference server accepts."""
    return catalogue_of(SERVICES)


def issue_offline_tickets(db: sqlite_utils.Database, count: int) -> list[str]:
    """Tickets numbered with no server (own range), each queued in the outbox."""
    service = TicketService(db, sync_catalogue(), ZONE, STANDALONE_SPACE)
    codes = list(SERVICES)
    return [service.issue(codes[i % len(codes)], "ar").idempotency_key for i in range(count)]


def queue_pre_requests(
    db: sqlite_utils.Database, count: int, service_code: str = "residence_certificate"
) -> list[str]:
    """Pre-requests made offline (CIN + phone), each stored and queued with its own key.

    Through the repository the app uses, with no validation: tests queue malformed ones too.
    """
    store = PreRequestStore(db)
    keys = []
    for index in range(count):
        pre = PreRequest(
            idempotency_key=str(uuid.uuid4()),
            service_code=service_code,
            cin=f"AB{100000 + index}",
            phone=f"+2126{12000000 + index}",
            language="fr",
            created_at=datetime.now(UTC).replace(microsecond=0),
        )
        store.create(pre)
        keys.append(pre.idempotency_key)
    return keys


def make_engine(
    cache_path: Path,
    base_url: str,
    token: str = DEMO_DEVICE_TOKEN,
    read_timeout_s: float = 5.0,
    **options: object,
) -> SyncEngine:
    """An engine with a real client for `base_url`."""
    client = CentralClient(base_url, token, connect_timeout_s=1.0, read_timeout_s=read_timeout_s)
    return SyncEngine(cache_path, client, zone=ZONE, **options)  # type: ignore[arg-type]


def server_key_counts(db_path: Path) -> Counter[str]:
    """How many rows the server holds under each idempotency key, for EVERY key it holds.

    Counting every key, not only the ones a test queued, is what makes "nothing twice"
    checkable: the server's keys are UNIQUE, so a kiosk that sent a record twice could only
    do it under a second, new key, which a per-key count of the queued keys never sees.
    """
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            "SELECT idempotency_key FROM tickets UNION ALL SELECT idempotency_key FROM pre_requests"
        ).fetchall()
    return Counter(key for (key,) in rows)
