"""The app against its budgets: cold start, memory above a bare Kivy window, tap to response.

`python -m benchmarks.bench_ui` starts its own Xvfb (1080x1920) and, in fresh processes:
a bare Kivy window, then the kiosk app (standalone config, capture printer). Each child
reports when its first frame is drawn, its resident memory, and for the app the time from
a touch on "take a ticket" to the frame that shows the next screen.
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

from tests.support.ui_driver import virtual_screen

RUNS = 5
SIZE = (1080, 1920)

# The child: everything below is timed from the moment the parent starts the process.
CHILD = r"""
import json, os, sys, time
from pathlib import Path

mode, state = sys.argv[1], Path(sys.argv[2])
from kiosk.ui import prepare_kivy
prepare_kivy(state, windowed=False, size=(1080, 1920))
from kivy.app import App
from kivy.base import EventLoop
from kivy.core.window import Window
from kivy.uix.widget import Widget


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
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
    print(json.dumps({"ready": ready, "rss_kib": rss_kib(), "frame_ms": frame_ms}), flush=True)
    sys.exit(0)

from kiosk.config import parse_config
from kiosk.ui.app import KioskApp
from kiosk.ui.context import AppContext
from kivy.tests.common import UnitTestTouch

config = parse_config(
    f'[printer]\nuri = "capture:{state / "printed"}"\n[cache]\npath = "{state / "cache.sqlite"}"\n'
)
app = KioskApp(AppContext.from_config(config), kiosk_mode=True)
app._run_prepare()
frames(1)  # the first frame of the home screen: interactive from here
ready = time.time()

# Tap to visible response: a touch on "take a ticket", until the frame showing the screen.
button = app.root.current_screen.take_ticket
x, y = button.to_window(*button.center)
taps = []
for _ in range(5):
    app.go_home()
    frames(2)
    touch = UnitTestTouch(x, y)
    started = time.perf_counter()
    touch.touch_down()
    touch.touch_up()
    while app.root.current != "ticket":
        EventLoop.idle()
    EventLoop.idle()  # the frame that draws it
    taps.append((time.perf_counter() - started) * 1000)

# Visit every screen in every language before measuring memory.
for lang in ("ar", "fr", "zgh", "en"):
    app.set_language(lang)
    app.show("ticket")
    ticket = app.screens["ticket"]
    ticket.choose_family(next(iter(app.context.catalogue.families)))
    frames(2)
    app.go_home()
    frames(2)
print(json.dumps({"ready": ready, "rss_kib": rss_kib(), "tap_ms": taps}), flush=True)
"""


def run_child(mode: str, display: str) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as state:
        # A file, not `-c`: Kivy's App looks for its class's source file.
        script = Path(state) / "child.py"
        script.write_text(CHILD, encoding="utf-8")
        env = {**os.environ, "DISPLAY": display, "PYTHONPATH": str(Path.cwd())}
        started = time.time()
        completed = subprocess.run(
            [sys.executable, str(script), mode, state],
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
    with virtual_screen(*SIZE) as display:
        bare = [run_child("bare", display) for _ in range(RUNS)]
        app = [run_child("app", display) for _ in range(RUNS)]
    start = statistics.median(float(str(r["start_s"])) for r in app)
    bare_start = statistics.median(float(str(r["start_s"])) for r in bare)
    rss_app = statistics.median(int(str(r["rss_kib"])) for r in app) / 1024
    rss_bare = statistics.median(int(str(r["rss_kib"])) for r in bare) / 1024
    taps = [ms for r in app for ms in r["tap_ms"]]  # type: ignore[attr-defined]
    bare_frames = [ms for r in bare for ms in r["frame_ms"]]  # type: ignore[attr-defined]
    print(f"{'what':58} {'measured':>12}  budget")
    print(f"{'cold start to interactive home (median of 5)':58} {start:>10.2f} s  ≤ 1.5 s")
    print(f"{'  a bare Kivy window, same display (median of 5)':58} {bare_start:>10.2f} s")
    print(
        f"{'resident memory after every screen, above a bare window':58} "
        f"{rss_app - rss_bare:>9.1f} MB  ≤ 60 MB"
    )
    print(f"{'  app / bare window':58} {rss_app:>5.0f} / {rss_bare:.0f} MB")
    print(
        f"{'tap to visible response, median / max of 25':58} "
        f"{statistics.median(taps):>5.0f} / {max(taps):.0f} ms  ≤ 100 ms"
    )
    print(
        f"{'  one frame of a bare window here (software GL), median':58} "
        f"{statistics.median(bare_frames):>8.0f} ms"
    )


if __name__ == "__main__":
    main()
