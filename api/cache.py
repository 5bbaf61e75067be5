"""A short-lived cache of search results, shared by the requests one server process answers.

News changes when a crawl runs (hourly by default), while people page back and forth, reload
and share the same searches; answering those from memory for a few seconds keeps the server
responsive under load.  RASAD_CACHE_SECONDS sets the lifetime (0 turns the cache off).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable


class TTLCache[T]:
    """Entries live `seconds`; the least recently used go first once they hold more than
    `max_bytes` megabytes (each entry's size is its JSON length: what it costs to keep)."""

    def __init__(self, seconds: float, size: int = 1024, max_bytes: float = 64) -> None:
        self.seconds, self.size = seconds, size
        self.budget = int(max_bytes * 2**20)
        self.held = 0
        self.entries: OrderedDict[str, tuple[float, T, int]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str, compute: Callable[[], T]) -> T:
        if self.seconds <= 0:
            return compute()
        now = time.monotonic()
        with self.lock:
            hit = self.entries.get(key)
            if hit and hit[0] > now:
                self.entries.move_to_end(key)
                return hit[1]
        value = compute()  # outside the lock: a slow search does not hold up the others
        cost = _size(value)
        if cost > self.budget:
            return value  # larger than the whole cache: not kept
        with self.lock:
            old = self.entries.pop(key, None)
            self.held -= old[2] if old else 0
            self.entries[key] = (now + self.seconds, value, cost)
            self.held += cost
            while len(self.entries) > self.size or self.held > self.budget:
                _, (_, _, freed) = self.entries.popitem(last=False)
                self.held -= freed
        return value


def _size(value: object) -> int:
    if isinstance(value, bytes | str):
        return len(value)
    dump = getattr(value, "model_dump_json", None)
    return len(dump()) if callable(dump) else len(repr(value))
