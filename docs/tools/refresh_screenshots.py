"""Copy the screen tour's screenshots into docs/screenshots/, reduced (40 %, a 64-colour palette).

Run the tours first (`python -m tests.support.tour W H DIR` at 1080x1920, 1920x1080 and
1366x768), then `python docs/tools/refresh_screenshots.py DIR`. Portrait: every screen in
every language; landscape: home and each journey's steps in Arabic and French.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image

DOCS = Path(__file__).resolve().parents[1] / "screenshots"
SCALE = 0.4
COLOURS = 64
LANDSCAPE_SCREENS = (
    "home",
    "ticket-families",
    "ticket-number",
    "status-form",
    "guide-page",
    "account-sign-in",
    "certificate-page",
    "prerequest-form",
)


def _wanted(tour: Path) -> list[Path]:
    portrait = sorted(tour.glob("*-portrait.png"))
    landscape = [
        shot
        for size in ("landscape-1920x1080", "landscape-1366x768")
        for screen in LANDSCAPE_SCREENS
        for lang in ("ar", "fr")
        if (shot := tour / f"{screen}-{lang}-{size}.png").exists()
    ]
    return portrait + landscape


def reduce(shot: Path, target: Path) -> None:
    """`shot` at 40 % of its size with a small palette: a few tens of KB each."""
    with Image.open(shot) as image:
        rgb = image.convert("RGB")
        size = (round(rgb.width * SCALE), round(rgb.height * SCALE))
        small = rgb.resize(size, Image.Resampling.LANCZOS)
        small.quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)


def main(tour: Path) -> int:
    shots = _wanted(tour)
    if not shots:
        print(f"no tour screenshots in {tour}", file=sys.stderr)
        return 1
    DOCS.mkdir(parents=True, exist_ok=True)
    for shot in shots:
        reduce(shot, DOCS / shot.name)
    print(f"{len(shots)} screenshots reduced into {DOCS}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
