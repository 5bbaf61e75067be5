"""Store benchmark: bulk indexing and search latency at scale, on each backend.

    python bench/store.py [--articles 100000] [--backend sqlite|elasticsearch|both]
                          [--es-url URL] [--queries 200]

Prints, per backend: indexing rate (articles/s, the store's own work, with search text
normalized beforehand), and latency median / p95 of a word query, a phrase query, a
filtered query with facets and date sort, and a metric time series.  Normalization
(hazm) is timed separately, on both cores, because the crawler pipeline does it once per
article before the store sees it.  Without --es-url a local node is started and stopped.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import CITIES, WORDS, corpus

from rasad.index import Store
from rasad.index.models import Article, SearchRequest, SearchText
from rasad.index.stories import fingerprints

PHRASES = ["دفتر توسعه محله", "بوستان محله‌ای", "ایستگاه مترو", "واحد مسکونی", "فضای سبز"]


def _normalize(article: Article) -> tuple[str, str, list[str]]:
    text = SearchText.of(article)
    return text.title, text.body, fingerprints(article.body)


def normalize_all(articles: list[Article]) -> float:
    """Fill each article's search text and fingerprints on all cores (the pipeline derives
    both before the store sees an article); return articles per second."""
    start = time.perf_counter()
    workers = os.cpu_count() or 1
    with ProcessPoolExecutor(workers) as pool:
        for article, text in zip(
            articles, pool.map(_normalize, articles, chunksize=500), strict=True
        ):
            article.search_text, article.fingerprints = text[:2], text[2]
    return len(articles) / (time.perf_counter() - start)


def timed(fn: Callable[[], object], n: int) -> tuple[float, float]:
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def run(name: str, store: Store, articles: list[Article], queries: int, batch: int = 1000) -> None:
    start = time.perf_counter()
    for i in range(0, len(articles), batch):
        report = store.upsert(articles[i : i + batch])
        assert not report.errors, report.errors
    if hasattr(store, "refresh_now"):
        store.refresh_now()
    rate = len(articles) / (time.perf_counter() - start)
    print(f"[{name}] indexed {len(articles)} articles: {rate:,.0f} articles/s")
    rng = random.Random(1)
    metrics = [m for m, _ in store.metrics(size=200)]
    cases: dict[str, Callable[[], object]] = {
        "word query": lambda: store.search(SearchRequest(q=rng.choice(WORDS))),
        "phrase query": lambda: store.search(SearchRequest(q=f'"{rng.choice(PHRASES)}"')),
        "filtered + facets, by date": lambda: store.search(
            SearchRequest(
                q=rng.choice(WORDS),
                cities=[rng.choice(CITIES)],
                sort="date",
                facets=True,
                date_from=datetime(2023, 6, 1, tzinfo=UTC),
                date_to=datetime(2024, 3, 1, tzinfo=UTC),
            )
        ),
        "time series (month)": lambda: store.series(rng.choice(metrics), "month"),
    }
    for label, fn in cases.items():
        fn()
        median, p95 = timed(fn, queries)
        print(f"[{name}] {label:28s} median {median:7.1f} ms   p95 {p95:7.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--backend", choices=("sqlite", "elasticsearch", "both"), default="both")
    ap.add_argument("--es-url")
    ap.add_argument("--queries", type=int, default=200)
    args = ap.parse_args()

    start = time.perf_counter()
    articles = list(corpus(args.articles))
    size = sum(len(a.title) + len(a.body) for a in articles) / len(articles)
    print(
        f"corpus: {len(articles)} articles, {size:,.0f} characters on average, "
        f"{sum(len(a.figures) for a in articles):,} figures ({time.perf_counter() - start:.1f} s)"
    )
    rate = normalize_all(articles)
    print(f"normalization (hazm): {rate:,.0f} articles/s on {os.cpu_count()} cores")

    if args.backend in ("sqlite", "both"):
        from rasad.index.sqlite_store import SQLiteStore

        tmp = Path(tempfile.mkdtemp())
        store = SQLiteStore(tmp / "bench.db")
        run("sqlite", store, articles, args.queries)
        store.close()
        shutil.rmtree(tmp)

    if args.backend in ("elasticsearch", "both"):
        from rasad.index.es_node import CACHE, LocalNode
        from rasad.index.es_store import ElasticsearchStore

        node = None
        url = args.es_url
        if not url:
            node = LocalNode(CACHE / "runs" / f"bench-{uuid.uuid4().hex[:8]}", heap="1g")
            url = node.start()
        try:
            store = ElasticsearchStore(
                url,
                prefix=f"bench{uuid.uuid4().hex[:6]}",
                refresh=False,
                spool_dir=tempfile.mkdtemp(),
            )
            run("elasticsearch", store, articles, args.queries)
            store.drop()
            store.close()
        finally:
            if node:
                node.stop()
                shutil.rmtree(node.data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
