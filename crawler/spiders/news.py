"""The news spider: listing pages with pagination, RSS and Atom feeds, and sitemaps of one
source.

Incremental by design: links already in the store are not fetched again, except those on
a listing's first page (recent articles get edited; the store's content hash tells an
edit from an unchanged copy), and paging stops at the first listing page that brings
nothing new.  Feeds and sitemaps date their entries (`pubDate`, `updated`, `lastmod`, a
news sitemap's `publication_date`): with `--since`, an entry dated before it is not
fetched at all.

Feeds are read by feedparser (RSS 0.9x–2.0, Atom, RDF) from the bytes Scrapy fetched,
never from a URL, so every request still passes the fetch policy.  Sitemaps are read by
Scrapy's sitemap parser: a sitemap index leads to its sitemaps, gzipped ones are unpacked
(within the download size limit), and a `robots.txt` listed as a sitemap gives its
`Sitemap:` lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response
from scrapy.utils.sitemap import sitemap_urls_from_robots
from w3lib.url import safe_url_string

from ..article import parse_article
from ..feeds import NotAFeed, feed_entries, sitemap_entries
from ..policy import article_path_matches, source_sites
from ..sources import Source

Known = Callable[[list[str]], dict[str, str]]


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(self, source: Source, known: Known, max_pages: int = 50, **kwargs: Any) -> None:
        super().__init__(name=f"news-{source.name}", **kwargs)
        self.source = source
        self.known = known
        self.max_pages = max_pages
        self.article_re = re.compile(source.article_pattern) if source.article_pattern else None
        self.excluded = [re.compile(p) for p in source.exclude]  # about us, advertising
        self.sites = source_sites(source)  # where the fetch policy lets this source lead

    async def start(self) -> Any:
        for url in self.source.listing:
            yield scrapy.Request(url, callback=self.parse_listing, cb_kwargs={"page": 1})
        for url in self.source.rss:
            yield scrapy.Request(url, callback=self.parse_feed)
        for url in self.source.sitemaps:
            if urlsplit(url).path.endswith("/robots.txt"):
                yield scrapy.Request(url, callback=self.parse_robots)
            else:
                yield scrapy.Request(url, callback=self.parse_sitemap)

    def _articles(self, response: Response, hrefs: list[str]) -> list[str]:
        urls = []
        for href in hrefs:
            # percent-encoded as Scrapy requests (and the store records) it
            url = safe_url_string(response.urljoin(href.strip()).split("#")[0])
            matches = self.article_re is None or article_path_matches(self.article_re, url)
            if matches and any(p.search(url) for p in self.excluded):
                self.crawler.stats.inc_value("rasad/links_excluded")
                continue
            if matches and url not in urls:
                urls.append(url)
        self.crawler.stats.inc_value("rasad/links_found", len(urls))  # source health
        return urls

    def _follow(
        self, urls: list[str], known: dict[str, str], refetch_known: bool
    ) -> Iterator[scrapy.Request]:
        self.crawler.stats.inc_value("rasad/links_known", len(known))
        for url in urls:
            if url not in known or refetch_known:
                yield scrapy.Request(url, callback=self.parse_article)

    def parse_listing(self, response: Response, page: int) -> Iterator[scrapy.Request]:
        urls = self._articles(response, response.css(self.source.links).getall())
        known = self.known(urls)  # one store lookup per listing page
        new = [u for u in urls if u not in known]
        yield from self._follow(urls, known, refetch_known=page == 1)
        nxt = response.css(self.source.next_page).get()
        if nxt and new and page < self.max_pages:
            yield response.follow(nxt, callback=self.parse_listing, cb_kwargs={"page": page + 1})
        elif nxt and not new:
            self.crawler.stats.inc_value("rasad/listing_stopped_at_known")

    def _dated(self, response: Response, entries: list[tuple[str, datetime | None]]) -> Any:
        """Follow the entries' links, but those dated before --since."""
        since = getattr(self, "since", None)
        fresh = [u for u, when in entries if not (since and when and when < since)]
        self.crawler.stats.inc_value("rasad/feed_older_than_since", len(entries) - len(fresh))
        urls = self._articles(response, fresh)
        yield from self._follow(urls, self.known(urls), refetch_known=False)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        """An RSS or Atom feed: each entry's link and its date."""
        try:
            entries = feed_entries(response.body)
        except NotAFeed as exc:
            self.crawler.stats.inc_value("rasad/errors/bad_feed")
            self.logger.warning("%s: %s", response.url, exc)
            return
        yield from self._dated(response, entries)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        """A sitemap (maybe gzipped) or a sitemap index."""
        limit = int(self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
        try:
            read = sitemap_entries(response.body, limit)
        except NotAFeed as exc:
            self.crawler.stats.inc_value("rasad/errors/bad_sitemap")
            self.logger.warning("%s: %s", response.url, exc)
            return
        if read.index:
            for url, _ in read.entries:
                yield scrapy.Request(response.urljoin(url), callback=self.parse_sitemap)
            return
        yield from self._dated(response, read.entries)

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        for url in sitemap_urls_from_robots(response.body, base_url=response.url):
            yield scrapy.Request(url, callback=self.parse_sitemap)

    def parse_article(self, response: Response) -> Iterator[dict[str, Any]]:
        if not hasattr(response, "text"):
            self.crawler.stats.inc_value("rasad/errors/not_html")
            return
        parsed = parse_article(response.text, response.url, self.source)
        if parsed is None:
            self.crawler.stats.inc_value("rasad/errors/no_article_text")
            return
        if parsed.used_fallback:
            self.crawler.stats.inc_value("rasad/fallback_extractor")
        if parsed.article.published is None:
            self.crawler.stats.inc_value("rasad/missing_date")
        yield {"article": parsed.article}
