"""A two-service catalogue for tests that must not depend on the packaged guide's content."""

from __future__ import annotations

from kiosk.domain.catalogue import Catalogue, parse_catalogue


def _text(word: str) -> dict[str, str]:
    return {"ar": f"{word} ع", "fr": word, "zgh": f"{word} ⵣ", "en": word}


def _service(code: str, family: str) -> dict[str, object]:
    return {
        "code": code,
        "family": family,
        "kind": "certificate",
        "names": _text(code),
        "summary": _text(code),
        "documents": {lang: ["CNIE"] for lang in ("ar", "fr", "zgh", "en")},
        "fee_mad": 0,
        "fee_note": None,
        "delay_days": 1,
        "delay": _text("1"),
        "requires_sign_in": True,
        "works_offline": True,
        "issued_at_annex": True,
        "where_to_go": None,
    }


def catalogue_of(services: dict[str, str]) -> Catalogue:
    """A catalogue with one certificate per code, in the family given for it."""
    letters = sorted(set(services.values()))
    return parse_catalogue(
        {
            "families": [{"letter": letter, "names": _text(letter)} for letter in letters],
            "services": [_service(code, family) for code, family in services.items()],
        }
    )


def tiny_catalogue() -> Catalogue:
    """Families A and B with one service each: `residence` (A) and `celibacy` (B)."""
    return catalogue_of({"residence": "A", "celibacy": "B"})
