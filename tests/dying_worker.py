"""A crawl whose worker process dies on its first article, or whose extractor fails on
some articles (`tests/test_crawl_workers.py`).

    python -m tests.dying_worker BASE_URL STORE_PATH [dies|fails WORKERS]

`dies`: the recognizer exits the process it runs in whenever that is a worker (a process
started by multiprocessing); in the crawl's own process it is the gazetteer.  `fails`: it
raises on every text that mentions a bus, wherever it runs, as a defect of ours would.
The recognizers live in a module of their own so that the spawned worker can import them
to unpickle the extractor.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from rasad.crawler.run import crawl
from rasad.crawler.sources import Source
from rasad.index.sqlite_store import SQLiteStore
from rasad.nlp.entities import Entity, GazetteerRecognizer
from rasad.nlp.extract import Extractor


class DyingRecognizer:
    def __init__(self) -> None:
        self.inner = GazetteerRecognizer()

    def recognize(self, texts: Sequence[str]) -> list[list[Entity]]:
        if multiprocessing.parent_process() is not None:
            os._exit(3)  # a worker killed mid-article, as by the out-of-memory killer
        return self.inner.recognize(texts)


class FailingRecognizer:
    def __init__(self) -> None:
        self.inner = GazetteerRecognizer()

    def recognize(self, texts: Sequence[str]) -> list[list[Entity]]:
        if any("اتوبوس" in text for text in texts):
            raise ValueError("a defect that only bus news shows")
        return self.inner.recognize(texts)


def main() -> None:
    base, path = sys.argv[1], Path(sys.argv[2])
    mode, workers = (sys.argv[3], int(sys.argv[4])) if len(sys.argv) > 4 else ("dies", 1)
    recognizer = DyingRecognizer() if mode == "dies" else FailingRecognizer()
    source = Source(
        name="shahraranews",
        city="مشهد",
        listing=(f"{base}/fa/news",),
        article_pattern=r"/fa/news/\d+",
        links="a[href*='/fa/news/']::attr(href)",
        next_page="a[rel=next]::attr(href)",
        selectors={"title": "h1::text", "body": ".body p", "date": ".news-date::text"},
        allow_private=True,
    )
    store = SQLiteStore(path)
    summary = crawl(
        [source],
        store,
        Extractor(recognizer),
        polite=False,
        workers=workers,
        DOWNLOAD_TIMEOUT=2,
    )
    store.close()
    print("\n".join(summary.lines()))


if __name__ == "__main__":
    main()
