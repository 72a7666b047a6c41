"""Issuing tickets: online, from a leased block, or from the kiosk's own range."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlite_utils

from kiosk.domain.tickets import TicketNumbersExhausted
from kiosk.services.tickets import ServiceDisabled, TicketService, UnknownService
from offline_cache.database import transaction
from offline_cache.guide import OVERRIDES_KEY
from offline_cache.outbox import Outbox, OutboxStatus
from offline_cache.protocol import Ticket, TicketBlock, TicketSource
from offline_cache.settings import Settings
from offline_cache.tickets import TicketStore
from tests.support.tiny_catalogue import tiny_catalogue

CASABLANCA = ZoneInfo("Africa/Casablanca")


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def service(
    db: sqlite_utils.Database,
    clock: Clock,
    online: object = None,
    range_: tuple[int, int] = (5000, 5499),
) -> TicketService:
    return TicketService(db, tiny_catalogue(), CASABLANCA, range_, online=online, clock=clock)  # type: ignore[arg-type]


def test_offline_kiosk_numbers_from_its_own_range_and_queues_each_ticket(
    cache: sqlite_utils.Database,
) -> None:
    clock = Clock(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))
    tickets = service(cache, clock)
    issued = [tickets.issue("residence", "ar") for _ in range(3)]
    assert [t.number for t in issued] == ["A-5000", "A-5001", "A-5002"]
    assert tickets.issue("celibacy", "fr").number == "B-5000"
    assert all(t.source is TicketSource.STANDALONE for t in issued)
    pending = Outbox(cache).items([OutboxStatus.PENDING])
    assert [item.payload["number"] for item in pending] == ["A-5000", "A-5001", "A-5002", "B-5000"]
    assert pending[0].idempotency_key == issued[0].idempotency_key
    assert pending[0].payload["business_day"] == "2026-11-21"


def test_numbering_restarts_at_local_midnight(cache: sqlite_utils.Database) -> None:
    clock = Clock(datetime(2026, 11, 21, 22, 58, tzinfo=UTC))  # 23:58 local (UTC+1)
    tickets = service(cache, clock)
    assert tickets.issue("residence", "ar").number == "A-5000"
    assert tickets.issue("residence", "ar").number == "A-5001"
    clock.now += timedelta(minutes=3)  # 00:01 local on the 22nd, still the 21st in UTC
    ticket = tickets.issue("residence", "ar")
    assert (ticket.number, ticket.business_day) == ("A-5000", date(2026, 11, 22))


def test_leased_block_is_used_before_the_own_range(cache: sqlite_utils.Database) -> None:
    clock = Clock(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))
    with transaction(cache):
        TicketStore(cache).add_block(TicketBlock("blk-1", "A", date(2026, 11, 21), 41, 42))
        TicketStore(cache).add_block(TicketBlock("old", "A", date(2026, 11, 20), 1, 50))
    tickets = service(cache, clock)
    numbers = [tickets.issue("residence", "fr") for _ in range(3)]
    assert [t.number for t in numbers] == ["A-041", "A-042", "A-5000"]
    assert [t.source for t in numbers] == [
        TicketSource.BLOCK,
        TicketSource.BLOCK,
        TicketSource.STANDALONE,
    ]
    payloads = [item.payload for item in Outbox(cache).items([OutboxStatus.PENDING])]
    assert [p["block_id"] for p in payloads] == ["blk-1", "blk-1", None]
    assert TicketStore(cache).tickets_on(date(2026, 11, 21)) == numbers


def test_online_allocation_is_recorded_without_an_outbox_row(cache: sqlite_utils.Database) -> None:
    clock = Clock(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))
    calls: list[tuple[str, str]] = []

    def allocate(key: str, code: str, family: str, issued_at: datetime, lang: str) -> Ticket:
        calls.append((code, family))
        return Ticket(
            key,
            "A-007",
            "A",
            7,
            code,
            date(2026, 11, 21),
            issued_at,
            TicketSource.SERVER,
            lang,
            people_ahead=3,
            estimated_wait_s=540,
        )

    ticket = service(cache, clock, online=allocate).issue("residence", "en")
    assert (ticket.number, ticket.source, ticket.people_ahead) == ("A-007", TicketSource.SERVER, 3)
    assert calls == [("residence", "A")]
    assert Outbox(cache).counts()[OutboxStatus.PENDING] == 0
    # The record read back is the record issued, field for field (one shape per ticket).
    assert TicketStore(cache).tickets_on(date(2026, 11, 21)) == [ticket]


def test_server_unusable_falls_back_to_local_numbering(cache: sqlite_utils.Database) -> None:
    clock = Clock(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))
    ticket = service(cache, clock, online=lambda *args: None).issue("residence", "ar")
    assert ticket.source is TicketSource.STANDALONE
    assert ticket.people_ahead is None and ticket.estimated_wait_s is None


def test_exhausted_range_raises_a_translatable_error_and_writes_nothing(
    cache: sqlite_utils.Database,
) -> None:
    clock = Clock(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))
    tickets = service(cache, clock, range_=(5000, 5001))
    tickets.issue("residence", "ar")
    tickets.issue("residence", "ar")
    with pytest.raises(TicketNumbersExhausted):
        tickets.issue("residence", "ar")
    assert sum(Outbox(cache).counts().values()) == 2


def test_the_range_the_server_assigned_wins_over_the_configured_one(
    cache: sqlite_utils.Database,
) -> None:
    clock = Clock(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))
    tickets = service(cache, clock)
    assert tickets.issue("residence", "ar").number == "A-5000"
    with transaction(cache):
        TicketStore(cache).assign_range(5500, 5999)
    assert tickets.standalone_range() == (5500, 5999)
    assert tickets.issue("residence", "ar").number == "A-5500"
    # A range below the one used so far starts at its own beginning, not past its end.
    with transaction(cache):
        TicketStore(cache).assign_range(5000, 5499)
    assert tickets.issue("residence", "ar").number == "A-5001"


def test_a_service_the_annex_disabled_gets_no_ticket(cache: sqlite_utils.Database) -> None:
    Settings(cache).put(OVERRIDES_KEY, json.dumps({"overrides": {}, "disabled": ["celibacy"]}))
    tickets = service(cache, Clock(datetime(2026, 11, 21, 9, 0, tzinfo=UTC)))
    with pytest.raises(ServiceDisabled):
        tickets.issue("celibacy", "ar")
    assert tickets.issue("residence", "ar").number == "A-5000"
    assert sum(Outbox(cache).counts().values()) == 1


def test_unknown_service(cache: sqlite_utils.Database) -> None:
    with pytest.raises(UnknownService):
        service(cache, Clock(datetime.now(UTC))).issue("no_such_thing", "ar")


def test_payload_is_plain_json_with_every_field_the_server_needs(
    cache: sqlite_utils.Database,
) -> None:
    service(cache, Clock(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))).issue("residence", "ar")
    raw = cache.conn.execute("SELECT payload FROM outbox").fetchone()[0]
    assert set(json.loads(raw)) == {
        "idempotency_key",
        "number",
        "family",
        "seq",
        "service_code",
        "business_day",
        "issued_at",
        "source",
        "block_id",
    }
