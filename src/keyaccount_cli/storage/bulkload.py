"""What work over a million rows needs from Python itself (standard library only)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def pause_cyclic_gc() -> Iterator[None]:
    """Pause Python's cycle collector for the block; back as it was afterwards.

    An import or a check over a million contacts makes millions of short-lived tuples and lists,
    none of them in a reference cycle, and every few hundred allocations the collector would walk
    every object alive at the time (the loaded libraries' hundreds of thousands among them): a
    third of the time. Reference counting still frees everything at once.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
