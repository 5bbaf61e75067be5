"""Item pipelines: validate → extract figures → write to the store (in batches)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from scrapy.exceptions import DropItem

from rasad.index.models import Article
from rasad.nlp.extract import Extractor

from .article import Page

BATCH = 50


class ValidatePipeline:
    """Drops pages without text, and pages older than --since."""

    def process_item(self, item: dict[str, Any], spider: Any) -> dict[str, Any]:
        page: Page = item["page"]
        if len(page.body) < 20:
            spider.crawler.stats.inc_value("rasad/errors/too_short")
            raise DropItem(f"no article text on {page.url}")
        since: datetime | None = getattr(spider, "since", None)
        if since and page.published and page.published < since:
            spider.crawler.stats.inc_value("rasad/older_than_since")
            raise DropItem(f"{page.url} is older than {since:%Y-%m-%d}")
        return item


class ExtractPipeline:
    """Figures of the article, with the source's city as the fallback place."""

    def open_spider(self, spider: Any) -> None:
        self.extractor: Extractor = spider.extractor

    def process_item(self, item: dict[str, Any], spider: Any) -> dict[str, Any]:
        page: Page = item["page"]
        text = (
            f"{page.title}\n{page.lead}\n{page.body}" if page.lead else f"{page.title}\n{page.body}"
        )
        day = page.published.date() if page.published else None
        figures = [f.to_dict() for f in self.extractor.extract(text, day).figures]
        spider.crawler.stats.inc_value("rasad/figures", len(figures))
        item["article"] = Article(
            url=page.url,
            source=page.source,
            title=page.title,
            body=page.body,
            lead=page.lead,
            published=page.published,
            author=page.author,
            tags=page.tags,
            credited_source=page.credited_source,
            city=spider.source.city,
            figures=figures,
        )
        return item


class StorePipeline:
    """Writes articles in batches and counts new / updated / unchanged."""

    def open_spider(self, spider: Any) -> None:
        self.pending: list[Article] = []

    def process_item(self, item: dict[str, Any], spider: Any) -> dict[str, Any]:
        self.pending.append(item["article"])
        if len(self.pending) >= BATCH:
            self._flush(spider)
        return item

    def close_spider(self, spider: Any) -> None:
        self._flush(spider)

    def _flush(self, spider: Any) -> None:
        if not self.pending:
            return
        report = spider.store.upsert(self.pending)
        stats = spider.crawler.stats
        for key in ("new", "updated", "unchanged", "spooled"):
            stats.inc_value(f"rasad/articles_{key}", getattr(report, key))
        for error in report.errors:
            spider.logger.error(error)
        self.pending = []
