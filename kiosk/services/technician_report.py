"""What technician mode shows: printer, server link, sync, outbox, version, identity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from device_drivers.printer import Printer
from kiosk import __version__
from kiosk.central import CentralClient
from kiosk.config import Config
from kiosk.services.connectivity import ServerCheck
from kiosk.services.doctor import PrinterCheck, inspect_printer, inspect_server
from offline_cache.clock import parse_iso
from offline_cache.outbox import Outbox, OutboxStatus
from offline_cache.settings import Settings
from offline_cache.sync import LAST_SUCCESS_KEY

# The failed records listed at most (the count is always complete).
MAX_FAILED_LISTED = 50


@dataclass(frozen=True)
class FailedRecord:
    """An outbox record the server refused, without its personal data."""

    kind: str
    idempotency_key: str
    reason: str | None
    created_at: str


@dataclass(frozen=True)
class TechnicianReport:
    """One snapshot for technician mode; every `detail` is a technician's line, not translated."""

    kiosk_id: str
    version: str
    config_path: str  # the file read, or "embedded defaults"
    printer: PrinterCheck
    server: ServerCheck
    last_sync: datetime | None  # last sync cycle that went through, kept across restarts
    outbox_pending: int  # waiting to be sent (pending and in flight)
    outbox_failed: int
    failed_records: tuple[FailedRecord, ...]  # the oldest MAX_FAILED_LISTED failed ones
    scanner_uri: str  # empty: no scanner configured


def technician_report(
    config: Config,
    db: sqlite_utils.Database,
    client: CentralClient | None = None,
    printer: Printer | None = None,
) -> TechnicianReport:
    """Ask the printer and the server (blocking: call it on a worker) and read the cache.

    `client` and `printer` default to new ones built from `config`; pass the app's own to
    check exactly what the app uses.
    """
    outbox = Outbox(db)
    counts = outbox.counts()
    failed = outbox.items([OutboxStatus.FAILED], limit=MAX_FAILED_LISTED)
    stamp = Settings(db).get(LAST_SUCCESS_KEY)
    return TechnicianReport(
        kiosk_id=config.kiosk.id,
        version=__version__,
        config_path=config.source,
        printer=inspect_printer(config, printer),
        server=inspect_server(config, client),
        last_sync=parse_iso(stamp) if stamp else None,
        outbox_pending=counts[OutboxStatus.PENDING] + counts[OutboxStatus.IN_FLIGHT],
        outbox_failed=counts[OutboxStatus.FAILED],
        failed_records=tuple(
            FailedRecord(item.kind, item.idempotency_key, item.last_error, item.created_at)
            for item in failed
        ),
        scanner_uri=config.scanner.uri,
    )
