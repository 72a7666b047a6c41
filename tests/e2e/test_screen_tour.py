"""Every screen in every language, portrait and landscape: nothing cut off, targets 2 cm.

Each size runs the real app in a process of its own (one Kivy window per process) against
the reference server and a capture printer; the screenshots stay as artefacts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).parents[2]
ARTEFACTS = Path(os.environ.get("KIOSK_UI_ARTEFACTS", "/tmp/gau-kiosk-ui-artefacts"))
SCREENS = (
    "home",
    "ticket-families",
    "ticket-services",
    "ticket-number",
    "status-kinds",
    "status-form",
    "status-timeline",
    "guide-subjects",
    "guide-page",
    "guide-search",
    "technician-pin",
    "technician-report",
    "technician-report-end",
    "account-sign-in",
    "account-menu",
    "certificate-services",
    "certificate-page",
    "certificate-page-end",
    "certificate-alert",
    "certificate-confirm",
    "certificate-sent",
    "history",
    "prerequest-services",
    "prerequest-form",
    "prerequest-saved",
    "home-large-contrast",
    "ticket-families-large-contrast",
)


@pytest.mark.parametrize(
    ("width", "height", "size"),
    [
        (1080, 1920, "portrait"),
        (1920, 1080, "landscape-1920x1080"),
        (1366, 768, "landscape-1366x768"),
    ],
)
def test_every_screen_reads_whole_in_every_language(width: int, height: int, size: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tests.support.tour", str(width), str(height), str(ARTEFACTS)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=400,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    problems = json.loads((ARTEFACTS / f"audit-{size}.json").read_text())
    assert problems == []
    for screen in SCREENS:
        for lang in ("ar", "fr", "zgh", "en"):
            assert (ARTEFACTS / f"{screen}-{lang}-{size}.png").stat().st_size > 10_000
