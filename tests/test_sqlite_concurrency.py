"""The embedded store under concurrent use: readers side by side on a few connections,
and a write held by another process makes the store wait, not fail."""

from __future__ import annotations

import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from rasad.index.models import SearchRequest
from rasad.index.sqlite_store import READERS, SQLiteStore
from tests.corpus import CORPUS


def test_readers_run_on_their_own_connections(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    store.upsert(CORPUS)
    with ThreadPoolExecutor(16) as pool:
        totals = list(pool.map(lambda _: store.search(SearchRequest(q="دفتر")).total, range(64)))
    assert set(totals) == {2}
    # not every read went through one connection, and sixteen threads share a few
    assert 1 < len(store._readers) <= READERS
    store.close()


def test_another_writer_makes_the_store_wait_not_fail(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    store = SQLiteStore(db)
    store.upsert(CORPUS[:2])
    other = sqlite3.connect(db, isolation_level=None)  # as a crawl in another process
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO state (kind, key, data) VALUES ('x', 'y', '{}')")
    started = time.monotonic()
    assert store.search(SearchRequest(q="دفتر")).total == 1  # reads go on beside the writer
    assert time.monotonic() - started < 2
    done: list[float] = []

    def write() -> None:
        store.put_state("note", "a", {"n": 1})
        store.upsert(CORPUS[2:])
        done.append(time.monotonic())

    writer = threading.Thread(target=write)
    writer.start()
    time.sleep(0.5)
    assert not done  # waiting for the other writer…
    other.execute("COMMIT")
    writer.join(10)
    assert done and done[0] - started >= 0.5  # …then written, no error
    assert store.get_state("note", "a") == {"n": 1}
    assert store.search(SearchRequest(size=50)).total == len(CORPUS)
    other.close()
    store.close()
