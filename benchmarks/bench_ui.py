"""The app against its budgets: cold start, memory above a bare Kivy window, tap to response.

`python -m benchmarks.bench_ui` starts its own Xvfb (1080x1920), the reference server on
loopback and, in fresh processes: a bare Kivy window, then the kiosk app as an annex runs
it (syncing with the server, a capture printer), without the packages only this venv's
dev extras add (then once more with them, for comparison). Each child reports when its
first frame is drawn, its resident memory, and for the app the time from a touch on "take
a ticket" to the frame that shows the next screen, and from a touch-down to the frame that
shows the pressed state.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.support.reference_server import DEMO_DEVICE_TOKEN, running_reference_server
from tests.support.ui_driver import virtual_screen

RUNS = 5
SIZE = (1080, 1920)

# The child: everything below is timed from the moment the parent starts the process.
CHILD = r"""
import json, os, sys, time
from pathlib import Path

mode, state, server_url = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
from kiosk.ui import prepare_kivy
prepare_kivy(state, windowed=False, size=(1080, 1920))
from kivy.app import App
from kivy.base import EventLoop
from kivy.core.window import Window
from kivy.uix.widget import Widget


def rss_kib(field: str = "VmRSS") -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def frames(count: int) -> None:
    for _ in range(count):
        EventLoop.idle()


if mode == "bare":
    class Bare(App):
        def build(self):
            return Widget()
    app = Bare()
    app._run_prepare()
    frames(3)
    ready = time.time()
    # What one frame costs on this display at all (software GL under Xvfb): the floor of
    # any "tap to visible" figure measured here.
    frame_ms = []
    for _ in range(10):
        Window.canvas.ask_update()
        started = time.perf_counter()
        EventLoop.idle()
        frame_ms.append((time.perf_counter() - started) * 1000)
    print(
        json.dumps(
            {"ready": ready, "rss_kib": rss_kib(), "peak_kib": rss_kib("VmHWM"),
             "frame_ms": frame_ms}
        ),
        flush=True,
    )
    sys.exit(0)

from kiosk.config import parse_config
from kiosk.ui.app import KioskApp
from kiosk.ui.context import AppContext
from kiosk.ui.screens import SCREENS
from tests.support.finger import Finger

config = parse_config(
    f'[server]\nurl = "{server_url}"\ndevice_token_file = "{state / "device-token"}"\n'
    f'[printer]\nuri = "capture:{state / "printed"}"\n[cache]\npath = "{state / "cache.sqlite"}"\n'
)
app = KioskApp(AppContext.from_config(config), kiosk_mode=True)
app._run_prepare()
frames(1)  # the first frame of the home screen: interactive from here
ready = time.time()
# The other screens are built in the clock ticks after home is up; taps are measured on
# the kiosk as a citizen finds it a moment later.
while len(app.screens) < len(SCREENS):
    EventLoop.idle()


# Time spent presenting frames (the buffer swap): under Xvfb the GL is software (llvmpipe)
# and draws the whole window there; a GPU does it in a fraction.
presenting = [0.0]
_flip = Window.flip


def timed_flip(*args):
    started = time.perf_counter()
    try:
        return _flip(*args)
    finally:
        presenting[0] += time.perf_counter() - started


Window.flip = timed_flip


def tap_until(widget, shown, swaps) -> float:
    # ms from a touch on `widget` to the end of the frame that shows `shown()`; the part of
    # it spent presenting frames goes to `swaps`.
    x, y = widget.to_window(*widget.center)
    touch = Finger(x, y)
    presenting[0] = 0.0
    started = time.perf_counter()
    touch.press()
    touch.lift()
    while not shown():
        EventLoop.idle()
    EventLoop.idle()  # the frame that draws it
    swaps.append(presenting[0] * 1000)
    return (time.perf_counter() - started) * 1000


# Tap to visible response: "take a ticket" from home, and "back" home from the families.
taps, backs, tap_swaps, back_swaps = [], [], [], []
for _ in range(5):
    frames(2)
    tile = app.root.current_screen.take_ticket
    taps.append(tap_until(tile, lambda: app.root.current == "ticket", tap_swaps))
    frames(2)
    back = app.root.current_screen.ids.back
    backs.append(tap_until(back, lambda: app.root.current == "home", back_swaps))

# Every screen and step in every language, then home (as after each citizen).
service = next(iter(app.context.catalogue))
family = service.family
for lang in ("ar", "fr", "zgh", "en"):
    app.set_language(lang)
    ticket = app.show("ticket")
    ticket.choose_family(family)
    frames(2)
    ticket.choose_service(service.code)  # issued by the server, then printed
    while ticket.step.name not in ("RESULT", "FAILED"):
        EventLoop.idle()
    if ticket.printed is None or not ticket.printed.printed:
        raise SystemExit(f"no ticket printed: {ticket.step.name}")
    status = app.show("status")
    status.choose_kind("passport")
    frames(2)
    guide = app.show("guide")
    guide.choose_family(family)
    frames(2)
    guide.open_service(service)
    frames(2)
    guide.start_search()
    frames(2)
    # Part 2: the account's sign-in, requests, history, a pre-request form, technician mode.
    for name in ("account", "certificate", "history", "prerequest", "technician"):
        app.show(name)
        frames(4)  # lists load on the worker
    # The citizen has gone: the visit ends (as the inactivity timer ends it), home in the
    # default language. go_home() is Back, which keeps the language of a citizen still there.
    app.start_over()
    frames(3)
# A citizen's journey ends at home; a moment later the kiosk returns what it freed.
settle = time.monotonic() + 2.5
while time.monotonic() < settle:
    EventLoop.idle()
result = {"ready": ready, "rss_kib": rss_kib(), "peak_kib": rss_kib("VmHWM")}

# Touch-down to the frame that shows the pressed state (budget: the next frame): the
# finger stays down, frames are drawn one by one until the target's pixels change, then
# the finger slides off and lifts (nothing is triggered). A home tile, and a family
# button in a journey's scrolling body (where Kivy holds a touch back to tell a drag).
# After the memory figure: reading pixels loads Kivy's GL module (a 3 MB library, about
# 2 MB resident) that the kiosk itself never loads.
from kivy.graphics.opengl import GL_RGBA, GL_UNSIGNED_BYTE, glReadPixels
from kivy.uix.behaviors import ButtonBehavior

flips = [0]
_counted_flip = Window.flip


def counted_flip(*args):
    flips[0] += 1
    return _counted_flip(*args)


Window.flip = counted_flip


def pixels(widget) -> bytes:
    # A small patch of the target's fill, inside its padding (clear of its text and icon):
    # its whole box would be a megabyte read back for each frame.
    x, y = widget.to_window(widget.x, widget.y)
    return bytes(glReadPixels(int(x) + 24, int(y) + 10, 16, 6, GL_RGBA, GL_UNSIGNED_BYTE))


def press_until_drawn(widget, ms_out, frames_out) -> None:
    frames(3)
    before = pixels(widget)
    x, y = widget.to_window(*widget.center)
    touch = Finger(x, y)
    flips[0] = 0
    started = time.perf_counter()
    touch.press()
    drawn_ms = None
    for _ in range(30):
        EventLoop.idle()
        elapsed = (time.perf_counter() - started) * 1000  # the frame, not the read below
        if pixels(widget) != before:
            drawn_ms = elapsed
            break
    ms_out.append(drawn_ms if drawn_ms is not None else float("inf"))
    frames_out.append(flips[0] if drawn_ms is not None else 99)
    touch.slide_to(x, 2 if y > Window.height / 2 else Window.height - 2)
    touch.lift()
    frames(3)


press_ms, press_frames, body_press_ms, body_press_frames = [], [], [], []
for _ in range(5):
    press_until_drawn(app.root.current_screen.take_ticket, press_ms, press_frames)
families = app.show("ticket")
frames(3)
for _ in range(5):
    family_button = next(
        w for w in families.ids.body.walk(restrict=True) if isinstance(w, ButtonBehavior)
    )
    press_until_drawn(family_button, body_press_ms, body_press_frames)
app.go_home()
frames(3)

swaps = {"tap_swap_ms": tap_swaps, "back_swap_ms": back_swaps}
pressed = {
    "press_ms": press_ms,
    "press_frames": press_frames,
    "body_press_ms": body_press_ms,
    "body_press_frames": body_press_frames,
}
print(json.dumps({**result, "tap_ms": taps, "back_ms": backs, **swaps, **pressed}), flush=True)
"""


# Packages of this venv's dev extras that a kiosk's install (kiosk/deploy) does not have,
# but that the kiosk's own dependencies import when they find them: arabic-reshaper loads
# fontTools (about 1.3 MB resident here) to read fonts it is never given.
DEV_ONLY = ("fontTools",)


def _hide(packages: tuple[str, ...], directory: Path) -> None:
    for package in packages:
        shim = directory / package
        shim.mkdir()
        message = f"{package} is a development dependency, not installed on a kiosk"
        (shim / "__init__.py").write_text(f"raise ImportError({message!r})\n", encoding="utf-8")


def run_child(
    mode: str, display: str, server_url: str, as_installed: bool = True
) -> dict[str, object]:
    """One child process; `as_installed`: without the dev-only packages, as on a kiosk."""
    with tempfile.TemporaryDirectory() as state:
        # A file, not `-c`: Kivy's App looks for its class's source file.
        script = Path(state) / "child.py"
        script.write_text(CHILD, encoding="utf-8")
        # Written here: the child must not import the test helpers (pytest, httpx).
        (Path(state) / "device-token").write_text(DEMO_DEVICE_TOKEN + "\n", encoding="utf-8")
        path = [str(Path.cwd())]
        if as_installed:
            _hide(DEV_ONLY, Path(state))
            path.insert(0, state)
        env = {**os.environ, "DISPLAY": display, "PYTHONPATH": os.pathsep.join(path)}
        started = time.time()
        completed = subprocess.run(
            [sys.executable, str(script), mode, state, server_url],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
    if completed.returncode != 0:
        raise RuntimeError(f"{mode} child failed:\n{completed.stderr[-2000:]}")
    result: dict[str, object] = json.loads(completed.stdout.strip().splitlines()[-1])
    result["start_s"] = float(str(result["ready"])) - started
    return result


def main() -> None:
    with (
        tempfile.TemporaryDirectory() as workdir,
        running_reference_server(Path(workdir)) as server,
        virtual_screen(*SIZE) as display,
    ):
        bare = [run_child("bare", display, server.base_url) for _ in range(RUNS)]
        app = [run_child("app", display, server.base_url) for _ in range(RUNS)]
        in_dev_venv = [
            run_child("app", display, server.base_url, as_installed=False) for _ in range(RUNS)
        ]
    start = statistics.median(float(str(r["start_s"])) for r in app)
    bare_start = statistics.median(float(str(r["start_s"])) for r in bare)

    def median_mb(runs: list[dict[str, object]], field: str) -> float:
        return statistics.median(int(str(r[field])) for r in runs) / 1024

    def all_ms(runs: list[dict[str, object]], field: str) -> list[float]:
        return [ms for r in runs for ms in r[field]]  # type: ignore[attr-defined]

    print(f"{'what':58} {'measured':>12}  budget")
    print(f"{'cold start to interactive home (median of 5)':58} {start:>10.2f} s  ≤ 1.5 s")
    print(f"{'  a bare Kivy window, same display (median of 5)':58} {bare_start:>10.2f} s")
    rss_app, rss_bare = median_mb(app, "rss_kib"), median_mb(bare, "rss_kib")
    print(
        f"{'resident memory after every screen, back home, above bare':58} "
        f"{rss_app - rss_bare:>9.1f} MB  ≤ 60 MB"
    )
    print(f"{'  app / bare window':58} {rss_app:>5.0f} / {rss_bare:.0f} MB")
    dev = median_mb(in_dev_venv, "rss_kib") - rss_bare
    print(f"{'  the same in this dev venv (with ' + ', '.join(DEV_ONLY) + ')':58} {dev:>9.1f} MB")
    peak = median_mb(app, "peak_kib") - median_mb(bare, "peak_kib")
    print(f"{'  peak resident memory (VmHWM) above the bare peak':58} {peak:>9.1f} MB")
    for label, field in (("'take a ticket'", "tap"), ("'back' to home", "back")):
        times = all_ms(app, f"{field}_ms")
        row = f"tap {label} to visible, median / max of {len(times)}"
        print(f"{row:58} {statistics.median(times):>5.0f} / {max(times):.0f} ms  ≤ 100 ms")
        # The same taps less their buffer swaps: what the app itself spends.
        own = [t - s for t, s in zip(times, all_ms(app, f"{field}_swap_ms"), strict=True)]
        row = "  the same, less presenting frames (software GL)"
        print(f"{row:58} {statistics.median(own):>5.0f} / {max(own):.0f} ms")
    for label, field in (("a home tile", "press"), ("a button in a scrolling body", "body_press")):
        times, drawn = all_ms(app, f"{field}_ms"), all_ms(app, f"{field}_frames")
        row = f"touch-down on {label} to its pressed state drawn"
        print(f"{row:58} {statistics.median(times):>5.0f} / {max(times):.0f} ms  next frame")
        row = f"  frames drawn until then, median / max of {len(drawn)}"
        print(f"{row:58} {statistics.median(drawn):>5.0f} / {max(drawn):.0f}     ≤ 1")
    print(
        f"{'  one frame of a bare window here (software GL), median':58} "
        f"{statistics.median(all_ms(bare, 'frame_ms')):>8.0f} ms"
    )


if __name__ == "__main__":
    main()
