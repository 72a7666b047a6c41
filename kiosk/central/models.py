"""Typed replies of the central API, and the strict reader that builds them from JSON."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

from kiosk.central.errors import BadResponse
from kiosk.domain.models import CertificateRequest, Citizen, RequestStatus
from kiosk.i18n import LANGUAGES
from offline_cache.protocol import (
    Announcement,
    ApplicationStatus,
    BatchItemResult,
    CatalogueOverrides,
    DeviceInfo,
    FamilyQueue,
    Health,
    ItemStatus,
    QueueStats,
    ServiceOverride,
    Ticket,
    TicketBlock,
    TicketSource,
    TimelineEntry,
)

REQUEST_STATUSES = tuple(status.value for status in RequestStatus)
CHANNELS = ("kiosk", "web", "counter")
ITEM_STATUSES = ("created", "duplicate", "rejected")


@dataclass(frozen=True)
class Session:
    """A citizen's short-lived CAU session."""

    token: str = field(repr=False)  # never in a log line or a traceback's locals
    expires_at: datetime
    citizen: Citizen


@dataclass(frozen=True)
class SubmittedRequest:
    """The reply to a request submission; `created` is False for a replayed idempotency key."""

    request: CertificateRequest
    created: bool


class Fields:
    """Reads one JSON object field by field, raising BadResponse that names the bad field."""

    def __init__(self, raw: object, where: str) -> None:
        if not isinstance(raw, Mapping):
            raise BadResponse(f"{where}: expected a JSON object, got {type(raw).__name__}")
        self._raw: Mapping[str, Any] = raw
        self._where = where

    def _value(self, key: str) -> Any:
        if key not in self._raw:
            raise BadResponse(f"{self._where}.{key}: missing")
        return self._raw[key]

    def _fail(self, key: str, expected: str) -> BadResponse:
        return BadResponse(f"{self._where}.{key}: expected {expected}, got {self._raw.get(key)!r}")

    @property
    def raw(self) -> Mapping[str, Any]:
        """The object as read."""
        return self._raw

    def has(self, key: str) -> bool:
        """Whether the field is present and not null."""
        return self._raw.get(key) is not None

    def text(self, key: str, choices: tuple[str, ...] | None = None) -> str:
        """A string field (optionally one of `choices`)."""
        value = self._value(key)
        if not isinstance(value, str) or (choices is not None and value not in choices):
            raise self._fail(key, f"one of {list(choices)}" if choices else "a string")
        return value

    def opt_text(self, key: str) -> str | None:
        """A string field that may be null or absent."""
        return self.text(key) if self.has(key) else None

    def integer(self, key: str) -> int:
        """An integer field (booleans refused)."""
        value = self._value(key)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self._fail(key, "an integer")
        return value

    def opt_integer(self, key: str) -> int | None:
        """An integer field that may be null or absent."""
        return self.integer(key) if self.has(key) else None

    def number(self, key: str) -> float:
        """A numeric field."""
        value = self._value(key)
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise self._fail(key, "a number")
        return float(value)

    def timestamp(self, key: str) -> datetime:
        """An ISO-8601 timestamp with a time zone."""
        text = self.text(key)
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError as exc:
            raise self._fail(key, "an ISO-8601 timestamp") from exc
        if parsed.tzinfo is None:
            raise self._fail(key, "a timestamp with a time zone")
        return parsed

    def opt_timestamp(self, key: str) -> datetime | None:
        """A timestamp that may be null or absent."""
        return self.timestamp(key) if self.has(key) else None

    def day(self, key: str) -> date:
        """A YYYY-MM-DD date."""
        text = self.text(key)
        try:
            return date.fromisoformat(text)
        except ValueError as exc:
            raise self._fail(key, "a YYYY-MM-DD date") from exc

    def array(self, key: str) -> list[Any]:
        """A JSON array field."""
        value = self._value(key)
        if not isinstance(value, list):
            raise self._fail(key, "an array")
        return value

    def obj(self, key: str) -> Fields:
        """A nested object field."""
        return Fields(self._value(key), f"{self._where}.{key}")

    def texts(self, key: str) -> dict[str, str]:
        """An object of language -> text."""
        nested = self.obj(key)
        return {lang: nested.text(lang) for lang in nested.names()}

    def names(self) -> list[str]:
        """The object's keys."""
        return [str(key) for key in self._raw]


def parse_health(raw: object) -> Health:
    """GET /health."""
    fields = Fields(raw, "health")
    return Health(fields.text("status"), fields.timestamp("time"), fields.integer("api_version"))


def _service_override(fields: Fields) -> ServiceOverride:
    documents = None
    if fields.has("documents"):
        nested = fields.obj("documents")
        documents = {lang: tuple(_strings(nested, lang)) for lang in nested.names()}
    return ServiceOverride(
        fee_mad=fields.number("fee_mad") if fields.has("fee_mad") else None,
        delay=fields.texts("delay") if fields.has("delay") else None,
        documents=documents,
    )


def _strings(fields: Fields, key: str) -> list[str]:
    items = fields.array(key)
    if not all(isinstance(item, str) for item in items):
        raise BadResponse(f"{key}: expected an array of strings")
    return items


def parse_catalogue(raw: object, etag: str | None) -> CatalogueOverrides:
    """GET /catalogue."""
    fields = Fields(raw, "catalogue")
    overrides = fields.obj("overrides")
    return CatalogueOverrides(
        annex_id=fields.text("annex_id"),
        annex_name=fields.text("annex_name"),
        revision=fields.integer("revision"),
        overrides={code: _service_override(overrides.obj(code)) for code in overrides.names()},
        disabled=tuple(_strings(fields, "disabled")),
        etag=etag,
        # Optional: a server from before names by language sends none.
        annex_names=fields.texts("annex_names") if fields.has("annex_names") else {},
    )


def parse_session(raw: object) -> Session:
    """POST /sessions."""
    fields = Fields(raw, "session")
    citizen = fields.obj("citizen")
    return Session(
        token=fields.text("token"),
        expires_at=fields.timestamp("expires_at"),
        citizen=Citizen(
            citizen_id=citizen.text("citizen_id"),
            display_name=citizen.text("display_name"),
            cin_masked=citizen.text("cin_masked"),
            phone_masked=citizen.opt_text("phone_masked"),
            email_masked=citizen.opt_text("email_masked"),
            preferred_language=citizen.text("preferred_language", LANGUAGES),
        ),
    )


def parse_request(raw: object) -> CertificateRequest:
    """One request of the history, or the one just submitted."""
    fields = Fields(raw, "request")
    return CertificateRequest(
        request_number=fields.text("request_number"),
        service_code=fields.text("service_code"),
        status=RequestStatus(fields.text("status", REQUEST_STATUSES)),
        status_reason=fields.opt_text("status_reason"),
        created_at=fields.timestamp("created_at"),
        updated_at=fields.timestamp("updated_at"),
        channel=fields.text("channel", CHANNELS),
    )


def parse_requests(raw: object) -> list[CertificateRequest]:
    """GET /requests."""
    return [parse_request(item) for item in Fields(raw, "requests").array("requests")]


def parse_batch_results(raw: object, sent_keys: list[str]) -> list[BatchItemResult]:
    """POST /…/batch: one result per item sent, in the same order, or BadResponse."""
    results = []
    for index, item in enumerate(Fields(raw, "batch").array("results")):
        fields = Fields(item, f"results[{index}]")
        status = fields.text("status", ITEM_STATUSES)
        results.append(
            BatchItemResult(
                idempotency_key=fields.text("idempotency_key"),
                status=cast(ItemStatus, status),
                reason=fields.opt_text("reason"),
                reference=fields.opt_text("reference"),
            )
        )
    # A reply that does not account for exactly what was sent cannot be trusted to mark
    # anything done: the whole batch is retried (the server dedupes the replays).
    if [result.idempotency_key for result in results] != sent_keys:
        raise BadResponse("batch: results do not match the items sent, key for key")
    return results


def parse_application(raw: object) -> ApplicationStatus:
    """POST /applications/lookup."""
    fields = Fields(raw, "application")
    timeline = []
    for index, item in enumerate(fields.array("timeline")):
        entry = Fields(item, f"timeline[{index}]")
        timeline.append(TimelineEntry(entry.text("stage"), entry.timestamp("date")))
    return ApplicationStatus(
        kind=fields.text("kind", ("passport", "firearm_licence")),
        dossier_number=fields.text("dossier_number"),
        stage=fields.text("stage"),
        reason=fields.opt_text("reason"),
        updated_at=fields.timestamp("updated_at"),
        timeline=tuple(timeline),
    )


def parse_ticket(
    raw: object, idempotency_key: str, service_code: str, issued_at: datetime, language: str
) -> Ticket:
    """POST /tickets: the server's number, as the kiosk's ticket record."""
    fields = Fields(raw, "ticket")
    return Ticket(
        idempotency_key=idempotency_key,
        number=fields.text("number"),
        family=fields.text("family"),
        seq=fields.integer("seq"),
        service_code=service_code,
        business_day=fields.day("business_day"),
        issued_at=issued_at,
        source=TicketSource.SERVER,
        language=language,
        people_ahead=fields.opt_integer("people_ahead"),
        estimated_wait_s=fields.opt_integer("estimated_wait_s"),
    )


def parse_device(raw: object) -> DeviceInfo:
    """GET /device."""
    fields = Fields(raw, "device")
    standalone = fields.obj("standalone_range")
    device = DeviceInfo(
        device_id=fields.integer("device_id"),
        annex_id=fields.text("annex_id"),
        annex_name=fields.text("annex_name"),
        standalone_start=standalone.integer("start"),
        standalone_end=standalone.integer("end"),
    )
    if not 1 <= device.standalone_start <= device.standalone_end <= 9999:
        raise BadResponse(
            f"device: invalid standalone range {device.standalone_start}..{device.standalone_end}"
        )
    return device


def parse_block(raw: object) -> TicketBlock:
    """POST /ticket-blocks."""
    fields = Fields(raw, "block")
    block = TicketBlock(
        block_id=fields.text("block_id"),
        family=fields.text("family"),
        business_day=fields.day("business_day"),
        start=fields.integer("start"),
        end=fields.integer("end"),
    )
    if not 1 <= block.start <= block.end:
        raise BadResponse(f"block: empty or invalid range {block.start}..{block.end}")
    return block


def parse_queue_stats(raw: object) -> QueueStats:
    """GET /queue-stats."""
    fields = Fields(raw, "queue_stats")
    families = []
    for index, item in enumerate(fields.array("families")):
        family = Fields(item, f"families[{index}]")
        families.append(
            FamilyQueue(
                family=family.text("family"),
                waiting=family.integer("waiting"),
                avg_handling_s=family.number("avg_handling_s"),
                open_counters=family.integer("open_counters"),
            )
        )
    return QueueStats(as_of=fields.timestamp("as_of"), families=tuple(families))


def parse_announcements(raw: object) -> list[Announcement]:
    """GET /announcements."""
    announcements = []
    for index, item in enumerate(Fields(raw, "announcements").array("announcements")):
        fields = Fields(item, f"announcements[{index}]")
        announcements.append(
            Announcement(
                id=fields.text("id"),
                text=fields.texts("text"),
                starts_at=fields.opt_timestamp("starts_at"),
                ends_at=fields.opt_timestamp("ends_at"),
            )
        )
    return announcements
