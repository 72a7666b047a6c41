"""`central-server`: run the reference server (default) or an admin command on its database."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from central_server import agent_cli
from central_server.admin import (
    AdminError,
    add_device_command,
    advance_dossier_command,
    advance_request,
    print_conflicts,
    print_notifications,
    revoke_device_command,
    set_annex_name_command,
)
from central_server.bundles import BundleRefused, describe, import_bundle
from central_server.config import (
    DEFAULT_LOCKOUT_SECONDS,
    DEFAULT_SESSION_SECONDS,
    ServerConfig,
    SmtpSettings,
)
from central_server.dossiers import STAGES
from central_server.logs import LEVELS, configure_logging
from central_server.service_codes import CatalogueFileError
from central_server.web.languages import LANGUAGES


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="central-server",
        description="Reference central CAU server for the GAU kiosk (API v1).",
    )
    parser.add_argument("--db", type=Path, required=True, help="SQLite database file")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--demo-data", action="store_true", help="seed demo data (idempotent)")
    parser.add_argument("--smtp-host", help="SMTP server for notification e-mails")
    parser.add_argument("--smtp-port", type=int, default=25)
    parser.add_argument("--smtp-from", default="no-reply@cau.example.ma")
    parser.add_argument(
        "--sms-sender",
        metavar="MODULE:FACTORY",
        help="SMS gateway sender to import (default: record SMS as queued)",
    )
    parser.add_argument(
        "--lockout-seconds",
        type=int,
        default=DEFAULT_LOCKOUT_SECONDS,
        help="how long 5 failed sign-ins lock a CIN (default 900)",
    )
    parser.add_argument(
        "--session-seconds",
        type=int,
        default=DEFAULT_SESSION_SECONDS,
        help="citizen session lifetime (default 600)",
    )
    parser.add_argument(
        "--catalogue",
        type=Path,
        help="kiosk catalogue JSON whose service codes are accepted besides the built-in ones",
    )
    parser.add_argument("--log-level", default="warning", choices=LEVELS)

    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="run the HTTP server (the default)")
    admin = commands.add_parser("admin", help="administer the database").add_subparsers(
        dest="admin_command", required=True
    )
    advance = admin.add_parser("advance-request", help="move a request to its next status")
    advance.add_argument("request_number")
    advance.add_argument("--to", dest="to_status", help="jump to this status instead")
    advance.add_argument("--reason", help="status reason (for rejected)")
    dossier = admin.add_parser("advance-dossier", help="move a dossier to its next stage")
    dossier.add_argument("kind", choices=sorted(STAGES))
    dossier.add_argument("number")
    notifications = admin.add_parser("notifications", help="list notifications sent")
    notifications.add_argument("--json", action="store_true")
    conflicts = admin.add_parser(
        "conflicts", help="list refused ticket uploads (number clashes) and voided numbers"
    )
    conflicts.add_argument("--json", action="store_true")
    add = admin.add_parser("add-device", help="register a kiosk and print its new token")
    add.add_argument("name")
    add.add_argument("--annex", required=True)
    naming = admin.add_parser(
        "set-annex-name", help="name an annex in one language (tracking pages, lobby display)"
    )
    naming.add_argument("annex")
    naming.add_argument("language", choices=LANGUAGES)
    naming.add_argument("name")
    revoke = admin.add_parser("revoke-device", help="revoke a kiosk's token")
    revoke.add_argument("name")
    bundle = commands.add_parser(
        "import",
        help="import a field bundle carried from an offline kiosk (kiosk outbox bundle); "
        "exit 0 if every record is now held, 1 if some were refused, 2 if the bundle was",
    )
    bundle.add_argument("file", type=Path, metavar="FILE", help="the .gaub file")
    bundle.add_argument(
        "--dry-run", action="store_true", help="verify and report, then roll everything back"
    )
    agent_cli.register(commands)
    return parser


def config_from(args: argparse.Namespace) -> ServerConfig:
    smtp = (
        SmtpSettings(host=args.smtp_host, port=args.smtp_port, sender=args.smtp_from)
        if args.smtp_host
        else None
    )
    return ServerConfig(
        db_path=args.db,
        lockout_seconds=args.lockout_seconds,
        session_seconds=args.session_seconds,
        smtp=smtp,
        sms_sender_spec=args.sms_sender,
        catalogue_path=args.catalogue,
    )


def serve(config: ServerConfig, host: str, port: int, demo_data: bool, log_level: str) -> None:
    import uvicorn

    from central_server.app import create_app
    from central_server.demo_data import seed_demo_data

    configure_logging(log_level)
    app = create_app(config)
    if demo_data:
        seed_demo_data(app.state.database)
    # log_config=None: uvicorn's loggers keep no handlers of their own and reach the
    # masking one above (its default configuration would print query strings unmasked).
    uvicorn.run(app, host=host, port=port, log_level=log_level, log_config=None)


def run_admin(args: argparse.Namespace, config: ServerConfig) -> str | None:
    from central_server.app import prepare_database

    database = prepare_database(config)
    if args.demo_data:
        from central_server.demo_data import seed_demo_data

        seed_demo_data(database)
    command = args.admin_command
    if command == "advance-request":
        return advance_request(database, config, args.request_number, args.to_status, args.reason)
    if command == "advance-dossier":
        return advance_dossier_command(database, args.kind, args.number)
    if command == "notifications":
        print_notifications(database, sys.stdout, as_json=args.json)
        return None
    if command == "conflicts":
        print_conflicts(database, sys.stdout, as_json=args.json)
        return None
    if command == "add-device":
        return add_device_command(database, args.name, args.annex)
    if command == "set-annex-name":
        return set_annex_name_command(database, args.annex, args.language, args.name)
    revoke_device_command(database, args.name)
    return f"revoked {args.name}"


def run_import(args: argparse.Namespace, config: ServerConfig) -> int:
    """Import one bundle: its seal checked first, all its records in one transaction."""
    from central_server.app import prepare_database

    try:
        report = import_bundle(prepare_database(config), args.file, dry_run=args.dry_run)
    except BundleRefused as exc:
        print(
            f"central-server import: refused {args.file}: {exc}; nothing imported", file=sys.stderr
        )
        return 2
    except sqlite3.Error as exc:
        # The import is one transaction: a database fault rolls all of it back.
        print(
            f"central-server import: database error ({exc}) while importing {args.file}; "
            "nothing imported",
            file=sys.stderr,
        )
        return 2
    for line in describe(report):
        print(line)
    return 1 if report.refused else 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = config_from(args)
        if args.command == "import":
            return run_import(args, config)
        if args.command == "agent":
            return agent_cli.run(args, config)
        if args.command == "admin":
            message = run_admin(args, config)
            if message:
                print(message)
            return 0
        serve(config, args.host, args.port, args.demo_data, args.log_level)
    except (AdminError, CatalogueFileError) as exc:
        print(f"central-server: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
