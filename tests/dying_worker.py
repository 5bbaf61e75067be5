"""A crawl whose worker process dies on its first article (`tests/test_crawl_workers.py`).

    python -m tests.dying_worker BASE_URL STORE_PATH

The recognizer exits the process it runs in whenever that is a worker (a process started
by multiprocessing); in the crawl's own process it is the gazetteer.  It lives in a module
of its own so that the spawned worker can import it to unpickle the extractor.
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


def main() -> None:
    base, path = sys.argv[1], Path(sys.argv[2])
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
        Extractor(DyingRecognizer()),
        polite=False,
        workers=1,
        DOWNLOAD_TIMEOUT=2,
    )
    store.close()
    print(summary.total_line())


if __name__ == "__main__":
    main()
