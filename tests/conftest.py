"""Shared fixtures: a real cache file per test, the real reference server, a faulty one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils

from offline_cache.database import open_cache
from tests.support.misbehaving_server import MisbehavingServer, misbehaving_server
from tests.support.reference_server import reference_server  # noqa: F401 - a fixture


@pytest.fixture
def cache_path(tmp_path: Path) -> Path:
    """Where a test's cache file lives (a real file on disk)."""
    return tmp_path / "cache" / "kiosk.sqlite"


@pytest.fixture
def cache(cache_path: Path) -> Iterator[sqlite_utils.Database]:
    """An opened, migrated cache on a real file."""
    db = open_cache(cache_path)
    yield db
    db.conn.close()


@pytest.fixture
def misbehaving() -> Iterator[MisbehavingServer]:
    """A real HTTP server on loopback that fails in the way a test sets."""
    with misbehaving_server() as server:
        yield server
