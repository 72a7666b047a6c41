"""The kiosk's local SQLite cache: migrations, repositories, outbox and sync engine."""

from offline_cache.database import open_cache, transaction

__all__ = ["open_cache", "transaction"]
