"""Drive `kiosk demo` from outside, as a person would: an X display, a pointer, and eyes.

The kiosk runs as its own process (the real `kiosk demo` entry point, with the demo's own
reference server and capture printer) on a virtual X screen of the wanted size. The test
acts only through X (xdotool moves the pointer and presses its button at a point of the
screen) and reads only what a person or a screen reader would: screenshots of the X
display, and the map of what is where that the app writes when `$KIOSK_WIDGET_MAP` is set
(kiosk/ui/widget_map.py). No call reaches into the app.

Every wait polls a condition with a generous deadline (a busy CI machine is slow, never
wrong); no outcome is awaited by sleeping a fixed time (the only pauses are a dragging
finger's, inside the gesture).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image, ImageChops, ImageGrab

from kiosk.i18n import translator
from tests.support.ui_driver import virtual_screen

DEADLINE_S = 30.0
POLL_S = 0.05
LANGUAGE_NAMES = {"ar": "العربية", "fr": "Français", "zgh": "ⵜⴰⵎⴰⵣⵉⵖⵜ", "en": "English"}
# The on-screen keyboard's switch keys, each written in its layout's own script.
SWITCH_KEYS = ("A Z E", "123", "أ ب ت", "ⴰ ⴱ ⴳ")
# A pixel counts as changed when one of its channels moved by more than this (0-255):
# enough to ignore dithering, far below any colour change a person would notice.
PIXEL_TOLERANCE = 24

Rect = tuple[int, int, int, int]  # left, top, width, height; X's axes, in pixels


def tr(lang: str, message: str) -> str:
    """`message` (an English msgid of the kiosk) as the kiosk shows it in `lang`."""
    return translator(lang)(message)


@dataclass(frozen=True)
class Seen:
    """One widget of the map: what it is, what it says, where it is and what of it shows."""

    id: str
    role: str
    text: str
    rect: Rect
    shown: Rect | None
    pressed: bool = False
    disabled: bool = False
    focused: bool = False

    @property
    def whole(self) -> bool:
        """Wholly on screen: nothing of it clipped by a scrolling body or the window."""
        return self.shown == self.rect

    @property
    def centre(self) -> tuple[int, int]:
        """The middle of what is shown of it (where a finger lands)."""
        left, top, width, height = self.shown or self.rect
        return left + width // 2, top + height // 2

    def __str__(self) -> str:
        return f"{self.role} {self.id} {self.text!r} at {self.rect} shown {self.shown}"


@dataclass(frozen=True)
class ScreenMap:
    """One reading of the map the app writes: the screen, its language, its widgets."""

    raw: dict[str, Any]
    widgets: tuple[Seen, ...] = field(default=())

    @classmethod
    def parse(cls, raw: dict[str, Any]) -> ScreenMap:
        def rect(value: Any) -> Rect | None:
            return None if value is None else (value[0], value[1], value[2], value[3])

        widgets = tuple(
            Seen(
                id=str(w["id"]),
                role=str(w["role"]),
                text=str(w["text"]),
                rect=rect(w["rect"]) or (0, 0, 0, 0),
                shown=rect(w["shown"]),
                pressed=bool(w.get("pressed", False)),
                disabled=bool(w.get("disabled", False)),
                focused=bool(w.get("focused", False)),
            )
            for w in raw["widgets"]
        )
        return cls(raw, widgets)

    @property
    def screen(self) -> str:
        return str(self.raw["screen"])

    @property
    def language(self) -> str:
        return str(self.raw["language"])

    @property
    def settled(self) -> bool:
        """Unchanged since the sample before, and no text still coming a frame at a time."""
        return bool(self.raw["stable"]) and not self.raw["busy"]

    @property
    def window(self) -> tuple[int, int]:
        return int(self.raw["window"]["width"]), int(self.raw["window"]["height"])

    @property
    def keyboard_layout(self) -> str | None:
        keyboard = self.raw.get("keyboard")
        return None if keyboard is None else str(keyboard["layout"])

    @property
    def keyboard_rect(self) -> Rect | None:
        keyboard = self.raw.get("keyboard")
        if keyboard is None:
            return None
        left, top, width, height = keyboard["shown"] or keyboard["rect"]
        return int(left), int(top), int(width), int(height)

    @property
    def touches_up(self) -> int:
        return int(self.raw["touches"]["up"])

    def find(
        self,
        *,
        id: str | None = None,
        text: str | None = None,
        role: str | None = None,
        shown: bool = True,
    ) -> list[Seen]:
        """The widgets with this id (or id prefix ending in '.'), text and role, in order."""
        return [
            w
            for w in self.widgets
            if (id is None or w.id == id or (id.endswith(".") and w.id.startswith(id)))
            and (text is None or w.text == text)
            and (role is None or w.role == role)
            and (not shown or w.shown is not None)
        ]

    def one(
        self, *, id: str | None = None, text: str | None = None, role: str | None = None
    ) -> Seen:
        """The first shown widget that matches, or a failure listing what the screen has."""
        found = self.find(id=id, text=text, role=role)
        assert found, (
            f"on {self.screen!r} ({self.language}) no widget with id={id!r} text={text!r} "
            f"role={role!r}; shown: {[(w.id, w.text) for w in self.widgets if w.shown]}"
        )
        return found[0]

    def texts(self) -> list[str]:
        """Every text shown (labels, buttons, fields), in the order of the widget tree."""
        return [w.text for w in self.widgets if w.shown is not None and w.text]

    def keys_shown(self) -> dict[str, Seen]:
        """The on-screen keyboard's keys shown now, by the character written on them."""
        return {w.text: w for w in self.widgets if w.role == "key" and w.shown is not None}


class OutsideKiosk:
    """`kiosk demo` on its own X display: taps through xdotool, reads through X and the map."""

    def __init__(
        self, display: str, process: subprocess.Popen[bytes], workdir: Path, size: Rect
    ) -> None:
        self.display = display
        self.process = process
        self.workdir = workdir
        self.map_path = workdir / "widget-map.json"
        self.artefacts = workdir / "shots"
        self.width, self.height = size[2], size[3]
        self.origin = (0, 0)
        self.server_pid: int | None = None
        # Touches sent through X so far: a reading of the map counts only once the app has
        # seen them all (a tap still in flight would otherwise land on the next screen).
        self.sent_down = 0
        self.sent_up = 0

    # --- reading --------------------------------------------------------------------------

    def read_map(self) -> ScreenMap | None:
        """The map as last written, or None before the app wrote one."""
        try:
            text = self.map_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        return ScreenMap.parse(json.loads(text))  # written whole, then renamed: never partial

    def wait_for(
        self,
        condition: Callable[[ScreenMap], Any],
        what: str,
        *,
        settled: bool = True,
        deadline_s: float = DEADLINE_S,
    ) -> ScreenMap:
        """Poll the map until `condition` holds (on a settled screen, by default)."""
        end = time.monotonic() + deadline_s
        last: ScreenMap | None = None
        while time.monotonic() < end:
            self._check_alive()
            last = self.read_map()
            if (
                last is not None
                and (last.settled or not settled)
                and self._seen_every_touch(last)
                and condition(last)
            ):
                return last
            time.sleep(POLL_S)  # another process's file: nothing to wait on but time
        shown = f"{last.screen} ({last.language}): {last.texts()[:20]}" if last else "no map"
        raise AssertionError(f"the kiosk never showed {what} within {deadline_s:.0f} s; {shown}")

    def now(self) -> ScreenMap:
        """The settled screen as it is now, every touch sent so far taken."""
        return self.wait_for(lambda _map: True, "a settled screen")

    def _seen_every_touch(self, shown: ScreenMap) -> bool:
        touches = shown.raw["touches"]
        return bool(touches["down"] >= self.sent_down and touches["up"] >= self.sent_up)

    def screenshot(self, rect: Rect | None = None, name: str | None = None) -> Image.Image:
        """What the X display shows in the window (or `rect` of it), saved as `name`.png."""
        left, top, width, height = rect or (0, 0, self.width, self.height)
        x, y = self.origin[0] + left, self.origin[1] + top
        whole = ImageGrab.grab(xdisplay=self.display)
        picture = whole.crop((x, y, x + width, y + height)).convert("RGB")
        if name:
            self.artefacts.mkdir(parents=True, exist_ok=True)
            picture.save(self.artefacts / f"{name}.png")
        return picture

    # --- acting ---------------------------------------------------------------------------

    def xdotool(self, *args: str) -> str:
        """Run xdotool against this display."""
        done = subprocess.run(
            ["xdotool", *args],
            env={**os.environ, "DISPLAY": self.display},
            capture_output=True,
            text=True,
            timeout=DEADLINE_S,
            check=True,
        )
        return done.stdout

    def _point(self, widget: Seen) -> tuple[str, str]:
        assert widget.shown is not None, f"cannot tap what is not on screen: {widget}"
        x, y = widget.centre
        return str(self.origin[0] + x), str(self.origin[1] + y)

    def tap(self, widget: Seen, settle: bool = True) -> ScreenMap:
        """Touch the middle of `widget` and lift; return the settled screen after the tap
        (without `settle`, the first reading that counts the tap: keys typed in a row)."""
        if settle:
            self.now()
        self.sent_down += 1
        self.sent_up += 1
        self.xdotool("mousemove", *self._point(widget), "click", "1")
        return self.wait_for(lambda _m: True, f"the outcome of tapping {widget}", settled=settle)

    def tap_on(
        self, *, id: str | None = None, text: str | None = None, role: str | None = None
    ) -> ScreenMap:
        """Tap the first shown widget matching id/text/role on the screen as it is now."""
        return self.tap(self.now().one(id=id, text=text, role=role))

    def press(self, widget: Seen) -> None:
        """Put a finger down on `widget` and keep it there."""
        self.sent_down += 1
        self.xdotool("mousemove", *self._point(widget), "mousedown", "1")

    def lift(self) -> None:
        """Lift the finger put down by `press`."""
        self.sent_up += 1
        self.xdotool("mouseup", "1")

    def drag(self, x: int, start_y: int, end_y: int) -> ScreenMap:
        """Drag a finger from (x, start_y) to (x, end_y) in the window, rest, and lift."""
        x0, y0 = self.origin[0] + x, self.origin[1] + start_y
        step = 40 if end_y > start_y else -40
        # In steps a frame or two apart, as a finger moves (moves all sent at once reach the
        # app in one frame, and the page takes the gesture for a tap); it rests before
        # lifting, so the page does not fly on.
        path = [y0 + offset for offset in range(step, end_y - start_y, step)] + [
            self.origin[1] + end_y
        ]
        gesture = ["mousemove", str(x0), str(y0), "mousedown", "1"]
        for y in path:
            gesture += ["sleep", "0.03", "mousemove", str(x0), str(y)]
        gesture += ["sleep", "0.3", "mouseup", "1"]
        self.now()
        self.sent_down += 1
        self.sent_up += 1
        self.xdotool(*gesture)
        return self.now()

    def reveal(self, *, id: str | None = None, text: str | None = None) -> Seen:
        """The widget (id or text), wholly on screen: its scrolling area dragged as a person
        would, when it lies beyond what is shown."""
        for _attempt in range(15):
            shown = self.now()
            found = shown.find(id=id, text=text, shown=False)
            assert found, f"no {id or text!r} on {shown.screen!r}: {shown.texts()[:20]}"
            target = found[0]
            if target.whole:
                return target
            areas = [
                area
                for area in shown.find(role="scroll")
                if area.shown and area.rect[0] <= target.centre[0] <= area.rect[0] + area.rect[2]
            ]
            assert areas, f"{target} is out of sight and nothing scrolls to it"
            left, top, width, height = areas[-1].shown or areas[-1].rect
            if target.shown is not None and target.shown[3] >= min(target.rect[3], height) - 8:
                return target  # as whole as the area can show it: a finger takes that
            x = left + width // 2
            if target.rect[1] + target.rect[3] > top + height:  # below: drag the page up
                need = target.rect[1] + target.rect[3] - (top + height) + 24
                distance = min(need, height * 6 // 10)
                self.drag(x, top + height * 8 // 10, top + height * 8 // 10 - distance)
            else:  # above: drag the page down
                need = top - target.rect[1] + 24
                distance = min(need, height * 6 // 10)
                self.drag(x, top + height * 2 // 10, top + height * 2 // 10 + distance)
        raise AssertionError(f"{id or text!r} never came wholly into sight")

    def type_on_keys(self, text: str, switch_layouts: bool = False) -> None:
        """Tap the on-screen key written with each character of `text`, one after another.

        With `switch_layouts`, a character missing from the keys shown is looked for behind
        the keyboard's switch keys ("A Z E", "123", …), as a person would; without, its
        absence fails the test.
        """
        shown = self.now()
        for character in text:
            key = _key_for(shown, character)
            tried: set[str] = set()
            while key is None and switch_layouts:
                switches = [k for k in shown.find(role="key") if k.text in SWITCH_KEYS]
                untried = [k for k in switches if k.text not in tried]
                if not untried:
                    break
                tried.add(untried[0].text)
                shown = self.tap(untried[0])
                key = _key_for(shown, character)
            assert key is not None, (
                f"no key {character!r} on the {shown.keyboard_layout!r} keyboard shown "
                f"(keys: {' '.join(shown.keys_shown())}) while typing {text!r}"
            )
            # The keys stay where they are while typing: no need to wait for a settled screen.
            self.tap(key, settle=False)
        self.now()

    def back(self) -> ScreenMap:
        """Tap the screen's "Back" (or "Done", "Sign out": the button that leaves the step)."""
        shown = self.now()
        found = shown.find(id=f"{shown.screen}.back")
        if not found:
            found = [w for w in shown.widgets if w.shown and w.text == tr(shown.language, "Back")]
        if not found:
            # Signed in, the account has no Back: the footer's way out reads "Sign out".
            found = [w for w in shown.find(id=f"{shown.screen}.start_over") if w.shown]
        assert found, f"no way back from {shown.screen!r}: {shown.texts()[:10]}"
        return self.tap(found[0])

    def go_home(self, lang: str | None = None) -> ScreenMap:
        """Back to home by the screen's own "Back" (as a person would), then `lang` chosen."""
        shown = self.now()
        for _attempt in range(8):
            if shown.screen == "home":
                break
            shown = self.back()
        assert shown.screen == "home", f"still on {shown.screen!r} after eight taps on Back"
        if lang is not None and shown.language != lang:
            self.tap(shown.one(text=LANGUAGE_NAMES[lang]))
            shown = self.wait_for(lambda m: m.language == lang, f"home in {lang}")
        return shown

    # --- the network ----------------------------------------------------------------------

    def server_running(self) -> bool:
        """Whether the demo's reference server still runs."""
        return self.server_pid is not None and _alive(self.server_pid)

    def stop_server(self) -> None:
        """The network goes: the demo's reference server stops (the kiosk carries on)."""
        assert self.server_pid is not None, "the demo's server was not found"
        if not self.server_running():
            return
        os.kill(self.server_pid, signal.SIGTERM)
        end = time.monotonic() + DEADLINE_S
        while _alive(self.server_pid) and time.monotonic() < end:
            time.sleep(POLL_S)

    # --- life -----------------------------------------------------------------------------

    def _check_alive(self) -> None:
        if self.process.poll() is not None:
            log = (self.workdir / "kiosk-demo.log").read_text(errors="replace")
            raise AssertionError(f"kiosk demo ended ({self.process.returncode}):\n{log[-3000:]}")

    def _wait_until_up(self) -> None:
        """The window is on the display, and the app has drawn home and written its map."""
        end = time.monotonic() + 3 * DEADLINE_S  # a cold start on a busy machine
        while time.monotonic() < end:
            self._check_alive()
            placed = self._window_origin()
            if placed is not None and self.read_map() is not None:
                self.origin = placed
                break
            time.sleep(POLL_S)
        else:
            raise AssertionError("the kiosk's window never appeared")
        home = self.wait_for(lambda m: m.screen == "home", "the home screen", deadline_s=60)
        assert home.window == (self.width, self.height), (home.window, self.width, self.height)
        self.server_pid = _child_running(self.process.pid, "central_server")

    def _window_origin(self) -> tuple[int, int] | None:
        """Where the kiosk's window sits on the display: the one mapped top-level window of
        the screen's size on a display of its own (xdotool cannot search its UTF-8 title)."""

        def ask(*args: str) -> str:  # windows come and go while the app starts: no check
            return subprocess.run(
                ["xdotool", *args],
                env={**os.environ, "DISPLAY": self.display},
                capture_output=True,
                text=True,
                timeout=DEADLINE_S,
                check=False,
            ).stdout

        def windows(depth: str) -> set[str]:
            return set(ask("search", "--maxdepth", depth, "--onlyvisible", "--class", "").split())

        root = windows("0")  # the screen itself, as large as the kiosk's window
        for window in sorted(windows("1") - root):
            shell = ask("getwindowgeometry", "--shell", window).splitlines()
            geometry = dict(line.split("=", 1) for line in shell if "=" in line)
            size = (int(geometry.get("WIDTH", -1)), int(geometry.get("HEIGHT", -1)))
            if size == (self.width, self.height):
                return int(geometry["X"]), int(geometry["Y"])
        return None

    def stop(self) -> int:
        """Terminate `kiosk demo` as a service manager would (SIGTERM); its exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(DEADLINE_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait(DEADLINE_S)

    def leftovers(self) -> list[str]:
        """Processes `kiosk demo` started that still run (its server, after it stopped)."""
        left = []
        if self.server_pid is not None and _alive(self.server_pid):
            left.append(f"reference server, pid {self.server_pid}")
        return left

    def kill_leftovers(self) -> None:
        """Whatever the test's outcome, nothing it started runs on: `kiosk demo` leads a
        process group of its own, which its server joined."""
        with suppress(ProcessLookupError):  # nobody left in the group
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(DEADLINE_S)


@contextmanager
def running_demo(size: tuple[int, int], workdir: Path) -> Iterator[OutsideKiosk]:
    """`kiosk demo --size WxH` on a virtual screen of that size, until the block ends."""
    width, height = size
    workdir.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        display = stack.enter_context(virtual_screen(width, height))
        env = {
            **os.environ,
            "DISPLAY": display,
            "HOME": str(workdir / "home"),  # nothing of the runner's own demo is touched
            "XDG_STATE_HOME": str(workdir / "state"),
            "KIOSK_WIDGET_MAP": str(workdir / "widget-map.json"),
        }
        env.pop("KIVY_TEXT", None)
        (workdir / "home").mkdir(exist_ok=True)
        command = [
            str(Path(sys.executable).parent / "kiosk"),
            "demo",
            "--size",
            f"{width}x{height}",
        ]
        command += ["--state-dir", str(workdir / "state" / "gau-kiosk-demo")]
        with (workdir / "kiosk-demo.log").open("wb") as log:
            process = subprocess.Popen(
                command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        kiosk = OutsideKiosk(display, process, workdir, (0, 0, width, height))
        stack.callback(kiosk.kill_leftovers)
        stack.callback(kiosk.stop)  # first: as a service manager stops it
        kiosk._wait_until_up()
        yield kiosk


def _key_for(shown: ScreenMap, character: str) -> Seen | None:
    keys = shown.keys_shown()
    return keys.get(character) or keys.get(character.lower()) or keys.get(character.upper())


def changed_fraction(before: Image.Image, after: Image.Image) -> float:
    """The share of pixels that a person would see change between two pictures of one area."""
    assert before.size == after.size, (before.size, after.size)
    channels = ImageChops.difference(before.convert("RGB"), after.convert("RGB")).split()
    strongest = channels[0]
    for channel in channels[1:]:
        strongest = ImageChops.lighter(strongest, channel)
    changed = strongest.point(lambda value: 255 if value > PIXEL_TOLERANCE else 0)
    return changed.histogram()[255] / float(before.width * before.height)


def dominant_colour(picture: Image.Image) -> tuple[tuple[int, int, int], float]:
    """The most frequent colour of a picture and the share of its pixels that have it."""
    colours = picture.convert("RGB").getcolors(maxcolors=picture.width * picture.height)
    assert colours
    count, colour = max(colours)
    return colour, count / float(picture.width * picture.height)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A child that ended but was not yet reaped by its parent is gone for every purpose.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def _child_running(parent: int, needle: str) -> int | None:
    """The pid of `parent`'s child whose command line holds `needle`, if any."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (FileNotFoundError, ProcessLookupError):
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == parent and needle in command:
            return int(entry.name)
    return None
