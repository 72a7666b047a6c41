"""Records of the lower layers that the UI and the CLI read, re-exported: they never import them."""

from __future__ import annotations

from device_drivers.status import PrinterStatus
from kiosk.config import Config
from offline_cache.bundle import BundleWritten
from offline_cache.clock import parse_iso
from offline_cache.outbox import OutboxItem, OutboxStatus
from offline_cache.protocol import OutboxKind, Ticket, TimelineEntry
from offline_cache.sync import ConnectivitySnapshot, ConnectivityState, SyncReport

# What `Config.source` says when no file was read (technician mode words it for people).
EMBEDDED_DEFAULTS: str = Config.source

__all__ = [
    "EMBEDDED_DEFAULTS",
    "BundleWritten",
    "ConnectivitySnapshot",
    "ConnectivityState",
    "OutboxItem",
    "OutboxKind",
    "OutboxStatus",
    "PrinterStatus",
    "SyncReport",
    "Ticket",
    "TimelineEntry",
    "parse_iso",
]
