"""Health checks for `kiosk doctor`: configuration, cache, disk, clock, server, devices."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path

import sqlite_utils

from device_drivers.errors import PrinterFault
from device_drivers.printer import Printer
from device_drivers.scanner import probe as probe_scanner
from device_drivers.status import PrinterStatus
from kiosk.central import CentralClient, DeviceTokenError
from kiosk.config import Config, ConfigError
from kiosk.domain.catalogue import CatalogueError, packaged_catalogue
from kiosk.domain.tracking import TrackingProblem, tracking_problem
from kiosk.services.connectivity import (
    MAX_CLOCK_SKEW_S,
    ServerCheck,
    ServerState,
    check_server_link,
)
from kiosk.services.printing import printer_from_config
from kiosk.services.wiring import build_client
from offline_cache.clock import parse_iso, utc_now
from offline_cache.database import (
    CacheDamaged,
    CacheError,
    CacheFull,
    CacheReadOnly,
    cache_error,
    open_cache,
    open_cache_readonly,
    schema_version,
)
from offline_cache.migrations import LATEST_VERSION
from offline_cache.outbox import Outbox, OutboxStatus
from offline_cache.settings import Settings
from offline_cache.sync import LAST_SUCCESS_KEY

# This version's release. A clock reading earlier is certainly wrong (a flat RTC battery
# boots to 1970 or 2000), and so is one decades later: ticket days, lease expiries and
# receipts would all carry it. Move it forward with each release.
RELEASE_DATE = date(2026, 11, 1)
LATEST_PLAUSIBLE_YEAR = RELEASE_DATE.year + 30

# Free space on the cache's disk: SQLite needs room for its write-ahead log and a
# migration's copy, and the journal and printed captures usually share the disk.
DISK_WARN_BELOW_BYTES = 256 * 1024 * 1024
DISK_FAULT_BELOW_BYTES = 32 * 1024 * 1024

# Records waiting this long mean the sync has not gone through for a while (warning); a
# day means citizens' pre-requests and the annex's ticket counts are a day behind (fault).
BACKLOG_WARN_AFTER = timedelta(hours=1)
BACKLOG_FAULT_AFTER = timedelta(hours=24)


class Status(StrEnum):
    """How one check came out: a fault makes `kiosk doctor` exit non-zero, a warning does not."""

    OK = "ok"
    WARN = "warn"
    FAULT = "fault"


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check, worded for a technician; `advice` says what to do."""

    name: str
    status: Status
    message: str
    advice: str = ""

    @property
    def ok(self) -> bool:
        """No fault (a warning is ok: the kiosk works, something deserves a look)."""
        return self.status is not Status.FAULT

    @property
    def detail(self) -> str:
        """The message and the advice on one line."""
        return f"{self.message}; {self.advice}" if self.advice else self.message

    def as_json(self) -> dict[str, str]:
        """The machine-readable form `kiosk doctor --json` prints."""
        return {
            "name": self.name,
            "status": self.status.value,
            "message": self.message,
            "advice": self.advice,
        }


def _one_line(text: str) -> str:
    return " ".join(text.split())


def check_config(config: Config) -> CheckResult:
    """The configuration loaded (it was validated when read)."""
    return CheckResult("config", Status.OK, f"loaded from {config.source}")


def check_catalogue(config: Config) -> CheckResult:
    """The packaged guide of procedures parses."""
    try:
        catalogue = packaged_catalogue()
    except (CatalogueError, OSError, ValueError) as exc:
        return CheckResult(
            "catalogue",
            Status.FAULT,
            _one_line(str(exc)),
            "reinstall the kiosk package: its guide of procedures is damaged",
        )
    return CheckResult(
        "catalogue",
        Status.OK,
        f"{len(catalogue.services)} services in {len(catalogue.families)} families",
    )


def _open_for_checks(config: Config) -> sqlite_utils.Database:
    """The cache, migrated if it can be written; else opened read-only (read-only media)."""
    try:
        return open_cache(config.cache.path)
    except CacheReadOnly:
        return open_cache_readonly(config.cache.path)


def _unreadable(name: str, exc: Exception) -> CheckResult:
    """A check that could not open the cache: the fault and its advice from the cache layer."""
    fault = cache_error(exc) if isinstance(exc, sqlite3.Error) else exc
    advice = fault.advice if isinstance(fault, CacheError) else "check [cache] path"
    return CheckResult(name, Status.FAULT, _one_line(str(fault)), advice)


def check_cache(config: Config) -> CheckResult:
    """The cache opens, is intact and is at the latest schema."""
    try:
        db = _open_for_checks(config)
        try:
            problems = [row[0] for row in db.conn.execute("PRAGMA integrity_check(20)")]
            version = schema_version(db)
        finally:
            db.conn.close()
    except (CacheError, sqlite3.Error, OSError) as exc:
        return _unreadable("cache", exc)
    if problems != ["ok"]:
        return CheckResult(
            "cache",
            Status.FAULT,
            f"{config.cache.path}: damaged ({len(problems)} problems, first: "
            f"{_one_line(problems[0])[:120]})",
            CacheDamaged.advice,
        )
    if version != LATEST_VERSION:
        return CheckResult(
            "cache",
            Status.FAULT,
            f"{config.cache.path}: schema {version}, this kiosk needs {LATEST_VERSION}",
            "make [cache] path writable by the kiosk user: the kiosk updates it when it starts",
        )
    return CheckResult("cache", Status.OK, f"{config.cache.path}: intact, schema {version}")


def _existing_ancestor(path: Path) -> Path:
    """The nearest folder that exists: the cache may not have been created yet."""
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path("/")


def _size(count: int) -> str:
    for unit, scale in (("GiB", 1024**3), ("MiB", 1024**2)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count // 1024} KiB"


def check_disk(config: Config) -> CheckResult:
    """Free space on the filesystem that holds the cache."""
    folder = _existing_ancestor(Path(config.cache.path).parent)
    try:
        stats = os.statvfs(folder)
    except OSError as exc:
        return CheckResult(
            "disk", Status.FAULT, f"{folder}: cannot read free space ({exc.strerror})", ""
        )
    free = stats.f_bavail * stats.f_frsize
    total = stats.f_blocks * stats.f_frsize
    message = f"{_size(free)} free of {_size(total)} on the disk of {folder}"
    advice = (
        f"free space on that disk (old journal files: journalctl --vacuum-size=100M; "
        f"printed captures), or move [cache] path to a larger disk; {CacheFull.advice}"
    )
    if free < DISK_FAULT_BELOW_BYTES:
        return CheckResult(
            "disk", Status.FAULT, f"{message}: nearly full, the next record may fail", advice
        )
    if free < DISK_WARN_BELOW_BYTES:
        return CheckResult(
            "disk", Status.WARN, f"{message}: below {_size(DISK_WARN_BELOW_BYTES)}", advice
        )
    return CheckResult("disk", Status.OK, message)


def check_outbox(config: Config) -> CheckResult:
    """No record the server refused: each one needs a technician (a number clash, say)."""
    try:
        db = _open_for_checks(config)
        try:
            failed = Outbox(db).items([OutboxStatus.FAILED])
        finally:
            db.conn.close()
    except (CacheError, sqlite3.Error, OSError) as exc:
        return _unreadable("outbox", exc)
    if not failed:
        return CheckResult("outbox", Status.OK, "no record refused by the server")
    reasons = sorted({item.last_error or "unknown" for item in failed})
    return CheckResult(
        "outbox",
        Status.FAULT,
        f"{len(failed)} record(s) refused by the server ({', '.join(reasons)[:200]})",
        "`kiosk outbox list` shows them (masked); a number clash means two citizens hold "
        "one number: tell the counter staff; `kiosk outbox export` keeps them for the "
        "central administrator",
    )


def _age(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours / 24:.1f} days" if hours >= 48 else f"{hours:.1f} h"


def check_backlog(config: Config, now: Callable[[], datetime] = utc_now) -> CheckResult:
    """Records waiting to be sent, and how long the oldest has waited."""
    try:
        db = _open_for_checks(config)
        try:
            outbox = Outbox(db)
            counts = outbox.counts()
            waiting = outbox.items([OutboxStatus.PENDING, OutboxStatus.IN_FLIGHT], limit=1)
            stamp = Settings(db).get(LAST_SUCCESS_KEY)
        finally:
            db.conn.close()
    except (CacheError, sqlite3.Error, OSError) as exc:
        return _unreadable("backlog", exc)
    count = counts[OutboxStatus.PENDING] + counts[OutboxStatus.IN_FLIGHT]
    last_sync = f"last sync {stamp}" if stamp else "never synced"
    if not waiting:
        return CheckResult("backlog", Status.OK, f"nothing waiting to be sent; {last_sync}")
    oldest = parse_iso(waiting[0].created_at)
    waited = now() - oldest
    message = (
        f"{count} record(s) waiting to be sent, the oldest for {_age(waited)} "
        f"(since {oldest.astimezone(UTC):%Y-%m-%d %H:%M} UTC); {last_sync}"
    )
    advice = (
        "the kiosk sends them by itself once the server answers: see the server check; "
        "`kiosk sync` tries at once and says why not"
    )
    if waited > BACKLOG_FAULT_AFTER:
        return CheckResult("backlog", Status.FAULT, message, advice)
    if waited > BACKLOG_WARN_AFTER:
        return CheckResult("backlog", Status.WARN, message, advice)
    return CheckResult("backlog", Status.OK, message)


def inspect_server(
    config: Config,
    client: CentralClient | None = None,
    now: Callable[[], datetime] = utc_now,
) -> ServerCheck:
    """The server link, typed: for the doctor's lines and technician mode.

    With no `client`, one is built from the configuration and closed again.
    """
    if not config.server.url:
        return ServerCheck(ServerState.NOT_CONFIGURED, "no server configured: standalone kiosk")
    if client is not None:
        return check_server_link(client, now)
    try:
        built = build_client(config)
    except DeviceTokenError as exc:
        return ServerCheck(ServerState.NO_DEVICE_TOKEN, exc.detail)
    with built:
        return check_server_link(built, now)


def _token_file(config: Config) -> str:
    return config.server.device_token_file or "the file [server] device_token_file names"


def server_result(config: Config, server: ServerCheck) -> CheckResult:
    """The doctor's line for the server link: reachable, and this kiosk's token accepted."""
    state = server.state
    if state is ServerState.NOT_CONFIGURED:
        return CheckResult("server", Status.OK, server.detail)
    if state is ServerState.NO_DEVICE_TOKEN:
        return CheckResult(
            "server",
            Status.FAULT,
            server.detail,
            f"put the device token the central administrator gave for this kiosk in "
            f"{_token_file(config)} (one line, readable by the kiosk user only)",
        )
    if state is ServerState.UNREACHABLE:
        return CheckResult(
            "server",
            Status.FAULT,
            server.detail,
            "check the network cable or Wi-Fi and [server] url, then ask the central "
            "administrator whether the server is up; meanwhile the kiosk works offline "
            "and sends its records later",
        )
    if state is ServerState.DEVICE_REFUSED:
        return CheckResult(
            "server",
            Status.FAULT,
            f"token refused: {server.detail}",
            f"ask the central administrator for a new device token for this kiosk, "
            f"put it in {_token_file(config)}",
        )
    if state is ServerState.FAULTY:
        return CheckResult(
            "server",
            Status.FAULT,
            server.detail,
            "the server has a problem of its own: try again in a few minutes, then tell "
            "the central administrator",
        )
    device = server.device
    who = f"; this kiosk is device {device.device_id} of {device.annex_name}" if device else ""
    if state is ServerState.CLOCK_SKEW:
        # Reachable and accepting: the clock's own line reports the skew.
        return CheckResult(
            "server", Status.OK, f"{config.server.url} ok, API v{server.api_version}{who}"
        )
    return CheckResult("server", Status.OK, f"{server.detail}{who}")


def check_server(config: Config) -> CheckResult:
    """The central server answers and accepts this kiosk's device token."""
    return server_result(config, inspect_server(config))


def check_clock(server: ServerCheck, now: datetime) -> CheckResult:
    """The kiosk's clock is plausible, and agrees with the server's when it answered."""
    reading = f"kiosk clock {now.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"
    set_it = (
        "set the time (timedatectl set-ntp true, or timedatectl set-time), and replace the "
        "board's clock battery if the time is lost at each power cut"
    )
    if now.date() < RELEASE_DATE or now.year > LATEST_PLAUSIBLE_YEAR:
        return CheckResult(
            "clock",
            Status.FAULT,
            f"{reading}: impossible (this version was released on {RELEASE_DATE}); tickets "
            "and receipts would carry a wrong day",
            set_it,
        )
    skew = server.clock_skew_s
    if skew is None:
        why = "no server configured" if server.state is ServerState.NOT_CONFIGURED else ""
        if why:
            return CheckResult("clock", Status.OK, f"{reading}; {why} to compare with")
        return CheckResult(
            "clock",
            Status.WARN,
            f"{reading}; not compared with the server's (it did not answer)",
            "run the doctor again once the server answers",
        )
    if abs(skew) > MAX_CLOCK_SKEW_S:
        return CheckResult(
            "clock",
            Status.FAULT,
            f"{reading}, {skew:+.0f} s off the server's (limit {MAX_CLOCK_SKEW_S:.0f} s): "
            "ticket days, number leases and receipts depend on it",
            set_it,
        )
    return CheckResult("clock", Status.OK, f"{reading}, {skew:+.1f} s from the server's")


_TRACKING_WORDING: dict[TrackingProblem, tuple[str, str]] = {
    TrackingProblem.EMPTY: (
        "no address to print: the QR is left off tickets and receipts",
        "set [server] public_url (or [printer] tracking_url) to the address citizens' "
        "phones reach the server at",
    ),
    TrackingProblem.PLACEHOLDER: (
        "{base} is a placeholder, not a real address: the QR is left off the paper",
        "set [server] public_url (or [printer] tracking_url) to the server's public address",
    ),
    TrackingProblem.NOT_PUBLIC: (
        "{base} is a local address: phones outside this network cannot open the printed QR",
        "set [server] public_url to the address the server has on the internet",
    ),
    TrackingProblem.NOT_HTTPS: (
        "{base} is plain http: the printed QR opens an unencrypted page",
        "use the server's https:// address in [server] public_url",
    ),
}


def check_tracking(config: Config) -> CheckResult:
    """Where the QR on tickets and receipts points: printed, and openable by a phone."""
    base = config.tracking_base
    problem = tracking_problem(base)
    if problem is None:
        return CheckResult("tracking", Status.OK, f"QR codes point at {base}")
    message, advice = _TRACKING_WORDING[problem]
    return CheckResult("tracking", Status.WARN, message.format(base=base), advice)


@dataclass(frozen=True)
class PrinterCheck:
    """The printer's state, typed: `fault` is a device_drivers fault code, None if it can print."""

    ok: bool
    detail: str
    status: PrinterStatus | None = None  # None: the printer could not be reached
    fault: str | None = None


def inspect_printer(config: Config, printer: Printer | None = None) -> PrinterCheck:
    """Ask the printer (the configured one unless given) for its status."""
    try:
        status = (printer or printer_from_config(config)).status()
    except ConfigError as exc:
        return PrinterCheck(False, str(exc), fault="config")
    except PrinterFault as unreachable:
        return PrinterCheck(False, f"{config.printer.uri}: {unreachable}", fault=unreachable.code)
    fault = status.fault()
    detail = f"{config.printer.uri} ({config.printer.profile}): {status.describe()}"
    return PrinterCheck(fault is None, detail, status, fault.code if fault else None)


_PRINTER_ADVICE = {
    "paper_out": "load a new paper roll",
    "cover_open": "close the paper cover until it clicks",
    "offline": "open the cover and look for jammed paper, let it cool down, then power it "
    "off and on",
    "unavailable": "check the printer's power and cable, and [printer] uri",
    "config": "correct [printer] uri",
}


def check_printer(config: Config) -> CheckResult:
    """The printer answers and can print (paper, cover, no error); write-only links say so."""
    printer = inspect_printer(config)
    if not printer.ok:
        advice = _PRINTER_ADVICE.get(printer.fault or "", "run `kiosk print-test`")
        return CheckResult("printer", Status.FAULT, printer.detail, advice)
    if printer.status is not None and printer.status.paper_near_end:
        return CheckResult("printer", Status.WARN, printer.detail, "change the paper roll soon")
    return CheckResult("printer", Status.OK, printer.detail)


def check_scanner(config: Config) -> CheckResult:
    """The optional scanner's port opens."""
    if not config.scanner.uri:
        return CheckResult("scanner", Status.OK, "none configured")
    problem = probe_scanner(config.scanner.uri)
    if problem is not None:
        return CheckResult(
            "scanner",
            Status.FAULT,
            problem,
            "check the cable, add the kiosk user to the 'dialout' group, or leave "
            "[scanner] uri empty if no scanner is fitted",
        )
    return CheckResult("scanner", Status.OK, f"{config.scanner.uri} opens")


def run_checks(config: Config, now: Callable[[], datetime] = utc_now) -> list[CheckResult]:
    """Run every check in order; the server is asked once for its line and the clock's."""
    server = inspect_server(config, now=now)
    return [
        check_config(config),
        check_catalogue(config),
        check_cache(config),
        check_disk(config),
        check_outbox(config),
        check_backlog(config, now),
        server_result(config, server),
        check_clock(server, now()),
        check_tracking(config),
        check_printer(config),
        check_scanner(config),
    ]
