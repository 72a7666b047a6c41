"""The CLI's use cases: a ticket without the UI, one sync cycle, the outbox, a bundle, a preview."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from PIL import Image

from device_drivers.document import Document
from device_drivers.preview import render_preview
from device_drivers.profiles import profile_named
from kiosk.central import DeviceTokenError, load_device_token
from kiosk.config import Config
from kiosk.domain.catalogue import Catalogue
from kiosk.services.connectivity import ServerTicketAllocator
from kiosk.services.tickets import OnlineAllocator, TicketService
from kiosk.services.wiring import build_client, build_engine
from offline_cache.bundle import BundleWritten, write_bundle
from offline_cache.database import (
    CacheError,
    cache_error,
    connect,
    migrate,
    open_cache,
    open_cache_readonly,
)
from offline_cache.outbox import Outbox, OutboxItem, OutboxStatus
from offline_cache.protocol import Ticket
from offline_cache.sync import SyncReport

log = logging.getLogger(__name__)

WAITING = (OutboxStatus.PENDING, OutboxStatus.IN_FLIGHT, OutboxStatus.FAILED)
MAX_ROWS = 1_000_000


def online_allocator(config: Config) -> OnlineAllocator | None:
    """The server's numbering when a server and a device token are configured, else None."""
    if not config.server.url:
        return None
    try:
        return ServerTicketAllocator(build_client(config))
    except DeviceTokenError as exc:
        log.warning("numbering tickets locally: %s", exc)
        return None


def issue_ticket(config: Config, catalogue: Catalogue, service_code: str, lang: str) -> Ticket:
    """Number a ticket on the UI's code path (`TicketService.issue`), the cache closed after.

    Raises what `issue` raises (UnknownService, ServiceDisabled, TicketNumbersExhausted).
    """
    db = open_cache(config.cache.path)
    try:
        tickets = TicketService(
            db,
            catalogue,
            config.zone,
            (config.tickets.standalone_start, config.tickets.standalone_end),
            online=online_allocator(config),
        )
        return tickets.issue(service_code, lang)
    finally:
        db.conn.close()


def sync_once(
    config: Config, families: Sequence[str]
) -> tuple[SyncReport, dict[OutboxStatus, int]]:
    """One sync cycle now, retry delays ignored; DeviceTokenError if there is no token."""
    client = build_client(config)
    engine = build_engine(config, client, families)
    try:
        return engine.run_once(retry_now=True), engine.outbox_counts()
    finally:
        engine.close()
        client.close()


def waiting_items(config: Config) -> list[OutboxItem]:
    """The records not yet confirmed by the server (pending, in flight, failed)."""
    # Read-only: listing must not recover or reset anything the app is sending, and must
    # work on a cache carried on read-only media.
    db = open_cache_readonly(config.cache.path)
    try:
        return Outbox(db).items(WAITING, limit=MAX_ROWS)
    finally:
        db.conn.close()


def seal_bundle(config: Config, out: Path, new_only: bool) -> BundleWritten | None:
    """The unsent records sealed into one file for a USB stick (None: nothing unsent)."""
    token = load_device_token(config.server.device_token_file)
    path = Path(config.cache.path)
    if not path.is_file():
        raise CacheError(f"{path}: no cache file there (check [cache] path)")
    # Not open_cache: that would put back rows the running kiosk has in flight. Migrating
    # is safe beside it (each step re-checks the version under the write lock).
    db = connect(path)
    try:
        migrate(db)
        return write_bundle(db, out, token, new_only=new_only)
    except sqlite3.Error as exc:
        raise cache_error(exc, path) from exc
    finally:
        db.conn.close()


def preview(document: Document, profile_name: str) -> Image.Image:
    """`document` drawn as the printer with that profile will print it."""
    return render_preview(document, profile_named(profile_name))
