"""The kiosk side of the link to the central server: online ticket numbers and a health check."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from kiosk.central import CentralClient, CentralError, InvalidDevice
from offline_cache.protocol import DeviceInfo, Ticket

log = logging.getLogger(__name__)

# A citizen is waiting at the screen: give the server little time before numbering locally.
ALLOCATION_TIMEOUT_S = (1.0, 2.0)
# Beyond this difference between the kiosk's clock and the server's, tickets and receipts
# would carry wrong times and business days: the doctor reports a fault.
MAX_CLOCK_SKEW_S = 120.0


class ServerTicketAllocator:
    """`OnlineAllocator` for TicketService: the server's next number, or None to number locally."""

    def __init__(
        self,
        client: CentralClient,
        is_offline: Callable[[], bool] = lambda: False,
        timeout: tuple[float, float] = ALLOCATION_TIMEOUT_S,
    ) -> None:
        self._client = client
        self._is_offline = is_offline
        self._timeout = timeout

    def __call__(
        self,
        idempotency_key: str,
        service_code: str,
        family: str,
        issued_at: datetime,
        language: str,
    ) -> Ticket | None:
        """Ask the server; any failure (offline, 5xx, bad reply, refusal) means "not now".

        A timeout is ambiguous: the server may still allocate a number for this key after we
        stopped waiting. That is safe: the kiosk numbers the ticket itself under the same key,
        and its upload supersedes the server's allocation (docs/sync.md, "Ticket numbers").
        """
        if self._is_offline():
            # The sync worker already knows the server is unreachable: do not make the
            # citizen wait for a connect timeout.
            return None
        try:
            return self._client.allocate_ticket(
                idempotency_key, service_code, family, issued_at, language, timeout=self._timeout
            )
        except CentralError as exc:
            log.info("online ticket numbering unavailable, numbering locally: %s", exc)
            return None


class ServerState(StrEnum):
    """How the link to the central server stands, for the doctor and technician mode."""

    NOT_CONFIGURED = "not_configured"  # [server] url is empty: a standalone kiosk
    NO_DEVICE_TOKEN = "no_device_token"  # the token file is missing or not a token
    UNREACHABLE = "unreachable"  # no answer to /health, or not a healthy one
    DEVICE_REFUSED = "device_refused"  # reachable, but 401 to this kiosk's token
    FAULTY = "faulty"  # reachable, but GET /device failed otherwise (5xx, bad reply)
    CLOCK_SKEW = "clock_skew"  # everything answers, but the clocks disagree
    OK = "ok"


@dataclass(frozen=True)
class ServerCheck:
    """The outcome of checking the server; `detail` is one line for a technician."""

    state: ServerState
    detail: str
    api_version: int | None = None
    clock_skew_s: float | None = None
    device: DeviceInfo | None = None  # who the server says this kiosk is, when it answered

    @property
    def ok(self) -> bool:
        """Reachable, token accepted, clocks agree (a standalone kiosk is ok too)."""
        return self.state in (ServerState.OK, ServerState.NOT_CONFIGURED)

    @property
    def reachable(self) -> bool:
        """The server answered /health."""
        return self.state in (
            ServerState.DEVICE_REFUSED,
            ServerState.FAULTY,
            ServerState.CLOCK_SKEW,
            ServerState.OK,
        )

    @property
    def device_accepted(self) -> bool:
        """GET /device answered with this kiosk's token."""
        return self.device is not None


def check_server_link(
    client: CentralClient, now: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> ServerCheck:
    """Reachable (GET /health), device token accepted (GET /device), clocks agree."""
    try:
        health = client.health()
    except CentralError as exc:
        return ServerCheck(
            ServerState.UNREACHABLE, f"{client.base_url} unreachable or unhealthy: {exc}"
        )
    skew = (now() - health.time).total_seconds()
    try:
        device = client.device()  # an authenticated call proves the device token works
    except InvalidDevice as exc:
        return ServerCheck(
            ServerState.DEVICE_REFUSED,
            f"{client.base_url} reachable but refuses this kiosk: {exc}",
            health.api_version,
            skew,
        )
    except CentralError as exc:
        return ServerCheck(
            ServerState.FAULTY,
            f"{client.base_url} reachable but GET /device failed: {exc}",
            health.api_version,
            skew,
        )
    if abs(skew) > MAX_CLOCK_SKEW_S:
        return ServerCheck(
            ServerState.CLOCK_SKEW,
            f"{client.base_url}: the kiosk clock is {skew:+.0f} s off the server's "
            f"(limit {MAX_CLOCK_SKEW_S:.0f} s); fix the time (NTP) on this box",
            health.api_version,
            skew,
            device,
        )
    return ServerCheck(
        ServerState.OK,
        f"{client.base_url} ok, API v{health.api_version}, clock skew {skew:+.1f} s",
        health.api_version,
        skew,
        device,
    )
