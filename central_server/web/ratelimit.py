"""A per-address token bucket for the public pages: a scanner of references gets a polite 429."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request

# Beyond this many remembered addresses, full buckets (idle addresses) are forgotten.
_MAX_TRACKED = 10_000


class TooManyRequests(Exception):
    """The address asked too often; it may try again after `retry_after_s`."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"rate limited for {retry_after_s} s")
        self.retry_after_s = retry_after_s


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """`per_minute` requests a minute per address on average, with bursts up to `burst`.

    A phone reloading a tracking page is far below it; a script walking through references
    is stopped before it learns much (references are also unguessable, see docs/api.md).
    """

    def __init__(
        self, per_minute: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate_per_s = per_minute / 60.0
        self.burst = burst
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def take(self, address: str) -> None:
        """Spend one request of `address`'s allowance, or raise TooManyRequests."""
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(address)
            if bucket is None:
                if len(self._buckets) >= _MAX_TRACKED:
                    self._forget_idle(now)
                bucket = self._buckets[address] = _Bucket(float(self.burst), now)
            bucket.tokens = min(
                self.burst, bucket.tokens + (now - bucket.updated) * self.rate_per_s
            )
            bucket.updated = now
            if bucket.tokens < 1.0:
                raise TooManyRequests(math.ceil((1.0 - bucket.tokens) / self.rate_per_s))
            bucket.tokens -= 1.0

    def _forget_idle(self, now: float) -> None:
        full_after_s = self.burst / self.rate_per_s
        self._buckets = {
            address: bucket
            for address, bucket in self._buckets.items()
            if now - bucket.updated < full_after_s
        }


def page_rate_limit(request: Request) -> None:
    """FastAPI dependency of the public pages: one token from the caller's address."""
    limiter: RateLimiter = request.app.state.page_limiter
    limiter.take(request.client.host if request.client else "unknown")
