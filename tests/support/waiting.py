"""Waiting for a condition with a deadline, where no event exists to wait on."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(
    probe: Callable[[], T | None], deadline_s: float, interval_s: float = 0.05
) -> T | None:
    """Call `probe` until it returns something truthy (returned) or the deadline passes (None).

    Only for what no event can signal: another process's commit, a lock that expires with
    the clock. Within this process, wait on a threading.Event or Condition instead.
    """
    end = time.monotonic() + deadline_s
    while True:
        found = probe()
        if found:
            return found
        if time.monotonic() >= end:
            return None
        time.sleep(interval_s)
