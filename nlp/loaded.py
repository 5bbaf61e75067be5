"""Word lists and models a process loads once, however many threads ask for them at once.

`functools.cache` runs the function again in every thread that calls it before the first
call has returned.  A server worker's request threads all ask for hazm's word list in their
first second, so each built its own copy (tens of MB apiece) and the worker never gave the
memory back: 8 threads searching held 486 MB where one held 160 (`bench/api.py` saw a
worker pass 500 MB).  `once` makes the others wait for the first.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable


def once[T](load: Callable[[], T]) -> Callable[[], T]:
    """`load()` run at most once per process; every caller gets its one result."""
    lock = threading.Lock()
    result: list[T] = []

    @functools.wraps(load)
    def loaded() -> T:
        if not result:
            with lock:
                if not result:  # another thread may have loaded it while this one waited
                    result.append(load())
        return result[0]

    return loaded
