"""`kiosk doctor`: check configuration, cache, disk, clock, server, devices; 1 on a fault."""

from __future__ import annotations

import argparse
import json

from kiosk.config import load_config
from kiosk.services.doctor import CheckResult, Status, run_checks

_MARKS = {Status.OK: "ok  ", Status.WARN: "warn", Status.FAULT: "FAIL"}
# The advice sits under its check, indented past the mark, so a fault's two lines read as one.
_ADVICE_INDENT = " " * 7


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `doctor` subcommand."""
    parser = subparsers.add_parser(
        "doctor",
        help="check configuration, cache, disk, clock, server and devices; exit 1 on a fault",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="print a JSON report: each check's name, status (ok/warn/fault), message, advice",
    )
    parser.set_defaults(handler=handle)


def render_text(results: list[CheckResult]) -> str:
    """One line per check, and the advice under each warning and fault."""
    lines = []
    for result in results:
        lines.append(f"[{_MARKS[result.status]}] {result.name}: {result.message}")
        if result.advice and result.status is not Status.OK:
            lines.append(f"{_ADVICE_INDENT}what to do: {result.advice}")
    return "\n".join(lines)


def render_json(results: list[CheckResult]) -> str:
    """The machine-readable report: an overall status and every check."""
    worst = max((result.status for result in results), key=list(Status).index, default=Status.OK)
    report = {"status": worst.value, "checks": [result.as_json() for result in results]}
    return json.dumps(report, ensure_ascii=False, indent=2)


def handle(args: argparse.Namespace) -> int:
    """Print the report and return 1 if any check found a fault (warnings alone return 0)."""
    results = run_checks(load_config(args.config))
    print(render_json(results) if args.json else render_text(results))
    return 0 if all(result.ok for result in results) else 1
