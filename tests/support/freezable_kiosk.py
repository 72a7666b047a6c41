"""`kiosk` whose UI loop a SIGUSR1 freezes: `python -m tests.support.freezable_kiosk ARGS`.

The handler runs in the main thread, which is Kivy's UI loop: while it sleeps no frame is
drawn and no clock callback runs, yet the process and its other threads (sync, worker,
scanner) live on. That is a hung UI, unlike SIGSTOP, which would stop every thread. The
hook lives here, in the tests, so the kiosk itself carries none.
"""

from __future__ import annotations

import signal
import sys
import time
from types import FrameType

from kiosk.cli import main

FREEZE_S = 8.0
FROZEN = "ui loop frozen"
THAWED = "ui loop thawed"


def _freeze(_signum: int, _frame: FrameType | None) -> None:
    print(FROZEN, file=sys.stderr, flush=True)
    time.sleep(FREEZE_S)
    print(THAWED, file=sys.stderr, flush=True)


if __name__ == "__main__":
    signal.signal(signal.SIGUSR1, _freeze)
    raise SystemExit(main(sys.argv[1:]))
