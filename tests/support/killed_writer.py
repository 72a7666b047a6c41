"""Run a writer module in a child process and SIGKILL it mid-write; what it reported made."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).parents[2]


def kill_writer_after(module: str, cache_path: Path, seconds: float) -> list[str]:
    """Start `python -m module cache_path`, kill it after `seconds`; the keys it printed."""
    child = subprocess.Popen(
        [sys.executable, "-m", module, str(cache_path)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(seconds)  # the child is writing flat out: any moment is a random moment
    child.send_signal(signal.SIGKILL)
    out, err = child.communicate(timeout=10)
    assert child.returncode == -signal.SIGKILL, err
    return [line for line in out.splitlines() if len(line) == 36]  # idempotency keys
