"""SQLite storage: schema migrations and short-lived connections that are safe across threads."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Each entry runs once, in order, in its own transaction; PRAGMA user_version records progress.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE annexes (
        annex_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        catalogue_revision INTEGER NOT NULL DEFAULT 1
    );
    CREATE TABLE devices (
        device_id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        annex_id TEXT NOT NULL REFERENCES annexes(annex_id),
        token_sha256 TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        revoked_at TEXT
    );
    CREATE TABLE services (
        service_code TEXT PRIMARY KEY,
        family TEXT NOT NULL
    );
    CREATE TABLE catalogue_overrides (
        annex_id TEXT NOT NULL REFERENCES annexes(annex_id),
        service_code TEXT NOT NULL,
        override_json TEXT NOT NULL,
        PRIMARY KEY (annex_id, service_code)
    );
    CREATE TABLE disabled_services (
        annex_id TEXT NOT NULL REFERENCES annexes(annex_id),
        service_code TEXT NOT NULL,
        PRIMARY KEY (annex_id, service_code)
    );
    CREATE TABLE citizens (
        citizen_id TEXT PRIMARY KEY,
        cin TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL,
        phone TEXT,
        email TEXT,
        preferred_language TEXT NOT NULL,
        pin_salt BLOB NOT NULL,
        pin_hash BLOB NOT NULL
    );
    -- Keyed by the CIN as typed, whether or not a citizen has it, so unknown CINs
    -- lock out exactly like known ones and cannot be told apart.
    CREATE TABLE sign_in_failures (
        cin TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        locked_until TEXT
    );
    CREATE TABLE sessions (
        token_sha256 TEXT PRIMARY KEY,
        citizen_id TEXT NOT NULL REFERENCES citizens(citizen_id),
        device_id INTEGER NOT NULL REFERENCES devices(device_id),
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        revoked_at TEXT
    );
    CREATE TABLE number_sequences (
        name TEXT PRIMARY KEY,
        last_value INTEGER NOT NULL
    );
    CREATE TABLE requests (
        request_number TEXT PRIMARY KEY,
        idempotency_key TEXT UNIQUE,
        citizen_id TEXT NOT NULL REFERENCES citizens(citizen_id),
        service_code TEXT NOT NULL,
        status TEXT NOT NULL,
        status_reason TEXT,
        channel TEXT NOT NULL,
        language TEXT NOT NULL,
        notify_sms INTEGER NOT NULL,
        notify_email INTEGER NOT NULL,
        annex_id TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX requests_by_citizen ON requests (citizen_id, created_at);
    CREATE TABLE pre_requests (
        reference TEXT PRIMARY KEY,
        idempotency_key TEXT NOT NULL UNIQUE,
        service_code TEXT NOT NULL,
        cin TEXT NOT NULL,
        phone TEXT NOT NULL,
        language TEXT NOT NULL,
        created_at TEXT NOT NULL,
        received_at TEXT NOT NULL,
        annex_id TEXT NOT NULL,
        device_id INTEGER NOT NULL,
        identity_to_verify INTEGER NOT NULL DEFAULT 1
    );
    CREATE TABLE dossiers (
        kind TEXT NOT NULL,
        dossier_number TEXT NOT NULL,
        cin TEXT NOT NULL,
        stage TEXT NOT NULL,
        reason TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (kind, dossier_number)
    );
    CREATE TABLE dossier_events (
        kind TEXT NOT NULL,
        dossier_number TEXT NOT NULL,
        stage TEXT NOT NULL,
        happened_at TEXT NOT NULL,
        FOREIGN KEY (kind, dossier_number) REFERENCES dossiers(kind, dossier_number)
    );
    CREATE INDEX dossier_events_by_dossier ON dossier_events (kind, dossier_number);
    -- The next free sequence number per annex, family and business day, shared by
    -- online allocation and block leases so the two can never hand out the same number.
    CREATE TABLE ticket_counters (
        annex_id TEXT NOT NULL,
        family TEXT NOT NULL,
        business_day TEXT NOT NULL,
        next_seq INTEGER NOT NULL,
        PRIMARY KEY (annex_id, family, business_day)
    );
    CREATE TABLE ticket_blocks (
        block_id TEXT PRIMARY KEY,
        annex_id TEXT NOT NULL,
        device_id INTEGER NOT NULL,
        family TEXT NOT NULL,
        business_day TEXT NOT NULL,
        start_seq INTEGER NOT NULL,
        end_seq INTEGER NOT NULL,
        leased_at TEXT NOT NULL
    );
    CREATE TABLE tickets (
        idempotency_key TEXT PRIMARY KEY,
        annex_id TEXT NOT NULL,
        device_id INTEGER NOT NULL,
        family TEXT NOT NULL,
        business_day TEXT NOT NULL,
        seq INTEGER NOT NULL,
        number TEXT NOT NULL,
        service_code TEXT NOT NULL,
        source TEXT NOT NULL,
        block_id TEXT,
        issued_at TEXT NOT NULL,
        received_at TEXT NOT NULL,
        people_ahead INTEGER,
        estimated_wait_s INTEGER
    );
    CREATE INDEX tickets_by_number ON tickets (annex_id, family, business_day, seq);
    CREATE TABLE queue_stats (
        annex_id TEXT NOT NULL,
        family TEXT NOT NULL,
        waiting INTEGER NOT NULL,
        avg_handling_s REAL NOT NULL,
        open_counters INTEGER NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (annex_id, family)
    );
    CREATE TABLE announcements (
        announcement_id TEXT PRIMARY KEY,
        annex_id TEXT,
        text_json TEXT NOT NULL,
        starts_at TEXT,
        ends_at TEXT
    );
    CREATE TABLE notifications (
        notification_id INTEGER PRIMARY KEY,
        request_number TEXT NOT NULL,
        citizen_id TEXT NOT NULL,
        channel TEXT NOT NULL,
        recipient TEXT NOT NULL,
        language TEXT NOT NULL,
        subject TEXT NOT NULL,
        body TEXT NOT NULL,
        status TEXT NOT NULL,
        detail TEXT,
        created_at TEXT NOT NULL
    );
    """,
    # Ticket numbers: each device owns a standalone range; a number is held once per annex,
    # family and day; refusals and voided online numbers are recorded, never dropped.
    """
    ALTER TABLE devices ADD COLUMN standalone_start INTEGER;
    ALTER TABLE devices ADD COLUMN standalone_end INTEGER;
    UPDATE devices SET standalone_start = 5000 + 500 * (
        SELECT COUNT(*) FROM devices AS earlier
        WHERE earlier.annex_id = devices.annex_id AND earlier.device_id < devices.device_id
    );
    UPDATE devices SET standalone_start = NULL WHERE standalone_start > 9500;
    UPDATE devices SET standalone_end = standalone_start + 499 WHERE standalone_start IS NOT NULL;
    CREATE TABLE ticket_conflicts (
        conflict_id INTEGER PRIMARY KEY,
        recorded_at TEXT NOT NULL,
        annex_id TEXT NOT NULL,
        device_id INTEGER NOT NULL,
        idempotency_key TEXT NOT NULL,
        number TEXT NOT NULL,
        business_day TEXT NOT NULL,
        reason TEXT NOT NULL,
        holder_key TEXT
    );
    CREATE TABLE voided_numbers (
        idempotency_key TEXT NOT NULL,
        annex_id TEXT NOT NULL,
        device_id INTEGER NOT NULL,
        number TEXT NOT NULL,
        business_day TEXT NOT NULL,
        replaced_by TEXT NOT NULL,
        voided_at TEXT NOT NULL
    );
    INSERT INTO ticket_conflicts (recorded_at, annex_id, device_id, idempotency_key, number,
        business_day, reason, holder_key)
    SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), later.annex_id, later.device_id,
        later.idempotency_key, later.number, later.business_day, 'number_taken',
        (SELECT first.idempotency_key FROM tickets AS first
         WHERE first.annex_id = later.annex_id AND first.family = later.family
           AND first.business_day = later.business_day AND first.seq = later.seq
         ORDER BY first.rowid LIMIT 1)
    FROM tickets AS later
    WHERE EXISTS (
        SELECT 1 FROM tickets AS first
        WHERE first.annex_id = later.annex_id AND first.family = later.family
          AND first.business_day = later.business_day AND first.seq = later.seq
          AND first.rowid < later.rowid
    );
    DELETE FROM tickets WHERE idempotency_key IN (
        SELECT idempotency_key FROM ticket_conflicts WHERE reason = 'number_taken'
    );
    DROP INDEX tickets_by_number;
    CREATE UNIQUE INDEX tickets_one_holder ON tickets (annex_id, family, business_day, seq)
    """,
    # Counters: agents sign in, open a counter for some families and call tickets, so tickets
    # have states and queue figures come from them. queue_stats keeps the configured figures
    # (the prior of the measured handling time; an annex without counter pages still uses it).
    """
    ALTER TABLE tickets ADD COLUMN state TEXT NOT NULL DEFAULT 'waiting';
    ALTER TABLE tickets ADD COLUMN counter_name TEXT;
    ALTER TABLE tickets ADD COLUMN called_at TEXT;
    ALTER TABLE tickets ADD COLUMN finished_at TEXT;
    ALTER TABLE tickets ADD COLUMN recalls INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX tickets_waiting ON tickets (annex_id, business_day, state, family, issued_at);
    CREATE INDEX tickets_served ON tickets (annex_id, family, state, finished_at);
    CREATE TABLE agents (
        agent_id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        annex_id TEXT NOT NULL REFERENCES annexes(annex_id),
        pin_salt BLOB NOT NULL,
        pin_hash BLOB NOT NULL,
        created_at TEXT NOT NULL,
        disabled_at TEXT
    );
    -- Keyed by the name as typed, so unknown names lock out like known ones.
    CREATE TABLE agent_sign_in_failures (
        name TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        locked_until TEXT
    );
    CREATE TABLE agent_sessions (
        token_sha256 TEXT PRIMARY KEY,
        agent_id INTEGER NOT NULL REFERENCES agents(agent_id),
        csrf_token TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        revoked_at TEXT
    );
    CREATE TABLE counters (
        counter_id INTEGER PRIMARY KEY,
        annex_id TEXT NOT NULL REFERENCES annexes(annex_id),
        name TEXT NOT NULL,
        agent_id INTEGER NOT NULL REFERENCES agents(agent_id),
        families TEXT NOT NULL,
        business_day TEXT NOT NULL,
        opened_at TEXT NOT NULL,
        closed_at TEXT,
        current_key TEXT
    );
    CREATE UNIQUE INDEX counters_one_open_per_name ON counters (annex_id, name)
        WHERE closed_at IS NULL;
    CREATE UNIQUE INDEX counters_one_open_per_agent ON counters (agent_id) WHERE closed_at IS NULL
    """,
    """
    -- An annex's name in the citizen's language: annexes.name (French) stands in for a
    -- language without one.
    CREATE TABLE annex_names (
        annex_id TEXT NOT NULL REFERENCES annexes(annex_id),
        language TEXT NOT NULL,
        name TEXT NOT NULL,
        PRIMARY KEY (annex_id, language)
    )
    """,
)


def _configure(connection: sqlite3.Connection) -> None:
    connection.row_factory = sqlite3.Row
    # Writers wait for each other instead of failing: uvicorn runs handlers in a thread pool
    # and the admin CLI may write from another process at the same time.
    connection.execute("PRAGMA busy_timeout = 15000")
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("PRAGMA synchronous = NORMAL")


class Database:
    """A SQLite file; every unit of work gets its own connection, so threads never share one."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _connect(self) -> sqlite3.Connection:
        # isolation_level=None: we issue BEGIN ourselves so the write lock is taken up front.
        connection = sqlite3.connect(self.path, timeout=15, isolation_level=None)
        _configure(connection)
        return connection

    def migrate(self) -> None:
        """Create the file if needed, switch it to WAL and apply pending migrations."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _make_private(self.path)
        connection = self._connect()
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("BEGIN IMMEDIATE")
            version = int(connection.execute("PRAGMA user_version").fetchone()[0])
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in _statements(script):
                    connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {number}")
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        finally:
            connection.close()

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A connection for queries only."""
        connection = self._connect()
        try:
            yield connection
        finally:
            connection.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A connection inside BEGIN IMMEDIATE: committed on success, rolled back on any error."""
        connection = self._connect()
        try:
            connection.execute("BEGIN IMMEDIATE")
            yield connection
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        finally:
            connection.close()


def _make_private(path: Path) -> None:
    """Mode 0600 for the file and its WAL companions: they hold CINs, phones, PIN hashes.

    SQLite creates -wal and -shm with the database file's mode, so fixing the main file
    before the first connection covers new companions; existing ones are fixed too, as is a
    file that some earlier tool created world-readable.
    """
    descriptor = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(descriptor)
    for companion in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if companion.exists():
            os.chmod(companion, 0o600)


def _statements(script: str) -> list[str]:
    """Split a migration into statements (executescript would commit our transaction)."""
    return [part.strip() for part in script.split(";") if part.strip()]


def next_number(connection: sqlite3.Connection, name: str) -> int:
    """Increment and return a named counter, inside the caller's write transaction."""
    connection.execute(
        "INSERT INTO number_sequences (name, last_value) VALUES (?, 1) "
        "ON CONFLICT(name) DO UPDATE SET last_value = last_value + 1",
        (name,),
    )
    row = connection.execute(
        "SELECT last_value FROM number_sequences WHERE name = ?", (name,)
    ).fetchone()
    return int(row[0])


def raise_sequence_floor(connection: sqlite3.Connection, name: str, floor: int) -> None:
    """Make sure a counter is at least `floor`, so seeded numbers are never handed out again."""
    connection.execute(
        "INSERT INTO number_sequences (name, last_value) VALUES (?, ?) "
        "ON CONFLICT(name) DO UPDATE SET last_value = MAX(last_value, excluded.last_value)",
        (name, floor),
    )
