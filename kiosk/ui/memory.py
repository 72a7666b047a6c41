"""Give the heap that a finished journey freed back to the system (glibc only)."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from collections.abc import Callable


def _libc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
    except OSError:
        return None


_malloc_trim = _libc_trim()


def release_free_memory() -> None:
    """Collect the widgets of the last journey and return free heap pages to the system."""
    # Kivy widgets hold reference cycles (bound callbacks), so a screen's old widgets wait
    # for a full collection; their label textures (software GL keeps them in the heap) go
    # with them. glibc then keeps the freed pages unless asked, so the resident size would
    # only grow with each journey and language. Tens of ms, run while home waits.
    gc.collect()
    if _malloc_trim is not None:
        _malloc_trim(0)
