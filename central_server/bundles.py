"""Field bundles from offline kiosks (USB stick): check the seal first, then ingest once.

The format and its keys are those of offline_cache/bundle.py, which writes them (this
package may not import it; tests/integration/test_field_bundle.py checks the two agree).
Records go through the very functions of the HTTP sync endpoints (`store_offline_ticket`,
`store_pre_request`, after the same body models), so the idempotency keys make an import
twice, or an import and a network sync of the same records, store each record once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import sqlite3
import zlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from central_server.citizen_requests import store_pre_request
from central_server.clock import to_iso
from central_server.db import Database
from central_server.devices import Device
from central_server.models import OfflineTicket, PreRequestItem
from central_server.tickets import BatchStatus, store_offline_ticket

MAGIC = b"GAU-FIELD-BUNDLE/"
FORMAT_NAME = "gau-field-bundle"
FORMAT_VERSION = 1
SEAL_BYTES = 32
KEY_SALT = b"gau-kiosk field bundle"
SEAL_KEY_INFO = b"seal key v1"
KEY_ID_INFO = b"key id v1"
MAX_HEADER_BYTES = 128
MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_TEXT_BYTES = 2 * 1024 * 1024 * 1024
_HEADER = re.compile(rb"GAU-FIELD-BUNDLE/([0-9]{1,4}) ([0-9a-f]{16}) ([0-9]{1,12})\n")
KINDS = ("ticket", "pre_request")
NOTHING_IMPORTED = "nothing imported"


class BundleRefused(Exception):
    """The whole bundle is refused before anything of it is stored; the message says why."""


@dataclass(frozen=True)
class VerifiedBundle:
    """A bundle whose seal matched an active device's key, with its manifest and records."""

    device: Device
    manifest: Mapping[str, Any]
    records: list[dict[str, Any]]


@dataclass(frozen=True)
class RecordOutcome:
    """What the server did with one record: as a sync batch would report it."""

    kind: str
    idempotency_key: str
    status: BatchStatus
    reason: str | None = None


@dataclass
class ImportReport:
    """The result of one import: the bundle, and each record's outcome in bundle order."""

    bundle: VerifiedBundle
    outcomes: list[RecordOutcome] = field(default_factory=list)
    dry_run: bool = False

    def count(self, status: BatchStatus) -> int:
        """How many records ended with this status."""
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def refused(self) -> list[RecordOutcome]:
        """The records the server refused, each with its reason."""
        return [outcome for outcome in self.outcomes if outcome.status == "rejected"]


def _hkdf_sha256(secret: bytes, info: bytes) -> bytes:
    """RFC 5869 HKDF-SHA256 with the format's salt, one 32-byte block (as the kiosk derives)."""
    pseudo_random = hmac.new(KEY_SALT, secret, hashlib.sha256).digest()
    return hmac.new(pseudo_random, info + b"\x01", hashlib.sha256).digest()


def device_seal_keys(token_sha256_hex: str) -> tuple[bytes, str]:
    """(seal key, key id) of a device, from the token digest the server stores."""
    digest = bytes.fromhex(token_sha256_hex)
    return _hkdf_sha256(digest, SEAL_KEY_INFO), _hkdf_sha256(digest, KEY_ID_INFO)[:8].hex()


def read_bundle_file(path: Path) -> bytes:
    """The file's bytes, or BundleRefused naming what is wrong with it."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise BundleRefused(f"{path}: not a file")
        if size > MAX_FILE_BYTES:
            raise BundleRefused(f"{path}: {size} bytes, over the {MAX_FILE_BYTES} a bundle may be")
        return path.read_bytes()
    except OSError as exc:
        raise BundleRefused(f"{path}: cannot read it ({exc.strerror or exc})") from exc


def _split(data: bytes) -> tuple[str, bytes, bytes, bytes]:
    """(key id, signed part, body, seal) of the bytes, checking the header and the length."""
    if not data:
        raise BundleRefused("the file is empty (an interrupted copy?)")
    if not data.startswith(MAGIC):
        if MAGIC.startswith(data):
            raise BundleRefused("the file is truncated inside its header (an interrupted copy?)")
        raise BundleRefused("not a kiosk field bundle (no GAU-FIELD-BUNDLE header)")
    end = data.find(b"\n", 0, MAX_HEADER_BYTES)
    if end < 0:
        if len(data) < MAX_HEADER_BYTES:
            raise BundleRefused("the file is truncated inside its header (an interrupted copy?)")
        raise BundleRefused("the header line is damaged")
    header = _HEADER.fullmatch(data[: end + 1])
    if header is None:
        raise BundleRefused("the header line is damaged (or altered)")
    version, key_id, body_length = int(header[1]), header[2].decode(), int(header[3])
    if version != FORMAT_VERSION:
        raise BundleRefused(
            f"format version {version}; this server reads version {FORMAT_VERSION} "
            "(update the server, or make the bundle with a matching kiosk)"
        )
    expected = end + 1 + body_length + SEAL_BYTES
    if len(data) < expected:
        raise BundleRefused(
            f"the file is truncated: {len(data)} bytes where its header announces {expected} "
            "(an interrupted copy or a full stick? copy it again from the kiosk)"
        )
    if len(data) > expected:
        raise BundleRefused(
            f"{len(data) - expected} bytes follow the seal: the file was altered or damaged"
        )
    signed = data[: end + 1 + body_length]
    return key_id, signed, data[end + 1 : end + 1 + body_length], data[-SEAL_BYTES:]


def _device_by_key_id(connection: sqlite3.Connection, key_id: str) -> tuple[Device, bytes, Any]:
    """The device (revoked ones too) whose key has this id, its seal key and revoked_at."""
    rows = connection.execute(
        "SELECT device_id, name, annex_id, token_sha256, revoked_at, standalone_start, "
        "standalone_end FROM devices ORDER BY device_id"
    ).fetchall()
    for row in rows:
        seal_key, candidate = device_seal_keys(row["token_sha256"])
        if hmac.compare_digest(candidate, key_id):
            device = Device(
                device_id=row["device_id"],
                name=row["name"],
                annex_id=row["annex_id"],
                standalone_start=row["standalone_start"],
                standalone_end=row["standalone_end"],
            )
            return device, seal_key, row["revoked_at"]
    raise BundleRefused(
        f"sealed with key {key_id}, which no device registered on this server has "
        "(a kiosk of another server, or the file was altered)"
    )


def _gunzip(body: bytes) -> bytes:
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        text = inflater.decompress(body, MAX_TEXT_BYTES)
    except zlib.error as exc:
        raise BundleRefused(f"sealed, but its body is not gzip data ({exc})") from exc
    if inflater.unconsumed_tail:
        raise BundleRefused(f"sealed, but its body unpacks to over {MAX_TEXT_BYTES} bytes")
    if not inflater.eof or inflater.unused_data:
        raise BundleRefused("sealed, but its gzip body is incomplete or followed by other data")
    return text


def _check_contents(document: Any) -> tuple[Mapping[str, Any], list[dict[str, Any]]]:
    """The manifest and the records, once their shape and the manifest's figures agree."""
    if not isinstance(document, dict) or not isinstance(document.get("manifest"), dict):
        raise BundleRefused("sealed, but it holds no manifest")
    manifest, records = document["manifest"], document.get("records")
    if manifest.get("format") != FORMAT_NAME or manifest.get("format_version") != FORMAT_VERSION:
        raise BundleRefused("sealed, but its manifest names another format")
    if not isinstance(records, list) or not all(
        isinstance(record, dict)
        and isinstance(record.get("kind"), str)
        and isinstance(record.get("idempotency_key"), str)
        and isinstance(record.get("created_at"), str)
        and isinstance(record.get("payload"), dict)
        and record["payload"].get("idempotency_key") == record["idempotency_key"]
        for record in records
    ):
        raise BundleRefused("sealed, but a record is malformed (kind, key, time or payload)")
    counts = Counter(record["kind"] for record in records)
    times = sorted(record["created_at"] for record in records)
    if (
        manifest.get("counts") != dict(counts)
        or manifest.get("records") != len(records)
        or not times
        or manifest.get("first_record_at") != times[0]
        or manifest.get("last_record_at") != times[-1]
    ):
        raise BundleRefused("sealed, but the manifest's counts or times do not match its records")
    return manifest, records


def verify_bundle(connection: sqlite3.Connection, data: bytes) -> VerifiedBundle:
    """Check everything before anything is stored: header, length, device, seal, contents."""
    key_id, signed, body, seal = _split(data)
    device, seal_key, revoked_at = _device_by_key_id(connection, key_id)
    expected = hmac.new(seal_key, signed, hashlib.sha256).digest()
    if not hmac.compare_digest(expected, seal):
        raise BundleRefused(
            f"the seal does not match device {device.name}'s key: the file was altered or "
            "damaged, or sealed with another kiosk's key"
        )
    if revoked_at is not None:
        raise BundleRefused(f"device {device.name} was revoked at {revoked_at}")
    try:
        document = json.loads(_gunzip(body).decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BundleRefused("sealed, but its body is not JSON text") from exc
    manifest, records = _check_contents(document)
    kiosk = manifest.get("kiosk")
    if not isinstance(kiosk, dict) or kiosk.get("key_id") != key_id:
        raise BundleRefused("sealed, but the manifest names another kiosk than the header")
    return VerifiedBundle(device, manifest, records)


def _invalid(error: ValidationError) -> str:
    """Which fields failed and how; never the values (they may be a CIN or a phone)."""
    parts = [
        f"{'.'.join(str(step) for step in problem['loc']) or 'item'} {problem['type']}"
        for problem in error.errors()
    ]
    return "invalid: " + ", ".join(parts[:5])


def _refusal_already_recorded(
    connection: sqlite3.Connection, device: Device, fields: Mapping[str, Any], reason: str
) -> bool:
    """Whether this same refusal was recorded before (an earlier import of this bundle)."""
    row = connection.execute(
        "SELECT COUNT(*) FROM ticket_conflicts WHERE device_id = ? AND idempotency_key = ? "
        "AND number = ? AND business_day = ? AND reason = ?",
        (
            device.device_id,
            str(fields["idempotency_key"]),
            str(fields["number"]),
            str(fields["business_day"]),
            reason,
        ),
    ).fetchone()
    return int(row[0]) > 1


def _ingest_ticket(
    connection: sqlite3.Connection, device: Device, payload: Mapping[str, Any]
) -> tuple[BatchStatus, str | None]:
    try:
        item = OfflineTicket.model_validate(payload)
    except ValidationError as exc:
        return "rejected", _invalid(exc)
    # As POST /tickets/batch does: the body model, then the upload rules.
    fields = item.model_dump(mode="json")
    fields["issued_at"] = to_iso(item.issued_at)
    connection.execute("SAVEPOINT bundle_record")
    status, reason = store_offline_ticket(connection, fields, device.annex_id, device.device_id)
    if status == "rejected" and _refusal_already_recorded(connection, device, fields, reason or ""):
        # The conflict list shows each refusal once, however often the stick is imported.
        connection.execute("ROLLBACK TO bundle_record")
    connection.execute("RELEASE bundle_record")
    return status, reason


def _ingest_pre_request(
    connection: sqlite3.Connection, device: Device, payload: Mapping[str, Any]
) -> tuple[BatchStatus, str | None]:
    try:
        item = PreRequestItem.model_validate(payload)
    except ValidationError as exc:
        return "rejected", _invalid(exc)
    # As POST /pre-requests/batch does.
    outcome = store_pre_request(
        connection, item.model_dump(mode="json"), device.annex_id, device.device_id
    )
    return outcome.status, outcome.reason


def ingest(
    connection: sqlite3.Connection, device: Device, records: list[dict[str, Any]]
) -> list[RecordOutcome]:
    """Store each record by the sync endpoints' rules, inside the caller's transaction."""
    outcomes = []
    for record in records:
        kind, payload = record["kind"], record["payload"]
        if kind == "ticket":
            status, reason = _ingest_ticket(connection, device, payload)
        elif kind == "pre_request":
            status, reason = _ingest_pre_request(connection, device, payload)
        else:
            status, reason = "rejected", f"unknown_kind {kind[:40]!r}"
        outcomes.append(RecordOutcome(kind, record["idempotency_key"], status, reason))
    return outcomes


class _RollBack(Exception):
    """Raised inside the write transaction of a dry run, so that nothing stays."""


def import_bundle(database: Database, path: Path, dry_run: bool = False) -> ImportReport:
    """Verify the bundle at `path`, then ingest all its records in one transaction.

    BundleRefused (nothing stored) if anything about the file is wrong. `dry_run` does the
    whole import and rolls it back, to see what an import would do.
    """
    data = read_bundle_file(path)
    with database.read() as connection:
        verified = verify_bundle(connection, data)
    report = ImportReport(verified, dry_run=dry_run)
    try:
        with database.write() as connection:
            # Verified before the write lock is taken; the device may have been revoked since.
            revoked = connection.execute(
                "SELECT revoked_at FROM devices WHERE device_id = ?", (verified.device.device_id,)
            ).fetchone()
            if revoked is None or revoked["revoked_at"] is not None:
                raise BundleRefused(f"device {verified.device.name} was revoked meanwhile")
            report.outcomes = ingest(connection, verified.device, verified.records)
            if dry_run:
                raise _RollBack
    except _RollBack:
        pass
    return report


def describe(report: ImportReport) -> list[str]:
    """The import as lines for the office: counts and reasons, never a CIN, phone or name."""
    manifest, device = report.bundle.manifest, report.bundle.device
    counts = ", ".join(f"{kind} {n}" for kind, n in sorted(manifest["counts"].items()))
    lines = [
        f"bundle {manifest.get('bundle_id')} from device {device.name} "
        f"(annex {device.annex_id}), made {manifest.get('created_at')}",
        f"records: {len(report.outcomes)} ({counts}), "
        f"{manifest['first_record_at']} to {manifest['last_record_at']}",
        f"new {report.count('created')}, already known {report.count('duplicate')}, "
        f"refused {len(report.refused)}",
    ]
    reasons = Counter(outcome.reason or "rejected" for outcome in report.refused)
    if reasons:
        lines.append(
            "refused for: " + ", ".join(f"{reason} ×{n}" for reason, n in sorted(reasons.items()))
        )
    lines += [
        f"refused {outcome.kind} {outcome.idempotency_key}: {outcome.reason}"
        for outcome in report.refused
    ]
    if report.dry_run:
        lines.append("dry run: rolled back, nothing stored")
    return lines
