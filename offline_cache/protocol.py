"""The kiosk's wire contract: its records with their JSON forms, the API calls, two errors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal, Protocol

from offline_cache.clock import iso

# The engine classifies failures by these bases only; the kiosk's HTTP client raises
# subclasses of them, so offline_cache never needs to import the kiosk package.


class TransientError(Exception):
    """Worth retrying later: the network, the server or its reply failed this time."""


class Unreachable(TransientError):
    """The server could not be reached at all (no route, refused, timed out)."""


class PermanentError(Exception):
    """The server understood and refused: sending the same thing again will not help."""

    # Whether the refusal is about the data sent (a malformed record: splitting the batch
    # finds it) or about the endpoint or the kiosk (no record is to blame; none may fail).
    blames_request: bool = True


class DeviceNotAuthorised(PermanentError):
    """The server does not accept this kiosk's device token: nothing can be synced until fixed."""

    blames_request = False


class OutboxKind(StrEnum):
    """What an outbox row holds; each kind has its own batch endpoint."""

    TICKET = "ticket"
    PRE_REQUEST = "pre_request"


class TicketSource(StrEnum):
    """Who chose a ticket's number."""

    SERVER = "server"
    BLOCK = "block"
    STANDALONE = "standalone"


@dataclass(frozen=True)
class Ticket:
    """A numbered queue ticket: the one shape the kiosk records, prints and uploads.

    `block_id` names the leased block a BLOCK ticket was numbered from; `people_ahead` and
    `estimated_wait_s` are known only when the server numbered the ticket.
    """

    idempotency_key: str
    number: str
    family: str
    seq: int
    service_code: str
    business_day: date
    issued_at: datetime
    source: TicketSource
    language: str
    block_id: str | None = None
    people_ahead: int | None = None
    estimated_wait_s: int | None = None

    def upload_item(self) -> dict[str, Any]:
        """The item of `POST /tickets/batch` for a ticket numbered on the kiosk."""
        return {
            "idempotency_key": self.idempotency_key,
            "number": self.number,
            "family": self.family,
            "seq": self.seq,
            "service_code": self.service_code,
            "business_day": self.business_day.isoformat(),
            "issued_at": iso(self.issued_at),
            "source": self.source.value,
            "block_id": self.block_id,
        }


@dataclass(frozen=True)
class PreRequest:
    """A request queued offline with CIN and phone; identity is checked at the counter."""

    idempotency_key: str
    service_code: str
    cin: str
    phone: str
    language: str
    created_at: datetime

    def upload_item(self) -> dict[str, Any]:
        """The item of `POST /pre-requests/batch`."""
        return {
            "idempotency_key": self.idempotency_key,
            "service_code": self.service_code,
            "cin": self.cin,
            "phone": self.phone,
            "language": self.language,
            "created_at": iso(self.created_at),
        }


ItemStatus = Literal["created", "duplicate", "rejected"]


@dataclass(frozen=True)
class BatchItemResult:
    """The server's verdict on one uploaded record."""

    idempotency_key: str
    status: ItemStatus
    reason: str | None = None
    reference: str | None = None


@dataclass(frozen=True)
class ServiceOverride:
    """Per-annex changes to one service of the packaged catalogue."""

    fee_mad: float | None = None
    delay: Mapping[str, str] | None = None
    documents: Mapping[str, tuple[str, ...]] | None = None

    def as_json(self) -> dict[str, Any]:
        """The contract's JSON form, omitting what the server did not send."""
        body: dict[str, Any] = {}
        if self.fee_mad is not None:
            body["fee_mad"] = self.fee_mad
        if self.delay is not None:
            body["delay"] = dict(self.delay)
        if self.documents is not None:
            body["documents"] = {lang: list(items) for lang, items in self.documents.items()}
        return body


@dataclass(frozen=True)
class CatalogueOverrides:
    """The annex's overrides of the packaged catalogue, with the ETag they came with."""

    annex_id: str
    annex_name: str
    revision: int
    overrides: Mapping[str, ServiceOverride]
    disabled: tuple[str, ...]
    etag: str | None
    # The annex's name by language, as its tracking pages give it (none from older servers).
    annex_names: Mapping[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The body as the contract defines it (what the guide service reads back)."""
        return {
            "annex_id": self.annex_id,
            "annex_name": self.annex_name,
            "annex_names": dict(self.annex_names),
            "revision": self.revision,
            "overrides": {code: item.as_json() for code, item in self.overrides.items()},
            "disabled": list(self.disabled),
        }


@dataclass(frozen=True)
class FamilyQueue:
    """How busy one ticket family's queue is."""

    family: str
    waiting: int
    avg_handling_s: float
    open_counters: int


@dataclass(frozen=True)
class QueueStats:
    """Queue statistics of the annex at one instant."""

    as_of: datetime
    families: tuple[FamilyQueue, ...]


@dataclass(frozen=True)
class Announcement:
    """A message from the annex to show on the home screen."""

    id: str
    text: Mapping[str, str]
    starts_at: datetime | None
    ends_at: datetime | None


@dataclass(frozen=True)
class TimelineEntry:
    """One stage an application went through."""

    stage: str
    date: datetime


@dataclass(frozen=True)
class ApplicationStatus:
    """Where a passport or firearm-licence application stands."""

    kind: str
    dossier_number: str
    stage: str
    reason: str | None
    updated_at: datetime
    timeline: tuple[TimelineEntry, ...] = field(default_factory=tuple)

    def as_json(self) -> dict[str, Any]:
        """The contract's JSON form (how the status cache stores it)."""
        return {
            "kind": self.kind,
            "dossier_number": self.dossier_number,
            "stage": self.stage,
            "reason": self.reason,
            "updated_at": self.updated_at.isoformat(),
            "timeline": [
                {"stage": entry.stage, "date": entry.date.isoformat()} for entry in self.timeline
            ],
        }


@dataclass(frozen=True)
class TicketBlock:
    """Numbers start..end (inclusive) of one family and day, reserved for this kiosk."""

    block_id: str
    family: str
    business_day: date
    start: int
    end: int


@dataclass(frozen=True)
class DeviceInfo:
    """Who the server says this kiosk is, and its own range for tickets numbered standalone."""

    device_id: int
    annex_id: str
    annex_name: str
    standalone_start: int
    standalone_end: int


@dataclass(frozen=True)
class Health:
    """The server's health reply: alive, its clock, its API version."""

    status: str
    time: datetime
    api_version: int


class CentralAPIProtocol(Protocol):
    """The calls the sync engine makes; the kiosk's HTTP client implements them."""

    def health(self) -> Health:
        """Cheap liveness probe (no device token needed)."""
        ...

    def push_tickets(self, items: Sequence[Mapping[str, Any]]) -> list[BatchItemResult]:
        """Upload tickets numbered offline; one result per item, in order."""
        ...

    def push_pre_requests(self, items: Sequence[Mapping[str, Any]]) -> list[BatchItemResult]:
        """Upload pre-requests made offline; one result per item, in order."""
        ...

    def catalogue(self, etag: str | None = None) -> CatalogueOverrides | None:
        """The annex's catalogue overrides; None when unchanged since `etag`."""
        ...

    def queue_stats(self) -> QueueStats:
        """Current queue statistics."""
        ...

    def announcements(self) -> list[Announcement]:
        """Current announcements."""
        ...

    def lookup_application(self, kind: str, dossier_number: str, cin: str) -> ApplicationStatus:
        """Status of an application (PermanentError when not found)."""
        ...

    def lease_block(self, family: str, size: int) -> TicketBlock:
        """Reserve `size` of today's numbers of `family` for this kiosk."""
        ...

    def device(self) -> DeviceInfo:
        """This kiosk as the server registered it (its standalone number range)."""
        ...
