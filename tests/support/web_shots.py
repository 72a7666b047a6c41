"""Screenshots of the server's pages made small enough for docs/ (downscaled, fewer colours).

They land with the other test artefacts; `GAU_KIOSK_UPDATE_DOCS=1` writes them into
docs/web/ instead, so a test run never changes the repository by itself.
"""

from __future__ import annotations

import os
from pathlib import Path

from PIL import Image

from tests.support.browser import ARTEFACTS

DOCS_WEB = (
    Path(__file__).resolve().parents[2] / "docs" / "web"
    if os.environ.get("GAU_KIOSK_UPDATE_DOCS") == "1"
    else ARTEFACTS / "docs-web"
)


def save_small(screenshot: Path, name: str, width: int, colours: int = 64) -> Path:
    """`screenshot` at `width` pixels wide with a `colours` palette, as <DOCS_WEB>/<name>.png."""
    DOCS_WEB.mkdir(parents=True, exist_ok=True)
    target = DOCS_WEB / f"{name}.png"
    with Image.open(screenshot) as image:
        rgb = image.convert("RGB")
        if rgb.width > width:
            height = round(rgb.height * width / rgb.width)
            rgb = rgb.resize((width, height), Image.Resampling.LANCZOS)
        rgb.quantize(colors=colours, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)
    return target
