"""Word lists load once per process even when many request threads ask at the same time."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from rasad.nlp.loaded import once
from rasad.nlp.vocabulary import _words


def test_threads_asking_together_share_one_load() -> None:
    calls: list[int] = []
    started = threading.Barrier(8)

    @once
    def load() -> dict[str, int]:
        calls.append(threading.get_ident())
        time.sleep(0.05)  # long enough that every other thread asks meanwhile
        return {"loaded": len(calls)}

    def ask(_: int) -> dict[str, int]:
        started.wait()
        return load()

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(ask, range(8)))
    assert len(calls) == 1
    assert all(r is results[0] for r in results)


def test_a_failed_load_is_tried_again() -> None:
    attempts: list[int] = []

    @once
    def load() -> str:
        attempts.append(1)
        if len(attempts) == 1:
            raise OSError("word file unreadable")
        return "ok"

    with pytest.raises(OSError):
        load()
    assert load() == "ok" and load() == "ok" and len(attempts) == 2


def test_the_word_list_is_one_object_for_every_thread() -> None:
    with ThreadPoolExecutor(4) as pool:
        lists = list(pool.map(lambda _: _words(), range(4)))
    assert all(w is lists[0] for w in lists) and "شهرداری" in lists[0]
