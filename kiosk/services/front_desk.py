"""The front desk: every use case a screen calls, plain records in and out, one desk per thread."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlite_utils

from kiosk.central import CentralClient, DeviceTokenError
from kiosk.config import Config
from kiosk.domain.catalogue import Catalogue, packaged_catalogue
from kiosk.domain.models import Citizen, Service
from kiosk.services.documents import Receipt
from kiosk.services.guide import GuideService
from kiosk.services.home_board import HomeBoard, HomeView
from kiosk.services.printing import PrintingService, PrintResult
from kiosk.services.records import ConnectivitySnapshot, PrinterStatus, Ticket
from kiosk.services.requests import (
    HistoryView,
    PreparedRequest,
    RequestService,
    StoredPreRequest,
    SubmitOutcome,
    SubmitResult,
)
from kiosk.services.scanning import ScannedCode, ScannerService
from kiosk.services.session import SessionHolder, SignInOutcome
from kiosk.services.speech import Speaker
from kiosk.services.status import StatusLookup, StatusService
from kiosk.services.technician import GateOutcome, TechnicianGate
from kiosk.services.technician_report import TechnicianReport, technician_report
from kiosk.services.tickets import TicketService
from kiosk.services.wiring import SyncStack, build_client, build_sync_stack
from offline_cache.database import open_cache


@dataclass
class AppContext:
    """Built once at start and handed to the app: configuration, catalogue, app-wide services.

    What is shared by every thread lives here (the printer, the sync stack, the session, the
    speaker); what belongs to one thread (a SQLite connection, a `requests.Session`) lives in
    that thread's `FrontDesk`, which `open_front_desk()` makes.
    """

    config: Config
    catalogue: Catalogue
    printing: PrintingService
    sync: SyncStack | None
    scanner: ScannerService | None = None
    # The signed-in citizen (token in memory only) and the spoken prompts: one per app.
    session: SessionHolder = field(default_factory=SessionHolder)
    speaker: Speaker = field(default_factory=lambda: Speaker(None))

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

    def open_front_desk(self) -> FrontDesk:
        """A front desk for the calling thread (its cache connection opens on first use)."""
        return FrontDesk(self)

    # --- background threads: the sync worker and the scanner --------------------------

    def start_background(
        self,
        on_connectivity: Callable[[ConnectivitySnapshot], None],
        on_scan: Callable[[ScannedCode], None],
    ) -> None:
        """Start syncing and listening to the scanner; both call back on their own threads."""
        if self.sync is not None:
            self.sync.worker.add_listener(on_connectivity)
            self.sync.start()
        if self.scanner is not None:
            self.scanner.listen(on_scan)
            self.scanner.start()

    def stop_background(self) -> None:
        """Silence the speaker, stop syncing (joins the thread) and the scanner."""
        self.speaker.close()
        if self.sync is not None:
            self.sync.stop()
        if self.scanner is not None:
            self.scanner.stop()

    # --- connectivity: read and nudged from the UI thread, never blocking ---------------

    @property
    def has_server(self) -> bool:
        """Whether this kiosk syncs with a server at all (a standalone kiosk does not)."""
        return self.sync is not None

    def connectivity(self) -> ConnectivitySnapshot | None:
        """The sync worker's last published state (None for a kiosk with no server)."""
        return self.sync.worker.snapshot() if self.sync is not None else None

    def sync_now(self) -> None:
        """Wake the sync worker for a cycle now (nothing for a kiosk with no server)."""
        if self.sync is not None:
            self.sync.worker.trigger()


class FrontDesk:
    """The use cases of the screens, for one worker thread (never shared between threads).

    It owns that thread's cache connection and central client (both belong to the thread
    that made them) and keeps the guide's index between searches. Screens hand it plain
    values and get records back: they never see a connection, a client or a printer.
    """

    def __init__(self, context: AppContext) -> None:
        self._context = context
        self._db: sqlite_utils.Database | None = None
        self._client: CentralClient | None = None
        self._guide: GuideService | None = None

    # --- what this thread owns ---------------------------------------------------------

    @property
    def db(self) -> sqlite_utils.Database:
        """This thread's cache connection, opened on first use."""
        if self._db is None:
            self._db = open_cache(self._context.config.cache.path)
        return self._db

    def client(self) -> CentralClient | None:
        """This thread's client of the central server (None for a kiosk with no server)."""
        if not self._context.config.server.url:
            return None
        if self._client is None:
            self._client = build_client(self._context.config)
        return self._client

    def close(self) -> None:
        """Close the connection (after a fault it may be unusable; the next desk reopens)."""
        if self._db is not None:
            self._db.conn.close()
            self._db = None
        self._guide = None

    # --- tickets --------------------------------------------------------------------------

    def issue_ticket(self, service_code: str, lang: str) -> tuple[Ticket, PrintResult]:
        """Number a ticket (the one path, `TicketService.issue`) and print it."""
        context, tickets = self._context, self._context.config.tickets
        service = TicketService(
            self.db,
            context.catalogue,
            context.config.zone,
            (tickets.standalone_start, tickets.standalone_end),
            online=context.sync.allocator if context.sync else None,
        )
        ticket = service.issue(service_code, lang)
        return ticket, context.printing.print_ticket(ticket)

    # --- status look-ups, guide, home board ------------------------------------------------

    def look_up_status(self, kind: str, dossier: str, cin: str) -> StatusLookup:
        """An application's status: the server when it answers, else the cached answer."""
        return StatusService(self.db, self.client()).lookup(kind, dossier, cin)

    def search_guide(self, query: str) -> list[Service]:
        """The procedures matching `query` (none for a blank query)."""
        if not query.strip():
            return []
        if self._guide is None:
            self._guide = GuideService(self.db, self._context.catalogue)
        else:
            self._guide.refresh()  # cheap when nothing changed: a fingerprint comparison
        return self._guide.search(query)

    def home_board(self, lang: str) -> HomeView:
        """The queue figures of every family, the notices in force and the annex's name."""
        board = HomeBoard(self.db)
        return HomeView(
            board.queues(list(self._context.catalogue.families)),
            board.announcements(lang),
            board.annex_name(lang),
        )

    # --- the citizen's account: sign-in, requests, history, pre-requests -----------------

    def sign_in(self, cin: str, pin: str) -> SignInOutcome:
        """Open a CAU session on the server (online only)."""
        return self._context.session.sign_in(self.client(), cin, pin)

    def end_session_on_server(
        self, close_on_server: Callable[[CentralClient | None], None]
    ) -> None:
        """Tell the server a session is over (`SessionHolder.forget()` gave the call; blocking)."""
        close_on_server(self.client())

    def certificate_services(self) -> tuple[Service, ...]:
        """The certificates a signed-in citizen may request here."""
        return self._requests().certificate_services()

    def submit_request(
        self,
        citizen: Citizen,
        prepared: PreparedRequest | None,
        service_code: str,
        lang: str,
        alert: str,
    ) -> tuple[SubmitResult, PrintResult | None]:
        """Send a request (prepared once: a retry resends its key) and print its receipt."""
        requests = self._requests()
        request = prepared or requests.prepare(
            citizen.citizen_id, service_code, lang, alert == "sms", alert == "email"
        )
        result = requests.submit(self._context.session.token(), request)
        if result.outcome is not SubmitOutcome.SUBMITTED:
            return result, None
        return result, self._context.printing.print_receipt(result.receipt(citizen.display_name))

    def history(self, citizen_id: str) -> HistoryView:
        """The signed-in citizen's requests, newest first (cached "as of" offline)."""
        return self._requests().history(self._context.session.token(), citizen_id)

    def offline_services(self) -> tuple[Service, ...]:
        """The services a pre-request may be made for."""
        return self._requests().offline_services()

    def create_pre_request(
        self, service_code: str, cin: str, phone: str, lang: str
    ) -> tuple[StoredPreRequest, PrintResult]:
        """Keep and queue a pre-request in one transaction, wake the sync, print the receipt."""
        stored = self._requests().create_pre_request(service_code, cin, phone, lang)
        self._context.sync_now()  # sent at once if the network is there
        return stored, self._context.printing.print_receipt(Receipt.for_pre_request(stored.record))

    def pre_request(self, idempotency_key: str) -> StoredPreRequest | None:
        """A pre-request as kept now (with the server's reference once synced)."""
        return self._requests().pre_request(idempotency_key)

    def _requests(self) -> RequestService:
        return RequestService(self.db, self.client(), self._context.catalogue)

    # --- technician mode ----------------------------------------------------------------

    def technician_gate_refusal(self) -> GateOutcome | None:
        """Why technician mode cannot open now (no PIN set, or locked), before any typing."""
        gate = self._gate()
        return gate.configured() or gate.locked(datetime.now(UTC))

    def check_technician_pin(self, pin: str) -> GateOutcome:
        """Check the technician PIN; failures are counted in the cache across restarts."""
        return self._gate().check(pin, datetime.now(UTC))

    def technician_report(self) -> TechnicianReport:
        """Printer, server, sync and outbox as technician mode shows them (blocking)."""
        context = self._context
        try:
            client = self.client()
        except DeviceTokenError:  # no client can be built: the report says "no device key"
            client = None
        return technician_report(context.config, self.db, client, context.printing.printer)

    def print_test_page(self) -> tuple[PrintResult, PrinterStatus | None]:
        """The test page every kiosk prints (`kiosk print-test`)."""
        return self._context.printing.print_test_page()

    def _gate(self) -> TechnicianGate:
        return TechnicianGate(self.db, self._context.config.technician.pin_file)
