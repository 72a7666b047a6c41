"""`sudo python3 -m kiosk.deploy install|uninstall`: one command from a clone to a running kiosk."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from kiosk.deploy.install import (
    CHECKOUT,
    InstallError,
    Target,
    check_root_privileges,
    install,
    uninstall,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python3 -m kiosk.deploy",
        description="Install the GAU kiosk as a systemd service on this box (Debian 12, "
        "Raspberry Pi OS), or remove it. Safe to run again: a second run changes nothing.",
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=Path("/"),
        metavar="DIR",
        help="install into DIR instead of / (an image or a test): no apt, udevadm or "
        "service start there",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    setup = commands.add_parser("install", help="install or update the kiosk and enable it")
    setup.add_argument(
        "--source",
        type=Path,
        default=CHECKOUT,
        metavar="PATH",
        help="what pip installs: this clone (default), a wheel or an sdist",
    )
    setup.add_argument(
        "--wheelhouse",
        type=Path,
        metavar="DIR",
        help="install offline from the wheels in DIR (pip wheel -w DIR . on a connected box)",
    )
    setup.add_argument(
        "--device-token",
        type=Path,
        metavar="FILE",
        help="copy this kiosk's device token from FILE into /etc/kiosk/device-token",
    )
    setup.add_argument(
        "--with-central-server",
        action="store_true",
        help="also install and enable the reference central server (central-server.service)",
    )
    setup.add_argument(
        "--no-start", action="store_true", help="enable the service without (re)starting it"
    )
    setup.add_argument("--no-apt", action="store_true", help="do not apt-get the system libraries")
    remove = commands.add_parser("uninstall", help="remove the service and the application")
    remove.add_argument(
        "--purge",
        action="store_true",
        help="also delete /etc/kiosk, the cache in /var/lib/kiosk (records not yet synced "
        "are lost) and the kiosk user; the journal keeps its logs",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    target = Target(args.root)
    try:
        check_root_privileges()
        if args.command == "install":
            token = args.device_token.read_bytes().strip() + b"\n" if args.device_token else None
            install(
                target,
                args.source.resolve(),
                wheelhouse=args.wheelhouse.resolve() if args.wheelhouse else None,
                device_token=token,
                with_server=args.with_central_server,
                start=not args.no_start,
                apt=not args.no_apt,
            )
            where = "" if target.live else f" under {target.root}"
            print(f"installed{where}: journalctl -u kiosk shows the kiosk's log")
        else:
            uninstall(target, purge=args.purge)
            print("uninstalled" + (" and purged" if args.purge else ""))
    except InstallError as exc:
        print(f"kiosk.deploy: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"kiosk.deploy: {exc.strerror or exc}: {exc.filename or ''}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
