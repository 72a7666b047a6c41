"""`kiosk demo` on a virtual screen, shared by the tests of one size, driven from outside."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.support.outside_driver import OutsideKiosk, running_demo

# Screenshots are artefacts, kept after the run for people (and CI) to look at.
ARTEFACTS = Path(os.environ.get("KIOSK_UI_ARTEFACTS", "/tmp/gau-kiosk-ui-artefacts")) / "outside"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test here drives the real `kiosk demo` through X: marked `outside`."""
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(pytest.mark.outside)


class KioskPool:
    """One `kiosk demo` at a time, kept for the next test of the same size (a start costs
    seconds); asking for another size, or for a fresh one, stops the one running."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self._stack: ExitStack | None = None
        self._kiosk: OutsideKiosk | None = None
        self._started = 0

    def at(self, size: tuple[int, int], needs_server: bool = False) -> OutsideKiosk:
        """The running kiosk of this size, or a new one (also when its server was stopped
        and the test needs it)."""
        kiosk = self._kiosk
        if (
            kiosk is not None
            and (kiosk.width, kiosk.height) == size
            and kiosk.process.poll() is None
            and not (needs_server and not kiosk.server_running())
        ):
            return kiosk
        self.release()
        self._started += 1
        stack = ExitStack()
        workdir = self.workdir / f"{size[0]}x{size[1]}-{self._started}"
        try:
            kiosk = stack.enter_context(running_demo(size, workdir))
        except BaseException:
            stack.close()
            raise
        kiosk.artefacts = ARTEFACTS
        self._stack, self._kiosk = stack, kiosk
        return kiosk

    def release(self) -> None:
        """Stop the running kiosk, its server and its screen."""
        if self._stack is not None:
            stack, self._stack, self._kiosk = self._stack, None, None
            stack.close()


@pytest.fixture(scope="package")
def kiosks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KioskPool]:
    """The kiosks of this package, one at a time (stopped when its tests end)."""
    pool = KioskPool(tmp_path_factory.mktemp("outside"))
    yield pool
    pool.release()
