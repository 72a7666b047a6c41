"""An opt-in map of what is on screen, for tests that drive the kiosk from outside.

When `$KIOSK_WIDGET_MAP` names a file, the app writes there, as JSON, what a person (or a
screen reader) finds on the screen now: the screen's name and language, and each button,
key, field and text of the screen with its rectangle in X window coordinates (origin
top-left, y down, pixels) and the part of it shown ("shown", null when scrolled out of
sight). A test outside the process reads it to know *where* to tap (with xdotool) and
*what* is shown, and judges the outcome on screenshots. Without the variable nothing is
installed and nothing runs.

Conventions the screens may follow (none is required):

- `kiosk_role = "primary"` on a widget marks the step's primary action (the footer's main
  button); other roles are inferred: "field" (a typing field), "key" (a key of the on-screen
  keyboard), "button" (anything tappable), "text" (a label outside any button), "scroll" (an
  area whose content a finger drags), "keyboard" (the on-screen keyboard as a whole).
- `kiosk_id = "..."` names a widget; otherwise its name is found in its screen's `ids` or
  the screen's own attributes (`status.dossier`, `home.tiles.ticket`, `ticket.back`).

The map is rewritten (atomically, by rename) only when it changes, checked ten times a
second on the UI thread; `stable` is true once two checks in a row found the same map, so
a reader can tell a settled screen from one being laid out. `frames` counts the frames
drawn and `ticks` the turns of the event loop (drawn or not); `touches.down_frame` and
`touches.down_tick` are those counts when the last touch arrived. A reader holding a finger
down knows the app has drawn whatever the touch changed once `ticks` passed `down_tick`
(a touch is handled early in a turn, and the turn ends with its frame), and whether that
drew anything at all: `frames` passed `down_frame`.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.label import Label
from kivy.uix.scrollview import ScrollView
from kivy.uix.stencilview import StencilView
from kivy.uix.widget import Widget

from kiosk.i18n import without_isolates
from kiosk.ui.widgets.keyboard import OnScreenKeyboard, TextField

log = logging.getLogger(__name__)

ENVIRONMENT = "KIOSK_WIDGET_MAP"
INTERVAL_S = 0.1
VERSION = 1
PRIMARY = "primary"  # the `kiosk_role` of a step's primary action

Rect = tuple[int, int, int, int]  # left, top, width, height: X's axes, in pixels


def install_widget_map(app: App) -> WidgetMap | None:
    """Start writing the map if `$KIOSK_WIDGET_MAP` asks for it (call once the root exists)."""
    target = os.environ.get(ENVIRONMENT)
    if not target:
        return None
    widget_map = WidgetMap(app, Path(target))
    widget_map.start()
    return widget_map


class WidgetMap:
    """Samples the widget tree on the UI thread and writes it when it changes."""

    def __init__(self, app: App, target: Path) -> None:
        self.app = app
        self.target = target
        self.frames = 0
        self.touches_down = 0
        self.touches_up = 0
        self.down_frame = -1
        self.down_tick = -1
        self._held: set[int] = set()
        self._last: dict[str, Any] | None = None
        self._written_stable = False
        self._seq = 0

    def start(self) -> None:
        """Count frames and touches, and sample ten times a second."""
        Window.bind(on_flip=self._on_flip)
        Window.bind(on_touch_down=self._on_touch_down, on_touch_up=self._on_touch_up)
        Clock.schedule_interval(lambda _dt: self.sample(), INTERVAL_S)

    # --- counting -------------------------------------------------------------------------

    def _on_flip(self, *_args: Any) -> None:
        self.frames += 1

    def _on_touch_down(self, _window: Any, touch: Any) -> bool:
        self.touches_down += 1
        self.down_frame = self.frames
        self.down_tick = Clock.frames
        self._held.add(touch.uid)
        return False  # only counted: the touch goes on to the widgets

    def _on_touch_up(self, _window: Any, touch: Any) -> bool:
        self.touches_up += 1
        self._held.discard(touch.uid)
        return False

    # --- sampling -------------------------------------------------------------------------

    def sample(self) -> None:
        """Write the map if it changed (or settled) since the last sample."""
        content = self.describe()
        held = bool(self._held)
        # Touches count as a change: a tap that changes nothing on screen is still answered.
        content["touches"] = {
            "down": self.touches_down,
            "up": self.touches_up,
            "held": held,
            "down_frame": self.down_frame,
            "down_tick": self.down_tick,
        }
        if content == self._last:
            # Once settled it is written a last time marked stable; while a finger is held,
            # at every sample, so a reader sees the turns and frames counted after the touch.
            if self._written_stable and not held:
                return
            stable = True
        else:
            stable = False
        self._last = content
        self._written_stable = stable
        self._seq += 1
        document = {
            "version": VERSION,
            "seq": self._seq,
            "stable": stable,
            "frames": self.frames,
            "ticks": Clock.frames,
            **content,
        }
        partial = self.target.with_name(self.target.name + ".part")
        try:
            partial.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
            os.replace(partial, self.target)
        except OSError as error:  # a test aid: a full disk must not send the citizen home
            log.warning("widget map not written to %s: %s", self.target, error)

    def describe(self) -> dict[str, Any]:
        """The current screen, its language and its widgets."""
        root = self.app.root
        screen = root.current_screen if root is not None else None
        name = str(root.current) if root is not None else ""
        window: Rect = (0, 0, int(Window.width), int(Window.height))
        widgets: list[dict[str, Any]] = []
        keyboard: dict[str, Any] | None = None
        if screen is not None:
            names = _names(screen, name)
            for entry, widget in _visit(screen, window, names, name, inside=None):
                widgets.append(entry)
                if isinstance(widget, OnScreenKeyboard):
                    keyboard = {"layout": widget.layout, **_place(widget, window)}
        # Dialogs ("still there?") sit on the window itself, over the screen.
        for overlay in Window.children:
            if overlay is not root:
                for entry, _widget in _visit(overlay, window, {}, "overlay", inside=None):
                    widgets.append(entry)
        return {
            "screen": name,
            "language": getattr(self.app, "lang", ""),
            "rtl": bool(getattr(self.app, "rtl", False)),
            "busy": bool(getattr(screen, "turns_pending", False)),
            "window": {"width": int(Window.width), "height": int(Window.height)},
            "keyboard": keyboard,
            "widgets": widgets,
        }


def _names(screen: Widget, prefix: str) -> dict[int, str]:
    """Names for the screen's widgets: its kv ids, then its own attributes holding widgets."""
    names: dict[int, str] = {}
    for key, value in screen.ids.items():
        names.setdefault(id(getattr(value, "__self__", value)), f"{prefix}.{key}")
    # Public attributes first: a private one may point at the same widget for a while
    # (`_keyboard_field` is whichever field has the keys).
    attributes = sorted(vars(screen).items(), key=lambda item: item[0].startswith("_"))
    for key, value in attributes:
        if isinstance(value, Widget):
            names.setdefault(id(value), f"{prefix}.{key.lstrip('_')}")
        elif isinstance(value, dict):
            for inner, item in value.items():
                if isinstance(item, Widget):
                    names.setdefault(id(item), f"{prefix}.{key.lstrip('_')}.{inner}")
        elif isinstance(value, list | tuple):
            for index, item in enumerate(value):
                if isinstance(item, Widget):
                    names.setdefault(id(item), f"{prefix}.{key.lstrip('_')}.{index}")
    return names


def _visit(
    widget: Widget, clip: Rect, names: dict[int, str], prefix: str, inside: str | None
) -> Iterator[tuple[dict[str, Any], Widget]]:
    """Entries for `widget` and what it holds, in the order they were added."""
    if widget.opacity <= 0:
        return  # hidden, with everything in it
    place = _place(widget, clip)
    role = _role(widget, inside)
    if role is not None:  # listed even when scrolled away: "shown" is then null
        entry: dict[str, Any] = {
            "id": getattr(widget, "kiosk_id", None) or names.get(id(widget)) or _fallback(widget),
            "role": role,
            # As a screen reader would read it: the bidi isolates that order runs are not text.
            "text": without_isolates(str(getattr(widget, "text", "") or "")),
            **place,
        }
        if isinstance(widget, ButtonBehavior):
            entry["pressed"] = getattr(widget, "state", "normal") == "down"
            entry["disabled"] = bool(widget.disabled)
        if isinstance(widget, TextField):
            entry["focused"] = bool(widget.focused)
        yield entry, widget
    if isinstance(widget, OnScreenKeyboard):
        inside = "keyboard"
        if place["shown"] is not None:
            yield {"id": f"{prefix}.keyboard", "role": "keyboard", "text": "", **place}, widget
    elif isinstance(widget, ButtonBehavior):
        inside = "button"  # its pictogram and label are the button's own
    if isinstance(widget, StencilView):  # a scrolling body shows only its own rectangle
        clip = _intersect(clip, place["rect"]) or (0, 0, 0, 0)
    for child in reversed(widget.children):
        yield from _visit(child, clip, names, prefix, inside)


def _role(widget: Widget, inside: str | None) -> str | None:
    role = getattr(widget, "kiosk_role", None)
    if role:
        return str(role)
    if isinstance(widget, TextField):
        return "field"
    if isinstance(widget, ScrollView):
        return "scroll"
    if isinstance(widget, ButtonBehavior):
        return "key" if inside == "keyboard" else "button"
    if isinstance(widget, Label) and inside is None and widget.text:
        return "text"
    return None


def _fallback(widget: Widget) -> str:
    return type(widget).__name__


def _place(widget: Widget, clip: Rect) -> dict[str, Any]:
    """The widget's rectangle in X's axes, and the part of it not clipped away."""
    left, bottom = widget.to_window(widget.x, widget.y)
    right, top = widget.to_window(widget.right, widget.top)
    rect = (
        round(left),
        round(Window.height - top),
        round(right - left),
        round(top - bottom),
    )
    return {"rect": list(rect), "shown": _listed(_intersect(rect, clip))}


def _listed(rect: Rect | None) -> list[int] | None:
    return list(rect) if rect is not None else None


def _intersect(a: Rect, b: Rect) -> Rect | None:
    left, top = max(a[0], b[0]), max(a[1], b[1])
    right, bottom = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    if right <= left or bottom <= top:
        return None
    return (left, top, right - left, bottom - top)
