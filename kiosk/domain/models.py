"""Dataclass models of what the kiosk shows and records."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

LocalizedText = Mapping[str, str]


def localized(text: LocalizedText, lang: str, fallback: str = "fr") -> str:
    """The text in `lang`, else in the fallback language, else any non-empty one."""
    return text.get(lang) or text.get(fallback) or next((v for v in text.values() if v), "")


class ServiceKind(StrEnum):
    """What filing a service leads to."""

    CERTIFICATE = "certificate"
    PASSPORT = "passport"
    FIREARM_LICENCE = "firearm_licence"


@dataclass(frozen=True)
class Family:
    """A group of services sharing one ticket letter and one queue."""

    letter: str
    names: LocalizedText


@dataclass(frozen=True)
class Service:
    """One procedure of the guide: what to bring, what it costs, how long it takes."""

    code: str
    family: str
    kind: ServiceKind
    names: LocalizedText
    summary: LocalizedText
    documents: Mapping[str, tuple[str, ...]]
    fee_mad: float
    fee_note: LocalizedText | None
    delay_days: int
    delay: LocalizedText
    requires_sign_in: bool
    works_offline: bool
    issued_at_annex: bool
    where_to_go: LocalizedText | None

    def name(self, lang: str) -> str:
        """The service's name in `lang`."""
        return localized(self.names, lang)

    def documents_in(self, lang: str) -> tuple[str, ...]:
        """The documents to bring, in `lang`."""
        return self.documents.get(lang) or self.documents.get("fr") or ()


class RequestStatus(StrEnum):
    """Where a certificate request stands at the annex."""

    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    READY = "ready"
    COLLECTED = "collected"
    REJECTED = "rejected"


@dataclass(frozen=True)
class CertificateRequest:
    """A request made in a citizen's CAU account (on the kiosk, the web or at a counter)."""

    request_number: str
    service_code: str
    status: RequestStatus
    status_reason: str | None
    created_at: datetime
    updated_at: datetime
    channel: str


@dataclass(frozen=True)
class PreRequest:
    """A request queued offline with CIN and phone; identity is checked at the counter."""

    idempotency_key: str
    service_code: str
    cin: str
    phone: str
    language: str
    created_at: datetime


class TicketSource(StrEnum):
    """Who chose a ticket's number."""

    SERVER = "server"
    BLOCK = "block"
    STANDALONE = "standalone"


@dataclass(frozen=True)
class Ticket:
    """A numbered queue ticket."""

    idempotency_key: str
    number: str
    family: str
    seq: int
    service_code: str
    business_day: date
    issued_at: datetime
    source: TicketSource
    language: str
    people_ahead: int | None = None
    estimated_wait_s: int | None = None


class ApplicationKind(StrEnum):
    """Applications whose status a citizen can look up by dossier number."""

    PASSPORT = "passport"
    FIREARM_LICENCE = "firearm_licence"


# Every stage an application can be in, in the order they normally happen.
APPLICATION_STAGES: Mapping[ApplicationKind, tuple[str, ...]] = {
    ApplicationKind.PASSPORT: (
        "submitted",
        "incomplete",
        "under_review",
        "rejected",
        "in_production",
        "ready",
        "collected",
    ),
    ApplicationKind.FIREARM_LICENCE: (
        "submitted",
        "incomplete",
        "investigation",
        "under_review",
        "rejected",
        "approved",
        "ready",
        "collected",
    ),
}
STAGES_WITH_REASON = frozenset({"incomplete", "rejected"})


@dataclass(frozen=True)
class StageEvent:
    """One step of an application's timeline."""

    stage: str
    date: datetime


@dataclass(frozen=True)
class ApplicationStatus:
    """Status of a passport or firearm-licence application; `fetched_at` says how fresh."""

    kind: ApplicationKind
    dossier_number: str
    stage: str
    reason: str | None
    updated_at: datetime
    timeline: tuple[StageEvent, ...]
    fetched_at: datetime

    def __post_init__(self) -> None:
        if self.stage not in APPLICATION_STAGES[self.kind]:
            raise ValueError(f"unknown {self.kind} stage {self.stage!r}")


@dataclass(frozen=True)
class Citizen:
    """What the kiosk shows of a signed-in citizen: nothing more than the screen needs."""

    citizen_id: str
    display_name: str
    cin_masked: str
    phone_masked: str | None
    email_masked: str | None
    preferred_language: str
