"""The `kiosk` command: one entry point, one subcommand per module of this package."""

from __future__ import annotations

import argparse
import importlib
import logging
import sqlite3
import sys
from collections.abc import Sequence

from kiosk.config import ConfigError
from kiosk.logs import configure_logging
from kiosk.services.faults import CacheError, cache_error

# Each module defines `register(subparsers)`, which adds its subcommand and sets `handler`.
COMMAND_MODULES = (
    "run",
    "demo",
    "doctor",
    "ticket",
    "print_test",
    "render",
    "sync",
    "outbox",
    "technician",
)

# Long-running commands write to the journal, where the sync's and the app's INFO events
# help a technician; one-shot commands print their answer and stay quiet but for trouble.
SERVICE_COMMANDS = frozenset({"run", "demo"})

EXIT_FAULT = 1
EXIT_CONFIG_ERROR = 2


def one_line(text: str) -> str:
    """Messages from SQLite or the OS may span lines; a technician's terminal gets one."""
    return " ".join(text.split())


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="GAU Kiosk: the touchscreen kiosk of a digital administrative annex.",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="TOML configuration (default: $KIOSK_CONFIG, then /etc/kiosk/kiosk.toml, "
        "then embedded offline demo defaults)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"kiosk.cli.{name}").register(subparsers)
    return parser


def log_level(args: argparse.Namespace) -> int:
    """DEBUG with -v; INFO for the app and the demo (the journal); WARNING otherwise."""
    if args.verbose:
        return logging.DEBUG
    return logging.INFO if args.command in SERVICE_COMMANDS else logging.WARNING


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; configuration errors exit 2 and cache faults 1, each with one line."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        # `kiosk` alone is `kiosk run`: what the systemd unit and a technician start.
        args = parser.parse_args([*(argv or sys.argv[1:]), "run"])
    configure_logging(log_level(args))
    try:
        return int(args.handler(args))
    except ConfigError as exc:
        print(f"kiosk: configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    except (CacheError, sqlite3.Error) as exc:
        # The file is left as it is: it may hold records not yet synced.
        fault = exc if isinstance(exc, CacheError) else cache_error(exc)
        print(f"kiosk: cache error: {one_line(str(fault))}; {fault.advice}", file=sys.stderr)
        return EXIT_FAULT
    except OSError as exc:
        # A path given on the command line that cannot be written or read (--png, export).
        print(f"kiosk: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return EXIT_FAULT
