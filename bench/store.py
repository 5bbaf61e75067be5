"""Store benchmark: bulk indexing and search latency at scale, on each backend.

    python bench/store.py [--articles 100000] [--backend sqlite|elasticsearch|both]
                          [--es-url URL] [--queries 200] [--keep PATH]
                          [--es-prefix NAME] [--queries-only]

Prints, per backend: indexing rate (articles/s, the store's own work, with search text
normalized beforehand) beside the plain client's on the same documents (Elasticsearch:
`helpers.bulk` of the store's own prepared actions; SQLite: `executemany` into a bare FTS5
table of the same search text) and their ratio; bytes on disk per article against the raw
text (on SQLite, its largest tables and indexes too); and latency median / p95 of a word
query, a phrase query, a filtered query with facets and date sort, and a metric time
series (after the store's roll-up of the load, timed too).  Normalization
(hazm) is timed separately, on both cores, because the crawler pipeline does it once per
article before the store sees it.  Without --es-url a local node is started and stopped.
With --keep the SQLite store is written at PATH and left there, for `bench/api.py --db`;
with --es-prefix (and --es-url) the Elasticsearch indices are named NAME-… and kept.
--queries-only skips the load and times the queries on a store kept so: a change to a
query is measured on a million articles without indexing them again.
Every 100,000 articles (and after the first chunk) it prints the bytes SQLite had written
to disk per article of the last chunk, pages, WAL and checkpoints: they grow with the store.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import resource
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
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


def written_bytes() -> int | None:
    """Bytes this process has had written to storage (Linux's /proc/self/io): SQLite's
    pages, its WAL and their checkpoints, since the SQLite store runs in this process."""
    try:
        with open("/proc/self/io") as io:
            fields = dict(line.split(": ") for line in io.read().splitlines() if line)
    except OSError:
        return None
    return int(fields["write_bytes"])


def progress(n: int, seconds: float, wrote: float) -> str:
    line = f"... {n:,} articles indexed ({seconds:.0f} s)"
    if wrote:  # it grows with the store: see README, Benchmarks
        line += f"; SQLite wrote {wrote / 1024:,.0f} KB to disk an article of the last chunk"
    return line


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


def report_indexing(
    name: str, rate: float, plain: float, sampled: int, size: int, raw: int, n: int
) -> None:
    print(f"[{name}] indexed {n:,} articles: {rate:,.0f} articles/s")
    print(
        f"[{name}] plain client on the first {sampled:,} of the same documents: "
        f"{plain:,.0f} articles/s; Rasad / plain {rate / plain:.2f}"
    )
    print(
        f"[{name}] on disk {size / n:,.0f} bytes per article for {raw / n:,.0f} bytes of text: "
        f"{size / raw:.1f} x the raw text"
    )


def run(name: str, store: Store, queries: int) -> None:
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


CHUNK = 10_000  # articles made, normalized and indexed at a time: memory holds one chunk
SAMPLE = 20_000  # the first articles, kept for the plain clients' run on the same documents


def chunks(n: int) -> Iterator[tuple[list[Article], float]]:
    """The corpus in normalized chunks, with the seconds normalization took."""
    stream = corpus(n)
    while chunk := list(itertools.islice(stream, CHUNK)):
        start = time.perf_counter()
        normalize_all(chunk)
        yield chunk, time.perf_counter() - start


def open_stores(args: argparse.Namespace, tmp: Path, url: str | None) -> dict[str, Store]:
    stores: dict[str, Store] = {}
    if args.backend in ("sqlite", "both"):
        from rasad.index.sqlite_store import SQLiteStore

        stores["sqlite"] = SQLiteStore(args.keep or tmp / "bench.db")
    if url:
        prefix = args.es_prefix or f"bench{uuid.uuid4().hex[:6]}"
        stores["elasticsearch"] = ElasticsearchStore(
            url, prefix=prefix, refresh=False, spool_dir=tmp / "spool"
        )
    return stores


def queries_only(args: argparse.Namespace, tmp: Path) -> None:
    """Time the queries on a store an earlier run kept (--keep, --es-prefix)."""
    for name, store in open_stores(args, tmp, args.es_url).items():
        print(f"[{name}] {sum(store.source_counts().values()):,} articles kept")
        run(name, store, args.queries)
        store.close()


def on_disk(store: Store) -> int:
    if isinstance(store, ElasticsearchStore):
        store.es.indices.forcemerge(index=f"{store.articles},{store.figures_index}")
        return store.index_bytes()
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[attr-defined]
    path = Path(store.path)  # type: ignore[attr-defined]
    return sum(f.stat().st_size for f in path.parent.glob(f"{path.name}*"))


def where_the_bytes_go(store: Store, n: int, raw: int, top: int = 8) -> None:
    """SQLite's largest tables and indexes, per article and as a share of the raw text
    (from the dbstat table): what a smaller store would have to give up."""
    if isinstance(store, ElasticsearchStore):
        return
    rows = store.db.execute(  # type: ignore[attr-defined]
        "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT ?", (top,)
    ).fetchall()
    parts = ", ".join(f"{name} {size / n:,.0f} B ({size / raw:.2f} x)" for name, size in rows)
    print(f"[sqlite] largest parts per article: {parts}")


def plain(store: Store, sample: list[Article], tmp: Path) -> float:
    if isinstance(store, ElasticsearchStore):
        baseline = ElasticsearchStore(
            store.url, prefix=f"plain{uuid.uuid4().hex[:6]}", refresh=False, spool_dir=tmp
        )
        try:
            return plain_elasticsearch(baseline, sample)
        finally:
            baseline.drop()
            baseline.close()
    return plain_sqlite(tmp / "plain.db", sample)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--backend", choices=("sqlite", "elasticsearch", "both"), default="both")
    ap.add_argument("--es-url")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--keep", type=Path, help="write the SQLite store here and keep it")
    ap.add_argument("--es-prefix", help="name the Elasticsearch indices so and keep them")
    ap.add_argument(
        "--queries-only", action="store_true", help="only time the queries on a kept store"
    )
    args = ap.parse_args()
    if args.queries_only:
        if args.backend in ("sqlite", "both") and not (args.keep and args.keep.exists()):
            ap.error("--queries-only on SQLite needs --keep PATH of a kept store")
        if args.backend in ("elasticsearch", "both") and not (args.es_url and args.es_prefix):
            ap.error("--queries-only on Elasticsearch needs --es-url and --es-prefix")
        tmp = Path(tempfile.mkdtemp())
        try:
            queries_only(args, tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return
    if args.keep and args.keep.exists():
        ap.error(f"{args.keep} exists: the benchmark indexes into a new store")
    if args.es_prefix and not args.es_url:
        ap.error("--es-prefix keeps indices on a node you run: give its --es-url")

    from rasad.index.es_node import CACHE, LocalNode

    node, url = None, args.es_url
    if args.backend in ("elasticsearch", "both") and not url:
        node = LocalNode(CACHE / "runs" / f"bench-{uuid.uuid4().hex[:8]}", heap="1g")
        url = node.start()
    tmp = Path(tempfile.mkdtemp())
    began = time.perf_counter()
    try:
        stores = open_stores(args, tmp, url)
        seconds = dict.fromkeys(stores, 0.0)
        sample: list[Article] = []
        n = raw = figures = 0
        normalizing = 0.0
        wrote = 0.0  # bytes SQLite had written to storage per article, in the last chunk
        for chunk, took in chunks(args.articles):
            normalizing += took
            for name, store in stores.items():
                before = written_bytes()
                seconds[name] += len(chunk) / index_into(store, chunk)
                after = written_bytes()
                if name == "sqlite" and before is not None and after is not None:
                    wrote = (after - before) / len(chunk)
            n += len(chunk)
            raw += raw_bytes(chunk)
            figures += sum(len(a.figures) for a in chunk)
            sample += chunk[: SAMPLE - len(sample)]
            if n % 100_000 == 0 or n == CHUNK:
                print(progress(n, time.perf_counter() - began, wrote), flush=True)
        memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"corpus: {n:,} articles, {figures:,} figures, made and indexed in chunks of "
            f"{CHUNK:,} ({time.perf_counter() - began:.0f} s in all; peak memory {memory:,.0f} MB)"
        )
        print(f"normalization (hazm): {n / normalizing:,.0f} articles/s on {os.cpu_count()} cores")
        for name, store in stores.items():
            started = time.perf_counter()
            buckets = store.roll_up()  # as a copy and a crawl's end do
            took = time.perf_counter() - started
            print(
                f"[{name}] rolled up {buckets:,} series buckets left by the load in {took:.1f} s "
                f"(indexing with it: {n / (seconds[name] + took):,.0f} articles/s)"
            )
            size = on_disk(store)
            baseline = plain(store, sample, tmp)
            report_indexing(name, n / seconds[name], baseline, len(sample), size, raw, n)
            where_the_bytes_go(store, n, raw)
            run(name, store, args.queries)
            if isinstance(store, ElasticsearchStore) and not args.es_prefix:
                store.drop()
            store.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if node:
            node.stop()
            shutil.rmtree(node.data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
