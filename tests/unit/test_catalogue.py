"""The packaged guide of procedures: complete, in four languages, and honest about where to go."""

from __future__ import annotations

import re

import pytest

from kiosk.domain.catalogue import Catalogue, CatalogueError, packaged_catalogue, parse_catalogue
from kiosk.domain.models import Service, ServiceKind

LANGS = ("ar", "fr", "zgh", "en")
TIFINAGH = re.compile(r"[\u2d30-\u2d7f]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
NON_WESTERN_DIGITS = re.compile(r"[\u0660-\u0669\u06f0-\u06f9]")


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return packaged_catalogue()


def _fr(catalogue: Catalogue, fragment: str) -> Service:
    matches = [s for s in catalogue if fragment in s.names["fr"].lower()]
    assert matches, f"no service whose French name contains {fragment!r}"
    return matches[0]


def test_at_least_fourteen_services_in_five_families(catalogue: Catalogue) -> None:
    assert len(catalogue.services) >= 14
    assert set(catalogue.families) == {"A", "B", "C", "P", "F"}
    assert {s.family for s in catalogue} == {"A", "B", "C", "P", "F"}


@pytest.mark.parametrize(
    "fragment",
    [
        "résidence",
        "célibat",
        "indigence",
        "revenu",
        "fiancé",
        "parenté",
        "concordance",
        "vie individuelle",
        "vie collective",
        "remariage",
        "prise en charge",
        "attestation administrative",
        "passeport",
        "arme",
    ],
)
def test_every_certificate_of_the_issue_is_there(catalogue: Catalogue, fragment: str) -> None:
    _fr(catalogue, fragment)


def test_every_text_exists_in_four_languages_and_the_right_script(catalogue: Catalogue) -> None:
    for service in catalogue:
        texts = [service.names, service.summary, service.delay]
        texts += [t for t in (service.fee_note, service.where_to_go) if t is not None]
        for text in texts:
            assert all(text[lang] for lang in LANGS), service.code
            assert TIFINAGH.search(text["zgh"]) and not LATIN_WORD.search(text["zgh"]), service.code
            assert re.search(r"[\u0600-\u06ff]", text["ar"]), service.code
            assert not any(NON_WESTERN_DIGITS.search(text[lang]) for lang in LANGS), service.code
        counts = {len(service.documents[lang]) for lang in LANGS}
        assert len(counts) == 1 and counts.pop() >= 1, service.code


def test_life_and_kinship_certificates_send_citizens_to_the_civil_status_office(
    catalogue: Catalogue,
) -> None:
    for fragment in ("vie individuelle", "vie collective", "parenté"):
        service = _fr(catalogue, fragment)
        assert not service.issued_at_annex
        assert service.where_to_go is not None
        assert "état civil" in service.where_to_go["fr"].lower()
        assert not service.works_offline


def test_residence_warns_that_the_cnie_one_comes_from_the_police(catalogue: Catalogue) -> None:
    residence = _fr(catalogue, "résidence")
    assert residence.issued_at_annex
    assert residence.where_to_go is not None
    assert (
        "police" in residence.where_to_go["fr"].lower()
        or "dgsn" in residence.where_to_go["fr"].lower()
    )


def test_passport_and_firearm_licence(catalogue: Catalogue) -> None:
    passport = _fr(catalogue, "passeport")
    assert passport.kind is ServiceKind.PASSPORT and passport.family == "P"
    assert passport.fee_mad == 500
    firearm = _fr(catalogue, "arme")
    assert firearm.kind is ServiceKind.FIREARM_LICENCE and firearm.family == "F"


def test_overrides_change_fee_delay_documents_and_disable(catalogue: Catalogue) -> None:
    first, second = catalogue.services[0], catalogue.services[1]
    changed = catalogue.with_overrides(
        {first.code: {"fee_mad": 10, "delay": {"fr": "5 jours"}, "documents": {"fr": ["X"]}}},
        disabled=[second.code],
    )
    service = changed.service(first.code)
    assert (service.fee_mad, service.delay["fr"], service.documents["fr"]) == (
        10,
        "5 jours",
        ("X",),
    )
    assert service.delay["ar"] == first.delay["ar"]
    with pytest.raises(KeyError):
        changed.service(second.code)


def test_malformed_data_is_refused_with_the_service_named() -> None:
    with pytest.raises(CatalogueError, match="service x"):
        parse_catalogue(
            {
                "families": [{"letter": "A", "names": dict.fromkeys(LANGS, "A")}],
                "services": [
                    {"code": "x", "family": "A", "kind": "certificate", "names": {"fr": "x"}}
                ],
            }
        )
