"""Field bundles on a USB stick: export, import twice, then sync; each record held once.

The real kiosk and central-server commands run as subprocesses on real SQLite files, next to
the real reference server on loopback; tampered and truncated bundles import nothing.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import sqlite3
import stat
import subprocess
import sys
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from central_server.bundles import BundleRefused, device_seal_keys, import_bundle
from central_server.db import Database
from kiosk.cli import main as kiosk_main
from offline_cache.bundle import seal, seal_keys
from offline_cache.database import connect, migrate, open_cache, transaction
from offline_cache.outbox import Outbox, OutboxStatus
from offline_cache.pre_requests import PreRequestStore
from offline_cache.protocol import OutboxKind, PreRequest
from tests.support.reference_server import (
    DEMO_DEVICE_TOKEN,
    DEMO_DEVICE_TOKEN_2,
    DEMO_REVOKED_TOKEN,
    REPO_ROOT,
    ReferenceServer,
)
from tests.support.sync_helpers import issue_offline_tickets, queue_pre_requests, server_key_counts

# What queue_pre_requests gives its first citizen: it must never reach a terminal.
FIRST_CIN, FIRST_PHONE = "AB100000", "+212612000000"
BAD_CIN = "ZX1234567"


def _kiosk_config(tmp_path: Path, url: str, token: str | None = DEMO_DEVICE_TOKEN) -> Path:
    token_file = tmp_path / "device-token"
    if token is not None:
        token_file.write_text(token + "\n")
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'[server]\nurl = "{url}"\ndevice_token_file = "{token_file}"\n'
        "connect_timeout_s = 1\nread_timeout_s = 5\n\n"
        f'[cache]\npath = "{tmp_path / "cache.sqlite"}"\n'
    )
    return config


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        check=False,
    )


def _kiosk(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return _run("-m", "kiosk", "--config", str(config), *args)


def _import(server: ReferenceServer, bundle: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return _run(
        "-m", "central_server.cli", "--db", str(server.db_path), "import", *extra, str(bundle)
    )


def _queue(tmp_path: Path, tickets: int, pre_requests: int) -> list[str]:
    db = open_cache(tmp_path / "cache.sqlite")
    try:
        return issue_offline_tickets(db, tickets) + queue_pre_requests(db, pre_requests)
    finally:
        db.conn.close()


def _conflicts(server: ReferenceServer) -> int:
    with sqlite3.connect(f"file:{server.db_path}?mode=ro", uri=True) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM ticket_conflicts").fetchone()[0])


def _no_personal_data(*texts: str) -> None:
    for text in texts:
        assert FIRST_CIN not in text and FIRST_PHONE not in text, text


def _make_bundle(tmp_path: Path, config: Path) -> Path:
    stick = tmp_path / "stick"
    stick.mkdir(exist_ok=True)
    made = _kiosk(config, "outbox", "bundle", "--out", str(stick))
    assert made.returncode == 0, made.stderr
    _no_personal_data(made.stdout, made.stderr)
    (bundle,) = stick.glob("*.gaub")
    return bundle


def test_export_import_twice_then_sync_holds_each_record_once(
    reference_server: ReferenceServer, tmp_path: Path
) -> None:
    config = _kiosk_config(tmp_path, reference_server.base_url)
    keys = _queue(tmp_path, tickets=4, pre_requests=3)

    bundle = _make_bundle(tmp_path, config)
    assert stat.S_IMODE(bundle.stat().st_mode) == 0o600
    cache = open_cache(tmp_path / "cache.sqlite")
    try:
        rows = Outbox(cache).items([OutboxStatus.PENDING, OutboxStatus.DONE])
        # Carried off, not confirmed: still queued for the network, nothing deleted.
        assert [row.idempotency_key for row in rows] == keys
        assert {row.status for row in rows} == {OutboxStatus.PENDING}
        assert all(row.exported_at and row.bundle_id for row in rows)
        assert Outbox(cache).exported_unconfirmed() == len(keys)
    finally:
        cache.conn.close()
    listing = _kiosk(config, "outbox", "list")
    assert "7 carried off in a bundle, not yet confirmed by the server" in listing.stdout

    first = _import(reference_server, bundle)
    assert first.returncode == 0, first.stderr
    assert "records: 7 (pre_request 3, ticket 4)" in first.stdout
    assert "new 7, already known 0, refused 0" in first.stdout
    assert "from device kiosk-1" in first.stdout
    assert server_key_counts(reference_server.db_path) == Counter(keys)

    second = _import(reference_server, bundle)
    assert second.returncode == 0, second.stderr
    assert "new 0, already known 7, refused 0" in second.stdout
    assert server_key_counts(reference_server.db_path) == Counter(keys)
    _no_personal_data(first.stdout, first.stderr, second.stdout, second.stderr)

    synced = _kiosk(config, "sync")
    assert synced.returncode == 0, synced.stdout + synced.stderr
    assert "pushed: 0 new, 7 already on the server, 0 refused, 0 to retry" in synced.stdout
    assert "outbox: 0 pending, 0 failed" in synced.stdout
    assert server_key_counts(reference_server.db_path) == Counter(keys)

    cache = open_cache(tmp_path / "cache.sqlite")
    try:
        assert Outbox(cache).counts()[OutboxStatus.DONE] == len(keys)
        assert Outbox(cache).exported_unconfirmed() == 0
        kiosk_refs = dict(
            cache.conn.execute("SELECT idempotency_key, server_reference FROM pre_requests")
        )
    finally:
        cache.conn.close()
    # The references the kiosk now shows are those the import gave the pre-requests.
    with sqlite3.connect(f"file:{reference_server.db_path}?mode=ro", uri=True) as conn:
        server_refs = dict(conn.execute("SELECT idempotency_key, reference FROM pre_requests"))
    assert kiosk_refs == server_refs and len(server_refs) == 3

    third = _import(reference_server, bundle)
    assert "new 0, already known 7, refused 0" in third.stdout
    assert server_key_counts(reference_server.db_path) == Counter(keys)


def test_records_synced_before_the_stick_arrives_are_already_known(
    reference_server: ReferenceServer, tmp_path: Path
) -> None:
    config = _kiosk_config(tmp_path, reference_server.base_url)
    keys = _queue(tmp_path, tickets=2, pre_requests=2)
    bundle = _make_bundle(tmp_path, config)
    assert kiosk_main(["--config", str(config), "sync"]) == 0
    report = import_bundle(Database(reference_server.db_path), bundle)
    assert (report.count("created"), report.count("duplicate"), report.refused) == (0, 4, [])
    assert server_key_counts(reference_server.db_path) == Counter(keys)


def test_refused_records_are_reported_with_reasons_and_recorded_once(
    reference_server: ReferenceServer, tmp_path: Path
) -> None:
    config = _kiosk_config(tmp_path, reference_server.base_url)
    good = _queue(tmp_path, tickets=1, pre_requests=1)
    cache = open_cache(tmp_path / "cache.sqlite")
    try:
        unknown_service = queue_pre_requests(cache, 1, service_code="no_such_service")
        # Seven digits: no CIN. The body model refuses it, as POST /pre-requests/batch would.
        malformed = PreRequest(
            str(uuid.uuid4()),
            "residence_certificate",
            BAD_CIN,
            "+212600000001",
            "fr",
            datetime.now(UTC).replace(microsecond=0),
        )
        PreRequestStore(cache).create(malformed)
        # A ticket numbered below the standalone space: the server refuses and records it.
        outside = str(uuid.uuid4())
        item = {
            "idempotency_key": outside,
            "number": "A-4000",
            "family": "A",
            "seq": 4000,
            "service_code": "residence_certificate",
            "business_day": datetime.now(UTC).date().isoformat(),
            "issued_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "source": "standalone",
            "block_id": None,
        }
        with transaction(cache):
            Outbox(cache).enqueue(OutboxKind.TICKET, item, outside)
    finally:
        cache.conn.close()
    bundle = _make_bundle(tmp_path, config)

    trial = _import(reference_server, bundle, "--dry-run")
    assert trial.returncode == 1, trial.stderr
    assert "new 2, already known 0, refused 3" in trial.stdout
    assert "dry run: rolled back, nothing stored" in trial.stdout
    assert server_key_counts(reference_server.db_path) == Counter()
    assert _conflicts(reference_server) == 0

    first = _import(reference_server, bundle)
    assert first.returncode == 1
    assert "new 2, already known 0, refused 3" in first.stdout
    assert f"refused ticket {outside}: outside_standalone_space" in first.stdout
    assert f"refused pre_request {unknown_service[0]}: unknown_service" in first.stdout
    assert f"refused pre_request {malformed.idempotency_key}: invalid: cin " in first.stdout
    assert server_key_counts(reference_server.db_path) == Counter(good)
    assert _conflicts(reference_server) == 1

    again = _import(reference_server, bundle)
    assert "new 0, already known 2, refused 3" in again.stdout
    assert _conflicts(reference_server) == 1  # the same refusal is not recorded twice
    _no_personal_data(trial.stdout, first.stdout, again.stdout)
    assert BAD_CIN not in first.stdout + first.stderr


def _bundle_bytes(tmp_path: Path, server: ReferenceServer) -> tuple[bytes, list[str]]:
    config = _kiosk_config(tmp_path, server.base_url)
    keys = _queue(tmp_path, tickets=2, pre_requests=2)
    return _make_bundle(tmp_path, config).read_bytes(), keys


def _refusal(server: ReferenceServer, path: Path, data: bytes) -> str:
    path.write_bytes(data)
    with pytest.raises(BundleRefused) as refused:
        import_bundle(Database(server.db_path), path)
    return str(refused.value)


def _unpack(data: bytes) -> tuple[bytes, dict[str, Any]]:
    header, _, rest = data.partition(b"\n")
    body_length = int(header.split()[-1])
    return header, json.loads(gzip.decompress(rest[:body_length]))


def test_any_changed_byte_or_truncation_is_refused_and_imports_nothing(
    reference_server: ReferenceServer, tmp_path: Path
) -> None:
    data, keys = _bundle_bytes(tmp_path, reference_server)
    scratch = tmp_path / "scratch.gaub"
    messages = Counter()
    for position in range(len(data)):
        changed = bytearray(data)
        changed[position] ^= 0xFF
        messages[_refusal(reference_server, scratch, bytes(changed)).split(":")[0]] += 1
    for length in range(len(data)):
        message = _refusal(reference_server, scratch, data[:length])
        assert "truncated" in message or "empty" in message, (length, message)
    print(f"{len(data)} bytes; refusals by message: {dict(messages)}")
    assert server_key_counts(reference_server.db_path) == Counter()
    assert _conflicts(reference_server) == 0

    # Through the command: a clear line, exit 2, nothing imported.
    changed = bytearray(data)
    changed[len(data) // 2] ^= 0x01
    scratch.write_bytes(bytes(changed))
    altered = _import(reference_server, scratch)
    assert altered.returncode == 2 and altered.stdout == ""
    assert "the seal does not match device kiosk-1's key" in altered.stderr
    assert altered.stderr.strip().endswith("nothing imported")
    scratch.write_bytes(data[: len(data) - 100])
    cut = _import(reference_server, scratch)
    assert cut.returncode == 2 and "the file is truncated" in cut.stderr
    assert server_key_counts(reference_server.db_path) == Counter()

    # The untouched bundle goes in: the refusals were the changes, not the setup.
    scratch.write_bytes(data)
    assert _import(reference_server, scratch).returncode == 0
    assert server_key_counts(reference_server.db_path) == Counter(keys)


def test_altered_record_other_key_unknown_or_revoked_device_are_refused(
    reference_server: ReferenceServer, tmp_path: Path
) -> None:
    data, _keys = _bundle_bytes(tmp_path, reference_server)
    header, document = _unpack(data)
    scratch = tmp_path / "scratch.gaub"

    # A record altered, the manifest and the seal kept (the length header made to fit).
    altered = json.loads(json.dumps(document))
    pre = next(r for r in altered["records"] if r["kind"] == "pre_request")
    pre["payload"]["phone"] = "+212699999999"
    body = gzip.compress(json.dumps(altered).encode())
    forged = b" ".join(header.split()[:2]) + f" {len(body)}\n".encode() + body + data[-32:]
    assert "the seal does not match" in _refusal(reference_server, scratch, forged)

    # The same content sealed by kiosk-2, passed off as kiosk-1's (its key id kept).
    other = seal(document, DEMO_DEVICE_TOKEN_2)
    passed_off = header + other[other.index(b"\n") :]
    assert "the seal does not match device kiosk-1's key" in _refusal(
        reference_server, scratch, passed_off
    )
    assert "no device registered on this server" in _refusal(
        reference_server, scratch, seal(document, "a-token-this-server-never-issued")
    )
    revoked = seal(document, DEMO_REVOKED_TOKEN)
    assert "kiosk-retired was revoked" in _refusal(reference_server, scratch, revoked)
    assert server_key_counts(reference_server.db_path) == Counter()


def test_a_database_fault_mid_import_rolls_everything_back(
    reference_server: ReferenceServer, tmp_path: Path
) -> None:
    data, keys = _bundle_bytes(tmp_path, reference_server)
    bundle = tmp_path / "whole.gaub"
    bundle.write_bytes(data)
    # A real SQLite failure after the tickets are stored, on the first pre-request.
    with sqlite3.connect(reference_server.db_path) as conn:
        conn.execute(
            "CREATE TRIGGER fail_pre_requests BEFORE INSERT ON pre_requests "
            "BEGIN SELECT RAISE(ABORT, 'simulated disk fault'); END"
        )
    failed = _import(reference_server, bundle)
    assert failed.returncode == 2
    assert "simulated disk fault" in failed.stderr and "nothing imported" in failed.stderr
    assert server_key_counts(reference_server.db_path) == Counter()
    with sqlite3.connect(reference_server.db_path) as conn:
        conn.execute("DROP TRIGGER fail_pre_requests")
    assert _import(reference_server, bundle).returncode == 0
    assert server_key_counts(reference_server.db_path) == Counter(keys)


def test_kiosk_and_server_derive_the_same_keys() -> None:
    for token in (DEMO_DEVICE_TOKEN, DEMO_DEVICE_TOKEN_2, "x" * 43):
        kiosk = seal_keys(token)
        server_key, server_id = device_seal_keys(hashlib.sha256(token.encode()).hexdigest())
        assert (kiosk.seal_key, kiosk.key_id) == (server_key, server_id)
    assert seal_keys(DEMO_DEVICE_TOKEN).key_id != seal_keys(DEMO_DEVICE_TOKEN_2).key_id


def test_new_only_nothing_to_carry_and_no_token(tmp_path: Path) -> None:
    config = _kiosk_config(tmp_path, "http://127.0.0.1:9")
    _queue(tmp_path, tickets=1, pre_requests=1)
    stick = tmp_path / "stick"
    stick.mkdir()
    first = _kiosk(config, "outbox", "bundle", "--out", str(stick / "one.gaub"))
    assert "records: 2 (pre_request 1, ticket 1)" in first.stdout
    _queue(tmp_path, tickets=0, pre_requests=1)
    again = _kiosk(config, "outbox", "bundle", "--new-only", "--out", str(stick / "two.gaub"))
    assert "records: 1 (pre_request 1)" in again.stdout
    every = _kiosk(config, "outbox", "bundle", "--out", str(stick / "three.gaub"))
    assert "records: 3 (pre_request 2, ticket 1)" in every.stdout
    none = _kiosk(config, "outbox", "bundle", "--new-only", "--out", str(stick / "four.gaub"))
    assert none.returncode == 0 and "no unsent records: no bundle written" in none.stdout
    assert not (stick / "four.gaub").exists()

    no_token = tmp_path / "no-token"
    no_token.mkdir()
    tokenless = _kiosk_config(no_token, "http://127.0.0.1:9", token=None)
    _queue(no_token, tickets=1, pre_requests=0)
    refused = _kiosk(tokenless, "outbox", "bundle", "--out", str(stick / "five.gaub"))
    assert refused.returncode == 1
    assert "cannot seal a bundle" in refused.stderr and str(no_token / "device-token") in (
        refused.stderr
    )
    assert "Traceback" not in refused.stderr and not (stick / "five.gaub").exists()


def test_outbox_list_reads_a_cache_from_before_bundles(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _kiosk_config(tmp_path, "http://127.0.0.1:9")
    old = connect(tmp_path / "cache.sqlite")
    migrate(old, target=6)
    old.conn.execute(
        "INSERT INTO outbox (idempotency_key, kind, payload, created_at) "
        "VALUES ('k1', 'ticket', '{\"number\": \"A-5001\"}', '2026-11-21T09:00:00+00:00')"
    )
    old.conn.close()
    assert kiosk_main(["--config", str(config), "outbox", "list"]) == 0
    assert capsys.readouterr().out.strip().endswith("1 pending, 0 failed")
