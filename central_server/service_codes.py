"""Service codes the server accepts: a built-in list, optionally extended from a catalogue file."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

# Codes of the kiosk's guide of procedures (kiosk/domain/catalogue.json) with their ticket family.
# The server only needs codes and families; names, documents and fees live in the kiosk.
BUILT_IN_SERVICES: dict[str, str] = {
    "residence_certificate": "A",
    "administrative_certificate": "A",
    "name_concordance_certificate": "A",
    "individuality_certificate": "A",
    "celibacy_certificate": "B",
    "fiances_certificate": "B",
    "kinship_certificate": "B",
    "non_remarriage_certificate": "B",
    "individual_life_certificate": "B",
    "collective_life_certificate": "B",
    "support_certificate": "B",
    "indigence_certificate": "C",
    "income_certificate": "C",
    "non_income_certificate": "C",
    "passport_application": "P",
    "firearm_licence_application": "F",
}


class CatalogueFileError(Exception):
    """The catalogue file given with --catalogue cannot be read."""


def services_from_catalogue_file(path: Path) -> dict[str, str]:
    """Read `{"services": [{"code", "family"}, …]}` from a kiosk catalogue JSON file."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        return {str(item["code"]): str(item["family"]) for item in document["services"]}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CatalogueFileError(f"cannot read services from {path}: {exc}") from exc


def register_services(connection: sqlite3.Connection, services: dict[str, str]) -> None:
    """Make these codes known (idempotent); a code keeps the family it was last given."""
    connection.executemany(
        "INSERT INTO services (service_code, family) VALUES (?, ?) "
        "ON CONFLICT(service_code) DO UPDATE SET family = excluded.family",
        sorted(services.items()),
    )


def is_known_service(connection: sqlite3.Connection, service_code: str) -> bool:
    row = connection.execute(
        "SELECT 1 FROM services WHERE service_code = ?", (service_code,)
    ).fetchone()
    return row is not None
