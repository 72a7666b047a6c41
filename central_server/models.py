"""Pydantic models of every body of API v1 (they make /openapi.json precise)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)

Language = Literal["ar", "fr", "zgh", "en"]
RequestStatus = Literal["received", "in_progress", "ready", "collected", "rejected"]
Channel = Literal["kiosk", "web", "counter"]
DossierKind = Literal["passport", "firearm_licence"]
ItemStatus = Literal["created", "duplicate", "rejected"]

Family = Annotated[str, StringConstraints(pattern=r"^[A-Z]$")]
IdempotencyKey = Annotated[str, StringConstraints(min_length=1, max_length=128)]
ServiceCode = Annotated[str, StringConstraints(min_length=1, max_length=64)]
# The CNIE rule, the same as the kiosk's `normalize_cin`: one or two letters, then one to six
# digits (docs/api.md, "CIN"). A longer number is no CIN: 422 before anything is looked up.
CIN_PATTERN = r"^[A-Za-z]{1,2}[0-9]{1,6}$"
Cin = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_upper=True, pattern=CIN_PATTERN),
]
Pin = Annotated[str, StringConstraints(pattern=r"^[0-9]{4,12}$")]
Phone = Annotated[str, StringConstraints(pattern=r"^\+?[0-9]{6,15}$")]
TicketNumber = Annotated[str, StringConstraints(pattern=r"^[A-Z]-[0-9]{1,6}$")]
# At least one character that is not a space: the server strips spaces, and the schema
# must not call valid a number that is only spaces (a no-break space, say).
DossierNumber = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40, pattern=r"\S")
]


# Instants a kiosk can really send; outside them, converting to UTC can overflow (year 1
# with a positive offset, 9999 with a negative one) and nothing sensible is meant anyway.
EARLIEST_INSTANT = datetime(2000, 1, 1, tzinfo=UTC)
LATEST_INSTANT = datetime(2100, 1, 1, tzinfo=UTC)


def _datetime_from_text(value: object) -> datetime:
    """Accept only ISO-8601 date-time text with a time zone, within this century.

    Lax parsing would take 1700000000 or True as a date; a date alone or a time without a
    zone names no instant.
    """
    if not isinstance(value, str):
        raise ValueError("expected an ISO-8601 date-time string")
    if "T" not in value.upper() and " " not in value:
        raise ValueError("expected a date and a time, not a date alone")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("expected a date-time with a time zone (Z or +01:00)")
    if (
        not EARLIEST_INSTANT.replace(tzinfo=None)
        <= moment.replace(tzinfo=None)
        < (LATEST_INSTANT.replace(tzinfo=None))
    ):
        raise ValueError("expected a date-time between 2000 and 2099")
    return moment


def _date_from_text(value: object) -> date:
    if not isinstance(value, str):
        raise ValueError("expected an ISO-8601 date string (YYYY-MM-DD)")
    return date.fromisoformat(value)


def _number_not_text(value: object) -> object:
    """JSON Schema counts 12.0 as an integer, but "12" and true are not numbers."""
    if isinstance(value, str | bool):
        raise ValueError("expected a number")
    return value


# The schema says what the validator enforces, so clients and fuzzers know the rule.
IsoDateTime = Annotated[
    datetime,
    BeforeValidator(_datetime_from_text),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date-time",
            "pattern": r"^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?"
            r"(Z|[+-][0-9]{2}:[0-9]{2})$",
            "description": "ISO-8601 date and time with a time zone, years 2000-2099",
        }
    ),
]
# Lax int (accepts 12.0, refuses 12.5) once text and booleans are turned away.
WholeNumber = Annotated[int, Field(strict=False), BeforeValidator(_number_not_text)]
IsoDate = Annotated[date, BeforeValidator(_date_from_text)]


class StrictBody(BaseModel):
    """Request bodies: no unknown fields, no type coercion ("1" is not 1, 1 is not true)."""

    model_config = ConfigDict(extra="forbid", strict=True)


class LocalizedText(BaseModel):
    """One human-readable text in the four kiosk languages."""

    ar: str
    fr: str
    zgh: str
    en: str


class LocalizedList(BaseModel):
    """One list of texts (e.g. required documents) in the four kiosk languages."""

    ar: list[str]
    fr: list[str]
    zgh: list[str]
    en: list[str]


class ErrorBody(BaseModel):
    """Every error: a stable machine code, an English message, and sometimes extra fields."""

    model_config = ConfigDict(extra="allow")

    error: str
    message: str
    attempts_left: int | None = None
    retry_after_s: int | None = None


class Health(BaseModel):
    status: Literal["ok"]
    time: datetime
    api_version: int


class ServiceOverride(BaseModel):
    """What this annex changes in the kiosk's built-in catalogue for one service."""

    fee_mad: float | None = None
    delay: LocalizedText | None = None
    documents: LocalizedList | None = None


class Catalogue(BaseModel):
    annex_id: str
    annex_name: str
    # The annex's name by language (ar, zgh, en...): its own (French) name is annex_name.
    annex_names: dict[str, str] = {}
    revision: int
    overrides: dict[str, ServiceOverride]
    disabled: list[str]


class SignIn(StrictBody):
    cin: Cin
    pin: Pin


class CitizenSummary(BaseModel):
    citizen_id: str
    display_name: str
    cin_masked: str
    phone_masked: str | None
    email_masked: str | None
    preferred_language: Language


class SessionCreated(BaseModel):
    token: str
    expires_at: datetime
    citizen: CitizenSummary


class CitizenRequest(BaseModel):
    request_number: str
    service_code: str
    status: RequestStatus
    status_reason: str | None
    created_at: datetime
    updated_at: datetime
    channel: Channel


class RequestList(BaseModel):
    requests: list[CitizenRequest]


class NewRequest(StrictBody):
    service_code: ServiceCode
    language: Language
    notify_sms: bool
    notify_email: bool


class RequestEnvelope(BaseModel):
    request: CitizenRequest


class PreRequestItem(StrictBody):
    idempotency_key: IdempotencyKey
    service_code: ServiceCode
    cin: Cin
    phone: Phone
    language: Language
    created_at: IsoDateTime


class PreRequestBatch(StrictBody):
    items: list[PreRequestItem] = Field(min_length=1, max_length=500)


class PreRequestResult(BaseModel):
    idempotency_key: str
    status: ItemStatus
    reference: str | None
    reason: str | None


class PreRequestResults(BaseModel):
    results: list[PreRequestResult]


class ApplicationLookup(StrictBody):
    kind: DossierKind
    dossier_number: DossierNumber
    cin: Cin


class TimelineEntry(BaseModel):
    stage: str
    date: datetime


class ApplicationStatus(BaseModel):
    kind: DossierKind
    dossier_number: str
    stage: str
    reason: str | None
    updated_at: datetime
    timeline: list[TimelineEntry]


class NewTicket(StrictBody):
    idempotency_key: IdempotencyKey
    service_code: ServiceCode
    family: Family
    issued_at: IsoDateTime


class Ticket(BaseModel):
    number: str
    family: str
    seq: int
    business_day: date
    # Null for a ticket first uploaded by a kiosk (numbered offline): no estimate was made.
    people_ahead: int | None
    estimated_wait_s: int | None


class StandaloneRange(BaseModel):
    start: int
    end: int


class DeviceInfo(BaseModel):
    device_id: int
    annex_id: str
    annex_name: str
    standalone_range: StandaloneRange


class NewTicketBlock(StrictBody):
    family: Family
    size: WholeNumber = Field(ge=10, le=500)


class TicketBlock(BaseModel):
    block_id: str
    family: str
    business_day: date
    start: int
    end: int


class OfflineTicket(StrictBody):
    idempotency_key: IdempotencyKey
    number: TicketNumber
    family: Family
    seq: WholeNumber = Field(ge=1, le=999_999)
    service_code: ServiceCode
    business_day: IsoDate
    issued_at: IsoDateTime
    source: Literal["block", "standalone"]
    block_id: str | None = None


class OfflineTicketBatch(StrictBody):
    items: list[OfflineTicket] = Field(min_length=1, max_length=500)


class OfflineTicketResult(BaseModel):
    idempotency_key: str
    status: ItemStatus
    reason: str | None


class OfflineTicketResults(BaseModel):
    results: list[OfflineTicketResult]


class FamilyQueue(BaseModel):
    family: str
    waiting: int
    avg_handling_s: float
    open_counters: int


class QueueStats(BaseModel):
    as_of: datetime
    families: list[FamilyQueue]


class Announcement(BaseModel):
    id: str
    text: LocalizedText
    starts_at: datetime | None
    ends_at: datetime | None


class Announcements(BaseModel):
    announcements: list[Announcement]
