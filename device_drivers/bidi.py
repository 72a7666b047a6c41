"""Just enough of the Unicode bidi algorithm to lay out one line of an Arabic paragraph.

Raqm orders a line by itself when one font draws all of it. Noto's Arabic font has no
Latin letters, parentheses or slashes, so a line such as "التاريخ: 21/11/2026" or
"الاسم: M*** B***" must be cut into runs drawn with different fonts, and the runs placed
in visual order here. Implemented: rules W1-W7, N1-N2, I1-I2 and L2 for a right-to-left
paragraph without explicit embeddings (the kiosk never prints any).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

_STRONG = frozenset({"L", "R"})
_NEUTRAL = frozenset({"ON", "WS", "S", "B", "BN"})


@dataclass(frozen=True)
class DirectionalRun:
    """Characters in logical order that are read in one direction."""

    text: str
    rtl: bool


def _resolved_types(text: str) -> list[str]:
    types = [unicodedata.bidirectional(char) or "ON" for char in text]
    # W1: a combining mark takes the type of what it combines with.
    for i, kind in enumerate(types):
        if kind == "NSM":
            types[i] = types[i - 1] if i else "R"
    # W2 and W3: European digits after Arabic letters are Arabic numbers; AL is R.
    last_strong = "R"
    for i, kind in enumerate(types):
        if kind in ("L", "R", "AL"):
            last_strong = kind
        elif kind == "EN" and last_strong == "AL":
            types[i] = "AN"
    types = ["R" if kind == "AL" else kind for kind in types]
    # W4: one separator between two numbers of the same kind joins them.
    for i in range(1, len(types) - 1):
        before, kind, after = types[i - 1], types[i], types[i + 1]
        if kind in ("ES", "CS") and before == after == "EN":
            types[i] = "EN"
        elif kind == "CS" and before == after == "AN":
            types[i] = "AN"
    # W5: terminators (%, currency) next to European numbers are part of them.
    for i, kind in enumerate(types):
        if kind == "ET" and (
            (i and types[i - 1] == "EN") or (i + 1 < len(types) and types[i + 1] == "EN")
        ):
            types[i] = "EN"
    # W6: other separators and terminators are neutral.
    types = ["ON" if kind in ("ES", "ET", "CS") else kind for kind in types]
    # W7: European numbers after Latin text are Latin.
    last_strong = "R"
    for i, kind in enumerate(types):
        if kind in _STRONG:
            last_strong = kind
        elif kind == "EN" and last_strong == "L":
            types[i] = "L"
    return types


def _strong_side(kind: str) -> str:
    return "R" if kind in ("R", "EN", "AN") else "L"


def _resolve_neutrals(types: list[str]) -> list[str]:
    # N1/N2: neutrals between two runs of one direction take it; otherwise the paragraph's (R).
    resolved = list(types)
    i = 0
    while i < len(resolved):
        if resolved[i] not in _NEUTRAL:
            i += 1
            continue
        end = i
        while end < len(resolved) and resolved[end] in _NEUTRAL:
            end += 1
        before = _strong_side(resolved[i - 1]) if i else "R"
        after = _strong_side(resolved[end]) if end < len(resolved) else "R"
        direction = before if before == after else "R"
        resolved[i:end] = [direction] * (end - i)
        i = end
    return resolved


def rtl_line_runs(text: str) -> list[DirectionalRun]:
    """The runs of a right-to-left line, in visual order from left to right."""
    if not text:
        return []
    types = _resolve_neutrals(_resolved_types(text))
    # I1/I2 in an RTL paragraph: R stays at level 1; L and numbers go to level 2 (LTR).
    rtl = [kind == "R" for kind in types]
    runs: list[DirectionalRun] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or rtl[i] != rtl[start]:
            runs.append(DirectionalRun(text[start:i], rtl[start]))
            start = i
    # L2: with two levels, the runs themselves appear in reverse order.
    return runs[::-1]
