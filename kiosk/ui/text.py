"""Kivy's PIL text provider, tuned: widths measured once, lines laid out in the UI's direction."""

from __future__ import annotations

from collections.abc import Callable, Collection

from kivy.core.text.text_pil import LabelPIL

# Kivy's line wrapping measures the same words and letters again and again, and the PIL
# provider (chosen for its Raqm shaping, see prepare_kivy) lays each one out anew: about
# 0.6 ms a call, half of the home screen's first frame. Widths depend only on the font
# file, the size, the bbox option and the string, so they are kept for the process.
_MAX_ENTRIES = 50_000  # a few MB at most; cleared whole when full
_extents: dict[tuple[str, int, bool, str], tuple[int, int]] = {}
# Kivy's provider lets Raqm guess each line's direction from its first strong letter, so
# an Arabic line that opens with a reference ("R-2026-000013 ...") came out left to right.
# Every line is laid out in the direction of the UI's language instead, as paper does.
_direction = "rtl"


def _cached_extents(label: LabelPIL) -> Callable[[str], tuple[int, int]]:
    options = label.options
    font = (str(options["font_name_r"]), int(options["font_size"]))
    bbox_only = bool(options["limit_render_to_text_bbox"])
    measure = label.get_extents

    def extents(text: str) -> tuple[int, int]:
        key = (*font, bbox_only, text)
        size = _extents.get(key)
        if size is None:
            if len(_extents) >= _MAX_ENTRIES:
                _extents.clear()
            size = _extents[key] = tuple(measure(text))  # type: ignore[assignment]
        return size

    return extents


def _render_text_in_direction(label: LabelPIL, text: str, x: float, y: float) -> None:
    # Kivy's own _render_text (kivy/core/text/text_pil.py) with the paragraph direction.
    font = label._select_font()
    if not font:
        return
    color = tuple(int(channel * 255) for channel in label.options["color"])
    if label.options["limit_render_to_text_bbox"]:
        left, top, _right, _bottom = font.getbbox(text, direction=_direction)
        x, y = x - left, y - top
    label._pil_draw.text((int(x), int(y)), text, font=font, fill=color, direction=_direction)


def set_paragraph_direction(rtl: bool) -> None:
    """Lay every line out right to left (Arabic) or left to right from now on."""
    global _direction
    _direction = "rtl" if rtl else "ltr"


def install_measure_cache() -> None:
    """Make Kivy's PIL text provider remember what it measured and follow the UI's direction.

    Idempotent.
    """
    LabelPIL.get_cached_extents = _cached_extents
    LabelPIL._render_text = _render_text_in_direction


def forget_fonts(keep: Collection[str]) -> None:
    """Close the faces opened for other languages than `keep`'s font files.

    Kivy's PIL provider keeps one FreeType face (the font file mapped again, its glyph
    cache, a HarfBuzz font) per file and size for the life of the process: after one
    citizen in each language, some 30 faces and about 7 MB. The faces of the language home
    is back in stay open: reopening them cost the next citizen's first tap about 30 ms.
    """
    for key in list(LabelPIL._cache):
        # Kivy keys a face "<font file>.<size>".
        if key.rpartition(".")[0] not in keep:
            del LabelPIL._cache[key]
