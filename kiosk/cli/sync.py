"""`kiosk sync`: run one sync cycle now and say what it did."""

from __future__ import annotations

import argparse
import sys

from kiosk.config import load_config
from kiosk.domain.catalogue import CatalogueError, packaged_catalogue
from kiosk.services.faults import DeviceTokenError
from kiosk.services.maintenance import sync_once
from kiosk.services.records import ConnectivityState, OutboxStatus, SyncReport


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `sync` subcommand."""
    parser = subparsers.add_parser(
        "sync",
        help="run one sync cycle now (push the outbox, pull updates, lease ticket numbers); "
        "exit 1 unless the server was reached and everything went through",
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """One cycle, ignoring retry delays (a technician asked for it now)."""
    config = load_config(args.config)
    if not config.server.url:
        print("kiosk sync: no server configured ([server] url is empty)", file=sys.stderr)
        return 1
    try:
        families = sorted(packaged_catalogue().families)
    except (CatalogueError, OSError, ValueError):
        families = []  # still push and pull; blocks are leased for families seen today
    try:
        report, counts = sync_once(config, families)
    except DeviceTokenError as exc:
        print(f"kiosk sync: {exc.detail}", file=sys.stderr)
        return 1
    for line in describe(report, counts):
        print(line)
    return 0 if report.state is ConnectivityState.ONLINE else 1


def describe(report: SyncReport, counts: dict[OutboxStatus, int]) -> list[str]:
    """The report as lines for a technician."""
    blocks = ", ".join(f"{b.family} {b.start}-{b.end}" for b in report.blocks_leased) or "none"
    purged = report.purged
    lines = [
        f"connectivity: {report.state.value}",
        f"pushed: {report.pushed} new, {report.duplicates} already on the server, "
        f"{report.failed} refused, {report.rescheduled} to retry",
        f"pulled: catalogue {'updated' if report.catalogue_updated else 'unchanged'}, "
        f"queue stats for {report.queue_families} families, "
        f"{report.announcements} announcements, {report.statuses_refreshed} statuses refreshed",
        f"blocks leased: {blocks}",
        "purged: "
        + (
            f"{purged.outbox_rows} synced records, {purged.statuses} statuses, "
            f"{purged.history_rows} history rows"
            if purged
            else "nothing"
        ),
        f"outbox: {counts.get(OutboxStatus.PENDING, 0) + counts.get(OutboxStatus.IN_FLIGHT, 0)} "
        f"pending, {counts.get(OutboxStatus.FAILED, 0)} failed",
    ]
    if report.error_text:
        lines.append(f"problem: {report.error_text}")
    return lines
