"""Issue a numbered queue ticket: online from the server, else from a leased block or own range."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import sqlite_utils

from kiosk.domain.catalogue import Catalogue
from kiosk.domain.models import Ticket, TicketSource
from kiosk.domain.tickets import business_day, format_ticket_number, next_standalone_seq
from offline_cache.clock import iso, utc_now
from offline_cache.database import transaction
from offline_cache.outbox import Outbox, new_idempotency_key
from offline_cache.tickets import StoredTicket, TicketStore

TICKET_OUTBOX_KIND = "ticket"


@dataclass(frozen=True)
class AllocatedTicket:
    """A number the server allocated, with its queue estimate."""

    number: str
    family: str
    seq: int
    business_day: date
    people_ahead: int | None
    estimated_wait_s: int | None


class OnlineAllocator(Protocol):
    """Asks the central server for the next number; None when the server cannot be used now."""

    def __call__(
        self, idempotency_key: str, service_code: str, family: str, issued_at: datetime
    ) -> AllocatedTicket | None: ...


class UnknownService(KeyError):
    """No service with this code in the catalogue."""


class TicketService:
    """The one code path that numbers tickets, for the UI and the `kiosk ticket` command."""

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
        self._standalone_range = standalone_range
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
        key = new_idempotency_key()
        issued_at = self._clock()
        allocated = self._online(key, service_code, family, issued_at) if self._online else None
        if allocated is not None:
            return self._record_online(key, service_code, language, issued_at, allocated)
        return self._number_locally(key, service_code, family, language, issued_at)

    def _record_online(
        self,
        key: str,
        service_code: str,
        language: str,
        issued_at: datetime,
        allocated: AllocatedTicket,
    ) -> Ticket:
        ticket = Ticket(
            idempotency_key=key,
            number=allocated.number,
            family=allocated.family,
            seq=allocated.seq,
            service_code=service_code,
            business_day=allocated.business_day,
            issued_at=issued_at,
            source=TicketSource.SERVER,
            language=language,
            people_ahead=allocated.people_ahead,
            estimated_wait_s=allocated.estimated_wait_s,
        )
        # The server already has it: no outbox row, only the local record.
        with transaction(self._db):
            self._tickets.insert_ticket(_stored(ticket))
        return ticket

    def _number_locally(
        self, key: str, service_code: str, family: str, language: str, issued_at: datetime
    ) -> Ticket:
        day = business_day(issued_at, self._zone)
        # One transaction: the number taken, the ticket and its outbox row all land or none.
        with transaction(self._db):
            block = self._tickets.usable_block(day, family)
            block_id: str | None
            if block is not None:
                seq, source, block_id = block.next_seq, TicketSource.BLOCK, block.block_id
                self._tickets.advance_block(block.block_id, seq)
            else:
                start, end = self._standalone_range
                last = self._tickets.last_seq(day, family, TicketSource.STANDALONE)
                seq, source, block_id = (
                    next_standalone_seq(last, start, end),
                    TicketSource.STANDALONE,
                    None,
                )
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
            )
            self._tickets.insert_ticket(_stored(ticket))
            self._outbox.enqueue(TICKET_OUTBOX_KIND, _payload(ticket, block_id), key, issued_at)
        return ticket


def _stored(ticket: Ticket) -> StoredTicket:
    return StoredTicket(
        idempotency_key=ticket.idempotency_key,
        number=ticket.number,
        family=ticket.family,
        seq=ticket.seq,
        service_code=ticket.service_code,
        business_day=ticket.business_day,
        issued_at=iso(ticket.issued_at),
        source=ticket.source.value,
        language=ticket.language,
    )


def _payload(ticket: Ticket, block_id: str | None) -> dict[str, Any]:
    """The item the server's offline-ticket batch upload expects."""
    return {
        "idempotency_key": ticket.idempotency_key,
        "number": ticket.number,
        "family": ticket.family,
        "seq": ticket.seq,
        "service_code": ticket.service_code,
        "business_day": ticket.business_day.isoformat(),
        "issued_at": iso(ticket.issued_at),
        "source": ticket.source.value,
        "block_id": block_id,
    }
