"""The sync engine: push the outbox exactly once, pull what the kiosk shows, lease numbers."""

from __future__ import annotations

import json
import logging
import random
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlite_utils

from offline_cache.clock import iso, parse_iso, utc_now
from offline_cache.database import open_cache, transaction
from offline_cache.guide import ETAG_KEY, OVERRIDES_KEY
from offline_cache.outbox import Outbox, OutboxItem, OutboxStatus
from offline_cache.pre_requests import PreRequestStore
from offline_cache.protocol import (
    BatchItemResult,
    CentralAPIProtocol,
    DeviceNotAuthorised,
    OutboxKind,
    PermanentError,
    TicketBlock,
    TransientError,
    Unreachable,
)
from offline_cache.retention import PurgeReport, purge_personal_data
from offline_cache.settings import Settings
from offline_cache.statuses import StatusStore
from offline_cache.tickets import TicketStore

log = logging.getLogger(__name__)

LAST_SUCCESS_KEY = "sync.last_success_at"
# Later than any stored retry time: "ignore the backoff, everything pending is due".
ALWAYS_DUE = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
MAX_BATCH = 500
# Per-record retry delays after a transient failure: doubling from 5 s up to 15 minutes.
ITEM_BACKOFF_BASE_S = 5.0
ITEM_BACKOFF_MAX_S = 900.0
# A batch the server keeps failing on (5xx, a broken reply) is split after this many failed
# tries, to find the record it chokes on; a record that has failed this many times, while
# the server took records of its kind queued after it, is set aside as failed so that it
# cannot hold back everything behind it. A server that fails on everything is down, not
# poisoned: then nothing is set aside.
SPLIT_AFTER_SERVER_FAULTS = 3
POISON_AFTER_SERVER_FAULTS = 5
# Cached dossier statuses are refreshed when older than this, a few per cycle.
STATUS_REFRESH_AGE = timedelta(minutes=15)
STATUS_REFRESH_PER_CYCLE = 20


class ConnectivityState(StrEnum):
    """What the screen shows about the link to the central server."""

    ONLINE = "online"
    OFFLINE = "offline"
    DEGRADED = "degraded"


@dataclass
class SyncReport:
    """What one cycle did, for `kiosk sync`, the logs and the connectivity indicator."""

    state: ConnectivityState = ConnectivityState.ONLINE
    pushed: int = 0
    duplicates: int = 0
    failed: int = 0
    rescheduled: int = 0
    catalogue_updated: bool = False
    queue_families: int = 0
    announcements: int = 0
    statuses_refreshed: int = 0
    blocks_leased: list[TicketBlock] = field(default_factory=list)
    purged: PurgeReport | None = None
    error: Exception | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def error_text(self) -> str | None:
        """The error that ended or degraded the cycle, as text for logs and technicians."""
        if self.error is not None:
            return f"{type(self.error).__name__}: {self.error}"
        return "; ".join(self.problems) or None


def item_backoff_s(attempts: int, rng: random.Random | None = None) -> float:
    """Delay before the next try of a record that failed `attempts` times (equal jitter)."""
    ceiling = min(ITEM_BACKOFF_MAX_S, ITEM_BACKOFF_BASE_S * 2.0 ** max(attempts - 1, 0))
    # Half fixed, half random: kiosks that lost the network together do not return together.
    return ceiling / 2 + (rng or random).uniform(0, ceiling / 2)


class SyncEngine:
    """One sync cycle at a time; each thread that runs it gets its own cache connection."""

    def __init__(
        self,
        db_path: str | Path,
        api: CentralAPIProtocol,
        zone: ZoneInfo,
        retention_days: int = 30,
        block_size: int = 50,
        block_low_water: int = 10,
        families: Sequence[str] = (),
        batch_size: int = MAX_BATCH,
        clock: Callable[[], datetime] = utc_now,
        should_stop: Callable[[], bool] = lambda: False,
    ) -> None:
        if not 1 <= batch_size <= MAX_BATCH:
            raise ValueError(f"batch_size must be 1..{MAX_BATCH}")
        self._db_path = Path(db_path)
        self._api = api
        self._zone = zone
        self._retention_days = retention_days
        self._block_size = block_size
        self._block_low_water = block_low_water
        self._families = tuple(families)
        self._batch_size = batch_size
        self._clock = clock
        # The worker replaces this so a stop request is honoured between batches.
        self.should_stop = should_stop
        self._local = threading.local()
        self._pushers: dict[str, Callable[[Sequence[Mapping[str, Any]]], list[BatchItemResult]]] = {
            OutboxKind.TICKET: api.push_tickets,
            OutboxKind.PRE_REQUEST: api.push_pre_requests,
        }

    # --- connection ------------------------------------------------------------------

    def db(self) -> sqlite_utils.Database:
        """This thread's connection; the first open also recovers rows a crash left in flight."""
        db: sqlite_utils.Database | None = getattr(self._local, "db", None)
        if db is None:
            db = open_cache(self._db_path)
            self._local.db = db
        return db

    def close(self) -> None:
        """Close this thread's connection."""
        db: sqlite_utils.Database | None = getattr(self._local, "db", None)
        if db is not None:
            db.conn.close()
            self._local.db = None

    # --- one cycle -------------------------------------------------------------------

    def probe(self) -> bool:
        """Is the server reachable and healthy? (cheap; used while offline)"""
        try:
            self._api.health()
        except (TransientError, PermanentError) as exc:
            log.debug("health probe failed: %s", exc)
            return False
        return True

    def run_once(self, retry_now: bool = False) -> SyncReport:
        """Push, pull, lease, purge. `retry_now` ignores record backoff (connectivity is back)."""
        db = self.db()
        report = SyncReport()
        try:
            self._push_all(db, report, retry_now)
            self._pull(db, report)
            self._lease_blocks(db, report)
        except DeviceNotAuthorised as exc:
            # Nothing is marked failed: the records are fine, the kiosk's credentials are not.
            report.state, report.error = ConnectivityState.DEGRADED, exc
            log.error("stopped: the server does not accept this kiosk's token (%s)", exc)
        except Unreachable as exc:
            report.state, report.error = ConnectivityState.OFFLINE, exc
            log.info("server unreachable (%s)", exc)
        except (TransientError, PermanentError) as exc:
            report.state, report.error = ConnectivityState.DEGRADED, exc
            log.warning("server trouble (%s)", exc)
        # Purging is local and must happen on offline days too.
        report.purged = purge_personal_data(db, self._clock(), self._retention_days)
        if report.state is ConnectivityState.ONLINE and report.problems:
            report.state = ConnectivityState.DEGRADED
        if report.state is ConnectivityState.ONLINE:
            with transaction(db):
                Settings(db).put(LAST_SUCCESS_KEY, iso(self._clock()))
        return report

    def last_success(self) -> datetime | None:
        """When a cycle last completed without trouble (kept across restarts)."""
        stamp = Settings(self.db()).get(LAST_SUCCESS_KEY)
        return parse_iso(stamp) if stamp else None

    def outbox_counts(self) -> dict[OutboxStatus, int]:
        """Rows per outbox status."""
        return Outbox(self.db()).counts()

    # --- push ------------------------------------------------------------------------

    def _push_all(self, db: sqlite_utils.Database, report: SyncReport, retry_now: bool) -> None:
        outbox = Outbox(db)
        for kind in outbox.due_kinds(self._due_before(retry_now)):
            if kind not in self._pushers:
                report.problems.append(f"no upload for outbox kind {kind!r}")
                continue
            while not self.should_stop():
                items = outbox.claim_batch(kind, self._batch_size, self._due_before(retry_now))
                if not items:
                    break
                self._send(outbox, kind, items, report)

    def _due_before(self, retry_now: bool) -> datetime:
        # Safe with retry_now: a reschedule always ends the cycle (the error is re-raised),
        # so a rescheduled row is never reclaimed by the loop that just gave it back.
        return ALWAYS_DUE if retry_now else self._clock()

    def _send(self, outbox: Outbox, kind: str, items: list[OutboxItem], report: SyncReport) -> None:
        try:
            results = self._pushers[kind]([item.payload for item in items])
        except PermanentError as exc:
            if not exc.blames_request:
                # The endpoint or the kiosk is refused, not these records: keep them all.
                self._reschedule(outbox, items, exc, report)
                raise
            # The whole batch was refused (e.g. one malformed item failed validation):
            # halve it until the culprit stands alone, so good records still get through.
            if len(items) == 1:
                outbox.mark_failed(items[0].idempotency_key, str(exc))
                report.failed += 1
                return
            middle = len(items) // 2
            halves = [items[:middle], items[middle:]]
            for index, half in enumerate(halves):
                try:
                    self._send(outbox, kind, half, report)
                except BaseException as problem:
                    rest = [item for later in halves[index + 1 :] for item in later]
                    self._reschedule(outbox, rest, problem, report)
                    raise
            return
        except TransientError as exc:
            if _server_side(exc) and _failed_repeatedly(items):
                self._isolate_server_faults(outbox, kind, items, exc, report)
                return
            if _server_side(exc) and len(items) == 1 and self._poisoned(outbox, items[0]):
                self._set_aside(outbox, items[0], exc, report)
                return
            self._reschedule(outbox, items, exc, report)
            raise
        except BaseException as exc:
            # Anything unexpected: back to pending with a later retry time.
            self._reschedule(outbox, items, exc, report)
            raise
        self._apply_results(outbox, kind, results, report)

    def _isolate_server_faults(
        self,
        outbox: Outbox,
        kind: str,
        items: list[OutboxItem],
        first_error: TransientError,
        report: SyncReport,
    ) -> None:
        """Send the batch in ever smaller parts to find the records the server fails on.

        Parts that go through are marked done at once. Records that still fail alone are
        suspects: if anything else went through in this cycle, the server is working and
        a suspect that failed often enough is set aside; if nothing did, the server is
        simply down and everything goes back to pending.
        """
        pending: list[list[OutboxItem]] = [items[: len(items) // 2], items[len(items) // 2 :]]
        suspects: list[tuple[OutboxItem, TransientError]] = []
        progressed = False
        while pending and not self.should_stop():
            part = pending.pop(0)
            try:
                results = self._pushers[kind]([item.payload for item in part])
            except TransientError as exc:
                if not _server_side(exc):
                    self._reschedule(outbox, [*part, *_flatten(pending)], exc, report)
                    self._reschedule_suspects(outbox, suspects, report)
                    raise
                if len(part) == 1:
                    suspects.append((part[0], exc))
                else:
                    pending[:0] = [part[: len(part) // 2], part[len(part) // 2 :]]
                continue
            except PermanentError:
                # A part refused as malformed: the refusal path finds the bad record.
                try:
                    self._send(outbox, kind, part, report)
                except BaseException as exc:
                    self._reschedule(outbox, _flatten(pending), exc, report)
                    self._reschedule_suspects(outbox, suspects, report)
                    raise
                progressed = True
                continue
            except BaseException as exc:
                self._reschedule(outbox, [*part, *_flatten(pending)], exc, report)
                self._reschedule_suspects(outbox, suspects, report)
                raise
            self._apply_results(outbox, kind, results, report)
            progressed = True
        self._reschedule(outbox, _flatten(pending), first_error, report)
        if not progressed:
            self._reschedule_suspects(outbox, suspects, report)
            raise first_error
        for item, error in suspects:
            if self._poisoned(outbox, item):
                self._set_aside(outbox, item, error, report)
            else:
                self._reschedule(outbox, [item], error, report)

    @staticmethod
    def _poisoned(outbox: Outbox, item: OutboxItem) -> bool:
        """Failed often enough, alone, while the server took records queued after it."""
        return item.attempts + 1 >= POISON_AFTER_SERVER_FAULTS and outbox.accepted_after(item)

    @staticmethod
    def _set_aside(
        outbox: Outbox, item: OutboxItem, error: TransientError, report: SyncReport
    ) -> None:
        reason = f"server_error_repeated: {type(error).__name__}: {error}"[:500]
        outbox.mark_failed(item.idempotency_key, reason)
        report.failed += 1
        report.problems.append(
            f"record {item.idempotency_key} set aside: the server failed on it "
            f"{item.attempts + 1} times while it took later records"
        )
        log.error("record %s set aside (%s)", item.idempotency_key, reason)

    def _reschedule_suspects(
        self,
        outbox: Outbox,
        suspects: list[tuple[OutboxItem, TransientError]],
        report: SyncReport,
    ) -> None:
        for item, error in suspects:
            self._reschedule(outbox, [item], error, report)

    def _apply_results(
        self, outbox: Outbox, kind: str, results: list[BatchItemResult], report: SyncReport
    ) -> None:
        accepted = [result.idempotency_key for result in results if result.status != "rejected"]
        db = self.db()
        with transaction(db):
            outbox.mark_done(accepted, self._clock())
            if kind == OutboxKind.PRE_REQUEST:
                # In the same transaction: a pre-request is never done without the server's
                # reference, which the kiosk then shows in place of its own PR- one.
                PreRequestStore(db).record_server_references(results)
        for result in results:
            if result.status == "created":
                report.pushed += 1
            elif result.status == "duplicate":
                report.duplicates += 1
            else:
                outbox.mark_failed(result.idempotency_key, result.reason or "rejected")
                report.failed += 1

    def _reschedule(
        self,
        outbox: Outbox,
        items: Iterable[OutboxItem],
        error: BaseException,
        report: SyncReport,
    ) -> None:
        by_attempts: dict[int, list[str]] = {}
        for item in items:
            by_attempts.setdefault(item.attempts + 1, []).append(item.idempotency_key)
        now = self._clock()
        reason = f"{type(error).__name__}: {error}"[:500]
        for attempts, keys in by_attempts.items():
            outbox.reschedule(keys, reason, now + timedelta(seconds=item_backoff_s(attempts)))
            report.rescheduled += len(keys)

    # --- pull ------------------------------------------------------------------------

    def _pull(self, db: sqlite_utils.Database, report: SyncReport) -> None:
        steps: tuple[Callable[[sqlite_utils.Database, SyncReport], None], ...] = (
            self._pull_device,
            self._pull_catalogue,
            self._pull_queue_stats,
            self._pull_announcements,
            self._refresh_statuses,
        )
        for step in steps:
            if self.should_stop():
                return
            try:
                step(db, report)
            except DeviceNotAuthorised:
                raise
            except PermanentError as exc:
                # One refused pull (an endpoint this server lacks, say) must not stop the rest.
                report.problems.append(f"{step.__name__.strip('_')}: {exc}")

    def _pull_device(self, db: sqlite_utils.Database, report: SyncReport) -> None:
        # The server gives each kiosk of an annex its own standalone range, so two kiosks
        # without blocks can never print the same number; keep it for the next outage.
        device = self._api.device()
        tickets = TicketStore(db)
        if tickets.assigned_range() != (device.standalone_start, device.standalone_end):
            with transaction(db):
                tickets.assign_range(device.standalone_start, device.standalone_end)

    def _pull_catalogue(self, db: sqlite_utils.Database, report: SyncReport) -> None:
        settings = Settings(db)
        overrides = self._api.catalogue(settings.get(ETAG_KEY))
        if overrides is None:
            return
        with transaction(db):
            settings.put(OVERRIDES_KEY, json.dumps(overrides.as_json(), ensure_ascii=False))
            if overrides.etag:
                settings.put(ETAG_KEY, overrides.etag)
        report.catalogue_updated = True

    def _pull_queue_stats(self, db: sqlite_utils.Database, report: SyncReport) -> None:
        stats = self._api.queue_stats()
        stamp = iso(self._clock())
        with transaction(db) as conn:
            conn.execute("DELETE FROM queue_stats")
            conn.executemany(
                "INSERT INTO queue_stats (family, waiting, avg_handling_s, open_counters, "
                "fetched_at) VALUES (?, ?, ?, ?, ?)",
                [
                    (row.family, row.waiting, row.avg_handling_s, row.open_counters, stamp)
                    for row in stats.families
                ],
            )
        report.queue_families = len(stats.families)

    def _pull_announcements(self, db: sqlite_utils.Database, report: SyncReport) -> None:
        announcements = self._api.announcements()
        stamp = iso(self._clock())
        with transaction(db) as conn:
            conn.execute("DELETE FROM announcements")
            conn.executemany(
                "INSERT INTO announcements (id, data, fetched_at) VALUES (?, ?, ?)",
                [
                    (
                        item.id,
                        json.dumps(
                            {
                                "id": item.id,
                                "text": dict(item.text),
                                "starts_at": item.starts_at and iso(item.starts_at),
                                "ends_at": item.ends_at and iso(item.ends_at),
                            },
                            ensure_ascii=False,
                        ),
                        stamp,
                    )
                    for item in announcements
                ],
            )
        report.announcements = len(announcements)

    def _refresh_statuses(self, db: sqlite_utils.Database, report: SyncReport) -> None:
        store = StatusStore(db)
        now = self._clock()
        stale = [status for status in store.all() if now - status.fetched_at > STATUS_REFRESH_AGE]
        for cached in stale[:STATUS_REFRESH_PER_CYCLE]:
            try:
                fresh = self._api.lookup_application(cached.kind, cached.dossier_number, cached.cin)
            except DeviceNotAuthorised:
                raise
            except PermanentError:
                continue  # e.g. not found any more: keep what the citizen last saw
            store.save(replace(cached, data=fresh.as_json(), fetched_at=self._clock()))
            report.statuses_refreshed += 1

    # --- number blocks ---------------------------------------------------------------

    def _lease_blocks(self, db: sqlite_utils.Database, report: SyncReport) -> None:
        tickets = TicketStore(db)
        today = self._clock().astimezone(self._zone).date()
        for family in self._families_for(db, today):
            if self.should_stop():
                return
            if tickets.remaining_in_blocks(today, family) >= self._block_low_water:
                continue
            block = self._api.lease_block(family, self._block_size)
            with transaction(db):
                tickets.add_block(block, self._clock())
            report.blocks_leased.append(block)

    def _families_for(self, db: sqlite_utils.Database, today: date) -> list[str]:
        rows = db.conn.execute(
            "SELECT DISTINCT family FROM tickets WHERE business_day = ?", (today.isoformat(),)
        ).fetchall()
        return sorted({*self._families, *(row[0] for row in rows)})


def _server_side(error: TransientError) -> bool:
    """A 5xx or a broken reply: the server was reached and failed (not a network outage)."""
    return not isinstance(error, Unreachable)


def _failed_repeatedly(items: list[OutboxItem]) -> bool:
    return len(items) > 1 and min(item.attempts for item in items) + 1 >= SPLIT_AFTER_SERVER_FAULTS


def _flatten(parts: list[list[OutboxItem]]) -> list[OutboxItem]:
    return [item for part in parts for item in part]


@dataclass(frozen=True)
class ConnectivitySnapshot:
    """What the UI shows about sync; immutable, so it can cross threads safely."""

    state: ConnectivityState
    last_success_at: datetime | None
    outbox_pending: int
    outbox_failed: int
    last_error: str | None = None
    last_report: SyncReport | None = None


Listener = Callable[[ConnectivitySnapshot], None]


class SyncWorker:
    """Runs the engine in a background thread: every interval, and at once when the link returns.

    Listeners are called on the worker thread; a UI must hop to its own thread itself.
    """

    def __init__(
        self,
        engine: SyncEngine,
        interval_s: float,
        probe_interval_s: float = 5.0,
        max_backoff_s: float = 600.0,
    ) -> None:
        self._engine = engine
        engine.should_stop = self.stop_requested
        self._interval_s = interval_s
        self._probe_interval_s = min(probe_interval_s, interval_s)
        self._max_backoff_s = max(max_backoff_s, interval_s)
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._listeners: list[Listener] = []
        self._snapshot = ConnectivitySnapshot(ConnectivityState.OFFLINE, None, 0, 0)
        self._thread: threading.Thread | None = None
        self._cycles = 0
        self._cycle_done = threading.Condition(self._lock)

    def stop_requested(self) -> bool:
        """True once stop() was called (the engine checks it between batches)."""
        return self._stop.is_set()

    def snapshot(self) -> ConnectivitySnapshot:
        """The latest state, thread-safe."""
        with self._lock:
            return self._snapshot

    def known_offline(self) -> bool:
        """True only once a cycle or probe found the server unreachable (not before the first)."""
        snapshot = self.snapshot()
        return snapshot.state is ConnectivityState.OFFLINE and self._cycles > 0

    def add_listener(self, listener: Listener) -> Callable[[], None]:
        """Call `listener` with each new snapshot; returns a function that unsubscribes it."""
        with self._lock:
            self._listeners.append(listener)

        def remove() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return remove

    def start(self) -> None:
        """Start the thread; the first cycle runs at once."""
        if self._thread is not None:
            raise RuntimeError("the sync worker is already started")
        self._thread = threading.Thread(target=self._run, name="sync-worker", daemon=True)
        self._thread.start()

    def trigger(self) -> None:
        """Run a cycle now (e.g. the technician pressed "sync", or a record was queued)."""
        self._wake.set()

    def stop(self, timeout_s: float = 2.0) -> bool:
        """Ask the thread to finish and wait for it; True if it ended in time.

        A request already on the wire is not interrupted: the wait is bounded by the
        read timeout at worst, but the engine stops between batches and steps.
        """
        self._stop.set()
        self._wake.set()
        if self._thread is None:
            return True
        self._thread.join(timeout_s)
        return not self._thread.is_alive()

    def wait_for_cycles(self, count: int, timeout_s: float) -> bool:
        """Block until `count` cycles in total have finished (for tests and the CLI)."""
        with self._cycle_done:
            return self._cycle_done.wait_for(lambda: self._cycles >= count, timeout_s)

    # --- the thread ------------------------------------------------------------------

    def _run(self) -> None:
        failures = 0
        retry_now = False
        try:
            self._publish(self._snapshot.state, None, None)
            while not self._stop.is_set():
                report = self._cycle(retry_now)
                retry_now = False
                if report.state is ConnectivityState.ONLINE:
                    failures = 0
                    self._sleep(self._interval_s)
                elif report.state is ConnectivityState.OFFLINE:
                    # Probe cheaply until the server answers, then sync at once.
                    while not self._stop.is_set() and not self._sleep(self._probe_interval_s):
                        if self._engine.probe():
                            break
                    retry_now = True
                else:
                    failures += 1
                    self._sleep(self._degraded_wait(failures))
        finally:
            self._engine.close()

    def _cycle(self, retry_now: bool) -> SyncReport:
        try:
            report = self._engine.run_once(retry_now=retry_now)
        except Exception as exc:  # a bug must not kill the kiosk's only sync thread
            log.exception("sync cycle crashed")
            report = SyncReport(state=ConnectivityState.DEGRADED, error=exc)
        self._publish(report.state, report.error_text, report)
        with self._cycle_done:
            self._cycles += 1
            self._cycle_done.notify_all()
        return report

    def _degraded_wait(self, failures: int) -> float:
        ceiling = min(self._max_backoff_s, self._interval_s * 2.0 ** (failures - 1))
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    def _sleep(self, seconds: float) -> bool:
        """Wait `seconds` or until woken; True if woken (trigger or stop)."""
        woken = self._wake.wait(seconds)
        self._wake.clear()
        return woken

    def _publish(
        self, state: ConnectivityState, error: str | None, report: SyncReport | None
    ) -> None:
        try:
            counts = self._engine.outbox_counts()
            last_success = self._engine.last_success()
        except Exception:  # the cache is busy or broken: still tell the UI the state
            log.exception("cannot read the outbox for the connectivity snapshot")
            counts, last_success = {}, self._snapshot.last_success_at
        snapshot = ConnectivitySnapshot(
            state=state,
            last_success_at=last_success,
            outbox_pending=counts.get(OutboxStatus.PENDING, 0)
            + counts.get(OutboxStatus.IN_FLIGHT, 0),
            outbox_failed=counts.get(OutboxStatus.FAILED, 0),
            last_error=error,
            last_report=report,
        )
        with self._lock:
            self._snapshot = snapshot
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(snapshot)
            except Exception:
                log.exception("a connectivity listener failed")
