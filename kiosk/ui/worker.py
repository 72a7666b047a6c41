"""Blocking work (HTTP, printing, SQLite) off the UI thread; results come back on the clock."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from kivy.clock import Clock

from kiosk.services.front_desk import FrontDesk

log = logging.getLogger(__name__)
T = TypeVar("T")


class Worker:
    """One background thread with its own front desk (its cache connection is thread-bound).

    One thread is enough for a kiosk that serves one citizen at a time, and it keeps the
    order of a journey's steps; the sync worker runs on a thread of its own.
    """

    def __init__(self, open_front_desk: Callable[[], FrontDesk]) -> None:
        self._open_front_desk = open_front_desk
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-worker")
        self._local = threading.local()
        # Set once the app stops: an answer arriving then has no screen to draw on (its
        # widgets' rules read the running app, which is gone) and is dropped.
        self._stopped = threading.Event()

    def _desk(self) -> FrontDesk:
        desk: FrontDesk | None = getattr(self._local, "desk", None)
        if desk is None:
            desk = self._open_front_desk()
            self._local.desk = desk
        return desk

    def run(
        self,
        job: Callable[[FrontDesk], T],
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        """Run `job(desk)` on the worker; `on_done(result)` or `on_error(exc)` on the UI thread."""

        def task() -> None:
            try:
                result = job(self._desk())
            except BaseException as exc:  # reported on the UI thread, never lost
                log.warning("background job failed: %s: %s", type(exc).__name__, exc)
                self._forget_desk()
                self._deliver(lambda error=exc: on_error(error))
                return
            self._deliver(lambda: on_done(result))

        try:
            self._pool.submit(task)
        except RuntimeError:
            # Shut down: the app is stopping, and a clock tick still asked for work.
            log.info("worker stopped: a late job was dropped")

    def _deliver(self, answer: Callable[[], None]) -> None:
        def on_ui_thread(_dt: float) -> None:
            if self._stopped.is_set():
                log.info("app stopped: a late answer was dropped")
                return
            answer()

        Clock.schedule_once(on_ui_thread)

    def _forget_desk(self) -> None:
        # After a cache fault the connection may be unusable; the next job opens a new desk.
        desk: FrontDesk | None = getattr(self._local, "desk", None)
        if desk is not None:
            desk.close()
            self._local.desk = None

    def shutdown(self) -> None:
        """Finish the job in hand, then stop; answers not yet delivered are dropped."""
        self._stopped.set()
        self._pool.shutdown(wait=True)
