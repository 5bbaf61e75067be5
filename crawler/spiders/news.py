"""The news spider: listing pages with pagination, RSS feeds and sitemaps of one source.

Incremental by design: links already in the store are not fetched again, except those on
a listing's first page (recent articles get edited; the store's content hash tells an
edit from an unchanged copy), and paging stops at the first listing page that brings
nothing new.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import scrapy
from scrapy.http import Response
from w3lib.url import safe_url_string

from ..article import parse_article
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
        self.sites = source_sites(source)  # where the fetch policy lets this source lead

    async def start(self) -> Any:
        for url in self.source.listing:
            yield scrapy.Request(url, callback=self.parse_listing, cb_kwargs={"page": 1})
        for url in self.source.rss:
            yield scrapy.Request(url, callback=self.parse_feed)
        for url in self.source.sitemaps:
            yield scrapy.Request(url, callback=self.parse_feed)

    def _articles(self, response: Response, hrefs: list[str]) -> list[str]:
        urls = []
        for href in hrefs:
            # percent-encoded as Scrapy requests (and the store records) it
            url = safe_url_string(response.urljoin(href.strip()).split("#")[0])
            matches = self.article_re is None or article_path_matches(self.article_re, url)
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

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        """RSS <item><link> and sitemap <url><loc> alike."""
        response.selector.remove_namespaces()
        hrefs = response.xpath("//item/link/text() | //url/loc/text()").getall()
        urls = self._articles(response, hrefs)
        yield from self._follow(urls, self.known(urls), refetch_known=False)

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
