"""Item pipelines: validate → extract figures → find the story → write to the store.

Each stage counts what it did in the crawl's stats (`rasad/...`), which `rasad crawl`
sums up at the end.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.defer import maybe_deferred_to_future

from rasad.errors import RasadError
from rasad.index.models import Article
from rasad.index.stories import fingerprints, shares_story
from rasad.ingest import ExtractionFailed, with_figures

from .workers import ArticleWorkers

log = logging.getLogger(__name__)

BATCH = 50


class _Stage:
    """Pipelines reach the crawl's resources (store, extractor, the shared story memory),
    which `crawler.run.crawl` hands the spider as arguments, through the crawler."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> _Stage:
        return cls(crawler)

    @property
    def spider(self) -> Any:
        return self.crawler.spider


class ValidatePipeline(_Stage):
    """Drops pages without text, and pages older than --since."""

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        page: Article = item["article"]
        if len(page.body) < 20:
            self.stats.inc_value("rasad/errors/too_short")
            raise DropItem(f"no article text on {page.url}")
        since = getattr(self.spider, "since", None)
        if since and page.published and page.published < since:
            self.stats.inc_value("rasad/older_than_since")
            raise DropItem(f"{page.url} is older than {since:%Y-%m-%d}")
        return item


class ExtractPipeline(_Stage):
    """Figures and place of the article (`rasad.ingest.with_figures`): in the crawl's
    worker processes when it has them (`crawler.workers`, which also normalize its search
    text), else here with its fingerprints."""

    async def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        workers: ArticleWorkers | None = getattr(self.spider, "workers", None)
        started = time.perf_counter()
        try:
            if workers is not None:
                result = await maybe_deferred_to_future(workers.submit(item["article"]))
                return self._done(result, item)
            article = with_figures(item["article"], self.spider.extractor)
        except ExtractionFailed as failed:  # keep the article: its text is still news
            log.error("%s", failed)
            self.stats.inc_value("rasad/errors/extraction")
            article = failed.article
        return self._done((article, time.perf_counter() - started), item)

    def _done(self, result: tuple[Article, float], item: dict[str, Any]) -> dict[str, Any]:
        item["article"], seconds = result
        self.stats.inc_value("rasad/figures", len(item["article"].figures))
        self.stats.inc_value("rasad/seconds_extracting", seconds)
        return item


class StoryPipeline(_Stage):
    """The same press release on several outlets: every copy is kept, under one story id."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._own: dict[str, str] = {}
        self._own_sizes: dict[str, int] = {}

    @property
    def seen(self) -> dict[str, str]:
        """Fingerprint → story id of the articles of this crawl, shared by all the sources
        crawled side by side (their copies have not reached the store yet)."""
        return getattr(self.spider, "stories", self._own)

    @property
    def sizes(self) -> dict[str, int]:
        """Story id → fingerprints of its first article in this crawl (for containment)."""
        return getattr(self.spider, "story_sizes", self._own_sizes)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        article: Article = item["article"]
        if not article.fingerprints:  # a worker leaves them to this process
            article.fingerprints = fingerprints(article.body)
        story = self._in_this_crawl(article) or self.spider.store.find_story(
            article.fingerprints, article.id
        )
        article.story_id = story or article.id
        if story:
            self.stats.inc_value("rasad/articles_duplicate")
        for fingerprint in article.fingerprints:
            self.seen.setdefault(fingerprint, article.story_id)
        self.sizes.setdefault(article.story_id, len(article.fingerprints))
        return item

    def _in_this_crawl(self, article: Article) -> str | None:
        votes = Counter(self.seen[p] for p in article.fingerprints if p in self.seen)
        if not votes:
            return None
        story, shared = votes.most_common(1)[0]
        n = len(article.fingerprints)
        return story if shares_story(n, self.sizes.get(story, n), shared) else None


class StorePipeline(_Stage):
    """Writes articles in batches and counts new / updated / unchanged / spooled."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.pending: list[Article] = []

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        self.pending.append(item["article"])
        if len(self.pending) >= BATCH:
            self._flush()
        return item

    def close_spider(self) -> None:
        self._flush()
        try:  # what the crawl wrote, regrouped now rather than by the next reader
            self.stats.set_value("rasad/buckets_rolled_up", self.spider.store.roll_up())
        except RasadError as exc:  # the store went away: the next reader regroups it
            self.spider.logger.warning("series roll-up left for the next reader: %s", exc)

    def _flush(self) -> None:
        if not self.pending:
            return
        started = time.perf_counter()
        report = self.spider.store.upsert(self.pending)
        self.stats.inc_value("rasad/seconds_storing", time.perf_counter() - started)
        for key in ("new", "updated", "unchanged", "spooled"):
            self.stats.inc_value(f"rasad/articles_{key}", getattr(report, key))
        for error in report.errors:
            self.spider.logger.error(error)
        self.pending = []
