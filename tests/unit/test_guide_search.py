"""Guide search finds services whatever the hamza, diacritics, tatweel or accents typed."""

from __future__ import annotations

import json

import pytest
import sqlite_utils

from kiosk.services.guide import GuideService
from offline_cache.folding import fold
from offline_cache.guide import OVERRIDES_KEY
from offline_cache.settings import Settings


def test_fold_unifies_arabic_spellings() -> None:
    assert fold("إدارية") == fold("ادارية") == fold("أدارية")
    assert fold("شَهَادَة") == fold("شهادة") == fold("شهاده")
    assert fold("ســكــنى") == fold("سكنى") == fold("سكني")
    assert fold("مسؤول") == fold("مسوول")


def test_fold_unifies_french_accents_and_case() -> None:
    assert fold("Célibat") == fold("celibat") == fold("CÉLIBAT")
    assert fold("Résidence") == "residence"


@pytest.fixture
def guide(cache: sqlite_utils.Database) -> GuideService:
    return GuideService(cache)


def codes(guide: GuideService, query: str) -> list[str]:
    return [service.code for service in guide.search(query)]


def _residence(guide: GuideService) -> str:
    return next(s.code for s in guide.catalogue if "résidence" in s.names["fr"].lower())


def _celibacy(guide: GuideService) -> str:
    return next(s.code for s in guide.catalogue if "célibat" in s.names["fr"].lower())


@pytest.mark.parametrize(
    "query", ["résidence", "residence", "RESIDENCE", "Résid", "certificat de résidence"]
)
def test_french_search_ignores_accents_and_case(guide: GuideService, query: str) -> None:
    assert _residence(guide) in codes(guide, query)


@pytest.mark.parametrize("query", ["célibat", "celibat", "Célibat", "CELIBAT"])
def test_french_celibacy(guide: GuideService, query: str) -> None:
    assert codes(guide, query)[0] == _celibacy(guide)


def _arabic_name(guide: GuideService, code: str) -> str:
    return guide.catalogue.service(code).names["ar"]


def test_arabic_search_whatever_the_spelling(guide: GuideService) -> None:
    code = _residence(guide)
    name = _arabic_name(guide, code)
    word = max(name.split(), key=len)  # the most distinctive word of the name
    variants = {
        word,
        "ـ".join(word),  # tatweel between every letter
        "َ".join(word),  # a fatha after every letter
        word.replace("ا", "أ", 1) if "ا" in word else "أ" + word[1:] if word[0] == "ا" else word,
        word.replace("ة", "ه"),
        word.replace("ى", "ي"),
    }
    for variant in variants:
        assert code in codes(guide, variant), variant


def test_arabic_hamza_forms(guide: GuideService) -> None:
    for service in guide.catalogue:
        for word in service.names["ar"].split():
            if any(letter in word for letter in "أإآ"):
                plain = word.replace("أ", "ا").replace("إ", "ا").replace("آ", "ا")
                assert service.code in codes(guide, plain), word
                return
    pytest.fail("the catalogue has no Arabic name with a hamza on alef to test")


def test_tamazight_and_english_are_searchable(guide: GuideService) -> None:
    code = _residence(guide)
    service = guide.catalogue.service(code)
    assert code in codes(guide, service.names["zgh"].split()[0])
    assert code in codes(guide, "residence certificate")


def test_no_match_and_hostile_queries(guide: GuideService) -> None:
    assert codes(guide, "zzzzqqq") == []
    assert codes(guide, "") == []
    assert isinstance(codes(guide, 'AND OR NOT "(*'), list)


def test_server_overrides_are_applied_and_reindexed(cache: sqlite_utils.Database) -> None:
    guide = GuideService(cache)
    code = _celibacy(guide)
    overrides = {"fee_mad": 20, "documents": {"fr": ["Formulaire spécial zorglub"]}}
    Settings(cache).put(OVERRIDES_KEY, json.dumps({"overrides": {code: overrides}, "disabled": []}))
    assert guide.refresh() is True
    assert guide.catalogue.service(code).fee_mad == 20
    assert codes(guide, "zorglub") == [code]
    assert guide.refresh() is False  # unchanged: no reindex


def test_restart_does_not_reindex_an_unchanged_catalogue(cache: sqlite_utils.Database) -> None:
    GuideService(cache)
    assert GuideService(cache).refresh() is False
