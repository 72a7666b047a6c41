"""The QR on paper points at the server's public address, never at a registrable placeholder."""

from __future__ import annotations

import pytest

from kiosk.config import parse_config
from kiosk.domain.tracking import (
    TrackingProblem,
    effective_tracking_base,
    printable_tracking_base,
    tracking_problem,
)


@pytest.mark.parametrize(
    ("base", "problem"),
    [
        ("", TrackingProblem.EMPTY),
        ("   ", TrackingProblem.EMPTY),
        ("ftp://cau.gov.ma", TrackingProblem.EMPTY),
        ("https://gau.example.ma/suivi", TrackingProblem.PLACEHOLDER),
        ("https://example.com", TrackingProblem.PLACEHOLDER),
        ("https://cau.example", TrackingProblem.PLACEHOLDER),
        ("https://kiosk.invalid/", TrackingProblem.PLACEHOLDER),
        ("http://127.0.0.1:8765", TrackingProblem.NOT_PUBLIC),
        ("http://10.1.2.3", TrackingProblem.NOT_PUBLIC),
        ("http://localhost:8000", TrackingProblem.NOT_PUBLIC),
        ("http://cau.interieur.gov.ma", TrackingProblem.NOT_HTTPS),
        ("https://cau.interieur.gov.ma", None),
    ],
)
def test_each_base_is_judged_as_a_phone_would_meet_it(
    base: str, problem: TrackingProblem | None
) -> None:
    assert tracking_problem(base) is problem


def test_only_an_empty_or_placeholder_base_leaves_the_qr_off() -> None:
    assert printable_tracking_base("https://gau.example.ma/suivi") is None
    assert printable_tracking_base("") is None
    assert printable_tracking_base("http://127.0.0.1:8765/") == "http://127.0.0.1:8765"
    assert printable_tracking_base("https://cau.gov.ma/") == "https://cau.gov.ma"


def test_the_base_defaults_to_the_public_then_the_api_address_of_the_server() -> None:
    assert effective_tracking_base("", "", "") == ""
    assert effective_tracking_base("", "", "http://10.0.0.5:8000/") == "http://10.0.0.5:8000"
    assert effective_tracking_base("", "https://cau.gov.ma", "http://10.0.0.5") == (
        "https://cau.gov.ma"
    )
    config = parse_config('[server]\nurl = "http://10.0.0.5:8000"\n')
    assert config.tracking_base == "http://10.0.0.5:8000"
    config = parse_config(
        '[server]\nurl = "http://10.0.0.5"\n[printer]\ntracking_url = "https://t.gov.ma/"\n'
    )
    assert config.tracking_base == "https://t.gov.ma"
    assert parse_config("").tracking_base == ""
