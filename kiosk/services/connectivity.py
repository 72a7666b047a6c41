"""The kiosk side of the link to the central server: online ticket numbers and a health check."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from kiosk.central import CentralClient, CentralError
from offline_cache.protocol import Ticket

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


def server_health(
    client: CentralClient, now: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> tuple[bool, str]:
    """Reachable, device token accepted, clocks agree: (ok, detail for a technician)."""
    try:
        health = client.health()
    except CentralError as exc:
        return False, f"{client.base_url} unreachable or unhealthy: {exc}"
    skew = (now() - health.time).total_seconds()
    try:
        client.queue_stats()  # any authenticated call proves the device token works
    except CentralError as exc:
        return False, f"{client.base_url} reachable but refuses this kiosk: {exc}"
    if abs(skew) > MAX_CLOCK_SKEW_S:
        return False, (
            f"{client.base_url}: the kiosk clock is {skew:+.0f} s off the server's "
            f"(limit {MAX_CLOCK_SKEW_S:.0f} s); fix the time (NTP) on this box"
        )
    return True, f"{client.base_url} ok, API v{health.api_version}, clock skew {skew:+.1f} s"
