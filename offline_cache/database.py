"""Open the cache file: permissions, pragmas, migrations and crash recovery."""

from __future__ import annotations

import errno
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from offline_cache.migrations import LATEST_VERSION, MIGRATIONS


class CacheError(Exception):
    """The cache file cannot be used; `advice` tells a technician what to do about it."""

    advice = "keep the file for the technician; [cache] path can point to a new one"


class CacheDamaged(CacheError):
    """The file's pages are damaged (SQLite: malformed, not a database)."""

    advice = (
        "keep the file for the technician (it may hold records not yet sent) "
        "and point [cache] path to a new file"
    )


class CacheFull(CacheError):
    """The disk holding the cache is full: the write was rolled back, nothing half-done."""

    advice = "free space on the disk that holds [cache] path; nothing was recorded"


class CacheReadOnly(CacheError):
    """The cache's disk or folder cannot be written (read-only media, permissions)."""

    advice = "make [cache] path writable by the kiosk user, or run a read-only command"


class CacheDiskError(CacheError):
    """The disk failed a read or a write (I/O error; also what a full disk can look like)."""

    advice = (
        "check that the disk holding [cache] path has free space and is not failing; "
        "the interrupted write was rolled back"
    )


class SchemaTooNew(CacheError):
    """The file was written by a newer kiosk version; refuse rather than corrupt it."""


# SQLite's primary result codes (the low byte of an extended code) and what they mean here.
_SQLITE_ERRORS: dict[int, type[CacheError]] = {
    8: CacheReadOnly,  # SQLITE_READONLY
    10: CacheDiskError,  # SQLITE_IOERR
    11: CacheDamaged,  # SQLITE_CORRUPT
    13: CacheFull,  # SQLITE_FULL
    14: CacheReadOnly,  # SQLITE_CANTOPEN
    26: CacheDamaged,  # SQLITE_NOTADB
}


def cache_error(exc: sqlite3.Error, path: str | Path | None = None) -> CacheError:
    """The cache fault behind an sqlite3 error, for one clear line (or a translated message)."""
    code = getattr(exc, "sqlite_errorcode", None)
    kind = _SQLITE_ERRORS.get(code & 0xFF, CacheError) if isinstance(code, int) else CacheError
    where = f"{path}: " if path else ""
    return kind(f"{where}{exc}")


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
                # Read the version again under the write lock: another connection (the sync
                # worker, a second kiosk process) may have applied this migration meanwhile.
                if schema_version(db) >= migration.version:
                    continue
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


def _enter_wal(conn: sqlite3.Connection, patience_s: float = 10.0) -> None:
    """Switch to WAL; wait out another connection doing the same on a new file.

    SQLite answers "database is locked" at once, without its busy handler, when a second
    connection asks for WAL while the first is converting the file: retry for a while.
    """
    deadline = time.monotonic() + patience_s
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def connect(path: str | Path) -> sqlite_utils.Database:
    """A configured connection to an existing or new cache file, without migrating."""
    file = Path(path)
    try:
        _create_private_file(file)
    except OSError as exc:
        kind = (
            CacheReadOnly if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM) else CacheError
        )
        raise kind(f"{file}: {exc.strerror or exc}") from exc
    try:
        # Autocommit mode: transactions are explicit (see `transaction`). Each thread
        # opens its own connection; the sync worker never shares the UI's.
        conn = sqlite3.connect(file, isolation_level=None, timeout=10.0)
        _enter_wal(conn)
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 10000")
    except sqlite3.Error as exc:
        raise cache_error(exc, file) from exc
    return sqlite_utils.Database(conn)


def open_cache_readonly(path: str | Path) -> sqlite_utils.Database:
    """Open an existing cache for reading only: nothing migrated, recovered or created.

    For commands that only look (outbox list and export, the doctor), so they work on a
    cache on read-only media, such as a USB stick brought back from the field, and never
    change a file the running kiosk is using. A folder that cannot be written holds no WAL
    index either: the file is then opened immutable, which needs none.
    """
    file = Path(path)
    if not file.is_file():
        raise CacheError(f"{file}: no cache file there (check [cache] path)")
    writable_dir = os.access(file.parent, os.W_OK)
    options = "mode=ro" if writable_dir else "immutable=1"
    try:
        conn = sqlite3.connect(f"{file.resolve().as_uri()}?{options}", uri=True, timeout=10.0)
        conn.execute("PRAGMA busy_timeout = 10000")
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.Error as exc:
        raise cache_error(exc, file) from exc
    if version < 1:
        conn.close()
        raise CacheError(f"{file}: not a kiosk cache (schema version {version})")
    if version > LATEST_VERSION:
        conn.close()
        raise SchemaTooNew(f"cache schema {version} is newer than this kiosk's {LATEST_VERSION}")
    return sqlite_utils.Database(conn)


def open_cache(path: str | Path) -> sqlite_utils.Database:
    """Open the cache, bring its schema up to date and recover from an interrupted sync."""
    db = connect(path)
    try:
        migrate(db)
        recover_interrupted(db)
    except sqlite3.Error as exc:
        db.conn.close()
        raise cache_error(exc, path) from exc
    return db
