"""Real small or read-only disks for tests: a tmpfs in a private mount namespace.

`unshare --user --map-root-user --mount` gives the command its own mount table, as root or
not, so a test can mount a tiny tmpfs (a disk that really fills up: ENOSPC) or remount one
read-only (real read-only media: EROFS) without touching the machine's mounts.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def kiosk_command(config: Path, *args: str) -> str:
    """The `kiosk` command line (this interpreter, this checkout) as shell text."""
    return shlex.join([sys.executable, "-m", "kiosk", "--config", str(config), *args])


def run_on_small_disk(
    mount_point: Path, setup: str, command: str, size_kb: int, read_only: bool = False
) -> subprocess.CompletedProcess[str]:
    """Mount a tmpfs of `size_kb` at `mount_point`, run `setup` (may write there), optionally
    remount it read-only, then run `command`, whose result is returned."""
    mount_point.mkdir(parents=True, exist_ok=True)
    remount = f"mount -o remount,ro {shlex.quote(str(mount_point))}\n" if read_only else ""
    script = (
        "set -e\n"
        f"mount -t tmpfs -o size={size_kb}k tmpfs {shlex.quote(str(mount_point))}\n"
        f"{setup}\n"
        f"{remount}"
        "set +e\n"
        f"{command}\n"
    )
    return subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "bash", "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        check=False,
    )
