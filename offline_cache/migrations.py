"""Numbered schema migrations; each runs in its own transaction and bumps user_version."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    """One step of the schema: version N turns a version N-1 database into version N."""

    version: int
    description: str
    sql: str


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "core tables: settings, catalogue, outbox, tickets, number blocks, statuses, history",
        """
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE catalogue_services (
            code TEXT PRIMARY KEY,
            family TEXT NOT NULL,
            position INTEGER NOT NULL,
            data TEXT NOT NULL
        );
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            idempotency_key TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'in_flight', 'done', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at REAL NOT NULL DEFAULT 0,
            last_error TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX outbox_ready ON outbox (status, kind, next_attempt_at);
        CREATE TABLE tickets (
            idempotency_key TEXT PRIMARY KEY,
            number TEXT NOT NULL,
            family TEXT NOT NULL,
            seq INTEGER NOT NULL,
            service_code TEXT NOT NULL,
            business_day TEXT NOT NULL,
            issued_at TEXT NOT NULL,
            source TEXT NOT NULL CHECK (source IN ('server', 'block', 'standalone')),
            language TEXT NOT NULL,
            UNIQUE (business_day, family, seq)
        );
        CREATE TABLE number_blocks (
            block_id TEXT PRIMARY KEY,
            family TEXT NOT NULL,
            business_day TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            next_seq INTEGER NOT NULL,
            leased_at TEXT NOT NULL
        );
        CREATE INDEX number_blocks_day ON number_blocks (business_day, family);
        CREATE TABLE application_statuses (
            kind TEXT NOT NULL,
            dossier_number TEXT NOT NULL,
            cin TEXT NOT NULL,
            data TEXT NOT NULL,
            fetched_at TEXT NOT NULL,
            PRIMARY KEY (kind, dossier_number)
        );
        CREATE TABLE request_history (
            request_number TEXT PRIMARY KEY,
            citizen_id TEXT NOT NULL,
            data TEXT NOT NULL,
            created_at TEXT NOT NULL,
            fetched_at TEXT NOT NULL
        );
        CREATE INDEX request_history_citizen ON request_history (citizen_id, created_at);
        """,
    ),
    Migration(
        2,
        "full-text guide search over folded text in all four languages",
        """
        CREATE VIRTUAL TABLE guide_fts USING fts5(
            code UNINDEXED,
            lang UNINDEXED,
            body,
            tokenize = 'unicode61 remove_diacritics 2'
        );
        """,
    ),
    Migration(
        3,
        "queue statistics, announcements, and when synced records were sent",
        """
        CREATE TABLE queue_stats (
            family TEXT PRIMARY KEY,
            waiting INTEGER NOT NULL,
            avg_handling_s REAL NOT NULL,
            open_counters INTEGER NOT NULL,
            fetched_at TEXT NOT NULL
        );
        CREATE TABLE announcements (
            id TEXT PRIMARY KEY,
            data TEXT NOT NULL,
            fetched_at TEXT NOT NULL
        );
        ALTER TABLE outbox ADD COLUMN synced_at TEXT;
        ALTER TABLE outbox ADD COLUMN purged_at TEXT;
        CREATE INDEX outbox_synced ON outbox (status, synced_at);
        """,
    ),
    Migration(
        4,
        "a ticket row holds the whole ticket: its block and the server's queue estimate",
        """
        ALTER TABLE tickets ADD COLUMN block_id TEXT;
        ALTER TABLE tickets ADD COLUMN people_ahead INTEGER;
        ALTER TABLE tickets ADD COLUMN estimated_wait_s INTEGER;
        """,
    ),
    Migration(
        5,
        "times in one form: an outbox row's next try is ISO-8601 UTC text like every other time",
        """
        DROP INDEX outbox_ready;
        ALTER TABLE outbox RENAME COLUMN next_attempt_at TO next_attempt_epoch;
        ALTER TABLE outbox ADD COLUMN next_attempt_at TEXT NOT NULL DEFAULT '';
        UPDATE outbox SET next_attempt_at =
            strftime('%Y-%m-%dT%H:%M:%S+00:00', next_attempt_epoch, 'unixepoch')
            WHERE next_attempt_epoch > 0;
        ALTER TABLE outbox DROP COLUMN next_attempt_epoch;
        CREATE INDEX outbox_ready ON outbox (status, kind, next_attempt_at);
        """,
    ),
    Migration(
        6,
        "pre-requests in a table of their own with both references; when each history was fetched",
        """
        CREATE TABLE pre_requests (
            idempotency_key TEXT PRIMARY KEY,
            service_code TEXT NOT NULL,
            cin TEXT NOT NULL,
            phone TEXT NOT NULL,
            language TEXT NOT NULL,
            created_at TEXT NOT NULL,
            local_reference TEXT NOT NULL,
            server_reference TEXT
        );
        CREATE INDEX pre_requests_created ON pre_requests (created_at);
        CREATE TABLE request_history_fetches (
            citizen_id TEXT PRIMARY KEY,
            fetched_at TEXT NOT NULL
        );
        """,
    ),
    Migration(
        7,
        "records carried to the office on a USB stick: when, and in which bundle (last one)",
        # The rows stay pending: the next network sync still sends them under the same
        # keys, and only the server's answer marks them done (never the export itself).
        """
        ALTER TABLE outbox ADD COLUMN exported_at TEXT;
        ALTER TABLE outbox ADD COLUMN bundle_id TEXT;
        """,
    ),
)

LATEST_VERSION = MIGRATIONS[-1].version
