"""Every screen in every language, portrait and landscape: nothing cut off, targets 2 cm.

Each size runs the real app in a process of its own (one Kivy window per process) against
the reference server and a capture printer; the screenshots stay as artefacts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
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


SIZES = {
    "portrait": (1080, 1920),
    "landscape-1920x1080": (1920, 1080),
    "landscape-1366x768": (1366, 768),
}


@pytest.fixture(scope="module")
def tours() -> Iterator[dict[str, subprocess.Popen[str]]]:
    """The three tours started together: each is one process, mostly waiting on its frames,
    so on two cores they take about half the time they would one after the other."""
    started = {
        size: subprocess.Popen(
            [sys.executable, "-m", "tests.support.tour", str(w), str(h), str(ARTEFACTS)],
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for size, (w, h) in SIZES.items()
    }
    yield started
    for process in started.values():
        process.kill()
        process.wait()


@pytest.mark.parametrize("size", list(SIZES))
def test_every_screen_reads_whole_in_every_language(
    tours: dict[str, subprocess.Popen[str]], size: str
) -> None:
    process = tours[size]
    _out, errors = process.communicate(timeout=900)
    assert process.returncode == 0, errors[-3000:]
    problems = json.loads((ARTEFACTS / f"audit-{size}.json").read_text())
    assert problems == []
    for screen in SCREENS:
        for lang in ("ar", "fr", "zgh", "en"):
            assert (ARTEFACTS / f"{screen}-{lang}-{size}.png").stat().st_size > 10_000
