"""Everything the screens need, built once at start: configuration, catalogue, services."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import sqlite_utils

from kiosk.central import CentralClient
from kiosk.config import Config
from kiosk.domain.catalogue import Catalogue, packaged_catalogue
from kiosk.services.guide import GuideService
from kiosk.services.home_board import HomeBoard
from kiosk.services.printing import PrintingService
from kiosk.services.requests import RequestService
from kiosk.services.scanning import ScannerService
from kiosk.services.session import SessionHolder
from kiosk.services.speech import Speaker
from kiosk.services.status import StatusService
from kiosk.services.technician import TechnicianGate
from kiosk.services.technician_report import TechnicianReport, technician_report
from kiosk.services.tickets import TicketService
from kiosk.services.wiring import SyncStack, build_client, build_sync_stack


@dataclass
class AppContext:
    """Built once and handed to every screen; screens call services, never the cache.

    The service factories take the calling worker thread's own cache connection; the central
    client and the guide index are kept per thread too (a requests.Session and a SQLite
    connection both belong to the thread that made them).
    """

    config: Config
    catalogue: Catalogue
    printing: PrintingService
    sync: SyncStack | None
    scanner: ScannerService | None = None
    # The signed-in citizen (token in memory only) and the spoken prompts: one per app.
    session: SessionHolder = field(default_factory=SessionHolder)
    speaker: Speaker = field(default_factory=lambda: Speaker(None))
    _local: threading.local = field(default_factory=threading.local, repr=False)

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
            scanner=ScannerService(config.scanner.uri) if config.scanner.uri else None,
            session=SessionHolder(pin_length=config.kiosk.pin_length),
            speaker=Speaker.from_system(),
        )

    def client(self) -> CentralClient | None:
        """This thread's client of the central server (None for a kiosk with no server)."""
        if not self.config.server.url:
            return None
        client: CentralClient | None = getattr(self._local, "client", None)
        if client is None:
            client = build_client(self.config)
            self._local.client = client
        return client

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

    def status(self, db: sqlite_utils.Database) -> StatusService:
        """Application look-ups: the server when it answers, else the cached answer."""
        return StatusService(db, self.client())

    def guide(self, db: sqlite_utils.Database) -> GuideService:
        """The guide with the server's last overrides, indexed once per thread and connection."""
        guide: GuideService | None = getattr(self._local, "guide", None)
        if guide is None or getattr(self._local, "guide_db", None) is not db:
            guide = GuideService(db, self.catalogue)
            self._local.guide, self._local.guide_db = guide, db
        else:
            guide.refresh()  # cheap when nothing changed: a fingerprint comparison
        return guide

    def home_board(self, db: sqlite_utils.Database) -> HomeBoard:
        """The notices and queue figures the sync keeps in the cache."""
        return HomeBoard(db)

    def requests(self, db: sqlite_utils.Database) -> RequestService:
        """Certificate requests, the citizen's history, offline pre-requests."""
        return RequestService(db, self.client(), self.catalogue)

    def technician_gate(self, db: sqlite_utils.Database) -> TechnicianGate:
        """The technician PIN check, its failures counted in the cache across restarts."""
        return TechnicianGate(db, self.config.technician.pin_file)

    def technician_report(self, db: sqlite_utils.Database) -> TechnicianReport:
        """Printer, server, sync and outbox as technician mode shows them (blocking)."""
        return technician_report(self.config, db, self.client(), self.printing.printer)
