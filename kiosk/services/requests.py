"""Certificate requests: submit once per confirmed request, the history, offline pre-requests."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import sqlite_utils

from kiosk.central import CentralClient
from kiosk.central.errors import (
    BadResponse,
    CentralError,
    InvalidDevice,
    Offline,
    Rejected,
    SessionExpired,
)
from kiosk.central.models import parse_request
from kiosk.domain.catalogue import Catalogue
from kiosk.domain.models import CertificateRequest, RequestStatus, Service, ServiceKind
from kiosk.domain.validation import normalize_cin, normalize_phone
from kiosk.i18n import LANGUAGES, N_
from kiosk.services.documents import Receipt
from kiosk.services.guide import annex_catalogue
from kiosk.services.tickets import ServiceDisabled, UnknownService
from offline_cache.clock import utc_now
from offline_cache.database import CacheError
from offline_cache.guide import GuideStore
from offline_cache.history import HistoryStore
from offline_cache.outbox import OutboxStatus, new_idempotency_key
from offline_cache.pre_requests import PreRequestStore, StoredPreRequest
from offline_cache.protocol import PreRequest

# The screens' whole API; the cache's record types are re-exported so the UI needs no
# import from offline_cache beyond the protocol's records.
__all__ = [
    "HistoryEntry",
    "HistoryOutcome",
    "HistoryView",
    "NotOfflineService",
    "OutboxStatus",
    "PreparedRequest",
    "RequestService",
    "StoredPreRequest",
    "SubmitOutcome",
    "SubmitResult",
]

log = logging.getLogger(__name__)

HISTORY_LIMIT = 50
# What the citizen is told when there is no server to ask and nothing cached: the client's
# own sentence for "no connection" (the UI may say it its own way).
NO_CONNECTION = Offline.message_key


class NotOfflineService(UnknownService):
    """A pre-request for a service that needs the citizen's account (not `works_offline`)."""


class SubmitOutcome(StrEnum):
    """What became of a submission."""

    SUBMITTED = "submitted"  # the server holds it (made now, or by an earlier try of this key)
    UNREACHABLE = "unreachable"  # no answer: offer a pre-request, or retry the same prepared one
    SESSION_EXPIRED = "session_expired"  # sign in again, then retry the same prepared request
    UNKNOWN_SERVICE = "unknown_service"  # the server does not know this service
    REFUSED = "refused"  # any other refusal (4xx): retrying will not help


class HistoryOutcome(StrEnum):
    """Where a history came from."""

    FRESH = "fresh"  # from the server, now
    CACHED = "cached"  # the server cannot be asked: the last list, "as of" its time
    NEEDS_NETWORK = "needs_network"  # cannot be asked, and never fetched here
    SESSION_EXPIRED = "session_expired"  # the session ended: sign in again, nothing shown


# Worded as the tracking page the receipt's QR opens words them (central_server's
# STATUS_LABELS): one request, one name for its state, on the kiosk and on the phone.
STATUS_NAMES = {
    RequestStatus.RECEIVED: N_("Submitted"),
    RequestStatus.IN_PROGRESS: N_("In progress"),
    RequestStatus.READY: N_("Ready to collect"),
    RequestStatus.COLLECTED: N_("Collected"),
    RequestStatus.REJECTED: N_("Rejected"),
}


@dataclass(frozen=True)
class PreparedRequest:
    """A confirmed request with its idempotency key, made once; every retry sends this one."""

    idempotency_key: str
    citizen_id: str
    service_code: str
    language: str
    notify_sms: bool
    notify_email: bool


@dataclass(frozen=True)
class SubmitResult:
    """A submission's result; `prepared` is kept whatever happened, to retry with the same key.

    SUBMITTED carries `request` (number, service, status, dates) and `created` (False when an
    earlier try, that timed out, had already filed it); the others carry the `message_key` of
    the fault behind them.
    """

    outcome: SubmitOutcome
    prepared: PreparedRequest
    request: CertificateRequest | None = None
    created: bool = False
    message_key: str | None = None

    def receipt(self, citizen_name: str | None) -> Receipt:
        """The receipt to print and show, in the request's language (SUBMITTED only)."""
        if self.request is None:
            raise ValueError(f"no receipt for a request that was not submitted ({self.outcome})")
        return Receipt.for_request(self.request, self.prepared.language, citizen_name)


@dataclass(frozen=True)
class HistoryEntry:
    """One request of the history, with its catalogue service when the kiosk knows the code."""

    request: CertificateRequest
    service: Service | None

    def service_name(self, lang: str) -> str:
        """The name in `lang`; a code the catalogue lacks is shown as the server gave it."""
        return self.service.name(lang) if self.service else self.request.service_code


@dataclass(frozen=True)
class HistoryView:
    """The citizen's requests, newest first; `as_of` is set when they come from the cache."""

    outcome: HistoryOutcome
    entries: tuple[HistoryEntry, ...] = ()
    as_of: datetime | None = None
    message_key: str | None = None


class RequestService:
    """Requests filed in a signed-in citizen's account, and pre-requests when the server is away.

    Built per worker thread, over that thread's cache connection and central client.
    """

    def __init__(
        self,
        db: sqlite_utils.Database,
        client: CentralClient | None,
        catalogue: Catalogue,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._db = db
        self._client = client
        self._catalogue = catalogue
        self._clock = clock
        self._history = HistoryStore(db)
        self._pre_requests = PreRequestStore(db)

    # --- choosing a service ----------------------------------------------------------

    def certificate_services(self) -> tuple[Service, ...]:
        """The certificates a citizen can request here (the annex's disabled ones left out)."""
        return tuple(
            service
            for service in annex_catalogue(self._db, self._catalogue)
            if service.kind is ServiceKind.CERTIFICATE
        )

    def offline_services(self) -> tuple[Service, ...]:
        """The certificates a pre-request can ask for: the annex prepares them from the CIN."""
        return tuple(service for service in self.certificate_services() if service.works_offline)

    # --- requests in the citizen's account -------------------------------------------

    def prepare(
        self,
        citizen_id: str,
        service_code: str,
        language: str,
        notify_sms: bool,
        notify_email: bool,
    ) -> PreparedRequest:
        """The confirmed request, with the one idempotency key all its retries will carry.

        Raises UnknownService (or ServiceDisabled) for a service not offered here.
        """
        self._requestable(service_code)
        _check_language(language)
        return PreparedRequest(
            idempotency_key=new_idempotency_key(),
            citizen_id=citizen_id,
            service_code=service_code,
            language=language,
            notify_sms=notify_sms,
            notify_email=notify_email,
        )

    def submit(self, session_token: str | None, prepared: PreparedRequest) -> SubmitResult:
        """Send the prepared request under its key; a retry after a timeout never files twice.

        `session_token` is the session holder's (None once the session ended).
        """
        if self._client is None:
            return SubmitResult(SubmitOutcome.UNREACHABLE, prepared, message_key=NO_CONNECTION)
        if session_token is None:
            return SubmitResult(
                SubmitOutcome.SESSION_EXPIRED, prepared, message_key=SessionExpired.message_key
            )
        try:
            reply = self._client.submit_request(
                session_token,
                prepared.idempotency_key,
                prepared.service_code,
                prepared.language,
                prepared.notify_sms,
                prepared.notify_email,
            )
        except SessionExpired as exc:
            return SubmitResult(
                SubmitOutcome.SESSION_EXPIRED, prepared, message_key=exc.message_key
            )
        except InvalidDevice as exc:
            # The server will not take anything from this kiosk until a technician fixes its
            # key; a pre-request waits safely in the outbox meanwhile.
            return SubmitResult(SubmitOutcome.UNREACHABLE, prepared, message_key=exc.message_key)
        except Rejected as exc:
            outcome = (
                SubmitOutcome.UNKNOWN_SERVICE
                if exc.error == "unknown_service"
                else SubmitOutcome.REFUSED
            )
            return SubmitResult(outcome, prepared, message_key=exc.message_key)
        except CentralError as exc:
            # Timed out, refused, 5xx or a broken reply: the server may or may not have filed
            # it; the same key on the next try finds out without filing it twice.
            log.info("request %s not confirmed: %s", prepared.idempotency_key, exc)
            return SubmitResult(SubmitOutcome.UNREACHABLE, prepared, message_key=exc.message_key)
        self._remember(prepared.citizen_id, reply.request)
        return SubmitResult(
            SubmitOutcome.SUBMITTED, prepared, request=reply.request, created=reply.created
        )

    def history(self, session_token: str | None, citizen_id: str) -> HistoryView:
        """The citizen's requests, newest first: from the server, else as cached "as of"."""
        if session_token is None:
            # Nobody is signed in any more: nothing of the citizen's is shown.
            return HistoryView(
                HistoryOutcome.SESSION_EXPIRED, message_key=SessionExpired.message_key
            )
        if self._client is not None:
            try:
                requests = self._client.list_requests(session_token)
            except SessionExpired as exc:
                return HistoryView(HistoryOutcome.SESSION_EXPIRED, message_key=exc.message_key)
            except CentralError as exc:
                log.info("history from the cache: %s", exc)
            else:
                # The server sends them newest first; sorting keeps the promise regardless.
                ordered = sorted(
                    requests, key=lambda r: (r.created_at, r.request_number), reverse=True
                )
                try:
                    self._history.replace_for(
                        citizen_id, [request.as_json() for request in ordered], self._clock()
                    )
                except (sqlite3.Error, CacheError):
                    log.exception("could not cache the request history")
                return HistoryView(HistoryOutcome.FRESH, self._entries(ordered[:HISTORY_LIMIT]))
        cached = self._history.cached(citizen_id, HISTORY_LIMIT)
        if cached is None:
            return HistoryView(HistoryOutcome.NEEDS_NETWORK, message_key=NO_CONNECTION)
        requests = []
        for item in cached.requests:
            try:
                requests.append(parse_request(item))
            except BadResponse:
                log.warning("a cached request no longer reads: %s", item.get("request_number"))
        return HistoryView(HistoryOutcome.CACHED, self._entries(requests), cached.fetched_at)

    # --- pre-requests ----------------------------------------------------------------

    def create_pre_request(
        self, service_code: str, cin: str, phone: str, language: str
    ) -> StoredPreRequest:
        """Record and queue a pre-request (identity checked at the counter), with its PR- reference.

        Raises InvalidCIN or InvalidPhone (ValidationError, with their `message_key`) for what
        was typed, UnknownService, ServiceDisabled or NotOfflineService for the service.
        """
        service = self._requestable(service_code)
        if not service.works_offline:
            raise NotOfflineService(service_code)
        _check_language(language)
        pre = PreRequest(
            idempotency_key=new_idempotency_key(),
            service_code=service_code,
            cin=normalize_cin(cin),
            phone=normalize_phone(phone),
            language=language,
            # Whole seconds: what is stored, printed and uploaded is one and the same time.
            created_at=self._clock().replace(microsecond=0),
        )
        return self._pre_requests.create(pre)

    def pre_request(self, idempotency_key: str) -> StoredPreRequest | None:
        """A pre-request made here, with the server's reference once synced (None once purged)."""
        return self._pre_requests.get(idempotency_key)

    def recent_pre_requests(self, limit: int = 20) -> list[StoredPreRequest]:
        """The latest pre-requests kept here, newest first (for field staff)."""
        return self._pre_requests.recent(limit)

    # --- helpers ---------------------------------------------------------------------

    def _disabled(self) -> frozenset[str]:
        return frozenset(GuideStore(self._db).overrides().get("disabled", ()))

    def _requestable(self, service_code: str) -> Service:
        try:
            service = self._catalogue.service(service_code)
        except KeyError as exc:
            raise UnknownService(service_code) from exc
        if service.kind is not ServiceKind.CERTIFICATE:
            raise UnknownService(service_code)
        if service_code in self._disabled():
            raise ServiceDisabled(service_code)
        # The receipt states the annex's own fee and delay, as the request page showed them.
        return annex_catalogue(self._db, self._catalogue).service(service_code)

    def _entries(self, requests: list[CertificateRequest]) -> tuple[HistoryEntry, ...]:
        return tuple(
            HistoryEntry(request, self._known(request.service_code)) for request in requests
        )

    def _known(self, service_code: str) -> Service | None:
        try:
            return self._catalogue.service(service_code)
        except KeyError:
            return None

    def _remember(self, citizen_id: str, request: CertificateRequest) -> None:
        """Add a request just filed to the citizen's cached history (best effort: it is filed)."""
        try:
            self._history.add(citizen_id, request.as_json(), self._clock())
        except (sqlite3.Error, CacheError):
            log.exception("could not add request %s to the history cache", request.request_number)


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"not a kiosk language: {language!r}")
