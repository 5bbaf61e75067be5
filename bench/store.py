"""Store benchmark: bulk indexing and search latency at scale, on each backend.

    python bench/store.py [--articles 100000] [--backend sqlite|elasticsearch|both]
                          [--es-url URL] [--queries 200]

Prints, per backend: indexing rate (articles/s, the store's own work, with search text
normalized beforehand) beside the plain client's on the same documents (Elasticsearch:
`helpers.bulk` of the store's own prepared actions; SQLite: `executemany` into a bare FTS5
table of the same search text) and their ratio; bytes on disk per article against the raw
text; and latency median / p95 of a word query, a phrase query, a
filtered query with facets and date sort, and a metric time series.  Normalization
(hazm) is timed separately, on both cores, because the crawler pipeline does it once per
article before the store sees it.  Without --es-url a local node is started and stopped.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
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
from rasad.index.es_store import ElasticsearchStore
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


BATCH = 1000  # articles per write, for the store and for the plain client alike


def raw_bytes(articles: list[Article]) -> int:
    """The text the store holds, as UTF-8: titles and bodies."""
    return sum(len(a.title.encode()) + len(a.body.encode()) for a in articles)


def index_into(store: Store, articles: list[Article]) -> float:
    """Articles per second through the store's own upsert, visible to search at the end."""
    start = time.perf_counter()
    for i in range(0, len(articles), BATCH):
        report = store.upsert(articles[i : i + BATCH])
        assert not report.errors, report.errors
    if hasattr(store, "refresh_now"):
        store.refresh_now()
    return len(articles) / (time.perf_counter() - start)


def plain_sqlite(path: Path, articles: list[Article]) -> float:
    """Articles per second of `executemany` into a bare FTS5 table of the same search
    text, with the store's journal settings and one commit per batch."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute(
        "CREATE VIRTUAL TABLE plain USING fts5("
        "title, body, tokenize='unicode61 remove_diacritics 0')"
    )
    rows = [a.search_text for a in articles]
    start = time.perf_counter()
    for i in range(0, len(rows), BATCH):
        db.executemany("INSERT INTO plain (title, body) VALUES (?, ?)", rows[i : i + BATCH])
        db.commit()
    rate = len(rows) / (time.perf_counter() - start)
    db.close()
    return rate


def plain_elasticsearch(store: ElasticsearchStore, articles: list[Article]) -> float:
    """Articles per second of `elasticsearch.helpers.bulk` sending the very documents the
    store writes (prepared beforehand), in the store's chunks, refreshed at the end."""
    from elasticsearch import helpers

    actions = [a for article in articles for a in store.new_article_actions(article)]
    per_batch = max(1, len(actions) * BATCH // len(articles))
    start = time.perf_counter()
    for i in range(0, len(actions), per_batch):
        helpers.bulk(store.es, actions[i : i + per_batch], chunk_size=2000, refresh=False)
    store.refresh_now()
    return len(articles) / (time.perf_counter() - start)


def report_indexing(name: str, rate: float, plain: float, size: int, raw: int, n: int) -> None:
    print(f"[{name}] indexed {n} articles: {rate:,.0f} articles/s")
    print(
        f"[{name}] plain client on the same documents: {plain:,.0f} articles/s; "
        f"Rasad / plain {rate / plain:.2f}"
    )
    print(
        f"[{name}] on disk {size / n:,.0f} bytes per article for {raw / n:,.0f} bytes of text: "
        f"{size / raw:.1f} x the raw text"
    )


def run(name: str, store: Store, articles: list[Article], queries: int) -> None:
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
        "time series (month)": lambda: store.series(rng.choice(metrics), "month", listed=50),
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

    raw = raw_bytes(articles)
    if args.backend in ("sqlite", "both"):
        from rasad.index.sqlite_store import SQLiteStore

        tmp = Path(tempfile.mkdtemp())
        store = SQLiteStore(tmp / "bench.db")
        rate = index_into(store, articles)
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = sum(f.stat().st_size for f in tmp.glob("bench.db*"))
        plain = plain_sqlite(tmp / "plain.db", articles)
        report_indexing("sqlite", rate, plain, size, raw, len(articles))
        run("sqlite", store, articles, args.queries)
        store.close()
        shutil.rmtree(tmp)

    if args.backend in ("elasticsearch", "both"):
        from rasad.index.es_node import CACHE, LocalNode

        node = None
        url = args.es_url
        if not url:
            node = LocalNode(CACHE / "runs" / f"bench-{uuid.uuid4().hex[:8]}", heap="1g")
            url = node.start()
        try:
            store, baseline = (
                ElasticsearchStore(
                    url,
                    prefix=f"bench{uuid.uuid4().hex[:6]}",
                    refresh=False,
                    spool_dir=tempfile.mkdtemp(),
                )
                for _ in range(2)
            )
            rate = index_into(store, articles)
            store.es.indices.forcemerge(index=f"{store.articles},{store.figures_index}")
            size = store.index_bytes()
            plain = plain_elasticsearch(baseline, articles)
            baseline.drop()
            baseline.close()
            report_indexing("elasticsearch", rate, plain, size, raw, len(articles))
            run("elasticsearch", store, articles, args.queries)
            store.drop()
            store.close()
        finally:
            if node:
                node.stop()
                shutil.rmtree(node.data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
