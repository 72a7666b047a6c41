"""Service and family names in the four languages, from the kiosk catalogue file given."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path


@dataclass(frozen=True)
class ServiceNames:
    """Names by code and by family letter, each a {language: name} map (empty if unknown)."""

    services: dict[str, dict[str, str]] = field(default_factory=dict)
    families: dict[str, dict[str, str]] = field(default_factory=dict)

    def service(self, code: str, lang: str) -> str | None:
        return self.services.get(code, {}).get(lang)

    def family(self, letter: str, lang: str) -> str | None:
        return self.families.get(letter, {}).get(lang)


@cache
def names_from_catalogue(path: Path | None) -> ServiceNames:
    """The names in `path` (read once per process); none when there is no usable file.

    The catalogue was already read at start-up (services_from_catalogue_file) and would
    have stopped the server if unreadable, so a failure here only costs the names.
    """
    if path is None:
        return ServiceNames()
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        services = {
            str(item["code"]): {str(k): str(v) for k, v in dict(item.get("names", {})).items()}
            for item in document.get("services", [])
        }
        families = {
            str(item["letter"]): {str(k): str(v) for k, v in dict(item.get("names", {})).items()}
            for item in document.get("families", [])
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return ServiceNames()
    return ServiceNames(services, families)
