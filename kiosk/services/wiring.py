"""Build the central client, the sync engine, its worker and the online allocator from a Config."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kiosk.central import CentralClient, load_device_token
from kiosk.config import Config
from kiosk.services.connectivity import ServerTicketAllocator
from offline_cache.sync import SyncEngine, SyncWorker

# While offline the worker asks /health this often, so sync resumes soon after the link does.
OFFLINE_PROBE_INTERVAL_S = 5.0


def build_client(config: Config) -> CentralClient:
    """A client for `config.server`; DeviceTokenError if the token file cannot be read."""
    return CentralClient(
        config.server.url,
        load_device_token(config.server.device_token_file),
        connect_timeout_s=config.server.connect_timeout_s,
        read_timeout_s=config.server.read_timeout_s,
        ca_bundle=config.server.ca_bundle,
    )


def build_engine(config: Config, client: CentralClient, families: Sequence[str] = ()) -> SyncEngine:
    """The sync engine over the configured cache, leasing blocks for `families` too."""
    return SyncEngine(
        config.cache.path,
        client,
        zone=config.zone,
        retention_days=config.cache.retention_days,
        block_size=config.tickets.block_size,
        block_low_water=config.tickets.block_low_water,
        families=families,
    )


@dataclass
class SyncStack:
    """Everything the app needs to stay in sync; the UI subscribes to `worker`."""

    engine: SyncEngine
    worker: SyncWorker
    allocator: ServerTicketAllocator

    def start(self) -> None:
        """Start background sync."""
        self.worker.start()

    def stop(self) -> bool:
        """Stop background sync (joins the thread)."""
        return self.worker.stop()


def build_sync_stack(config: Config, families: Sequence[str] = ()) -> SyncStack | None:
    """The running app's sync machinery, or None for a kiosk configured with no server.

    The engine and the allocator each get their own client: they run on different
    threads and a `requests.Session` is not meant to be shared between threads.
    """
    if not config.server.url:
        return None
    engine = build_engine(config, build_client(config), families)
    worker = SyncWorker(
        engine,
        interval_s=config.server.sync_interval_s,
        probe_interval_s=OFFLINE_PROBE_INTERVAL_S,
    )
    allocator = ServerTicketAllocator(
        build_client(config),
        is_offline=worker.known_offline,
    )
    return SyncStack(engine, worker, allocator)
