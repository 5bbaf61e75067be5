"""Running crawls and summing up what they did (`rasad crawl`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess

from rasad.errors import ConfigError
from rasad.index import Store
from rasad.index.contract import StoreError
from rasad.nlp.extract import Extractor

from .health import CrawlRecord, SourceHealth
from .settings import settings
from .sources import Source
from .spiders.news import NewsSpider
from .workers import ArticleWorkers, default_workers

log = logging.getLogger("rasad.crawler")


@dataclass
class Summary:
    """One crawl's totals, per source and overall."""

    per_source: dict[str, dict[str, Any]] = field(default_factory=dict)
    # sources this crawl turned broken (`crawler.health`), for the webhook
    alerts: list[dict[str, Any]] = field(default_factory=list)

    def total(self, key: str) -> int:
        return sum(int(s.get(key, 0)) for s in self.per_source.values())

    def totals(self) -> dict[str, int]:
        keys = ("pages", "new", "updated", "unchanged", "duplicate", "spooled", "figures")
        return {key: self.total(key) for key in (*keys, "missing_date")}

    def total_line(self) -> str:
        t = self.totals()
        return (
            f"total: {t['pages']} pages; {t['new']} new, {t['updated']} updated, "
            f"{t['unchanged']} unchanged articles; {t['figures']} figures"
        )

    def lines(self) -> list[str]:
        out = []
        for name, s in self.per_source.items():
            errors = ", ".join(f"{k} {v}" for k, v in sorted(s["errors"].items())) or "none"
            out.append(
                f"{name}: {s['pages']} pages fetched; articles {s['new']} new, "
                f"{s['updated']} updated, {s['unchanged']} unchanged, "
                f"{s['duplicate']} duplicate; {s['figures']} figures; "
                f"{s['missing_date']} without a date; errors: {errors}"
            )
        return out


def _source_summary(stats: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, int] = {}
    for key, value in stats.items():
        if key.startswith("downloader/exception_type_count/"):
            errors[key.rsplit("/", 1)[1].rsplit(".", 1)[-1]] = value
        elif key.startswith("downloader/response_status_count/") and key[-3] in "45":
            errors[f"HTTP {key[-3:]}"] = value
        elif key.startswith("rasad/errors/"):
            errors[key.removeprefix("rasad/errors/")] = value
    if stats.get("retry/max_reached"):
        errors["gave up after retries"] = stats["retry/max_reached"]
    return {
        "pages": stats.get("downloader/response_count", 0),
        "links": stats.get("rasad/links_found", 0),
        "fallback": stats.get("rasad/fallback_extractor", 0),
        "new": stats.get("rasad/articles_new", 0),
        "updated": stats.get("rasad/articles_updated", 0),
        "unchanged": stats.get("rasad/articles_unchanged", 0),
        "duplicate": stats.get("rasad/articles_duplicate", 0),
        "spooled": stats.get("rasad/articles_spooled", 0),
        "figures": stats.get("rasad/figures", 0),
        "seconds_extracting": stats.get("rasad/seconds_extracting", 0.0),
        "seconds_storing": stats.get("rasad/seconds_storing", 0.0),
        "missing_date": stats.get("rasad/missing_date", 0),
        "errors": errors,
    }


def _run_spiders(
    sources: list[Source],
    store: Store,
    extractor: Extractor,
    pool: ArticleWorkers | None,
    since: datetime | None,
    max_pages: int,
    scrapy_settings: dict[str, Any],
) -> tuple[list[tuple[Source, Crawler]], datetime]:
    """One spider per source in one Scrapy process, run to the end."""
    process = CrawlerProcess(scrapy_settings)
    crawlers = []
    stories: dict[str, str] = {}  # one press release on several outlets (StoryPipeline)
    story_sizes: dict[str, int] = {}
    for source in sources:
        crawler = process.create_crawler(NewsSpider)
        crawlers.append((source, crawler))
        process.crawl(
            crawler,
            source=source,
            known=store.known,
            max_pages=max_pages,
            store=store,
            extractor=extractor,
            since=since,
            stories=stories,
            story_sizes=story_sizes,
            workers=pool,
        )
    started = datetime.now(UTC)
    process.start()
    return crawlers, started


def crawl(
    sources: list[Source],
    store: Store,
    extractor: Extractor,
    since: datetime | None = None,
    max_pages: int = 50,
    polite: bool = True,
    workers: int | None = None,
    **overrides: Any,
) -> Summary:
    """Crawl the sources into the store; one process, all sources side by side.

    `workers`: processes that extract figures beside the crawl (`crawler.workers`);
    None for the default (one on a machine with two cores or more), 0 for none.

    An interrupted crawl resumes by being run again: what reached the store is known and
    not fetched again.  Scrapy's reactor cannot restart in a process: call this once per
    process.
    """
    if not sources:
        raise ConfigError("no sources to crawl")
    # the workers start first: they load their word lists while Scrapy sets up
    pool = ArticleWorkers.start(extractor, default_workers() if workers is None else workers)
    try:
        crawlers, started = _run_spiders(
            sources, store, extractor, pool, since, max_pages, settings(polite, **overrides)
        )
    finally:
        if pool is not None:
            pool.close()
    summary = Summary()
    records = []
    for source, crawler in crawlers:
        stats = crawler.stats.get_stats()
        summary.per_source[source.name] = _source_summary(stats)
        seconds = float(stats.get("elapsed_time_seconds", 0.0))
        records.append(
            CrawlRecord.from_summary(
                source.name,
                stats.get("start_time", started),
                seconds,
                summary.per_source[source.name],
            )
        )
    try:
        summary.alerts = SourceHealth(store).record(records)
    except StoreError as exc:  # the crawl's articles are kept; its health record is not
        log.error("source health not recorded", extra={"detail": str(exc)})
    return summary
