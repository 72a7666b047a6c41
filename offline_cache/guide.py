"""The guide of procedures in the cache: catalogue rows, the server's ETag, and search."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from offline_cache.database import transaction
from offline_cache.folding import fold, search_terms
from offline_cache.settings import Settings

# Written by the sync engine when the server sends per-annex catalogue overrides.
ETAG_KEY = "catalogue.etag"
OVERRIDES_KEY = "catalogue.overrides"
# Identifies the catalogue the index was built from, so start-up reindexes only on change.
FINGERPRINT_KEY = "catalogue.index_fingerprint"


@dataclass(frozen=True)
class GuideEntry:
    """A service to index: its code, family and the texts a citizen may search, per language."""

    code: str
    family: str
    searchable: Mapping[str, str]


class GuideStore:
    """Repository of the catalogue and its full-text index."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self._db = db

    def replace_all(self, entries: Iterable[GuideEntry], fingerprint: str) -> int:
        """Swap in a whole catalogue and its index atomically; return how many services."""
        services: list[dict[str, Any]] = []
        index: list[dict[str, str]] = []
        for position, entry in enumerate(entries):
            services.append(
                {
                    "code": entry.code,
                    "family": entry.family,
                    "position": position,
                    # What was indexed, so a technician can see why a search matches.
                    "data": json.dumps(entry.searchable, ensure_ascii=False),
                }
            )
            index.extend(
                {"code": entry.code, "lang": lang, "body": fold(text)}
                for lang, text in entry.searchable.items()
            )
        with transaction(self._db):
            self._db.execute("DELETE FROM catalogue_services")
            self._db.execute("DELETE FROM guide_fts")
            self._db.table("catalogue_services").insert_all(services)
            self._db.table("guide_fts").insert_all(index)
            Settings(self._db).put(FINGERPRINT_KEY, fingerprint)
        return len(services)

    def fingerprint(self) -> str | None:
        """Fingerprint of the catalogue the index holds."""
        return Settings(self._db).get(FINGERPRINT_KEY)

    def overrides(self) -> Mapping[str, Any]:
        """The server's last per-annex overrides ({} when none were ever fetched)."""
        raw = Settings(self._db).get(OVERRIDES_KEY)
        return dict(json.loads(raw)) if raw else {}

    def search(self, query: str, limit: int = 20) -> list[str]:
        """Service codes matching every word of `query` (prefixes too), best first."""
        terms = search_terms(query)
        if not terms:
            return []
        # Each term quoted (so FTS syntax typed by a citizen is text) and prefix-matched.
        match = " ".join('"' + term.replace('"', "") + '"*' for term in terms)
        # One row per (service, language) matches; keep each service once, at its best rank.
        rows = self._db.query(
            "SELECT code FROM guide_fts WHERE guide_fts MATCH ? ORDER BY rank LIMIT ?",
            (match, limit * 4),
        )
        return list(dict.fromkeys(row["code"] for row in rows))[:limit]
