"""Local copies of the built-in news sites, served over real HTTP on loopback.

Each site has the URL layout and markup its entry in sources.yaml expects (listing pages,
RSS or a sitemap, article pages), filled with articles written for Rasad in the style of
municipal news.  `rasad demo` crawls them so that a newcomer sees the whole service with no
network; the tests crawl them to check each source's selectors.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from .sources import Source


@dataclass(frozen=True)
class DemoArticle:
    title: str
    jalali: str  # as the page prints it: ۱۰ دی ۱۴۰۲ - ۱۰:۳۰
    iso: str  # for sites that publish machine-readable times
    paragraphs: tuple[str, ...]


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


# ---- markup per source ------------------------------------------------------------------------


def _page(head: str, body: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="fa" dir="rtl"><head><meta charset="utf-8">{head}</head>'
        f"<body>{body}</body></html>"
    )


def _paras(paragraphs: tuple[str, ...]) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


Render = Callable[[str, str, tuple[str, ...]], str]


@dataclass(frozen=True)
class Style:
    article: str  # path of an article, with {id}
    render: Render  # (title, date as the site prints it, paragraphs) → page
    listing: str = "/fa/news"
    next_class: str | None = None  # the "next page" link's class, when it has no rel=next
    iso_dates: bool = False
    feeds: tuple[tuple[str, str], ...] = ()  # (path, "rss" | "sitemap")


STYLES: dict[str, Style] = {
    "shahraranews": Style(
        article="/fa/news/{id}/خبر",
        feeds=(("/fa-sitemap-news", "sitemap"), ("/fa/rss/allnews", "rss")),
        render=lambda t, d, ps: _page(
            "",
            f'<div class="news-content"><ul class="up-news-tools"><li>کد خبر: ۱۲۳</li>'
            f'<li><span>{d}</span></li></ul><h1 class="title">{t}</h1>'
            f'<p class="subtitle">خلاصه</p><div class="body">{_paras(ps)}</div>'
            f'<div class="tags_container"><a>بوستان</a><a>مشهد</a></div></div>',
        ),
    ),
    "mashhad.ir": Style(
        article="/fa/news/{id}/خبر",
        next_class="next",
        render=lambda t, d, ps: _page(
            "",
            f'<h1>{t}</h1><div class="news-date">{d}</div>'
            f'<div class="news-text">{_paras(ps)}</div>',
        ),
    ),
    "hamshahrionline": Style(
        listing="/archive",
        article="/news/{id}/خبر",
        iso_dates=True,
        feeds=(("/rss", "rss"),),
        render=lambda t, d, ps: _page(
            f'<meta itemprop="datePublished" content="{d}">',
            f'<h1 class="title">{t}</h1><p class="introtext">خلاصه خبر</p>'
            f'<div class="item-text">{_paras(ps)}</div>',
        ),
    ),
    "tehran.ir": Style(
        article="/fa/news/{id}/خبر",
        iso_dates=True,
        render=lambda t, d, ps: _page(
            "", f'<article><h1>{t}</h1><time datetime="{d}"></time>{_paras(ps)}</article>'
        ),
    ),
    "isfahan.ir": Style(
        article="/fa/news/{id}/خبر",
        feeds=(("/sitemap.xml", "sitemap"),),
        render=lambda t, d, ps: _page(
            "",
            f'<h1>{t}</h1><div class="news-date">{d}</div>'
            f'<div class="news-content">{_paras(ps)}</div>',
        ),
    ),
}


class StyledSite(LocalSite):
    """Articles in one source's markup: a listing in pages of two, and the source's feed."""

    def __init__(self, style: str, articles: dict[str, DemoArticle]) -> None:
        super().__init__()
        self.style = STYLES[style]
        self.articles = articles

    def respond(self, path: str) -> tuple[int, dict[str, str], bytes]:
        path = self.count(path)
        html = {"Content-Type": "text/html; charset=utf-8"}
        style, ids = self.style, list(self.articles)
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, self.robots.encode()
        if path == style.listing or path.startswith(f"{style.listing}?page="):
            page = int(path.rpartition("=")[2]) if "?page=" in path else 1
            return 200, html, self._listing(ids, page).encode()
        for feed, kind in style.feeds:
            if path == feed:
                return 200, {"Content-Type": "application/xml"}, self._feed(ids, kind).encode()
        for aid, article in self.articles.items():
            if path == style.article.format(id=aid):
                when = article.iso if style.iso_dates else article.jalali
                return 200, html, style.render(article.title, when, article.paragraphs).encode()
        return 404, html, b"<h1>not found</h1>"

    def _listing(self, ids: list[str], page: int, per_page: int = 2) -> str:
        style = self.style
        shown = ids[(page - 1) * per_page : page * per_page]
        links = "".join(
            f'<a href="{style.article.format(id=i)}">{self.articles[i].title}</a>' for i in shown
        )
        nav = ""
        if page * per_page < len(ids):
            href = f"{style.listing}?page={page + 1}"
            attr = f'class="{style.next_class}"' if style.next_class else 'rel="next"'
            nav = f'<a {attr} href="{href}">بعدی</a>'
        return f"<html><body>{links}{nav}</body></html>"

    def _feed(self, ids: list[str], kind: str) -> str:
        urls = [self.base + self.style.article.format(id=i) for i in ids]
        if kind == "rss":
            items = "".join(f"<item><link>{u}</link></item>" for u in urls)
            return f'<?xml version="1.0" encoding="utf-8"?><rss><channel>{items}</channel></rss>'
        locs = "".join(f"<url><loc>{u}</loc></url>" for u in urls)
        return (
            '<?xml version="1.0" encoding="utf-8"?><urlset xmlns='
            f'"http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'
        )


def local_copy(source: Source, base: str) -> Source:
    """The source with its listing, feed and sitemap addresses moved onto a local site."""

    def rebase(urls: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(base + urlsplit(u).path for u in urls)

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
