"""Crawl benchmark: a local fixture site of N articles crawled end to end into SQLite,
beside a bare Scrapy spider on the same site, and the general extractor's agreement with
the selectors on every built-in style.

    python bench/crawl.py [--articles 1000]

The site (synthetic articles from bench/corpus.py, 20 links per listing page) is served by
a second process on loopback.  In the same run, each in its own process (Scrapy's reactor
starts once per process), with the same concurrency and politeness off (benchmark only):

- the baseline, a bare Scrapy spider that follows the same listing and article links and
  reads title and body with the same CSS, no extraction and no storage;
- Rasad's crawl (fetch policy, parsing, figures, stories, the store).

It prints both rates and Rasad's as a ratio of the baseline's (target ≥ 0.5), where
Rasad's time went, and, for the fixture pages of every built-in style
(`crawler/site_styles.py`, the demo's articles), how often the general extractor with the
selectors removed finds the same title, body and date as the selectors.
"""

from __future__ import annotations

import argparse
import html
import multiprocessing
import queue
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import corpus

from rasad.crawler.run import crawl
from rasad.crawler.sources import Source
from rasad.index.sqlite_store import SQLiteStore
from rasad.nlp.extract import Extractor

PER_PAGE = 20


def build_site(n: int) -> dict[str, bytes]:
    pages: dict[str, bytes] = {}
    articles = list(corpus(n, seed=11))
    for i, a in enumerate(articles):
        body = "".join(f"<p>{html.escape(p)}</p>" for p in a.body.split("\n"))
        stamp = a.published.isoformat() if a.published else ""
        pages[f"/news/{i}"] = (
            f'<html lang="fa" dir="rtl"><head><meta charset="utf-8"><title>{html.escape(a.title)}'
            f'</title></head><body><h1>{html.escape(a.title)}</h1><time datetime="{stamp}">'
            f'</time><div class="body">{body}</div></body></html>'
        ).encode()
    for start in range(0, n, PER_PAGE):
        links = "".join(
            f'<a href="/news/{i}">{i}</a>' for i in range(start, min(n, start + PER_PAGE))
        )
        nxt = (
            f'<a rel="next" href="/list/{start // PER_PAGE + 1}">next</a>'
            if start + PER_PAGE < n
            else ""
        )
        pages[f"/list/{start // PER_PAGE}"] = f"<html><body>{links}{nxt}</body></html>".encode()
    return pages


def serve(n: int, port_queue: multiprocessing.Queue) -> None:
    pages = build_site(n)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port_queue.put(server.server_address[1])
    server.serve_forever()


def bare_spider(base: str, results: multiprocessing.Queue) -> None:
    """The baseline: fetch and parse the same pages, nothing else."""
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy.http import Response

    from rasad.crawler.settings import FAST

    class Bare(scrapy.Spider):
        name = "bare"
        parsed = 0

        async def start(self) -> AsyncIterator[scrapy.Request]:
            yield scrapy.Request(f"{base}/list/0", callback=self.parse)

        def parse(self, response: Response) -> Iterator[scrapy.Request]:
            for href in response.css("a::attr(href)").getall():
                if "/news/" in href:
                    yield response.follow(href, callback=self.parse_article)
            nxt = response.css("a[rel=next]::attr(href)").get()
            if nxt:
                yield response.follow(nxt, callback=self.parse)

        def parse_article(self, response: Response) -> Iterator[dict[str, str]]:
            Bare.parsed += 1
            yield {
                "title": response.css("h1::text").get(),
                "body": "\n".join(response.css(".body p ::text").getall()),
            }

    process = CrawlerProcess({**FAST, "LOG_LEVEL": "WARNING", "TELNETCONSOLE_ENABLED": False})
    started = time.perf_counter()
    process.crawl(Bare)
    process.start()
    results.put((Bare.parsed, time.perf_counter() - started))


def rasad_crawl(base: str, workers: int | None, results: multiprocessing.Queue) -> None:
    source = Source(
        name="bench",
        city="مشهد",
        listing=(f"{base}/list/0",),
        article_pattern=r"/news/\d+",
        links="a::attr(href)",
        next_page="a[rel=next]::attr(href)",
        selectors={"title": "h1::text", "body": ".body p", "date": "time::attr(datetime)"},
        allow_private=True,  # the benchmark's own site on loopback
    )
    store = SQLiteStore(Path(tempfile.mkdtemp()) / "crawl.db")
    started = time.perf_counter()
    summary = crawl(
        [source],
        store,
        Extractor(),
        max_pages=10_000,
        polite=False,
        workers=workers,
        LOG_LEVEL="WARNING",
    )
    results.put((summary.per_source["bench"], time.perf_counter() - started))


def in_process(target: Callable[..., None], *args: Any) -> Any:
    """Run a crawl in a child process (Scrapy's reactor starts once) and get its result."""
    spawn = multiprocessing.get_context("spawn")  # a fresh interpreter: no reactor inherited
    results = spawn.Queue()
    child = spawn.Process(target=target, args=(*args, results))
    child.start()
    while True:  # a child that dies says so instead of leaving the benchmark waiting
        try:
            found = results.get(timeout=1)
            break
        except queue.Empty:
            if not child.is_alive():
                raise SystemExit(f"{target.__name__} failed (exit code {child.exitcode})") from None
    child.join()
    return found


def fallback_agreement() -> tuple[int, dict[str, int]]:
    """Pages of every style read with and without their source's selectors."""
    from dataclasses import replace

    from rasad.crawler.article import parse_article
    from rasad.crawler.demo_sites import DEMO_ARTICLES
    from rasad.crawler.site_styles import STYLES, Page
    from rasad.crawler.sources import builtin_sources

    sources, pages, agree = builtin_sources(), 0, {"title": 0, "body": 0, "date": 0}
    articles = [(aid, a) for mine in DEMO_ARTICLES.values() for aid, a in mine.items()]
    for name, style in STYLES.items():
        bare = replace(sources[name], selectors={})
        for aid, a in articles:
            page = style.render(Page(aid, a.title, a.lead, a.jalali, a.iso, a.paragraphs), "/x")
            url = "https://example.ir" + style.article.format(id=aid)
            chosen, general = (
                parse_article(page, url, sources[name]),
                parse_article(page, url, bare),
            )
            pages += 1
            if chosen is None or general is None:
                continue
            agree["title"] += chosen.article.title == general.article.title
            agree["body"] += chosen.article.body == general.article.body
            agree["date"] += chosen.article.published == general.article.published
    return pages, agree


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument(
        "--workers", type=int, help="extraction processes beside the crawl (default: the crawl's)"
    )
    args = ap.parse_args()
    ports: multiprocessing.Queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(args.articles, ports), daemon=True)
    server.start()
    base = f"http://127.0.0.1:{ports.get(timeout=120)}"
    parsed, bare_seconds = in_process(bare_spider, base)
    stats, elapsed = in_process(rasad_crawl, base, args.workers)
    server.terminate()
    pages, new = stats["pages"], stats["new"]
    extracting, storing = stats["seconds_extracting"], stats["seconds_storing"]
    bare_rate, rate = parsed / bare_seconds, new / elapsed
    print(
        f"bare Scrapy spider (baseline): {parsed} articles in {bare_seconds:.1f} s, "
        f"{bare_rate:.1f} articles/s"
    )
    print(
        f"Rasad: {pages} pages, {new} new articles, {stats['figures']} figures in {elapsed:.1f} s"
    )
    print(f"pages/s {pages / elapsed:.1f}   articles/s {rate:.1f} (end to end)")
    print(f"ratio to the bare spider: {rate / bare_rate:.2f} (target ≥ 0.5)")
    print(
        f"time split: extraction {extracting:.1f} s in the worker process beside the crawl; "
        f"in the crawl's process storage {storing:.1f} s, fetching, parsing and the rest "
        f"{elapsed - storing:.1f} s"
    )
    total, agree = fallback_agreement()
    print(
        f"general extractor vs selectors on {total} fixture pages: "
        + ", ".join(f"{k} {v / total:.3f}" for k, v in agree.items())
    )


if __name__ == "__main__":
    main()
