"""Migrations bring an empty file, or a file at any earlier version, to the latest schema."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from offline_cache.database import SchemaTooNew, connect, migrate, open_cache, schema_version
from offline_cache.migrations import LATEST_VERSION, MIGRATIONS


def _schema(path: Path) -> list[tuple[str, str]]:
    db = connect(path)
    rows = db.conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name"
    ).fetchall()
    db.conn.close()
    return rows


def test_versions_are_numbered_one_by_one() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))


def test_new_file_is_created_private_in_wal_mode_at_latest_version(tmp_path: Path) -> None:
    path = tmp_path / "new" / "cache.sqlite"
    db = open_cache(path)
    assert schema_version(db) == LATEST_VERSION
    assert db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    db.conn.close()


# Rows that each version's schema can hold, to prove upgrades keep data.
_SEED = {
    1: [
        "INSERT INTO settings VALUES ('catalogue.etag', '\"v7\"')",
        "INSERT INTO outbox (idempotency_key, kind, payload, created_at) "
        "VALUES ('k1', 'ticket', '{\"number\": \"A-501\"}', '2026-11-21T09:00:00+00:00')",
        "INSERT INTO tickets (idempotency_key, number, family, seq, service_code, business_day, "
        "issued_at, source, language) VALUES ('k1', 'A-501', 'A', 501, 'residence', "
        "'2026-11-21', '2026-11-21T09:00:00+00:00', 'standalone', 'ar')",
    ],
    2: ["INSERT INTO guide_fts (code, lang, body) VALUES ('residence', 'fr', 'residence')"],
    3: ["INSERT INTO queue_stats VALUES ('A', 4, 300.0, 2, '2026-11-21T09:00:00+00:00')"],
    4: ["UPDATE tickets SET block_id = 'blk-1', people_ahead = 2 WHERE idempotency_key = 'k1'"],
    5: ["UPDATE outbox SET next_attempt_at = '2026-11-21T09:05:00+00:00'"],
    6: [
        "INSERT INTO pre_requests (idempotency_key, service_code, cin, phone, language, "
        "created_at, local_reference) VALUES ('k2', 'residence', 'AB123456', '+212612345678', "
        "'fr', '2026-11-21T09:00:00+00:00', 'PR-K2')",
        "INSERT INTO request_history_fetches VALUES ('C-0001', '2026-11-21T09:00:00+00:00')",
    ],
    7: [
        "UPDATE outbox SET exported_at = '2026-11-21T10:00:00+00:00', bundle_id = 'b-1' "
        "WHERE idempotency_key = 'k1'"
    ],
}


@pytest.mark.parametrize("start", range(LATEST_VERSION + 1))
def test_upgrade_from_every_earlier_version_keeps_data(tmp_path: Path, start: int) -> None:
    old = tmp_path / f"v{start}.sqlite"
    db = connect(old)
    assert migrate(db, target=start) == list(range(1, start + 1))
    for version in range(1, start + 1):
        for statement in _SEED[version]:
            db.conn.execute(statement)
    db.conn.close()

    upgraded = open_cache(old)
    assert schema_version(upgraded) == LATEST_VERSION
    if start >= 1:
        row = upgraded.conn.execute("SELECT kind, status, synced_at FROM outbox").fetchone()
        assert row == ("ticket", "pending", None)
        # A row older than field bundles was never carried off in one.
        exported = upgraded.conn.execute("SELECT exported_at FROM outbox").fetchone()[0]
        assert (exported is not None) == (start >= 7)
        assert upgraded.conn.execute("SELECT number FROM tickets").fetchone() == ("A-501",)
    upgraded.conn.close()

    fresh = tmp_path / "fresh.sqlite"
    open_cache(fresh).conn.close()
    assert _schema(old) == _schema(fresh)


def test_every_seed_version_is_covered() -> None:
    assert sorted(_SEED) == [m.version for m in MIGRATIONS]


def test_a_failing_migration_leaves_the_previous_version_intact(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    db = connect(path)
    migrate(db, target=2)
    # Sabotage: a table that migration 3 is about to create makes it fail half-way.
    db.conn.execute("CREATE TABLE announcements (id TEXT)")
    with pytest.raises(Exception, match="already exists"):
        migrate(db)
    assert schema_version(db) == 2
    assert db.conn.execute(
        "SELECT COUNT(*) FROM sqlite_master WHERE name = 'queue_stats'"
    ).fetchone() == (0,)
    db.conn.close()


def test_a_file_from_a_newer_kiosk_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    db = connect(path)
    db.conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    db.conn.close()
    with pytest.raises(SchemaTooNew):
        open_cache(path)


def test_rows_left_in_flight_by_a_crash_go_back_to_pending(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    db = open_cache(path)
    db.conn.execute(
        "INSERT INTO outbox (idempotency_key, kind, payload, status, created_at) "
        "VALUES ('k', 'ticket', '{}', 'in_flight', '2026-11-21T09:00:00+00:00')"
    )
    db.conn.close()
    reopened = open_cache(path)
    assert reopened.conn.execute("SELECT status FROM outbox").fetchone() == ("pending",)
    reopened.conn.close()


def test_retry_times_become_iso_text_on_upgrade(tmp_path: Path) -> None:
    old = tmp_path / "v4.sqlite"
    db = connect(old)
    migrate(db, target=4)
    db.conn.execute(
        "INSERT INTO outbox (idempotency_key, kind, payload, created_at, next_attempt_at) "
        "VALUES ('later', 'ticket', '{}', '2026-11-21T09:00:00+00:00', 1795251900.0), "
        "('now', 'ticket', '{}', '2026-11-21T09:00:00+00:00', 0)"
    )
    db.conn.close()
    upgraded = open_cache(old)
    rows = dict(upgraded.conn.execute("SELECT idempotency_key, next_attempt_at FROM outbox"))
    upgraded.conn.close()
    # 1795251900 s after the epoch, in the one form every other time is stored in.
    assert rows == {"later": "2026-11-21T09:05:00+00:00", "now": ""}


def test_two_openers_of_a_fresh_cache_migrate_it_once_without_error(tmp_path: Path) -> None:
    # The app's worker and its sync thread (or two kiosk processes) open a new cache together.
    import threading

    for attempt in range(15):
        path = tmp_path / f"fresh-{attempt}.sqlite"
        start = threading.Barrier(4)
        errors: list[BaseException] = []

        def open_together(
            target: Path = path,
            barrier: threading.Barrier = start,
            failures: list[BaseException] = errors,
        ) -> None:
            barrier.wait()
            try:
                open_cache(str(target)).conn.close()
            except BaseException as exc:
                failures.append(exc)

        threads = [threading.Thread(target=open_together) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        db = open_cache(str(path))
        assert schema_version(db) == LATEST_VERSION
        db.conn.close()
