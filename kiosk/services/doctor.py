"""Health checks of a kiosk's configuration, cache and devices, for `kiosk doctor`."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

import sqlite_utils

from device_drivers.errors import PrinterFault
from device_drivers.printer import Printer
from device_drivers.scanner import probe as probe_scanner
from device_drivers.status import PrinterStatus
from kiosk.central import CentralClient, DeviceTokenError
from kiosk.config import Config, ConfigError
from kiosk.domain.catalogue import CatalogueError, packaged_catalogue
from kiosk.services.connectivity import ServerCheck, ServerState, check_server_link
from kiosk.services.printing import printer_from_config
from kiosk.services.wiring import build_client
from offline_cache.database import (
    CacheDamaged,
    CacheError,
    CacheReadOnly,
    cache_error,
    open_cache,
    open_cache_readonly,
    schema_version,
)
from offline_cache.migrations import LATEST_VERSION
from offline_cache.outbox import Outbox, OutboxStatus


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check, worded for a technician."""

    name: str
    ok: bool
    detail: str


def check_config(config: Config) -> CheckResult:
    """The configuration loaded (it was validated when read)."""
    return CheckResult("config", True, f"loaded from {config.source}")


def check_catalogue(config: Config) -> CheckResult:
    """The packaged guide of procedures parses."""
    try:
        catalogue = packaged_catalogue()
    except (CatalogueError, OSError, ValueError) as exc:
        return CheckResult("catalogue", False, str(exc))
    return CheckResult(
        "catalogue",
        True,
        f"{len(catalogue.services)} services in {len(catalogue.families)} families",
    )


def _open_for_checks(config: Config) -> sqlite_utils.Database:
    """The cache, migrated if it can be written; else opened read-only (read-only media)."""
    try:
        return open_cache(config.cache.path)
    except CacheReadOnly:
        return open_cache_readonly(config.cache.path)


def check_cache(config: Config) -> CheckResult:
    """The cache opens, is intact, is at the latest schema; report the outbox."""
    try:
        db = _open_for_checks(config)
        try:
            problems = [row[0] for row in db.conn.execute("PRAGMA integrity_check(20)")]
            version = schema_version(db)
            counts = Outbox(db).counts()
        finally:
            db.conn.close()
    except (CacheError, sqlite3.Error, OSError) as exc:
        fault = cache_error(exc) if isinstance(exc, sqlite3.Error) else exc
        advice = fault.advice if isinstance(fault, CacheError) else "check [cache] path"
        return CheckResult("cache", False, f"{' '.join(str(fault).split())}; {advice}")
    if problems != ["ok"]:
        return CheckResult(
            "cache",
            False,
            f"{config.cache.path}: damaged ({len(problems)} problems, first: "
            f"{' '.join(problems[0].split())[:120]}); {CacheDamaged.advice}",
        )
    return CheckResult(
        "cache",
        version == LATEST_VERSION,
        f"{config.cache.path}: schema {version}/{LATEST_VERSION}, outbox "
        f"{counts[OutboxStatus.PENDING]} pending, {counts[OutboxStatus.FAILED]} failed",
    )


def check_outbox(config: Config) -> CheckResult:
    """No record the server refused: each one needs a technician (a number clash, say)."""
    try:
        db = _open_for_checks(config)
        try:
            failed = Outbox(db).items([OutboxStatus.FAILED])
        finally:
            db.conn.close()
    except (CacheError, sqlite3.Error, OSError) as exc:
        return CheckResult("outbox", False, f"cannot read the outbox: {' '.join(str(exc).split())}")
    if not failed:
        return CheckResult("outbox", True, "no record refused by the server")
    reasons = sorted({item.last_error or "unknown" for item in failed})
    return CheckResult(
        "outbox",
        False,
        f"{len(failed)} record(s) refused by the server ({', '.join(reasons)[:200]}): "
        "`kiosk outbox list` shows them; a number clash means two citizens hold one number, "
        "tell the counter staff",
    )


def inspect_server(config: Config, client: CentralClient | None = None) -> ServerCheck:
    """The server link, typed: for the doctor's line and technician mode.

    With no `client`, one is built from the configuration and closed again.
    """
    if not config.server.url:
        return ServerCheck(ServerState.NOT_CONFIGURED, "no server configured: standalone kiosk")
    if client is not None:
        return check_server_link(client)
    try:
        built = build_client(config)
    except DeviceTokenError as exc:
        return ServerCheck(ServerState.NO_DEVICE_TOKEN, exc.detail)
    with built:
        return check_server_link(built)


def check_server(config: Config) -> CheckResult:
    """The central server answers, accepts this kiosk's device token, and agrees on the time."""
    server = inspect_server(config)
    return CheckResult("server", server.ok, server.detail)


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


def check_printer(config: Config) -> CheckResult:
    """The printer answers and can print (paper, cover, no error); write-only links say so."""
    printer = inspect_printer(config)
    return CheckResult("printer", printer.ok, printer.detail)


def check_scanner(config: Config) -> CheckResult:
    """The optional scanner's port opens."""
    if not config.scanner.uri:
        return CheckResult("scanner", True, "none configured")
    problem = probe_scanner(config.scanner.uri)
    return CheckResult("scanner", problem is None, problem or f"{config.scanner.uri} opens")


# Later subsystems (server, printer, scanner) append their checks here.
CHECKS: list[Callable[[Config], CheckResult]] = [
    check_config,
    check_catalogue,
    check_cache,
    check_outbox,
    check_server,
    check_printer,
    check_scanner,
]


def run_checks(config: Config) -> list[CheckResult]:
    """Run every check in order."""
    return [check(config) for check in CHECKS]
