"""`kiosk render`: draw a sample ticket or receipt as the paper will show it, to a PNG."""

from __future__ import annotations

import argparse
from datetime import datetime

from device_drivers.preview import render_preview
from device_drivers.profiles import profile_named
from kiosk.config import load_config
from kiosk.domain.catalogue import packaged_catalogue
from kiosk.i18n import LANGUAGES
from kiosk.services.documents import (
    PaperContext,
    receipt_document,
    sample_receipt,
    sample_ticket,
    ticket_document,
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `render` subcommand."""
    parser = subparsers.add_parser(
        "render", help="draw a sample ticket or receipt to a PNG, as it will print"
    )
    parser.add_argument("kind", choices=("ticket", "receipt"))
    parser.add_argument("--lang", choices=LANGUAGES, default="ar")
    parser.add_argument("--width", type=int, choices=(58, 80), default=80, help="paper, mm")
    parser.add_argument(
        "--basic", action="store_true", help="a printer without native QR (QR sent as raster)"
    )
    parser.add_argument(
        "--offline", action="store_true", help="ticket: no wait estimate; receipt: pre-request"
    )
    parser.add_argument("--png", required=True, metavar="FILE", help="where to write the image")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Compose the sample document and draw it at the paper's width in dots."""
    config = load_config(args.config)
    catalogue = packaged_catalogue()
    context = PaperContext(config.kiosk.annex_name, config.zone, config.printer.tracking_url)
    now = datetime.now(config.zone)
    if args.kind == "ticket":
        ticket = sample_ticket(args.lang, now, online=not args.offline)
        document = ticket_document(ticket, catalogue.service(ticket.service_code), context)
    else:
        receipt = sample_receipt(args.lang, now, pre_request=args.offline)
        document = receipt_document(receipt, catalogue.service(receipt.service_code), context)
    profile = profile_named(f"{'basic' if args.basic else 'generic'}-{args.width}")
    render_preview(document, profile).save(args.png, optimize=True)
    print(args.png)
    return 0
