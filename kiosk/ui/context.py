"""Everything the screens need, built once at start: configuration, catalogue, services."""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from kiosk.config import Config
from kiosk.domain.catalogue import Catalogue, packaged_catalogue
from kiosk.services.printing import PrintingService
from kiosk.services.tickets import TicketService
from kiosk.services.wiring import SyncStack, build_sync_stack


@dataclass
class AppContext:
    """Built once and handed to every screen; screens call services, never the cache."""

    config: Config
    catalogue: Catalogue
    printing: PrintingService
    sync: SyncStack | None

    @classmethod
    def from_config(cls, config: Config) -> AppContext:
        """Wire the services for `config` (a configuration error surfaces here, at start)."""
        catalogue = packaged_catalogue()
        families = sorted({service.family for service in catalogue})
        return cls(
            config=config,
            catalogue=catalogue,
            printing=PrintingService.from_config(config, catalogue),
            sync=build_sync_stack(config, families),
        )

    def tickets(self, db: sqlite_utils.Database) -> TicketService:
        """The ticket service over a worker thread's own cache connection."""
        tickets = self.config.tickets
        return TicketService(
            db,
            self.catalogue,
            self.config.zone,
            (tickets.standalone_start, tickets.standalone_end),
            online=self.sync.allocator if self.sync else None,
        )
