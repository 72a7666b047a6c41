"""`kiosk render`: draw a sample ticket or receipt as the paper will show it, to a PNG."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

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
from kiosk.services.maintenance import preview

EXIT_USAGE = 2


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


def png_problem(text: str) -> str | None:
    """Why --png cannot be written to, before any work: a folder, or not a .png name."""
    path = Path(text)
    if path.is_dir():
        return f"--png {text} is a folder: give a file name ending in .png"
    if path.suffix.lower() != ".png":
        return f"--png {text}: the file name must end in .png"
    return None


def handle(args: argparse.Namespace) -> int:
    """Compose the sample document and draw it at the paper's width in dots."""
    problem = png_problem(args.png)
    if problem:
        print(f"kiosk render: {problem}", file=sys.stderr)
        return EXIT_USAGE
    config = load_config(args.config)
    catalogue = packaged_catalogue()
    names = {lang: config.kiosk.annex_name_in(lang) for lang in config.kiosk.languages}
    context = PaperContext(names, config.zone, config.tracking_base)
    now = datetime.now(config.zone)
    if args.kind == "ticket":
        ticket = sample_ticket(args.lang, now, online=not args.offline)
        document = ticket_document(ticket, catalogue.service(ticket.service_code), context)
    else:
        receipt = sample_receipt(args.lang, now, pre_request=args.offline)
        document = receipt_document(receipt, catalogue.service(receipt.service_code), context)
    profile = f"{'basic' if args.basic else 'generic'}-{args.width}"
    preview(document, profile).save(args.png, format="PNG", optimize=True)
    print(args.png)
    return 0
