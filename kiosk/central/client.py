"""The kiosk's HTTP client of the central API (v1): one session, typed replies, one error tree."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import requests
import urllib3

from kiosk.central import models
from kiosk.central.errors import (
    REJECTIONS,
    BadResponse,
    DeviceTokenError,
    Offline,
    Rejected,
    ServerFault,
)
from kiosk.domain.models import CertificateRequest
from offline_cache.protocol import (
    Announcement,
    ApplicationStatus,
    BatchItemResult,
    CatalogueOverrides,
    DeviceInfo,
    Health,
    QueueStats,
    Ticket,
    TicketBlock,
)

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
MAX_BATCH = 500
# 408 and 429 are the server asking us to come back later, not refusing the data.
_RETRY_LATER_STATUSES = frozenset({408, 429})

T = TypeVar("T")
MAX_TOKEN_FILE_BYTES = 4096


def load_device_token(path: str) -> str:
    """The device token from its file; DeviceTokenError naming the file if it cannot be read."""
    if not path:
        raise DeviceTokenError(
            "server.device_token_file is not set: the kiosk cannot authenticate to the server"
        )
    try:
        # Read a bounded amount: a token is one short line, and a path such as /dev/zero or
        # a wrong multi-gigabyte file must not be swallowed whole.
        with Path(path).open("rb") as handle:
            raw = handle.read(MAX_TOKEN_FILE_BYTES + 1)
    except OSError as exc:
        raise DeviceTokenError(
            f"{path}: cannot read the device token file ({exc.strerror or exc})"
        ) from exc
    if len(raw) > MAX_TOKEN_FILE_BYTES:
        raise DeviceTokenError(
            f"{path}: not a device token file (over {MAX_TOKEN_FILE_BYTES} bytes; "
            "a token is one short line)"
        )
    try:
        token = raw.decode("utf-8").strip()
    except UnicodeDecodeError as exc:
        raise DeviceTokenError(f"{path}: the device token file is not text") from exc
    if not token:
        raise DeviceTokenError(f"{path}: the device token file is empty")
    if not token.isprintable() or any(character.isspace() for character in token):
        raise DeviceTokenError(f"{path}: the device token must be one line with no spaces")
    return token


class CentralClient:
    """Every endpoint of the kiosk ↔ central contract; thread-safe enough for one worker each.

    `requests.Session` is not documented as thread-safe: the UI's calls and the sync
    worker's calls each get their own client (cheap), sharing nothing but configuration.
    """

    def __init__(
        self,
        base_url: str,
        device_token: str,
        connect_timeout_s: float = 3.0,
        read_timeout_s: float = 10.0,
        ca_bundle: str = "",
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._timeout = (connect_timeout_s, read_timeout_s)
        self._session = requests.Session()
        # Certificates are always checked; a CA bundle pins a private authority.
        self._session.verify = ca_bundle or True
        self._session.headers.update(
            {
                "Authorization": f"Bearer {device_token}",
                "Accept": "application/json",
                "User-Agent": "gau-kiosk/0.1",
            }
        )

    def close(self) -> None:
        """Release pooled connections."""
        self._session.close()

    def __enter__(self) -> CentralClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- transport -------------------------------------------------------------------

    def _send(
        self,
        method: str,
        path: str,
        body: object = None,
        headers: Mapping[str, str] | None = None,
        timeout: tuple[float, float] | None = None,
    ) -> requests.Response:
        """One HTTP exchange; transport failures and error statuses become CentralErrors."""
        url = f"{self.base_url}{API_PREFIX}{path}"
        data = None
        all_headers = dict(headers or {})
        if body is not None:
            # Serialised here (not by requests) so a non-ASCII payload is sent compactly.
            data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
            all_headers["Content-Type"] = "application/json"
        try:
            response = self._session.request(
                method, url, data=data, headers=all_headers, timeout=timeout or self._timeout
            )
        except requests.exceptions.SSLError as exc:
            # Reachable but not trustworthy: a configuration fault, never "offline".
            raise BadResponse(f"{method} {path}: TLS verification failed ({exc})") from exc
        except requests.exceptions.Timeout as exc:
            raise Offline(f"{method} {path}: no reply in time ({exc})") from exc
        except requests.exceptions.ConnectionError as exc:
            # Refused before sending, or dropped after: the second may have reached the server
            # (a replay is safe: every write carries its idempotency key).
            cause = exc.args[0] if exc.args else None
            if isinstance(cause, urllib3.exceptions.ProtocolError):
                raise Offline(f"{method} {path}: connection lost before the reply ({exc})") from exc
            raise Offline(f"{method} {path}: cannot connect ({exc})") from exc
        except requests.exceptions.ChunkedEncodingError as exc:
            raise Offline(f"{method} {path}: connection lost during the reply ({exc})") from exc
        except requests.exceptions.RequestException as exc:
            raise BadResponse(f"{method} {path}: {exc}") from exc
        if response.status_code >= 500 or response.status_code in _RETRY_LATER_STATUSES:
            raise ServerFault(
                f"{method} {path}: HTTP {response.status_code} {_error_code(response)}",
                response.status_code,
            )
        if response.status_code >= 400:
            raise _rejection(method, path, response)
        return response

    def _json(self, method: str, path: str, response: requests.Response) -> object:
        content_type = response.headers.get("Content-Type", "")
        if "json" not in content_type:
            raise BadResponse(
                f"{method} {path}: expected JSON, got {content_type or 'no content type'}"
            )
        try:
            return response.json()
        except ValueError as exc:
            raise BadResponse(f"{method} {path}: malformed JSON ({exc})") from exc

    def _call(
        self,
        method: str,
        path: str,
        parse: Callable[[object], T],
        body: object = None,
        headers: Mapping[str, str] | None = None,
        expect: tuple[int, ...] = (200,),
    ) -> T:
        response = self._send(method, path, body, headers)
        if response.status_code not in expect:
            raise BadResponse(f"{method} {path}: unexpected HTTP {response.status_code}")
        return parse(self._json(method, path, response))

    # --- endpoints -------------------------------------------------------------------

    def health(self) -> Health:
        """GET /health (no device token needed, cheap: the offline probe)."""
        return self._call("GET", "/health", models.parse_health)

    def catalogue(self, etag: str | None = None) -> CatalogueOverrides | None:
        """GET /catalogue; None when the server says it has not changed since `etag`."""
        headers = {"If-None-Match": etag} if etag else None
        response = self._send("GET", "/catalogue", headers=headers)
        if response.status_code == 304:
            return None
        if response.status_code != 200:
            raise BadResponse(f"GET /catalogue: unexpected HTTP {response.status_code}")
        body = self._json("GET", "/catalogue", response)
        return models.parse_catalogue(body, response.headers.get("ETag"))

    def open_session(self, cin: str, pin: str) -> models.Session:
        """POST /sessions: sign a citizen in (InvalidCredentials, Locked on refusal)."""
        return self._call(
            "POST", "/sessions", models.parse_session, {"cin": cin, "pin": pin}, expect=(201,)
        )

    def close_session(self, session_token: str) -> None:
        """DELETE /sessions/current: sign the citizen out."""
        response = self._send(
            "DELETE", "/sessions/current", headers={"X-Session-Token": session_token}
        )
        if response.status_code not in (200, 204):
            raise BadResponse(f"DELETE /sessions/current: unexpected HTTP {response.status_code}")

    def list_requests(self, session_token: str) -> list[CertificateRequest]:
        """GET /requests: the citizen's requests, newest first."""
        return self._call(
            "GET", "/requests", models.parse_requests, headers={"X-Session-Token": session_token}
        )

    def submit_request(
        self,
        session_token: str,
        idempotency_key: str,
        service_code: str,
        language: str,
        notify_sms: bool,
        notify_email: bool,
    ) -> models.SubmittedRequest:
        """POST /requests; a replayed key returns the first result with created=False."""
        response = self._send(
            "POST",
            "/requests",
            {
                "service_code": service_code,
                "language": language,
                "notify_sms": notify_sms,
                "notify_email": notify_email,
            },
            headers={"X-Session-Token": session_token, "Idempotency-Key": idempotency_key},
        )
        if response.status_code not in (200, 201):
            raise BadResponse(f"POST /requests: unexpected HTTP {response.status_code}")
        body = models.Fields(self._json("POST", "/requests", response), "reply")
        request = models.parse_request(body.obj("request").raw)
        return models.SubmittedRequest(request, created=response.status_code == 201)

    def push_pre_requests(self, items: Sequence[Mapping[str, Any]]) -> list[BatchItemResult]:
        """POST /pre-requests/batch (1..500 items); one result per item, in order."""
        return self._push("/pre-requests/batch", items)

    def push_tickets(self, items: Sequence[Mapping[str, Any]]) -> list[BatchItemResult]:
        """POST /tickets/batch (1..500 items); one result per item, in order."""
        return self._push("/tickets/batch", items)

    def _push(self, path: str, items: Sequence[Mapping[str, Any]]) -> list[BatchItemResult]:
        if not 1 <= len(items) <= MAX_BATCH:
            raise ValueError(f"a batch holds 1 to {MAX_BATCH} items, not {len(items)}")
        keys = [str(item["idempotency_key"]) for item in items]
        return self._call(
            "POST",
            path,
            lambda raw: models.parse_batch_results(raw, keys),
            {"items": list(items)},
        )

    def lookup_application(self, kind: str, dossier_number: str, cin: str) -> ApplicationStatus:
        """POST /applications/lookup (NotFound for an unknown dossier or a wrong CIN)."""
        return self._call(
            "POST",
            "/applications/lookup",
            models.parse_application,
            {"kind": kind, "dossier_number": dossier_number, "cin": cin},
        )

    def allocate_ticket(
        self,
        idempotency_key: str,
        service_code: str,
        family: str,
        issued_at: datetime,
        language: str,
        timeout: tuple[float, float] | None = None,
    ) -> Ticket:
        """POST /tickets: the next number of the family, online; a replay gives the same one."""
        response = self._send(
            "POST",
            "/tickets",
            {
                "idempotency_key": idempotency_key,
                "service_code": service_code,
                "family": family,
                "issued_at": issued_at.isoformat(),
            },
            timeout=timeout,
        )
        if response.status_code not in (200, 201):
            raise BadResponse(f"POST /tickets: unexpected HTTP {response.status_code}")
        ticket = models.parse_ticket(
            self._json("POST", "/tickets", response),
            idempotency_key,
            service_code,
            issued_at,
            language,
        )
        if ticket.family != family:
            raise BadResponse(f"POST /tickets: asked for family {family}, got {ticket.family}")
        return ticket

    def lease_block(self, family: str, size: int) -> TicketBlock:
        """POST /ticket-blocks: reserve `size` (10..500) of today's numbers for offline use."""
        return self._call(
            "POST",
            "/ticket-blocks",
            models.parse_block,
            {"family": family, "size": size},
            expect=(201,),
        )

    def device(self) -> DeviceInfo:
        """GET /device: this kiosk as registered, with its own standalone number range."""
        return self._call("GET", "/device", models.parse_device)

    def queue_stats(self) -> QueueStats:
        """GET /queue-stats."""
        return self._call("GET", "/queue-stats", models.parse_queue_stats)

    def announcements(self) -> list[Announcement]:
        """GET /announcements."""
        return self._call("GET", "/announcements", models.parse_announcements)


def _error_body(response: requests.Response) -> Mapping[str, Any] | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, Mapping) else None


def _error_code(response: requests.Response) -> str:
    body = _error_body(response)
    return str(body.get("error", "")) if body else ""


def _rejection(method: str, path: str, response: requests.Response) -> Exception:
    """A 4xx as Rejected, or BadResponse if it is not the contract's error JSON.

    A 4xx page from a proxy or a wrong URL must not be taken as the server refusing
    the data: that would mark queued records failed for good.
    """
    body = _error_body(response)
    if body is None or "json" not in response.headers.get("Content-Type", ""):
        return BadResponse(
            f"{method} {path}: HTTP {response.status_code} without the API's error JSON"
        )
    error = body.get("error")
    if not isinstance(error, str):
        # FastAPI's own validation replies carry `detail` instead of `error`.
        error = f"http_{response.status_code}"
    message = body.get("message") or body.get("detail") or ""
    extras = {key: value for key, value in body.items() if key not in ("error", "message")}
    rejection_type = REJECTIONS.get(error, Rejected)
    log.info("%s %s rejected: %s %s", method, path, response.status_code, error)
    return rejection_type(response.status_code, error, str(message), extras)
