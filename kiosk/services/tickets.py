"""Issue a numbered queue ticket: online from the server, else from a leased block or own range."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

import sqlite_utils

from kiosk.domain.catalogue import Catalogue
from kiosk.domain.tickets import business_day, format_ticket_number, next_standalone_seq
from kiosk.i18n import N_
from offline_cache.clock import utc_now
from offline_cache.database import transaction
from offline_cache.guide import GuideStore
from offline_cache.outbox import Outbox, new_idempotency_key
from offline_cache.protocol import OutboxKind, Ticket, TicketSource
from offline_cache.tickets import TicketStore


class OnlineAllocator(Protocol):
    """Asks the central server for the next number; None when the server cannot be used now."""

    def __call__(
        self,
        idempotency_key: str,
        service_code: str,
        family: str,
        issued_at: datetime,
        language: str,
    ) -> Ticket | None: ...


class UnknownService(KeyError):
    """No service with this code in the catalogue."""


class ServiceDisabled(UnknownService):
    """The annex does not offer this service (the server's per-annex list says so)."""

    message_key = N_("This service is not offered at this annex. Please ask at the reception desk.")


class TicketService:
    """The one code path that numbers tickets, for the UI and the `kiosk ticket` command.

    The number printed is always the number the server ends up holding for the ticket's
    idempotency key. When the server numbers it online, that is immediate. When it does not
    answer in time, the ticket is numbered here under the same key and queued; if the server
    did in fact allocate a number for that key after we stopped waiting, the upload replaces
    it ("the printed number wins") and the server voids its own, so no number nobody holds
    stays in the queue. docs/sync.md, "Ticket numbers", gives the whole argument.
    """

    def __init__(
        self,
        db: sqlite_utils.Database,
        catalogue: Catalogue,
        zone: ZoneInfo,
        standalone_range: tuple[int, int],
        online: OnlineAllocator | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._db = db
        self._catalogue = catalogue
        self._zone = zone
        self._configured_range = standalone_range
        self._online = online
        self._clock = clock
        self._tickets = TicketStore(db)
        self._outbox = Outbox(db)

    def issue(self, service_code: str, language: str) -> Ticket:
        """Number, record and queue a ticket for `service_code`; never fails for lack of network."""
        try:
            family = self._catalogue.service(service_code).family
        except KeyError as exc:
            raise UnknownService(service_code) from exc
        if service_code in GuideStore(self._db).overrides().get("disabled", ()):
            raise ServiceDisabled(service_code)
        key = new_idempotency_key()
        # Whole seconds: the time stored, printed and uploaded is then one and the same.
        issued_at = self._clock().replace(microsecond=0)
        if self._online is not None:
            ticket = self._online(key, service_code, family, issued_at, language)
            if ticket is not None:
                # The server already holds it: the local record only, no outbox row.
                with transaction(self._db):
                    self._tickets.insert_ticket(ticket)
                return ticket
        return self._number_locally(key, service_code, family, language, issued_at)

    def standalone_range(self) -> tuple[int, int]:
        """This kiosk's own numbers: the range the server assigned, else the configured one."""
        return self._tickets.assigned_range() or self._configured_range

    def _number_locally(
        self, key: str, service_code: str, family: str, language: str, issued_at: datetime
    ) -> Ticket:
        day = business_day(issued_at, self._zone)
        # One transaction: the number taken, the ticket and its outbox row all land or none.
        with transaction(self._db):
            stored = self._tickets.usable_block(day, family)
            block_id: str | None = None
            if stored is not None:
                seq, source, block_id = stored.next_seq, TicketSource.BLOCK, stored.block.block_id
                self._tickets.advance_block(block_id, seq)
            else:
                start, end = self.standalone_range()
                last = self._tickets.last_seq(day, family, start, end)
                seq, source = next_standalone_seq(last, start, end), TicketSource.STANDALONE
            ticket = Ticket(
                idempotency_key=key,
                number=format_ticket_number(family, seq),
                family=family,
                seq=seq,
                service_code=service_code,
                business_day=day,
                issued_at=issued_at,
                source=source,
                language=language,
                block_id=block_id,
            )
            self._tickets.insert_ticket(ticket)
            self._outbox.enqueue(OutboxKind.TICKET, ticket.upload_item(), key, issued_at)
        return ticket
