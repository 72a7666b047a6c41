"""Open the cache file: permissions, pragmas, migrations and crash recovery."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from offline_cache.migrations import LATEST_VERSION, MIGRATIONS


class CacheError(Exception):
    """The cache file cannot be opened or is damaged."""


class SchemaTooNew(CacheError):
    """The file was written by a newer kiosk version; refuse rather than corrupt it."""


def _create_private_file(path: Path) -> None:
    # The cache holds CINs and phone numbers until they are purged: no other user
    # on the box may read it. Creating it 0600 up front avoids a window where it is not.
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(descriptor)


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception; nested, a SAVEPOINT.

    The one transaction rule of the cache: each repository method that writes is atomic on
    its own (it opens this block), and a caller that needs several writes to land together
    (a ticket and its outbox row) wraps them in this block too; the inner blocks then join
    the caller's transaction as savepoints. IMMEDIATE takes the write lock at BEGIN, so two
    writers queue on the busy timeout instead of failing half-way with SQLITE_BUSY.
    """
    conn = db.conn
    if conn.in_transaction:
        conn.execute("SAVEPOINT nested_write")
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK TO nested_write")
                conn.execute("RELEASE nested_write")
            raise
        conn.execute("RELEASE nested_write")
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def schema_version(db: sqlite_utils.Database) -> int:
    """The schema version recorded in the file (0 for a new file)."""
    return int(db.conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite_utils.Database, target: int = LATEST_VERSION) -> list[int]:
    """Apply pending migrations up to `target`, each in its own transaction."""
    current = schema_version(db)
    if current > LATEST_VERSION:
        raise SchemaTooNew(f"cache schema {current} is newer than this kiosk's {LATEST_VERSION}")
    applied = []
    for migration in MIGRATIONS:
        if current < migration.version <= target:
            with transaction(db) as conn:
                # executescript would COMMIT first; run statements one by one instead.
                for statement in _statements(migration.sql):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {migration.version}")
            applied.append(migration.version)
    return applied


def _statements(script: str) -> list[str]:
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    return [statement for statement in statements if statement]


def recover_interrupted(db: sqlite_utils.Database) -> int:
    """Rows left in flight by a crash go back to pending; the server dedupes any resend."""
    with transaction(db) as conn:
        cursor = conn.execute("UPDATE outbox SET status = 'pending' WHERE status = 'in_flight'")
    return cursor.rowcount


def connect(path: str | Path) -> sqlite_utils.Database:
    """A configured connection to an existing or new cache file, without migrating."""
    file = Path(path)
    _create_private_file(file)
    try:
        # Autocommit mode: transactions are explicit (see `transaction`). Each thread
        # opens its own connection; the sync worker never shares the UI's.
        conn = sqlite3.connect(file, isolation_level=None, timeout=10.0)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 10000")
    except sqlite3.DatabaseError as exc:
        raise CacheError(f"{file}: not a usable SQLite database ({exc})") from exc
    return sqlite_utils.Database(conn)


def open_cache(path: str | Path) -> sqlite_utils.Database:
    """Open the cache, bring its schema up to date and recover from an interrupted sync."""
    db = connect(path)
    try:
        migrate(db)
        recover_interrupted(db)
    except sqlite3.DatabaseError as exc:
        db.conn.close()
        raise CacheError(f"{path}: the cache file is damaged ({exc})") from exc
    return db
