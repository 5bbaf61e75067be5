"""A local news site in the style of a municipal news agency, served over real HTTP.

Articles are written for these tests.  The site also has the pages that break crawlers:
a windows-1256 page, broken HTML, a missing date, a 500 that succeeds on retry, a
redirect, a dead link and an oversized page.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARTICLES = {
    "1001": (
        "شهردار مشهد: ۱۵ بوستان محله‌ای تا پایان سال افتتاح می‌شود",
        "۱۰ دی ۱۴۰۲ - ۱۰:۳۰",
        [
            "به گزارش شهرآرانیوز، علیرضا کریمی، شهردار مشهد، امروز گفت: تاکنون ۱۵ بوستان محله‌ای "
            "در محله‌های کم‌برخوردار ساخته شده است.",
            "وی افزود: برای این کار ۴۲۰ میلیارد ریال هزینه شده است.",
            "منبع: پایگاه اطلاع رسانی شهرداری مشهد",
        ],
    ),
    "1002": (
        "ورود 250 دستگاه اتوبوس به ناوگان",  # windows-1256: Latin digits, Arabic ي/ك
        "1402/10/12",
        ["مديرعامل سازمان اتوبوسراني مشهد گفت: امسال 250 دستگاه اتوبوس جديد وارد ناوگان شد."],
    ),
    "1003": (
        "پیشرفت ۳۰ درصدی قطار شهری",
        "۱۵ دی ۱۴۰۲",
        ["معاون عمرانی شهرداری مشهد گفت: خط ۳ قطار شهری ۳۰ درصد پیشرفت فیزیکی دارد."],
    ),
    "1004": (
        "آموزش ۸۰۰ نفر از داوطلبان محله",
        "",
        ["در این دوره ۸۰۰ نفر از داوطلبان محله‌ها آموزش دیدند و ۱۲ دوره برگزار شد."],
    ),
    "1005": (
        "ساخت ۱۲ کتابخانه محله‌ای",
        "۲۰ دی ۱۴۰۲",
        ["شهردار مشهد گفت: ۱۲ کتابخانه محله‌ای با ۴ هزار متر مربع زیربنا ساخته می‌شود."],
    ),
    "1006": (
        "کاشت ۵ هزار اصله نهال",
        "۲۲ دی ۱۴۰۲",
        ["در طرح پاییزه ۵ هزار اصله نهال در بوستان‌های شهر کاشته شد."],
    ),
    # the press release of 1001 again, as another outlet runs it: new headline, one more line
    "1008": (
        "افتتاح بوستان‌های محله‌ای در مشهد",
        "۱۱ دی ۱۴۰۲",
        [
            "به گزارش شهرآرانیوز، علیرضا کریمی، شهردار مشهد، امروز گفت: تاکنون ۱۵ بوستان محله‌ای "
            "در محله‌های کم‌برخوردار ساخته شده است.",
            "وی افزود: برای این کار ۴۲۰ میلیارد ریال هزینه شده است.",
            "این بوستان‌ها هر روز از ساعت ۶ صبح تا نیمه‌شب به روی شهروندان باز هستند.",
        ],
    ),
}


def article_html(
    aid: str, charset: str = "utf-8", broken: bool = False, paragraphs: list[str] | None = None
) -> str:
    title, date, written = ARTICLES[aid]
    paragraphs = paragraphs or written
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    if broken:  # unclosed tags and a stray </div>
        body = body.replace("</p>", "", 1) + "</div><p>پایان"
    date_html = f'<span class="news-date">{date}</span>' if date else ""
    return (
        f'<!DOCTYPE html><html lang="fa" dir="rtl"><head><meta charset="{charset}">'
        f'<title>{title}</title></head><body><div class="news"><h1 class="title">{title}'
        f'</h1>{date_html}<div class="body">{body}</div></div></body></html>'
    )


def listing_html(ids: list[str], next_page: str | None) -> str:
    links = "".join(
        f'<li><a href="/fa/news/{i}/خبر">{ARTICLES.get(i, ("خبر",))[0]}</a></li>' for i in ids
    )
    nav = f'<a rel="next" href="{next_page}">بعدی</a>' if next_page else ""
    return f'<html><head><meta charset="utf-8"></head><body><ul>{links}</ul>{nav}</body></html>'


RSS = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>شهرآرا</title>'
    "<item><title>بوستان</title><link>{base}/fa/news/1001/خبر</link></item>"
    "<item><title>اتوبوس</title><link>{base}/fa/news/1002/خبر</link></item>"
    "</channel></rss>"
)


class Site:
    """Routes of the fixture site; counts requests so tests can check what was fetched."""

    def __init__(self, robots: str = "User-agent: *\nDisallow:\n") -> None:
        self.robots = robots
        self.hits: dict[str, int] = {}
        self.base = ""
        self.edits: dict[str, list[str]] = {}  # article id → new paragraphs (an edited story)

    def respond(self, path: str) -> tuple[int, dict[str, str], bytes]:
        from urllib.parse import unquote

        path = unquote(path)
        self.hits[path] = self.hits.get(path, 0) + 1
        html = {"Content-Type": "text/html; charset=utf-8"}
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, self.robots.encode()
        if path == "/fa/news":
            return (
                200,
                html,
                listing_html(["1001", "1002", "1003", "1004"], "/fa/news?page=2").encode(),
            )
        if path == "/fa/news?page=2":
            return (
                200,
                html,
                listing_html(["1005", "1006", "1999", "1007", "1008", "1009"], None).encode(),
            )
        if path == "/fa/rss/allnews":
            return 200, {"Content-Type": "application/rss+xml"}, RSS.format(base=self.base).encode()
        if path.startswith("/fa/news/1006/") and path != "/fa/news/1006/نو":
            return 301, {"Location": "/fa/news/1006/%D9%86%D9%88"}, b""
        if path.startswith("/fa/news/1005/") and self.hits[path] == 1:
            return 500, html, b"<h1>error</h1>"
        if path.startswith("/fa/news/1009/"):
            time.sleep(5)  # longer than the tests' RASAD_CRAWL_TIMEOUT
            return 200, html, b"<h1>late</h1>"
        if path.startswith("/fa/news/1007/"):
            # beyond the crawler's 5 MB download limit
            return 200, html, ("<h1>بزرگ</h1><p>" + "بسیار " * 600_000 + "</p>").encode()
        for aid in ARTICLES:
            if path.startswith(f"/fa/news/{aid}/"):
                if aid == "1002":
                    page = article_html(aid, charset="windows-1256").encode("cp1256")
                    return 200, {"Content-Type": "text/html; charset=windows-1256"}, page
                page = article_html(aid, broken=aid == "1003", paragraphs=self.edits.get(aid))
                return 200, html, page.encode()
        return 404, html, b"<h1>not found</h1>"


@contextmanager
def serve(site: Site) -> Iterator[str]:
    """Serve the site on a free loopback port for the duration of the block."""

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

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site.base
    finally:
        server.shutdown()
        server.server_close()


# ---- one small site per built-in source, in the markup its selectors expect -------------------


def _page(head: str, body: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="fa" dir="rtl"><head><meta charset="utf-8">{head}</head>'
        f"<body>{body}</body></html>"
    )


def _paras(paragraphs: list[str]) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


STYLES: dict[str, dict[str, object]] = {
    "shahraranews": {
        "article": "/fa/news/{id}/خبر",
        "feed": ("/fa-sitemap-news", "sitemap"),
        "render": lambda t, d, ps: _page(
            "",
            f'<div class="news-content"><ul class="up-news-tools"><li>کد خبر: ۱۲۳</li>'
            f'<li><span>{d}</span></li></ul><h1 class="title">{t}</h1>'
            f'<p class="subtitle">خلاصه</p><div class="body">{_paras(ps)}</div>'
            f'<div class="tags_container"><a>بوستان</a><a>مشهد</a></div></div>',
        ),
    },
    "mashhad.ir": {
        "article": "/fa/news/{id}/خبر",
        "next_class": "next",
        "render": lambda t, d, ps: _page(
            "",
            f'<h1>{t}</h1><div class="news-date">{d}</div>'
            f'<div class="news-text">{_paras(ps)}</div>',
        ),
    },
    "hamshahrionline": {
        "listing": "/archive",
        "article": "/news/{id}/خبر",
        "iso_dates": True,
        "feed": ("/rss", "rss"),
        "render": lambda t, d, ps: _page(
            f'<meta itemprop="datePublished" content="{d}">',
            f'<h1 class="title">{t}</h1><p class="introtext">خلاصه خبر</p>'
            f'<div class="item-text">{_paras(ps)}</div>',
        ),
    },
    "tehran.ir": {
        "article": "/fa/news/{id}/خبر",
        "iso_dates": True,
        "render": lambda t, d, ps: _page(
            "", f'<article><h1>{t}</h1><time datetime="{d}"></time>{_paras(ps)}</article>'
        ),
    },
    "isfahan.ir": {
        "article": "/fa/news/{id}/خبر",
        "feed": ("/sitemap.xml", "sitemap"),
        "render": lambda t, d, ps: _page(
            "",
            f'<h1>{t}</h1><div class="news-date">{d}</div>'
            f'<div class="news-content">{_paras(ps)}</div>',
        ),
    },
}
STYLED_IDS = ["1001", "1003", "1005"]
ISO_DATES = {
    "1001": "2023-12-31T10:30:00+03:30",
    "1003": "2024-01-05T09:00:00+03:30",
    "1005": "2024-01-10T12:00:00+03:30",
}


class StyledSite(Site):
    """Three articles, a two-page listing and the source's feed, in one source's markup."""

    def __init__(self, style: str) -> None:
        super().__init__()
        self.style = STYLES[style]

    def respond(self, path: str) -> tuple[int, dict[str, str], bytes]:
        from urllib.parse import unquote

        path = unquote(path)
        self.hits[path] = self.hits.get(path, 0) + 1
        html = {"Content-Type": "text/html; charset=utf-8"}
        listing = str(self.style.get("listing", "/fa/news"))
        article = str(self.style["article"])
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, self.robots.encode()
        if path in (listing, f"{listing}?page=2"):
            ids = STYLED_IDS[:2] if path == listing else STYLED_IDS[2:]
            links = "".join(f'<a href="{article.format(id=i)}">{ARTICLES[i][0]}</a>' for i in ids)
            cls = self.style.get("next_class")
            nav = (
                ""
                if path != listing
                else (
                    f'<a class="{cls}" href="{listing}?page=2">بعدی</a>'
                    if cls
                    else f'<a rel="next" href="{listing}?page=2">بعدی</a>'
                )
            )
            return 200, html, f"<html><body>{links}{nav}</body></html>".encode()
        feed = self.style.get("feed")
        if feed and path == feed[0]:
            urls = [self.base + article.format(id=i) for i in STYLED_IDS]
            if feed[1] == "rss":
                items = "".join(f"<item><link>{u}</link></item>" for u in urls)
                xml = f'<?xml version="1.0" encoding="utf-8"?><rss><channel>{items}</channel></rss>'
            else:
                locs = "".join(f"<url><loc>{u}</loc></url>" for u in urls)
                xml = (
                    '<?xml version="1.0" encoding="utf-8"?><urlset xmlns='
                    f'"http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'
                )
            return 200, {"Content-Type": "application/xml"}, xml.encode()
        for aid in STYLED_IDS:
            if path == article.format(id=aid):
                title, jalali, paragraphs = ARTICLES[aid]
                when = ISO_DATES[aid] if self.style.get("iso_dates") else jalali
                render = self.style["render"]
                return 200, html, render(title, when, paragraphs).encode()  # type: ignore[operator]
        return 404, html, b"<h1>not found</h1>"
