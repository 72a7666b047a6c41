"""Files written whole or not at all: owner-only, flushed, renamed into place."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_file_durably(path: Path, data: bytes) -> None:
    """Replace `path` with `data`, owner-only (0600), flushed to the device before returning.

    A USB stick is pulled out soon after a bundle is written, and a PIN file must survive a
    power cut: the bytes are fsynced and the file appears under its name only once complete
    (written beside it, then renamed), so a half-written file never carries the name.
    """
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    except OSError:
        pass  # some file systems (vfat on a stick among them) cannot fsync a folder
    finally:
        os.close(folder)
