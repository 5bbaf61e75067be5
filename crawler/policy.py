"""The fetch policy: a source may only lead to its own site.

Feeds, sitemaps and listing pages are written by strangers.  Every request the crawler is
about to send (redirects included: Scrapy sends a redirect as a new request through the
same downloader middlewares) must be http or https, to one of the source's own hosts
(host and port, from its start URLs unless the entry lists `hosts`), and, once the host
name is resolved, to a public address: loopback, private, link-local and reserved
addresses are refused unless the entry says `allow_private: true` (a local fixture site).
A refused request is counted in the crawl's stats by reason and never sent.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from functools import lru_cache
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

from .sources import Source

_DEFAULT_PORTS = {"http": 80, "https": 443}


def site(url: str) -> str:
    """host:port of a URL, lowercased, the scheme's default port made explicit."""
    parts = urlsplit(url)
    port = parts.port or _DEFAULT_PORTS.get(parts.scheme, 0)
    return f"{(parts.hostname or '').lower()}:{port}"


def source_sites(source: Source) -> frozenset[str]:
    """The host:port pairs a source may fetch from: those of its start URLs and its `hosts`
    (a host named without a port, or on a default port, may be reached by http or https)."""
    sites: set[str] = set()
    starts = (*source.listing, *source.rss, *source.sitemaps)
    for parts in [urlsplit(u) for u in starts] + [urlsplit(f"//{h}") for h in source.hosts]:
        host = (parts.hostname or "").lower()
        if parts.port in {None, 80, 443}:
            sites |= {f"{host}:80", f"{host}:443"}
        else:
            sites.add(f"{host}:{parts.port}")
    return frozenset(sites)


def article_path_matches(pattern: re.Pattern[str], url: str) -> bool:
    """The article pattern matches the URL's path (it may run on into the query string, as
    index.php?…&cnt_id=12 does, but a match found in the query alone does not count)."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    found = pattern.search(target)
    return found is not None and found.start() < len(parts.path)


@lru_cache(maxsize=4096)
def _addresses(host: str) -> tuple[str, ...]:
    try:
        return tuple({info[4][0] for info in socket.getaddrinfo(host, None)})
    except (OSError, UnicodeError):
        return ()


def refusal(url: str, source: Source, sites: frozenset[str]) -> str | None:
    """Why this URL may not be fetched for this source, or None when it may."""
    parts = urlsplit(url)
    if parts.scheme not in _DEFAULT_PORTS:
        return "scheme"
    if site(url) not in sites:
        return "other_site"
    if source.allow_private:
        return None
    addresses = _addresses(parts.hostname or "")
    if not addresses:
        return "unresolved"
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global or ip.is_multicast:
            return "private_address"
    return None


class FetchPolicyMiddleware:
    """Downloader middleware: refuse every request the source's policy does not allow."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler  # its spider, once the crawl starts (Scrapy's convention)
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FetchPolicyMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        spider: Spider | None = self.crawler.spider
        source: Source | None = getattr(spider, "source", None)
        if source is None:
            return
        sites = getattr(spider, "sites", None) or source_sites(source)
        reason = refusal(request.url, source, sites)
        if reason:
            self.stats.inc_value(f"rasad/errors/refused_{reason}")
            raise IgnoreRequest(f"{request.url} is outside source {source.name}: {reason}")
