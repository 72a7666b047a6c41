"""Field bundles: the unsent outbox sealed in one file for a USB stick (`central-server import`).

Format, version 1 (docs/sync.md, "Field transfer by USB stick"):

    GAU-FIELD-BUNDLE/1 <key id, 16 hex> <length of the body in bytes>\\n
    <body: gzip of UTF-8 JSON {"manifest": {...}, "records": [...]}>
    <seal: HMAC-SHA256 of the header line and the body, 32 raw bytes>

The seal's key comes from what the kiosk and the server both hold: the server keeps only
SHA-256(device token), so the key is HKDF-SHA256 of that digest. The key id in the clear
header only tells the server which device's key to try; it is sealed like everything else.
central_server/bundles.py reads this format and derives the same keys (it may not import
this package): the two must change together.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
import socket
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from offline_cache.clock import iso, utc_now
from offline_cache.files import write_file_durably
from offline_cache.outbox import Outbox, OutboxItem, OutboxStatus

FORMAT_NAME = "gau-field-bundle"
FORMAT_VERSION = 1
MAGIC = b"GAU-FIELD-BUNDLE/"
SEAL_BYTES = 32
KEY_SALT = b"gau-kiosk field bundle"
SEAL_KEY_INFO = b"seal key v1"
KEY_ID_INFO = b"key id v1"
SUFFIX = ".gaub"
# Unsent records: pending, or in flight on a sync that may yet fail. Failed ones already
# have the server's verdict and stay for the technician (`kiosk outbox export`).
CARRIED = (OutboxStatus.PENDING, OutboxStatus.IN_FLIGHT)
MAX_RECORDS = 1_000_000


@dataclass(frozen=True)
class SealKeys:
    """The key that seals a device's bundles, and the public id the server finds it by."""

    seal_key: bytes
    key_id: str


def _hkdf_sha256(secret: bytes, info: bytes) -> bytes:
    """RFC 5869 HKDF-SHA256 with this format's salt, one 32-byte block of output."""
    pseudo_random = hmac.new(KEY_SALT, secret, hashlib.sha256).digest()
    return hmac.new(pseudo_random, info + b"\x01", hashlib.sha256).digest()


def seal_keys(device_token: str) -> SealKeys:
    """The keys of the device holding `device_token`, from SHA-256(token) as the server has it."""
    token_digest = hashlib.sha256(device_token.encode()).digest()
    return SealKeys(
        seal_key=_hkdf_sha256(token_digest, SEAL_KEY_INFO),
        key_id=_hkdf_sha256(token_digest, KEY_ID_INFO)[:8].hex(),
    )


@dataclass(frozen=True)
class BundleManifest:
    """What a bundle holds, for the office to check before and after importing it."""

    bundle_id: str
    created_at: str
    key_id: str
    hostname: str
    counts: Mapping[str, int]
    first_record_at: str
    last_record_at: str

    @property
    def records(self) -> int:
        """How many records the bundle carries."""
        return sum(self.counts.values())

    def as_json(self) -> dict[str, Any]:
        """The manifest as written in the bundle."""
        return {
            "format": FORMAT_NAME,
            "format_version": FORMAT_VERSION,
            "bundle_id": self.bundle_id,
            "created_at": self.created_at,
            "kiosk": {"key_id": self.key_id, "hostname": self.hostname},
            "counts": dict(sorted(self.counts.items())),
            "records": self.records,
            "first_record_at": self.first_record_at,
            "last_record_at": self.last_record_at,
        }


@dataclass(frozen=True)
class BundleWritten:
    """A bundle on disk and what it holds."""

    path: Path
    manifest: BundleManifest
    size_bytes: int
    marked: int


def bundle_record(item: OutboxItem) -> dict[str, Any]:
    """One outbox row as carried: the upload item exactly as the sync engine would send it."""
    return {
        "kind": item.kind,
        "idempotency_key": item.idempotency_key,
        "created_at": item.created_at,
        "payload": dict(item.payload),
    }


def manifest_for(
    items: Sequence[OutboxItem], key_id: str, created_at: datetime, hostname: str
) -> BundleManifest:
    """The manifest of a bundle of these records (at least one)."""
    counts: dict[str, int] = {}
    for item in items:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    times = sorted(item.created_at for item in items)
    return BundleManifest(
        bundle_id=str(uuid.uuid4()),
        created_at=iso(created_at),
        key_id=key_id,
        hostname=hostname,
        counts=counts,
        first_record_at=times[0],
        last_record_at=times[-1],
    )


def seal(document: Mapping[str, Any], device_token: str) -> bytes:
    """The bundle file's bytes: header, gzip body, HMAC seal over both."""
    keys = seal_keys(device_token)
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # mtime=0: the same content seals to the same bytes (the manifest carries the time).
    body = gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0)
    header = f"{MAGIC.decode()}{FORMAT_VERSION} {keys.key_id} {len(body)}\n".encode("ascii")
    return header + body + hmac.new(keys.seal_key, header + body, hashlib.sha256).digest()


def bundle_path(out: Path, manifest: BundleManifest) -> Path:
    """`out` itself, or a file named after the kiosk, the time and the bundle in folder `out`."""
    if not out.is_dir():
        return out
    stamp = manifest.created_at.replace(":", "").replace("-", "").replace("+0000", "Z")
    return out / f"kiosk-{manifest.key_id}-{stamp}-{manifest.bundle_id[:8]}{SUFFIX}"


def write_bundle(
    db: sqlite_utils.Database,
    out: Path,
    device_token: str,
    *,
    new_only: bool = False,
    now: datetime | None = None,
    hostname: str | None = None,
) -> BundleWritten | None:
    """Seal the unsent records into a bundle at `out` and note them as exported.

    Every unsent record goes in, including those of earlier bundles (a stick can be lost),
    unless `new_only`. Nothing is deleted or marked done: only the server's answer to a
    network sync does that. None when there is nothing to carry.
    """
    outbox = Outbox(db)
    items = outbox.items(CARRIED, limit=MAX_RECORDS)
    if new_only:
        items = [item for item in items if item.exported_at is None]
    if not items:
        return None
    created_at = now or utc_now()
    keys = seal_keys(device_token)
    manifest = manifest_for(items, keys.key_id, created_at, hostname or socket.gethostname())
    document = {"manifest": manifest.as_json(), "records": [bundle_record(i) for i in items]}
    data = seal(document, device_token)
    path = bundle_path(out, manifest)
    write_file_durably(path, data)
    marked = outbox.mark_exported(
        [item.idempotency_key for item in items], manifest.bundle_id, created_at
    )
    return BundleWritten(path, manifest, len(data), marked)
