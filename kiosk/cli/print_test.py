"""`kiosk print-test`: a page with all four languages, a QR code and the printer's status."""

from __future__ import annotations

import argparse

from kiosk.config import load_config
from kiosk.domain.catalogue import packaged_catalogue
from kiosk.services.printing import PrintingService


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `print-test` subcommand."""
    parser = subparsers.add_parser(
        "print-test", help="print a test page (languages, QR, status); exit 1 if it did not print"
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Print the page and say what the printer reported."""
    config = load_config(args.config)
    service = PrintingService.from_config(config, packaged_catalogue())
    result, status = service.print_test_page()
    print(f"printer: {config.printer.uri} ({config.printer.profile})")
    print(f"status: {status.describe() if status else 'not reachable'}")
    if result.printed:
        print(f"printed: {result.size_bytes} bytes")
        return 0
    print(f"NOT printed ({result.error}): {result.detail}")
    return 1
