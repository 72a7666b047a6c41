"""The guide of procedures: the catalogue with the server's overrides, indexed for search."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict

import sqlite_utils

from kiosk.domain.catalogue import Catalogue, packaged_catalogue
from kiosk.domain.models import Service
from offline_cache.guide import GuideEntry, GuideStore


def _searchable(service: Service) -> dict[str, str]:
    """What a citizen may type to find a service: its name, summary and documents, per language."""
    return {
        lang: " ".join([name, service.summary.get(lang, ""), *service.documents.get(lang, ())])
        for lang, name in service.names.items()
    }


def _fingerprint(catalogue: Catalogue) -> str:
    text = json.dumps([asdict(service) for service in catalogue], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def annex_catalogue(db: sqlite_utils.Database, base: Catalogue) -> Catalogue:
    """`base` as this annex runs it: the server's last fees, delays and documents applied.

    The one source of what the kiosk says about a service: the guide's page, the request
    page and the receipt all read it, so they never give two delays for one procedure.
    """
    overrides = GuideStore(db).overrides()
    return base.with_overrides(overrides.get("overrides", {}), list(overrides.get("disabled", [])))


class GuideService:
    """Current catalogue (packaged + overrides) and its full-text search."""

    def __init__(self, db: sqlite_utils.Database, base: Catalogue | None = None) -> None:
        self._db = db
        self._store = GuideStore(db)
        self._base = base or packaged_catalogue()
        self.catalogue = self._base
        self.refresh()

    def refresh(self) -> bool:
        """Apply the overrides last synced and reindex if anything changed; True if it did."""
        self.catalogue = annex_catalogue(self._db, self._base)
        fingerprint = _fingerprint(self.catalogue)
        if self._store.fingerprint() == fingerprint:
            return False
        entries = (
            GuideEntry(service.code, service.family, _searchable(service))
            for service in self.catalogue
        )
        self._store.replace_all(entries, fingerprint)
        return True

    def search(self, query: str) -> list[Service]:
        """Services matching every word typed, in any of the four languages, best first."""
        return [self.catalogue.service(code) for code in self._store.search(query)]
