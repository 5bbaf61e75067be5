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
    def __init__(self, seconds: float, size: int = 1024) -> None:
        self.seconds, self.size = seconds, size
        self.entries: OrderedDict[str, tuple[float, T]] = OrderedDict()
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
        with self.lock:
            self.entries[key] = (now + self.seconds, value)
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return value
