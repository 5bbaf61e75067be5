"""A local news site in the style of a municipal news agency, served over real HTTP.

Articles are written for these tests.  The site also has the pages that break crawlers:
a windows-1256 page, broken HTML, a missing date, a 500 that succeeds on retry, a
redirect, a dead link and an oversized page.
"""

from __future__ import annotations

import time

from rasad.crawler import demo_sites
from rasad.crawler.demo_sites import LocalSite, serve
from rasad.crawler.site_styles import STYLES

__all__ = ["ARTICLES", "ISO_DATES", "LEADS", "STYLED_IDS", "STYLES", "Site", "StyledSite", "serve"]

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


class Site(LocalSite):
    """The fixture site with the pages that break crawlers."""

    def __init__(self, robots: str = "User-agent: *\nDisallow:\n") -> None:
        super().__init__(robots)
        self.edits: dict[str, list[str]] = {}  # article id → new paragraphs (an edited story)

    def respond(self, path: str) -> tuple[int, dict[str, str], bytes]:
        path = self.count(path)
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


# ---- one small site per built-in source, in the markup its selectors expect -------------------

STYLED_IDS = ["1001", "1003", "1005"]
ISO_DATES = {
    "1001": "2023-12-31T10:30:00+03:30",
    "1003": "2024-01-05T09:00:00+03:30",
    "1005": "2024-01-10T12:00:00+03:30",
}


LEADS = {
    "1001": "شهردار مشهد از ساخت بوستان‌های محله‌ای در محله‌های کم‌برخوردار خبر داد.",
    "1003": "خط سوم قطار شهری مشهد به نیمه راه نزدیک می‌شود.",
    "1005": "کتابخانه‌های تازه در محله‌های پرجمعیت شهر ساخته می‌شوند.",
}


def StyledSite(style: str) -> demo_sites.StyledSite:
    """Three of the articles above in one source's markup."""
    articles = {
        i: demo_sites.DemoArticle(
            ARTICLES[i][0], ARTICLES[i][1], ISO_DATES[i], tuple(ARTICLES[i][2]), LEADS[i]
        )
        for i in STYLED_IDS
    }
    return demo_sites.StyledSite(style, articles)
