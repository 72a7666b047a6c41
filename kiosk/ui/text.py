"""Kivy's PIL text provider, tuned: widths kept, lines in the UI's direction, tight textures."""

from __future__ import annotations

import os
from collections.abc import Callable, Collection

from kivy.core.text.text_pil import LabelPIL

from kiosk.ui.theme import SYNTHETIC_BOLD_FILES, SYNTHETIC_BOLD_STROKE

# Kivy's line wrapping measures the same words and letters again and again, and the PIL
# provider (chosen for its Raqm shaping, see prepare_kivy) lays each one out anew: about
# 0.6 ms a call, half of the home screen's first frame. Widths depend only on the font
# file, the size, the bbox option and the string, so they are kept: one table per face,
# each width and height packed in one int (a tour of every screen in four languages
# measures some 5,500 strings, about 1 MB kept this way).
_MAX_ENTRIES = 20_000  # about 3 MB at most; all cleared when full
_PACK = 1 << 20  # height below, width above: a line is never a million pixels high
_extents: dict[tuple[str, int, bool], dict[str, int]] = {}
_entries = 0
# Kivy's provider lets Raqm guess each line's direction from its first strong letter, so
# an Arabic line that opens with a reference ("R-2026-000013 ...") came out left to right.
# Every line is laid out in the direction of the UI's language instead, as paper does.
_direction = "rtl"


def _cached_extents(label: LabelPIL) -> Callable[[str], tuple[int, int]]:
    options = label.options
    face = (str(options["font_name_r"]), int(options["font_size"]))
    table = _extents.setdefault((*face, bool(options["limit_render_to_text_bbox"])), {})
    measure = label.get_extents

    def extents(text: str) -> tuple[int, int]:
        global _entries
        packed = table.get(text)
        if packed is None:
            if _entries >= _MAX_ENTRIES:
                for kept in _extents.values():
                    kept.clear()
                _entries = 0
            width, height = measure(text)
            packed = table[text] = int(width) * _PACK + int(height)
            _entries += 1
        return divmod(packed, _PACK)

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
    # A synthesised bold where the bold file has no bold glyphs for the script (Tifinagh):
    # each glyph drawn with a stroke of its own colour, as thick as a bold's extra weight.
    stroke = _synthetic_stroke(str(label.options["font_name_r"]), text, font.size)
    label._pil_draw.text(
        (int(x), int(y)),
        text,
        font=font,
        fill=color,
        direction=_direction,
        stroke_width=stroke,
        stroke_fill=color,
    )


def _synthetic_stroke(font_file: str, text: str, size: int) -> int:
    if os.path.basename(font_file) not in SYNTHETIC_BOLD_FILES:
        return 0
    if not any("\u2d30" <= char <= "\u2d7f" for char in text):
        return 0  # Latin letters in that file are truly bold already
    return max(1, round(size * SYNTHETIC_BOLD_STROKE))


# Kivy makes a wrapping label's texture as wide as its box (`text_size`), whatever the text:
# home's "not available" was a 900-pixel texture. Under software GL a texture lives in the
# process, so the kiosk's textures were about twice what their lines need (5.5 MB against
# 2.3 MB after a tour, and more churn on the way). A texture is made as wide as its longest
# line where that draws the same: centred text (Kivy centres the texture in the widget),
# and labels that place their texture at their alignment themselves (`AlignedLabel`).
_KIVY_RENDER = LabelPIL.render


def _render_only_the_lines(label: LabelPIL, real: bool = False) -> tuple[int, int]:
    size: tuple[int, int] = _KIVY_RENDER(label, real)
    box_width = label._text_size[0]
    halign = label.options["halign"]
    if real or not box_width or halign == "justify":
        return size
    if halign != "center" and not getattr(label, "drawn_at_alignment", False):
        return size
    # Kivy's layout width includes the padding; lines are aligned inside it when drawn.
    lines_width = int(label._internal_size[0])
    return max(2, min(size[0], lines_width)), size[1]


def texture_x(
    center_x: float, text_size: tuple[float | None, float | None], texture_width: float, halign: str
) -> int:
    """Where an `AlignedLabel` draws its texture: where Kivy's full-width texture had the text."""
    box_width = text_size[0] or texture_width
    share = {"center": 0.5, "right": 1.0}.get(halign, 0.0)
    return int(center_x - box_width / 2 + (box_width - texture_width) * share)


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
    LabelPIL.render = _render_only_the_lines


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
