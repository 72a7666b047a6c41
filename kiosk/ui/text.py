"""Label text measured once per font, size and string: Raqm layouts are slow to repeat."""

from __future__ import annotations

from collections.abc import Callable

from kivy.core.text.text_pil import LabelPIL

# Kivy's line wrapping measures the same words and letters again and again, and the PIL
# provider (chosen for its Raqm shaping, see prepare_kivy) lays each one out anew: about
# 0.6 ms a call, half of the home screen's first frame. Widths depend only on the font
# file, the size, the bbox option and the string, so they are kept for the process.
_MAX_ENTRIES = 50_000  # a few MB at most; cleared whole when full
_extents: dict[tuple[str, int, bool, str], tuple[int, int]] = {}


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


def install_measure_cache() -> None:
    """Make Kivy's PIL text provider remember what it measured (idempotent)."""
    LabelPIL.get_cached_extents = _cached_extents


def forget_fonts() -> None:
    """Close the faces opened for the last citizen's language and sizes.

    Kivy's PIL provider keeps one FreeType face (the font file mapped again, its glyph
    cache, a HarfBuzz font) per file and size for the life of the process: after one
    citizen in each language, some 30 faces and about 7 MB. Home reopens its own few in
    about a millisecond each.
    """
    LabelPIL._cache.clear()
