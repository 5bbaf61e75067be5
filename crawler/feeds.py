"""Reading feeds and sitemaps from bytes already fetched: one place for the spider and for
`rasad sources add`, so both see the same entries and dates, under the same size limit.

Feeds go through feedparser (RSS, Atom, RDF) — always from bytes, so it fetches nothing
itself and every request stays under the fetch policy; sitemaps through Scrapy's sitemap
parser, gzipped ones unpacked within a size limit.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from parsel import Selector
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap

from .article import parse_published

Entry = tuple[str, datetime | None]  # a link and its date, when the feed gives one


class NotAFeed(ValueError):
    pass


def feed_entries(body: bytes) -> list[Entry]:
    """An RSS or Atom feed's links with their publication (else update) dates."""
    import feedparser

    feed = feedparser.parse(io.BytesIO(body))
    if feed.bozo and not feed.entries:
        raise NotAFeed(f"not a feed ({feed.get('bozo_exception')})")
    return [
        (entry.link, _struct_time(entry.get("published_parsed") or entry.get("updated_parsed")))
        for entry in feed.entries
        if entry.get("link")
    ]


@dataclass
class SitemapRead:
    index: bool  # a sitemap index: `entries` are sitemaps, not pages
    entries: list[Entry]


def sitemap_entries(body: bytes, max_size: int) -> SitemapRead:
    """A sitemap's (or index's) locations with their dates: a news sitemap's
    `publication_date`, else `lastmod`."""
    if body[:2] == b"\x1f\x8b":  # gzip
        try:
            body = gunzip(body, max_size=max_size)
        except Exception as exc:  # larger than the limit, or not gzip after all
            raise NotAFeed(f"cannot unpack the sitemap: {exc}") from None
    try:
        sitemap = Sitemap(body)
    except Exception as exc:  # lxml: not XML at all
        raise NotAFeed(f"not a sitemap ({exc})") from None
    if sitemap.type == "sitemapindex":
        return SitemapRead(True, [(e["loc"], None) for e in sitemap if e.get("loc")])
    published = _news_dates(body)
    return SitemapRead(
        False,
        [
            (e["loc"], published.get(e["loc"]) or parse_published(e.get("lastmod", "")))
            for e in sitemap
            if e.get("loc")
        ],
    )


def _struct_time(value: Any) -> datetime | None:
    """feedparser's parsed dates are UTC struct_times."""
    return datetime(*value[:6], tzinfo=UTC) if value else None


def _news_dates(body: bytes) -> dict[str, datetime | None]:
    """A news sitemap's publication dates by article URL (Scrapy's parser keeps only the
    flat fields of an entry)."""
    if b"publication_date" not in body:
        return {}
    selector = Selector(body=body, type="xml")
    selector.remove_namespaces()
    return {
        (url.xpath("loc/text()").get() or "").strip(): parse_published(
            url.xpath("news/publication_date/text()").get() or ""
        )
        for url in selector.xpath("//url")
    }
