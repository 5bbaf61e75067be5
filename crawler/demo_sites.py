"""Local copies of the built-in news sites, served over real HTTP on loopback.

Each site has the URL layout and markup its entry in sources.yaml expects (listing pages,
RSS or a sitemap, article pages), filled with articles written for Rasad in the style of
municipal news.  `rasad demo` crawls them so that a newcomer sees the whole service with no
network; the tests crawl them to check each source's selectors.
"""

from __future__ import annotations

import contextlib
import gzip
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.sax.saxutils import escape

import yaml

from .site_styles import STYLES, Page
from .sources import Source


@dataclass(frozen=True)
class DemoArticle:
    title: str
    jalali: str  # as the page prints it: ۱۰ دی ۱۴۰۲ - ۱۰:۳۰
    iso: str  # for sites that publish machine-readable times
    paragraphs: tuple[str, ...]
    lead: str = ""


class LocalSite:
    """A site's routes; counts requests so that callers can check what was fetched."""

    def __init__(self, robots: str = "User-agent: *\nDisallow:\n") -> None:
        self.robots = robots
        self.hits: dict[str, int] = {}
        self.base = ""

    def respond(self, path: str) -> tuple[int, dict[str, str], bytes]:
        raise NotImplementedError

    def count(self, path: str) -> str:
        path = unquote(path)
        self.hits[path] = self.hits.get(path, 0) + 1
        return path


@contextmanager
def serve(site: LocalSite, port: int = 0) -> Iterator[str]:
    """Serve the site on a loopback port (a free one by default) while the block runs."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, headers, body = site.respond(self.path)
            with contextlib.suppress(ConnectionError):  # the crawler may hang up (limits)
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site.base
    finally:
        server.shutdown()
        server.server_close()


# ---- a site in one source's style --------------------------------------------------------------


class StyledSite(LocalSite):
    """Articles in one source's CMS markup (`site_styles`): listing pages of two articles
    each, the source's feeds, and the site's own pages that look like articles."""

    def __init__(self, style: str, articles: dict[str, DemoArticle]) -> None:
        super().__init__()
        self.style = STYLES[style]
        self.pages = {
            aid: Page(aid, a.title, a.lead, a.jalali, a.iso, a.paragraphs)
            for aid, a in articles.items()
        }
        self.paths = {self.style.article.format(id=aid): aid for aid in self.pages}

    def respond(self, path: str) -> tuple[int, dict[str, str], bytes]:
        path = self.count(path)
        html = {"Content-Type": "text/html; charset=utf-8"}
        style, ids = self.style, list(self.pages)
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, self.robots.encode()
        pages = (len(ids) + PER_PAGE - 1) // PER_PAGE
        if path == "/":
            return 200, html, self._home(ids).encode()
        for n in range(1, pages + 1):
            if path == style.listing_page(n):
                return 200, html, self._listing(ids, n, pages).encode()
        for feed, kind in style.feeds:
            found = self._feed(path, feed, kind, ids)
            if found is not None:
                return found
        if path in self.paths:
            aid = self.paths[path]
            other = style.article.format(id=next((i for i in ids if i != aid), aid))
            return 200, html, style.render(self.pages[aid], other).encode()
        if any(path == c.format(id=i) for c in style.chrome_links for i in ids):
            return 200, html, b"<html><body><h1>about us</h1><p>about this site</p></body></html>"
        return 404, html, b"<h1>not found</h1>"

    def _home(self, ids: list[str]) -> str:
        """The home page: the newest articles, and the site's feeds announced in its head."""
        style = self.style
        items = [(style.article.format(id=i), self.pages[i]) for i in ids[: PER_PAGE * 2]]
        page = style.render_listing(items, None)
        feeds = "".join(
            f'<link rel="alternate" type="application/rss+xml" href="{path}">'
            for path, kind in style.feeds
            if kind == "rss"
        )
        return page.replace("</head>", feeds + "</head>", 1)

    def _listing(self, ids: list[str], page: int, pages: int) -> str:
        style = self.style
        shown = ids[(page - 1) * PER_PAGE : page * PER_PAGE]
        items = [(style.article.format(id=i), self.pages[i]) for i in shown]
        return style.render_listing(items, style.listing_page(page + 1) if page < pages else None)

    def _feed(
        self, path: str, feed: str, kind: str, ids: list[str]
    ) -> tuple[int, dict[str, str], bytes] | None:
        """The source's RSS feed, news sitemap, or sitemap index of one gzipped sitemap."""
        urls = [(self.base + self.style.article.format(id=i), self.pages[i]) for i in ids]
        part = f"{feed.removesuffix('.xml')}-1.xml.gz"
        if path == feed and kind == "rss":
            items = "".join(
                f"<item><title>{escape(p.title)}</title><link>{escape(u)}</link>"
                f"<pubDate>{format_datetime(datetime.fromisoformat(p.iso))}</pubDate></item>"
                for u, p in urls
            )
            return _xml(f'<rss version="2.0"><channel><title>news</title>{items}</channel></rss>')
        if path == feed and kind == "news_sitemap":
            entries = "".join(
                f"<url><loc>{escape(u)}</loc><news:news><news:publication_date>{p.iso}"
                f"</news:publication_date><news:title>{escape(p.title)}</news:title>"
                "</news:news></url>"
                for u, p in urls
            )
            return _xml(f'<urlset xmlns="{_SITEMAP}" xmlns:news="{_NEWS}">{entries}</urlset>')
        if path == feed and kind == "sitemap":
            index = f"<sitemap><loc>{self.base}{part}</loc></sitemap>"
            return _xml(f'<sitemapindex xmlns="{_SITEMAP}">{index}</sitemapindex>')
        if path == part and kind == "sitemap":
            entries = "".join(
                f"<url><loc>{escape(u)}</loc><lastmod>{p.iso}</lastmod></url>" for u, p in urls
            )
            status, _, body = _xml(f'<urlset xmlns="{_SITEMAP}">{entries}</urlset>')
            return status, {"Content-Type": "application/gzip"}, gzip.compress(body)
        return None


def _xml(document: str) -> tuple[int, dict[str, str], bytes]:
    text = f'<?xml version="1.0" encoding="utf-8"?>{document}'
    return 200, {"Content-Type": "application/xml"}, text.encode()


_SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
_NEWS = "http://www.google.com/schemas/sitemap-news/0.9"
PER_PAGE = 2


def local_copy(source: Source, base: str) -> Source:
    """The source with its listing, feed and sitemap addresses moved onto a local site."""

    def rebase(urls: tuple[str, ...]) -> tuple[str, ...]:
        parts = (urlsplit(u) for u in urls)
        return tuple(base + p.path + (f"?{p.query}" if p.query else "") for p in parts)

    return replace(
        source,
        listing=rebase(source.listing),
        rss=rebase(source.rss),
        sitemaps=rebase(source.sitemaps),
        hosts=(),
        allow_private=True,  # a site on this machine, ours
    )


def write_sources(sources: list[Source], path: Path) -> Path:
    """A sources file for these sources (what `rasad crawl --sources-file` reads)."""
    entries = [source.to_dict() for source in sources]
    path.write_text(yaml.safe_dump({"sources": entries}, allow_unicode=True), "utf-8")
    return path


# ---- the demo's articles ----------------------------------------------------------------------


def _a(title: str, jalali: str, iso: str, *paragraphs: str) -> DemoArticle:
    return DemoArticle(title, jalali, iso, paragraphs)


# The governor's office reports its neighbourhood offices three times over the winter; the
# first release is carried by two outlets, and one outlet misreports a number.
DEMO_ARTICLES: dict[str, dict[str, DemoArticle]] = {
    "shahraranews": {
        "2101": _a(
            "فرماندار مشهد: ۲۰ دفتر توسعه محله راه‌اندازی شده است",
            "۵ آذر ۱۴۰۲ - ۰۹:۱۵",
            "2023-11-26T09:15:00+03:30",
            "به گزارش شهرآرانیوز، محمدرضا هاشمی، فرماندار مشهد، گفت: تاکنون ۲۰ دفتر توسعه محله "
            "در محله‌های هدف بازآفرینی راه‌اندازی شده است.",
            "وی افزود: دوره‌های آموزشی برای ۶۰۰ نفر از داوطلبان برگزار شد.",
            "منبع: پایگاه اطلاع رسانی شهرداری مشهد",
        ),
        "2102": _a(
            "راه‌اندازی ۲۴ دفتر توسعه محله در مشهد",
            "۱۲ دی ۱۴۰۲ - ۱۱:۰۰",
            "2024-01-02T11:00:00+03:30",
            "فرماندار مشهد گفت: تاکنون ۲۴ دفتر توسعه محله راه‌اندازی شده است.",
            "وی افزود: ۸۰ میلیارد ریال برای بازآفرینی محله‌های کم‌برخوردار هزینه شده است.",
        ),
        "2103": _a(
            "۲۸ دفتر توسعه محله در مشهد فعال است",
            "۱۸ بهمن ۱۴۰۲ - ۱۰:۳۰",
            "2024-02-07T10:30:00+03:30",
            "محمدرضا هاشمی، فرماندار مشهد، گفت: تاکنون ۲۸ دفتر توسعه محله در محله‌های هدف "
            "بازآفرینی راه‌اندازی شده و سه دفتر سند توسعه محله را تهیه کرده‌اند.",
            "وی افزود: برای ۸۸۰ نفر از داوطلبان دوره‌های آموزشی برگزار شد و ۲۰۰ نفر از آنان به "
            "اشتغال رسیدند.",
        ),
    },
    "mashhad.ir": {
        "3101": _a(
            "راه‌اندازی دفترهای توسعه محله در مشهد",
            "۶ آذر ۱۴۰۲",
            "2023-11-27T08:00:00+03:30",
            "به گزارش شهرآرانیوز، محمدرضا هاشمی، فرماندار مشهد، گفت: تاکنون ۲۰ دفتر توسعه محله "
            "در محله‌های هدف بازآفرینی راه‌اندازی شده است.",
            "وی افزود: دوره‌های آموزشی برای ۶۰۰ نفر از داوطلبان برگزار شد.",
            "این دفترها هر روز از ساعت ۸ تا ۱۶ پذیرای شهروندان هستند.",
        ),
        "3102": _a(
            "۲۶ دفتر توسعه محله در مشهد",
            "۱۹ بهمن ۱۴۰۲",
            "2024-02-08T08:00:00+03:30",
            "فرماندار مشهد گفت: تاکنون ۲۶ دفتر توسعه محله راه‌اندازی شده است.",
        ),
    },
    "hamshahrionline": {
        "4101": _a(
            "ورود ۱۲۰ دستگاه اتوبوس به ناوگان تهران",
            "۲۰ دی ۱۴۰۲",
            "2024-01-10T12:00:00+03:30",
            "شهردار تهران گفت: امسال ۱۲۰ دستگاه اتوبوس برقی وارد ناوگان شد.",
            "وی افزود: خط ۱۰ مترو ۴۵ درصد پیشرفت فیزیکی دارد.",
        ),
    },
    "tehran.ir": {
        "5101": _a(
            "کاشت ۱۰ هزار اصله نهال در تهران",
            "۱۵ اسفند ۱۴۰۲",
            "2024-03-05T09:00:00+03:30",
            "معاون خدمات شهری شهرداری تهران گفت: در طرح زمستانه ۱۰ هزار اصله نهال کاشته شد.",
        ),
    },
    "isfahan.ir": {
        "6101": _a(
            "بازآفرینی بافت تاریخی اصفهان",
            "۲۵ دی ۱۴۰۲",
            "2024-01-15T10:00:00+03:30",
            "شهردار اصفهان گفت: ۳۵۰ میلیارد ریال برای بازآفرینی بافت تاریخی هزینه شده و "
            "۱۲ هکتار از بافت فرسوده نوسازی شده است.",
        ),
    },
}
