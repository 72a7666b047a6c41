"""`kiosk run` (the default): the touchscreen app, fullscreen, from the configuration."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from kiosk.config import Config, load_config

PORTRAIT = (1080, 1920)
EXIT_INTERRUPTED = 130


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `run` subcommand."""
    parser = subparsers.add_parser("run", help="the touchscreen app (the default command)")
    add_window_options(parser)
    parser.set_defaults(handler=handle)


def add_window_options(parser: argparse.ArgumentParser) -> None:
    """--windowed and --size, shared with `kiosk demo`."""
    parser.add_argument(
        "--windowed",
        action="store_true",
        help="a window with a title bar and a cursor, which may be closed (development)",
    )
    parser.add_argument(
        "--size", default="x".join(map(str, PORTRAIT)), help="window size WxH (default portrait)"
    )


def window_size(text: str) -> tuple[int, int]:
    """`1080x1920` -> (1080, 1920)."""
    width, _, height = text.lower().partition("x")
    if not (width.isdigit() and height.isdigit()):
        raise SystemExit(f"kiosk: --size {text}: expected WIDTHxHEIGHT, e.g. 1080x1920")
    return int(width), int(height)


def run_app(config: Config, windowed: bool, size: tuple[int, int]) -> int:
    """Build the app for `config` and run it until it is closed (never, in kiosk mode)."""
    from kiosk.ui import prepare_kivy

    # SDL would turn SIGTERM into a window-close request, which kiosk mode refuses: the
    # process would outlive `systemctl stop` until SIGKILL. Without SDL's handler, SIGTERM
    # ends it at once, which the cache is built to survive.
    os.environ.setdefault("SDL_NO_SIGNAL_HANDLERS", "1")
    prepare_kivy(Path(config.cache.path).parent, windowed, size)
    from kiosk.services.front_desk import AppContext
    from kiosk.ui.app import KioskApp

    try:
        KioskApp(AppContext.from_config(config), kiosk_mode=not windowed).run()
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED  # a technician's Ctrl+C: no traceback
    return 0


def handle(args: argparse.Namespace) -> int:
    """Run the app from the configuration."""
    return run_app(load_config(args.config), args.windowed, window_size(args.size))
