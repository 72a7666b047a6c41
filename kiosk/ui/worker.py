"""Blocking work (HTTP, printing, SQLite) off the UI thread; results come back on the clock."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import sqlite_utils
from kivy.clock import Clock

from offline_cache.database import open_cache

log = logging.getLogger(__name__)
T = TypeVar("T")


class Worker:
    """One background thread with its own cache connection (connections are thread-bound).

    One thread is enough for a kiosk that serves one citizen at a time, and it keeps the
    order of a journey's steps; the sync worker runs on a thread of its own.
    """

    def __init__(self, cache_path: str) -> None:
        self._cache_path = cache_path
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-worker")
        self._local = threading.local()

    def _db(self) -> sqlite_utils.Database:
        db: sqlite_utils.Database | None = getattr(self._local, "db", None)
        if db is None:
            db = open_cache(self._cache_path)
            self._local.db = db
        return db

    def run(
        self,
        job: Callable[[sqlite_utils.Database], T],
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        """Run `job(db)` on the worker; `on_done(result)` or `on_error(exc)` on the UI thread."""

        def task() -> None:
            try:
                result = job(self._db())
            except BaseException as exc:  # reported on the UI thread, never lost
                log.warning("background job failed: %s: %s", type(exc).__name__, exc)
                self._forget_connection()
                Clock.schedule_once(lambda _dt, error=exc: on_error(error))
                return
            Clock.schedule_once(lambda _dt: on_done(result))

        try:
            self._pool.submit(task)
        except RuntimeError:
            # Shut down: the app is stopping, and a clock tick still asked for work.
            log.info("worker stopped: a late job was dropped")

    def _forget_connection(self) -> None:
        # After a cache fault the connection may be unusable; the next job opens a new one.
        db: sqlite_utils.Database | None = getattr(self._local, "db", None)
        if db is not None:
            db.conn.close()
            self._local.db = None

    def shutdown(self) -> None:
        """Finish the job in hand, then stop."""
        self._pool.shutdown(wait=True)
