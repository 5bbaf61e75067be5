"""A new outlet from its address (`rasad sources add URL`, `POST /api/sources`).

A communications office knows an outlet's address, not its selectors.  From the home page
this finds what a sources entry needs:

1. **feeds** (`<link rel="alternate">` RSS and Atom) and **sitemaps** (robots.txt's
   `Sitemap:` lines, else `/sitemap.xml`);
2. **article links**: the site's own links from the home page, the feeds and the sitemaps,
   grouped by the shape of their URL (`/fa/news/1001/slug` → `/fa/news/\\d+/[^/?#]+`);
3. **the article pattern**: the most common shape whose sample pages read as articles;
4. **the CMS**: a profile from `crawler/cms.py` when the pages are that CMS's, its
   selectors then; else the general extractor reads every page;
5. **a check** on a few sample articles: title, body and date found on each.

An entry is proposed only when every sample passes; otherwise the report says what was
found and what was not.  Every request obeys the fetch policy of the entry being built
(its own site only, public addresses only unless `allow_private`), is limited in size and
time, and follows at most a few redirects, each checked.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from parsel import Selector
from w3lib.encoding import html_to_unicode
from w3lib.url import safe_url_string

from rasad.errors import InvalidInput

from . import main_text
from .article import parse_article, parse_published
from .cms import Profile, detect
from .feeds import NotAFeed, feed_entries, sitemap_entries
from .policy import article_path_matches, refusal, site, source_sites
from .sources import Source

MAX_BYTES = 5 * 2**20
TIMEOUT = 15.0
SAMPLES = 3  # sample articles checked
SHAPE_SAMPLES = 2  # pages fetched to tell whether a link shape leads to articles
MAX_SHAPES = 6
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")


class FetchError(Exception):
    pass


@dataclass
class Sample:
    url: str
    title: bool
    body: bool
    date: bool

    @property
    def ok(self) -> bool:
        return self.title and self.body and self.date


@dataclass
class Discovery:
    home: str
    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    article_links: int = 0
    pattern: str | None = None
    cms: str | None = None
    samples: list[Sample] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    entry: dict[str, Any] | None = None  # the sources entry, when every sample passed

    def report(self) -> list[str]:
        """What was found and what was not, a line each (for the command and the page)."""
        lines = [
            f"home page: {self.home}",
            f"feeds: {', '.join(self.feeds) or 'none found'}",
            f"sitemaps: {', '.join(self.sitemaps) or 'none found'}",
            f"article links found: {self.article_links}",
            f"article URL pattern: {self.pattern or 'none found'}",
            f"CMS: {self.cms or 'none recognized (the general extractor reads the pages)'}",
        ]
        for s in self.samples:
            found = [n for n, ok in (("title", s.title), ("body", s.body), ("date", s.date)) if ok]
            missing = [n for n in ("title", "body", "date") if n not in found]
            lines.append(f"sample {s.url}: {'ok' if s.ok else 'missing ' + ', '.join(missing)}")
        return lines + [f"problem: {p}" for p in self.problems]


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any) -> None:  # each hop is checked by `fetch`
        return None


class Fetcher:
    """GET under the fetch policy of the entry being built."""

    def __init__(self, source: Source, user_agent: str) -> None:
        self.source, self.sites, self.user_agent = source, source_sites(source), user_agent
        self.opener = urllib.request.build_opener(_NoRedirects)

    def get(self, url: str, hops: int = 3) -> tuple[str, bytes, str]:
        """(final URL, body, content type); FetchError saying why not."""
        url = safe_url_string(url)  # Persian paths, percent-encoded as browsers send them
        for _ in range(hops + 1):
            why = refusal(url, self.source, self.sites)
            if why:
                raise FetchError(f"{url}: refused ({why.replace('_', ' ')})")
            request = urllib.request.Request(url, headers={"User-Agent": self.user_agent})
            try:
                with self.opener.open(request, timeout=TIMEOUT) as response:
                    body = response.read(MAX_BYTES + 1)
                    kind = response.headers.get("Content-Type", "")
            except urllib.error.HTTPError as exc:
                if exc.code in (301, 302, 303, 307, 308) and exc.headers.get("Location"):
                    url = safe_url_string(urljoin(url, exc.headers["Location"]))
                    continue
                raise FetchError(f"{url}: HTTP {exc.code}") from None
            except (urllib.error.URLError, OSError, ValueError) as exc:
                raise FetchError(f"{url}: {getattr(exc, 'reason', exc)}") from None
            if len(body) > MAX_BYTES:
                raise FetchError(f"{url}: larger than {MAX_BYTES // 2**20} MB")
            return url, body, kind
        raise FetchError(f"{url}: too many redirects")

    def text(self, url: str) -> tuple[str, str]:
        final, body, kind = self.get(url)
        charset = re.search(r"charset=([\w-]+)", kind)
        _, text = html_to_unicode(f"charset={charset.group(1)}" if charset else None, body)
        return final, text


def discover(
    url: str,
    name: str,
    city: str | None = None,
    title: str | None = None,
    allow_private: bool = False,
    user_agent: str = "RasadBot/0.1",
) -> Discovery:
    """Everything `rasad sources add` reports about the outlet at `url`."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(f"not a web address: {url!r} (give http:// or https://…)")
    home = url.strip()
    probe = Source(name=name, listing=(home,), allow_private=allow_private)
    fetch = Fetcher(probe, user_agent)
    found = Discovery(home)
    try:
        home, page = fetch.text(home)
    except FetchError as exc:
        found.problems.append(f"cannot read the home page: {exc}")
        return found
    found.home = home
    same_site = source_sites(probe)
    selector = Selector(text=page)
    found.feeds = _feeds(selector, home, same_site)
    sitemaps = _sitemaps(fetch, home, found.problems)
    found.sitemaps = list(sitemaps)
    links = _page_links(selector, home, same_site)
    for feed in found.feeds:
        links += _feed_links(fetch, feed, found.problems)
    for body in sitemaps.values():
        links += _sitemap_links(fetch, body, found.problems)
    links = [u for u in dict.fromkeys(map(safe_url_string, links)) if site(u) in same_site]
    found.article_links = len(links)
    pages: dict[str, str] = {}
    profile = detect(selector)
    found.pattern = _pattern(links, fetch, pages, profile)
    if found.pattern is None:
        found.problems.append("no link leads to a page that reads as an article")
        return found
    pattern = re.compile(found.pattern)
    articles = [u for u in links if article_path_matches(pattern, u)]
    profile = profile or detect(*(Selector(text=h) for h in pages.values() if h))
    found.cms = profile.name if profile else None
    entry = _entry(name, title, city, home, found, profile, allow_private)
    candidate = Source.from_dict(entry)
    for link in articles[:SAMPLES]:
        found.samples.append(_check(fetch, link, candidate, pages))
    if len(found.samples) < SAMPLES:
        found.problems.append(f"only {len(found.samples)} article links to check")
    if found.samples and all(s.ok for s in found.samples):
        found.entry = entry
    else:
        found.problems.append("the sample articles did not all pass: no entry written")
    return found


def _feeds(selector: Selector, base: str, sites: frozenset[str]) -> list[str]:
    out = []
    for link in selector.css("link[rel~=alternate]"):
        kind = (link.attrib.get("type") or "").lower()
        href = link.attrib.get("href")
        if href and kind in _FEED_TYPES:
            url = urljoin(base, href)
            if site(url) in sites:  # a feed may only lead to its own site
                out.append(url)
    return list(dict.fromkeys(out))


def _sitemaps(fetch: Fetcher, home: str, problems: list[str]) -> dict[str, bytes]:
    """The sitemaps robots.txt names (else /sitemap.xml) that can be read, with their
    bodies."""
    from scrapy.utils.sitemap import sitemap_urls_from_robots

    robots = urljoin(home, "/robots.txt")
    try:
        _, body, _ = fetch.get(robots)
        named = list(sitemap_urls_from_robots(body, base_url=robots))
    except FetchError:
        named = []
    out = {}
    for url in named or [urljoin(home, "/sitemap.xml")]:
        try:
            out[url] = fetch.get(url)[1]
        except FetchError as exc:
            if named:
                problems.append(f"sitemap named in robots.txt cannot be read: {exc}")
    return out


def _page_links(selector: Selector, base: str, sites: frozenset[str]) -> list[str]:
    links = (urljoin(base, h.strip()).split("#")[0] for h in selector.css("a::attr(href)").getall())
    return [u for u in links if u.startswith(("http://", "https://")) and site(u) in sites]


def _feed_links(fetch: Fetcher, url: str, problems: list[str]) -> list[str]:
    try:
        return [link for link, _ in feed_entries(fetch.get(url)[1])]
    except (FetchError, NotAFeed) as exc:
        problems.append(f"feed cannot be read: {url}: {exc}")
        return []


def _sitemap_links(fetch: Fetcher, body: bytes, problems: list[str], depth: int = 0) -> list[str]:
    """A sitemap's page links; an index leads to its first sitemap (two levels at most)."""
    try:
        read = sitemap_entries(body, MAX_BYTES)
    except NotAFeed as exc:
        problems.append(f"sitemap cannot be read: {exc}")
        return []
    locs = [loc for loc, _ in read.entries]
    if not read.index:
        return locs
    if not locs or depth >= 2:
        return []
    try:
        child = fetch.get(locs[0])[1]
    except FetchError as exc:
        problems.append(f"sitemap cannot be read: {exc}")
        return []
    return _sitemap_links(fetch, child, problems, depth + 1)


def shape(url: str) -> str | None:
    """The pattern of an article-like URL: digits as \\d+, a slug after an id as [^/?#]+,
    an id in the query string by its name; None when the URL has no id."""
    parts = urlsplit(url)
    out, after_id = [], False
    tokens = parts.path.split("/")
    for i, token in enumerate(tokens):
        if re.fullmatch(r"\d+", token):
            out.append(r"\d+")
            after_id = True
        elif m := re.fullmatch(r"(\d+)([-_]).*?(\.\w+)?", token):
            out.append(
                r"\d+"
                + re.escape(m.group(2))
                + r"[^/]*"
                + (re.escape(m.group(3)) if m.group(3) else "")
            )
            after_id = True
        elif after_id and token and i == len(tokens) - 1:
            out.append(r"[^/?#]+")
        else:
            out.append(re.escape(token))
    path = "/".join(out)
    ids = [k for k, v in _query(parts.query) if re.fullmatch(r"\d+", v)]
    if not after_id and not ids:
        return None
    if ids and not after_id:
        key = ids[-1]
        return f"(?i){re.escape(parts.path)}\\?(?:[^#]*&)?{re.escape(key.lower())}=\\d+"
    return path


def _query(query: str) -> list[tuple[str, str]]:
    return [tuple(p.split("=", 1)) for p in query.split("&") if "=" in p]  # type: ignore[misc]


def _pattern(
    links: list[str], fetch: Fetcher, pages: dict[str, str], profile: Profile | None
) -> str | None:
    """The most common URL shape whose sample pages read as articles (the CMS's own
    pattern when its pages do)."""
    if profile:
        pattern = re.compile(profile.article_pattern)
        mine = [u for u in links if article_path_matches(pattern, u)]
        if mine and _reads_as_articles(mine, fetch, pages):
            return profile.article_pattern
    shapes = Counter(s for s in map(shape, links) if s)
    for candidate, _ in shapes.most_common(MAX_SHAPES):
        pattern = re.compile(candidate)
        mine = [u for u in links if article_path_matches(pattern, u)]
        if _reads_as_articles(mine, fetch, pages):
            return candidate
    return None


def _reads_as_articles(urls: list[str], fetch: Fetcher, pages: dict[str, str]) -> bool:
    checked = 0
    for url in urls[:SHAPE_SAMPLES]:
        text = _page(fetch, url, pages)
        found = main_text.extract(text, parse_published) if text else None
        if found is None or not found.title or found.published is None:
            return False
        checked += 1
    return checked > 0


def _page(fetch: Fetcher, url: str, pages: dict[str, str]) -> str | None:
    if url not in pages:
        try:
            pages[url] = fetch.text(url)[1]
        except FetchError:
            pages[url] = ""
    return pages[url] or None


def _entry(
    name: str,
    title: str | None,
    city: str | None,
    home: str,
    found: Discovery,
    profile: Profile | None,
    allow_private: bool,
) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": name, "listing": [home]}
    if title:
        entry["title"] = title
    if city:
        entry["city"] = city
    if found.feeds:
        entry["rss"] = found.feeds
    if found.sitemaps:
        entry["sitemaps"] = found.sitemaps
    if profile:
        entry["cms"] = profile.name
    entry["article_pattern"] = found.pattern
    if not profile:
        entry["next_page"] = "a[rel~=next]::attr(href)"
    if allow_private:
        entry["allow_private"] = True
    return entry


def _check(fetch: Fetcher, url: str, source: Source, pages: dict[str, str]) -> Sample:
    text = _page(fetch, url, pages)
    parsed = parse_article(text, url, source) if text else None
    if parsed is None:
        return Sample(url, False, False, False)
    a = parsed.article
    return Sample(url, bool(a.title), len(a.body) >= 40, a.published is not None)
