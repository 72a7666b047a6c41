"""`kiosk technician set-pin`: write the technician PIN's scrypt hash to [technician] pin_file."""

from __future__ import annotations

import argparse
import getpass
import sys

from kiosk.cli import EXIT_CONFIG_ERROR
from kiosk.config import load_config
from kiosk.services.technician import (
    PIN_MAX_DIGITS,
    PIN_MIN_DIGITS,
    TechnicianPinError,
    check_pin_format,
    hash_pin,
    write_pin_file,
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `technician set-pin`."""
    parser = subparsers.add_parser("technician", help="technician mode settings")
    actions = parser.add_subparsers(dest="technician_action", metavar="ACTION", required=True)
    set_pin = actions.add_parser(
        "set-pin",
        help=f"set the technician PIN ({PIN_MIN_DIGITS}-{PIN_MAX_DIGITS} digits): asked twice "
        "on the terminal, stored as a scrypt hash in [technician] pin_file (mode 0600)",
    )
    set_pin.add_argument(
        "--pin-stdin",
        action="store_true",
        help="read the PIN from the first line of standard input instead (for scripts); "
        "a second line, if present, must repeat it",
    )
    set_pin.set_defaults(handler=handle_set_pin)


def _read_pins(from_stdin: bool) -> tuple[str, str]:
    if from_stdin:
        lines = sys.stdin.read(4096).splitlines()
        first = lines[0] if lines else ""
        return first, lines[1] if len(lines) > 1 else first
    return getpass.getpass("New technician PIN: "), getpass.getpass("Repeat the PIN: ")


def handle_set_pin(args: argparse.Namespace) -> int:
    """Ask for the PIN twice, check it, write its hash; exit 2 on a refused PIN."""
    config = load_config(args.config)
    pin_file = config.technician.pin_file
    if not pin_file:
        print("kiosk technician set-pin: [technician] pin_file is empty", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    try:
        pin, again = _read_pins(args.pin_stdin)
    except (EOFError, KeyboardInterrupt):
        print("\nkiosk technician set-pin: cancelled, nothing written", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    pin, again = pin.strip(), again.strip()
    if pin != again:
        print("kiosk technician set-pin: the two PINs differ, nothing written", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    try:
        check_pin_format(pin)
    except TechnicianPinError as exc:
        print(f"kiosk technician set-pin: {exc}, nothing written", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    write_pin_file(pin_file, hash_pin(pin))
    print(f"technician PIN set in {pin_file}")
    return 0
