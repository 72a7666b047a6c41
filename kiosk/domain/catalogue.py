"""The guide of procedures: services and families, from the packaged data file."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Any

from kiosk.domain.models import Family, LocalizedText, Service, ServiceKind

CATALOGUE_LANGUAGES = ("ar", "fr", "zgh", "en")


class CatalogueError(ValueError):
    """Catalogue data that does not follow the schema."""


def _text(raw: Any, where: str) -> LocalizedText:
    if not isinstance(raw, dict) or any(not raw.get(lang) for lang in CATALOGUE_LANGUAGES):
        raise CatalogueError(f"{where}: needs a non-empty text for each of {CATALOGUE_LANGUAGES}")
    return {lang: str(raw[lang]) for lang in CATALOGUE_LANGUAGES}


def _optional_text(raw: Any, where: str) -> LocalizedText | None:
    return None if raw is None else _text(raw, where)


def _documents(raw: Any, where: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict):
        raise CatalogueError(f"{where}: needs a list per language")
    lists = {lang: tuple(str(item) for item in raw.get(lang) or ()) for lang in CATALOGUE_LANGUAGES}
    if len({len(items) for items in lists.values()}) != 1 or not lists["fr"]:
        raise CatalogueError(f"{where}: every language needs the same non-empty list")
    return lists


def _service(raw: Mapping[str, Any], families: Mapping[str, Family]) -> Service:
    code = str(raw.get("code", ""))
    where = f"service {code or '?'}"
    if raw.get("family") not in families:
        raise CatalogueError(f"{where}: unknown family {raw.get('family')!r}")
    try:
        kind = ServiceKind(raw["kind"])
        service = Service(
            code=code,
            family=str(raw["family"]),
            kind=kind,
            names=_text(raw["names"], f"{where}.names"),
            summary=_text(raw["summary"], f"{where}.summary"),
            documents=_documents(raw["documents"], f"{where}.documents"),
            fee_mad=float(raw["fee_mad"]),
            fee_note=_optional_text(raw.get("fee_note"), f"{where}.fee_note"),
            delay_days=int(raw["delay_days"]),
            delay=_text(raw["delay"], f"{where}.delay"),
            requires_sign_in=bool(raw["requires_sign_in"]),
            works_offline=bool(raw["works_offline"]),
            issued_at_annex=bool(raw["issued_at_annex"]),
            where_to_go=_optional_text(raw.get("where_to_go"), f"{where}.where_to_go"),
        )
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, CatalogueError):
            raise
        raise CatalogueError(f"{where}: {exc!r}") from exc
    if not service.issued_at_annex and service.where_to_go is None:
        raise CatalogueError(f"{where}: issued elsewhere, so where_to_go must say where")
    return service


@dataclass(frozen=True)
class Catalogue:
    """Families and services, in display order."""

    families: Mapping[str, Family]
    services: tuple[Service, ...]

    def __iter__(self) -> Iterator[Service]:
        return iter(self.services)

    def service(self, code: str) -> Service:
        """The service with this code; KeyError if there is none."""
        for service in self.services:
            if service.code == code:
                return service
        raise KeyError(code)

    def with_overrides(self, overrides: Mapping[str, Any], disabled: list[str]) -> Catalogue:
        """Apply the central server's per-annex fees, delays and documents; drop disabled ones."""
        services = []
        for service in self.services:
            if service.code in disabled:
                continue
            change = overrides.get(service.code) or {}
            updates: dict[str, Any] = {}
            if change.get("fee_mad") is not None:
                updates["fee_mad"] = float(change["fee_mad"])
            if change.get("delay"):
                updates["delay"] = {**service.delay, **change["delay"]}
            if change.get("documents"):
                updates["documents"] = {
                    **service.documents,
                    **{lang: tuple(items) for lang, items in change["documents"].items()},
                }
            services.append(replace(service, **updates))
        return Catalogue(self.families, tuple(services))


def parse_catalogue(data: Mapping[str, Any]) -> Catalogue:
    """Build and check a Catalogue from its JSON structure."""
    families = {
        str(raw["letter"]): Family(
            str(raw["letter"]), _text(raw["names"], f"family {raw['letter']}")
        )
        for raw in data.get("families", [])
    }
    services = tuple(_service(raw, families) for raw in data.get("services", []))
    codes = [service.code for service in services]
    if len(set(codes)) != len(codes):
        raise CatalogueError("service codes must be unique")
    return Catalogue(families, services)


@cache
def packaged_catalogue() -> Catalogue:
    """The catalogue shipped with the kiosk (the guide works with no server at all)."""
    text = resources.files(__package__).joinpath("catalogue.json").read_text(encoding="utf-8")
    return parse_catalogue(json.loads(text))
