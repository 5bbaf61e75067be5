"""Crawl benchmark: a local fixture site of N articles crawled end to end into SQLite.

    python bench/crawl.py [--articles 1000]

The site (synthetic articles from bench/corpus.py, 20 links per listing page) is served by
a second process on loopback; the crawl runs with politeness off (benchmark only) and
prints pages and articles per second and where the time went: extraction and storage are
timed inside the pipelines, the rest is fetching and parsing.
"""

from __future__ import annotations

import argparse
import html
import multiprocessing
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import corpus

from rasad.crawler.run import crawl
from rasad.crawler.sources import Source
from rasad.index.sqlite_store import SQLiteStore

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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=1000)
    args = ap.parse_args()
    ports: multiprocessing.Queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(args.articles, ports), daemon=True)
    server.start()
    base = f"http://127.0.0.1:{ports.get(timeout=120)}"
    source = Source(
        name="bench",
        city="مشهد",
        listing=(f"{base}/list/0",),
        article_pattern=r"/news/\d+",
        links="a::attr(href)",
        next_page="a[rel=next]::attr(href)",
        selectors={"title": "h1::text", "body": ".body p", "date": "time::attr(datetime)"},
    )
    store = SQLiteStore(Path(tempfile.mkdtemp()) / "crawl.db")
    started = time.perf_counter()
    summary = crawl([source], store, max_pages=10_000, polite=False, LOG_LEVEL="WARNING")
    elapsed = time.perf_counter() - started
    server.terminate()
    stats = summary.per_source["bench"]
    pages, new = stats["pages"], stats["new"]
    extracting, storing = stats["seconds_extracting"], stats["seconds_storing"]
    print(
        f"crawled {pages} pages, {new} new articles, {stats['figures']} figures in {elapsed:.1f} s"
    )
    print(f"pages/s {pages / elapsed:.1f}   articles/s {new / elapsed:.1f} (end to end)")
    print(
        f"time split: extraction {extracting:.1f} s, storage {storing:.1f} s, "
        f"fetching and parsing {elapsed - extracting - storing:.1f} s"
    )


if __name__ == "__main__":
    main()
