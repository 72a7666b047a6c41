"""`kiosk outbox list|export|bundle`: what is waiting to be sent; a sealed bundle for a stick."""

from __future__ import annotations

import argparse
import errno
import json
import os
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kiosk.config import load_config
from kiosk.domain.validation import mask_cin, mask_phone
from kiosk.services.faults import DeviceTokenError
from kiosk.services.maintenance import seal_bundle, waiting_items
from kiosk.services.records import BundleWritten, OutboxItem, OutboxStatus


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `outbox list`, `outbox export` and `outbox bundle`."""
    parser = subparsers.add_parser(
        "outbox", help="show or export records waiting to be sent (pending and failed)"
    )
    actions = parser.add_subparsers(dest="outbox_action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="print pending and failed records, masked")
    listing.set_defaults(handler=handle_list)
    export = actions.add_parser(
        "export", help="write pending and failed records as JSON lines (masked by default)"
    )
    export.add_argument("file", metavar="FILE", help="where to write (- for standard output)")
    export.add_argument(
        "--unmasked",
        action="store_true",
        help="write full CINs and phone numbers, for a technician's manual re-upload of "
        "failed records; the file then holds personal data: keep it safe and delete it after",
    )
    export.set_defaults(handler=handle_export)
    bundle = actions.add_parser(
        "bundle",
        help="seal the unsent records into one compressed, authenticated file to carry to "
        "the office on a USB stick (central-server import FILE); the records stay queued "
        "until the server confirms them. The file holds CINs and phone numbers",
    )
    bundle.add_argument(
        "--out",
        required=True,
        metavar="PATH",
        help="the file to write, or a folder (the stick) to write kiosk-<key>-<time>-<id>.gaub in",
    )
    bundle.add_argument(
        "--new-only",
        action="store_true",
        help="only records not in an earlier bundle (default: every unsent record, in case "
        "an earlier stick was lost)",
    )
    bundle.set_defaults(handler=handle_bundle)


def masked(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The payload with CIN, phone and e-mail masked (safe for screens, logs and tickets)."""
    copy = dict(payload)
    if isinstance(copy.get("cin"), str):
        copy["cin"] = mask_cin(copy["cin"])
    if isinstance(copy.get("phone"), str):
        copy["phone"] = mask_phone(copy["phone"])
    if isinstance(copy.get("email"), str):
        name, _, domain = copy["email"].partition("@")
        copy["email"] = f"{name[:1]}***@{domain}"
    return copy


def _waiting_items(config_path: str | None) -> list[OutboxItem]:
    return waiting_items(load_config(config_path))


def write_private(path: Path, text: str) -> None:
    """Replace `path` with `text`, owner-only (0600) whatever the file was before.

    An unmasked export holds CINs and phone numbers: writing into an existing 0644 file
    would keep its mode, so a new 0600 file is written beside it and renamed over it (which
    also means a reader never sees half an export).
    """
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
    if not path.parent.is_dir():
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", str(path))
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _record(item: OutboxItem, unmasked: bool) -> dict[str, Any]:
    return {
        "idempotency_key": item.idempotency_key,
        "kind": item.kind,
        "status": item.status.value,
        "attempts": item.attempts,
        "last_error": item.last_error,
        "created_at": item.created_at,
        "payload": dict(item.payload) if unmasked else masked(item.payload),
    }


def handle_list(args: argparse.Namespace) -> int:
    """One line per waiting record, then totals."""
    items = _waiting_items(args.config)
    for item in items:
        summary = json.dumps(masked(item.payload), ensure_ascii=False, sort_keys=True)
        error = f"  error: {item.last_error}" if item.last_error else ""
        carried = f"  bundled {item.exported_at}" if item.exported_at else ""
        print(
            f"{item.status.value:9} {item.kind:12} {item.created_at}  {item.idempotency_key}  "
            f"tries={item.attempts}  {summary}{error}{carried}"
        )
    failed = sum(1 for item in items if item.status is OutboxStatus.FAILED)
    bundled = sum(1 for item in items if item.exported_at)
    if bundled:
        print(f"{bundled} carried off in a bundle, not yet confirmed by the server")
    print(f"{len(items) - failed} pending, {failed} failed")
    return 0


def handle_export(args: argparse.Namespace) -> int:
    """Write the waiting records as JSON lines."""
    items = _waiting_items(args.config)
    lines = [json.dumps(_record(item, args.unmasked), ensure_ascii=False) for item in items]
    text = "".join(line + "\n" for line in lines)
    if args.file == "-":
        sys.stdout.write(text)
    else:
        write_private(Path(args.file), text)
        print(f"wrote {len(lines)} records to {args.file}", file=sys.stderr)
    return 0


def _bundle(config_path: str | None, out: Path, new_only: bool) -> BundleWritten | None:
    return seal_bundle(load_config(config_path), out, new_only)


def handle_bundle(args: argparse.Namespace) -> int:
    """Write the sealed bundle, then say what it holds (counts only: no personal data)."""
    out = Path(args.out)
    if not out.is_dir() and not out.parent.is_dir():
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", str(out.parent))
    try:
        written = _bundle(args.config, out, args.new_only)
    except DeviceTokenError as exc:
        print(f"kiosk outbox bundle: cannot seal a bundle: {exc.detail}", file=sys.stderr)
        return 1
    if written is None:
        print("kiosk outbox bundle: no unsent records: no bundle written")
        return 0
    manifest = written.manifest
    counts = ", ".join(f"{kind} {n}" for kind, n in sorted(manifest.counts.items()))
    print(f"wrote {written.path} ({written.size_bytes} bytes)")
    print(f"bundle {manifest.bundle_id}, kiosk key {manifest.key_id}, made {manifest.created_at}")
    print(
        f"records: {manifest.records} ({counts}), "
        f"{manifest.first_record_at} to {manifest.last_record_at}"
    )
    print(
        "they stay queued here until the server confirms them over the network. The file "
        "holds CINs and phone numbers: carry the stick as personal data, and delete the "
        "file once `central-server import` has taken it"
    )
    return 0
