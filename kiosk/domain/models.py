"""Dataclass models of what the kiosk shows and records."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
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

    def as_json(self) -> dict[str, str | None]:
        """The contract's JSON form (how the history cache stores it), times in UTC."""
        return {
            "request_number": self.request_number,
            "service_code": self.service_code,
            "status": self.status.value,
            "status_reason": self.status_reason,
            "created_at": _utc_text(self.created_at),
            "updated_at": _utc_text(self.updated_at),
            "channel": self.channel,
        }


def _utc_text(instant: datetime) -> str:
    # One form, so text order is time order in the cache (ISO-8601 UTC with seconds).
    return instant.astimezone(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Citizen:
    """What the kiosk shows of a signed-in citizen: nothing more than the screen needs."""

    citizen_id: str
    display_name: str
    cin_masked: str
    phone_masked: str | None
    email_masked: str | None
    preferred_language: str
