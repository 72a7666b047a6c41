"""`kiosk doctor`: check the configuration, the cache and the devices; non-zero on a fault."""

from __future__ import annotations

import argparse

from kiosk.config import load_config
from kiosk.services.doctor import run_checks


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `doctor` subcommand."""
    parser = subparsers.add_parser(
        "doctor", help="check configuration, cache and devices; exit 1 on a fault"
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Print one line per check and return 1 if any failed."""
    config = load_config(args.config)
    results = run_checks(config)
    for result in results:
        mark = "ok  " if result.ok else "FAIL"
        print(f"[{mark}] {result.name}: {result.detail}")
    return 0 if all(result.ok for result in results) else 1
