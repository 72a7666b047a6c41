"""`kiosk ticket`: issue a numbered ticket and print it, without the UI, on the UI's code path."""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import sys
from datetime import date, datetime
from typing import Any

from kiosk.config import load_config
from kiosk.domain.catalogue import packaged_catalogue
from kiosk.domain.tickets import TicketNumbersExhausted
from kiosk.i18n import LANGUAGES
from kiosk.services.maintenance import issue_ticket
from kiosk.services.printing import PrintingService
from kiosk.services.tickets import ServiceDisabled, UnknownService

log = logging.getLogger(__name__)
EXIT_NO_NUMBER = 1
EXIT_UNKNOWN_SERVICE = 2


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `ticket` subcommand."""
    parser = subparsers.add_parser(
        "ticket", help="issue and print a queue ticket; the ticket is written as JSON"
    )
    parser.add_argument("service", nargs="?", metavar="SERVICE_CODE", help="see --list")
    parser.add_argument("--lang", choices=LANGUAGES, help="default: kiosk.default_language")
    parser.add_argument("--list", action="store_true", help="list the service codes and exit")
    parser.set_defaults(handler=handle, parser=parser)


def _json_value(value: object) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def handle(args: argparse.Namespace) -> int:
    """Issue through TicketService (number, cache, outbox), print, write the ticket as JSON."""
    config = load_config(args.config)
    catalogue = packaged_catalogue()
    if args.list:
        for service in catalogue:
            print(f"{service.code}\t{service.family}\t{service.name('fr')}")
        return 0
    if not args.service:
        args.parser.error("a SERVICE_CODE is required (or --list)")
    # Built before the ticket is issued: a bad printer URI must not leave an unprinted ticket.
    printing = PrintingService.from_config(config, catalogue)
    lang = args.lang or config.kiosk.default_language
    try:
        ticket = issue_ticket(config, catalogue, args.service, lang)
    except ServiceDisabled:
        print(
            f"kiosk: {args.service} is disabled at this annex (the server's catalogue); "
            "no ticket issued",
            file=sys.stderr,
        )
        return EXIT_UNKNOWN_SERVICE
    except UnknownService:
        print(
            f"kiosk: unknown service code {args.service!r}; `kiosk ticket --list` shows them",
            file=sys.stderr,
        )
        return EXIT_UNKNOWN_SERVICE
    except TicketNumbersExhausted as exc:
        print(
            f"kiosk: no ticket issued ({exc}): {exc.message_key} "
            "Widen [tickets] standalone_start..standalone_end or connect the server.",
            file=sys.stderr,
        )
        return EXIT_NO_NUMBER
    result = printing.print_ticket(ticket)
    record = {key: _json_value(value) for key, value in dataclasses.asdict(ticket).items()}
    record["printed"] = result.printed
    record["print_error"] = result.error
    record["print_detail"] = result.detail
    print(json.dumps(record, ensure_ascii=False))
    if not result.printed:
        # The ticket exists and is queued for the server: only the paper is missing.
        print(
            f"kiosk: ticket {ticket.number} issued but not printed: {result.detail}",
            file=sys.stderr,
        )
    return 0
