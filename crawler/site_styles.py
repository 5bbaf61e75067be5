"""Pages in the markup of each CMS the built-in sources run on, for the local copies of the
sites that `rasad demo` and the tests crawl.

Each style writes what a real site of its CMS puts around an article, because that is what
breaks extraction: a headline ticker and related-news lists full of other articles' dates
and figures, a comment block, breadcrumbs, «کد خبر», links to "about us" pages whose URLs
look like articles, AMP copies, paging links with unusual `rel` values.  The article texts
are Rasad's own (`demo_sites.DEMO_ARTICLES`, the tests' fixtures).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

# other articles' headlines as tickers and related lists show them, figures and dates included
_OTHERS = (
    ("کاهش ۴۰ درصدی ترافیک در محور شرقی", "۳ دی ۱۴۰۲ - ۰۸:۱۰"),
    ("توزیع ۱۲ هزار بسته معیشتی در حاشیه شهر", "۴ دی ۱۴۰۲ - ۱۲:۴۵"),
    ("افتتاح ۳ پل عابر پیاده مکانیزه", "۵ دی ۱۴۰۲ - ۱۷:۲۰"),
)
_COMMENTS = (
    "چرا ۲ سال است که کوچه ما آسفالت نشده؟",
    "دست مریزاد؛ ۵۰۰ خانوار از این طرح بهره‌مند شدند.",
)


@dataclass(frozen=True)
class Page:
    """What a style needs of an article to write its page."""

    id: str
    title: str
    lead: str
    jalali: str  # as the site prints it: ۱۰ دی ۱۴۰۲ - ۱۰:۳۰
    iso: str  # the same moment, machine-readable, with its offset
    paragraphs: tuple[str, ...]
    tags: tuple[str, ...] = ("مدیریت شهری", "محله")


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _utc(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _doc(head: str, body: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="fa" dir="rtl"><head><meta charset="utf-8">{head}'
        f"</head><body>{body}</body></html>"
    )


def _paras(page: Page) -> str:
    return "".join(f"<p>{_e(p)}</p>" for p in page.paragraphs)


@dataclass(frozen=True)
class Style:
    """One CMS's URL layout and markup."""

    listing: str  # the first listing page
    listing_page: Callable[[int], str]  # the path of listing page n (n ≥ 1)
    article: str  # the path of an article, with {id}
    render: Callable[[Page, str], str]  # (article, article path of another one) → page
    render_listing: Callable[[list[tuple[str, Page]], str | None], str]  # (path, page) items
    feeds: tuple[tuple[str, str], ...] = ()  # (path, "rss" | "sitemap" | "news_sitemap")
    chrome_links: tuple[str, ...] = ()  # site pages whose URLs look like articles


# ---- Nastooh (Hamshahri Online) ------------------------------------------------------------


def _nastooh(page: Page, other: str) -> str:
    ticker = "".join(f'<li><a href="{other}">{_e(t)}</a></li>' for t, _ in _OTHERS)
    related = "".join(
        f'<li class="news"><h3><a href="{other}">{_e(t)}</a></h3><time>{d}</time></li>'
        for t, d in _OTHERS
    )
    tags = "".join(f'<li><a rel="tag" href="/tags/{_e(t)}">{_e(t)}</a></li>' for t in page.tags)
    comments = "".join(f"<li><p>{_e(c)}</p></li>" for c in _COMMENTS)
    head = (
        '<meta name="generator" content="www.nastooh.ir">'
        '<meta property="nastooh:pageType" content="news">'
        f'<meta itemprop="datePublished" property="article:published_time" '
        f'content="{_utc(page.iso)}"><title>{_e(page.title)} - همشهری آنلاین</title>'
    )
    body = (
        '<header><nav><a href="/">صفحه نخست</a><a href="/news/422003/">درباره ما</a>'
        '<a href="/news/531930/">آگهی و تبلیغات</a></nav>'
        f'<div class="ticker"><ul>{ticker}</ul></div></header><main>'
        '<ol class="breadcrumb"><li><a href="/">همشهری آنلاین</a></li>'
        '<li><a href="/service/city">شهری</a></li></ol>'
        '<article class="item"><div class="item-header">'
        f'<div class="item-date"><span>{page.jalali}</span></div>'
        f'<div class="item-code"><span>کد خبر {page.id}</span></div>'
        f'<h3 class="rutitr">گزارش شهری</h3><h1 class="title">{_e(page.title)}</h1>'
        f'<p class="introtext">{_e(page.lead)}</p></div>'
        f'<div class="item-body"><div class="item-text">{_paras(page)}</div></div>'
        f'<section class="box tags"><header>برچسب‌ها</header><ul>{tags}</ul></section>'
        f'</article><section class="box related"><header>خبرهای مرتبط</header><ul>{related}'
        f'</ul></section><section class="box comments"><ul class="comments-list">{comments}'
        "</ul></section></main><footer>تمامی حقوق برای همشهری آنلاین محفوظ است</footer>"
    )
    return _doc(head, body)


def _nastooh_listing(items: list[tuple[str, Page]], next_path: str | None) -> str:
    shown = "".join(
        f'<li class="news"><div class="desc"><h3><a href="{path}">{_e(p.title)}</a></h3>'
        f'<p class="introtext">{_e(p.lead)}</p></div></li>'
        for path, p in items
    )
    more = f'<a rel="noindex next" href="{_e(next_path)}">صفحه بعد</a>' if next_path else ""
    return _doc(
        '<meta name="generator" content="www.nastooh.ir">',
        '<nav><a href="/news/422003/">درباره ما</a><a href="/news/531930/">تبلیغات</a></nav>'
        f'<section class="box"><ul>{shown}</ul></section><div class="pagination">{more}</div>',
    )


# ---- Iran Samaneh (Shahraranews) -----------------------------------------------------------


def _samaneh(page: Page, other: str) -> str:
    ticker = "".join(f'<li><a href="{other}">{_e(t)}</a> <span>{d}</span></li>' for t, d in _OTHERS)
    related = "".join(
        f'<li><a href="{other}">{_e(t)}</a><span class="date">{d}</span></li>' for t, d in _OTHERS
    )
    tags = "".join(f'<a href="/fa/tags/{_e(t)}">{_e(t)}</a>' for t in page.tags)
    comments = "".join(
        f'<div class="comments_item"><span class="name">شهروند</span><p>{_e(c)}</p></div>'
        for c in _COMMENTS
    )
    head = f'<link rel="amphtml" href="/fa/amp/news/{page.id}"><title>{_e(page.title)}</title>'
    body = (
        f'<div class="header"><div class="ticker"><ul>{ticker}</ul></div></div>'
        '<div class="news-main"><div class="news-content">'
        f'<ul class="up-news-tools"><li>کد خبر: {page.id}</li><li><span>{page.jalali}</span>'
        '</li><li><a href="#">نسخه چاپی</a></li></ul>'
        f'<h1 class="title">{_e(page.title)}</h1><p class="subtitle">{_e(page.lead)}</p>'
        f'<div class="body">{_paras(page)}</div>'
        f'<div class="tags_container">{tags}</div></div>'
        f'<div class="related-news"><h4>اخبار مرتبط</h4><ul>{related}</ul></div>'
        f'<div class="comments">{comments}</div></div>'
    )
    return _doc(head, body)


def _samaneh_listing(items: list[tuple[str, Page]], next_path: str | None) -> str:
    shown = "".join(
        f'<li><a href="{path}">{_e(p.title)}</a> <a href="/fa/amp/news/{p.id}">AMP</a></li>'
        for path, p in items
    )
    more = f'<a rel="next" href="{_e(next_path)}">بعدی</a>' if next_path else ""
    return _doc("", f'<ul class="archive">{shown}</ul><div class="paging">{more}</div>')


# ---- Saman portal (the Mashhad municipality) -------------------------------------------------


def _saman(page: Page, other: str) -> str:
    related = "".join(f'<li><a href="{other}">{_e(t)}</a> ({d})</li>' for t, d in _OTHERS)
    body = (
        '<div id="header"><a href="/index.php?module=cms&page=about">درباره شهرداری</a></div>'
        '<div class="news-box">'
        f'<h1 class="news-title">{_e(page.title)}</h1>'
        f'<div class="news-date">تاریخ انتشار: {page.jalali}</div>'
        f'<div class="news-lead">{_e(page.lead)}</div>'
        f'<div class="news-body">{_paras(page)}</div></div>'
        f'<div class="side"><h4>آخرین اخبار</h4><ul>{related}</ul></div>'
    )
    return _doc(f"<title>{_e(page.title)}</title>", body)


def _saman_listing(items: list[tuple[str, Page]], next_path: str | None) -> str:
    shown = "".join(f'<li><a href="{path}">{_e(p.title)}</a></li>' for path, p in items)
    more = f'<a class="next" href="{_e(next_path)}">صفحه بعد</a>' if next_path else ""
    return _doc("", f'<ul class="news-list">{shown}</ul>{more}')


# ---- DotNetNuke (the Tehran municipality) ----------------------------------------------------


def _dnn(page: Page, other: str) -> str:
    related = "".join(f'<li><a href="{other}">{_e(t)}</a> {d}</li>' for t, d in _OTHERS)
    body = (
        '<form id="Form" action="/Default.aspx?tabid=50"><div id="dnn_ContentPane">'
        '<div class="DnnModule"><div class="Article">'
        f'<h1 class="ArticleTitle">{_e(page.title)}</h1>'
        f'<span class="ArticleDate">{page.jalali}</span>'
        f'<div class="ArticleSummary">{_e(page.lead)}</div>'
        f'<div class="ArticleBody">{_paras(page)}</div></div></div>'
        f'<div class="DnnModule"><h4>اخبار دیگر</h4><ul>{related}</ul></div></div></form>'
    )
    return _doc('<meta name="generator" content="DotNetNuke">', body)


def _dnn_listing(items: list[tuple[str, Page]], next_path: str | None) -> str:
    shown = "".join(f'<li><a href="{path}">{_e(p.title)}</a></li>' for path, p in items)
    more = f'<a rel="next" href="{_e(next_path)}">بعدی</a>' if next_path else ""
    return _doc('<meta name="generator" content="DotNetNuke">', f"<ul>{shown}</ul>{more}")


# ---- a site with no known CMS (the Isfahan municipality) -------------------------------------


def _plain(page: Page, other: str) -> str:
    related = "".join(f'<li><a href="{other}">{_e(t)}</a> — {d}</li>' for t, d in _OTHERS)
    body = (
        f'<nav><a href="/">خانه</a></nav><article><h1>{_e(page.title)}</h1>'
        f'<div class="news-date">{page.jalali}</div><p class="lead">{_e(page.lead)}</p>'
        f'<div class="news-content">{_paras(page)}</div></article>'
        f"<aside><h4>پربازدیدها</h4><ul>{related}</ul></aside>"
    )
    return _doc(f"<title>{_e(page.title)}</title>", body)


def _plain_listing(items: list[tuple[str, Page]], next_path: str | None) -> str:
    shown = "".join(f'<li><a href="{path}">{_e(p.title)}</a></li>' for path, p in items)
    more = f'<a rel="next" href="{_e(next_path)}">بعدی</a>' if next_path else ""
    return _doc("", f"<ul>{shown}</ul>{more}")


STYLES: dict[str, Style] = {
    "hamshahrionline": Style(
        listing="/page/archive.xhtml?pi=1",
        listing_page=lambda n: f"/page/archive.xhtml?pi={n}",
        article="/news/{id}/خبر-شهری",
        render=_nastooh,
        render_listing=_nastooh_listing,
        feeds=(("/rss", "rss"),),
        chrome_links=("/news/422003/", "/news/531930/"),
    ),
    "shahraranews": Style(
        listing="/fa/archive",
        listing_page=lambda n: "/fa/archive" if n == 1 else f"/fa/archive?page={n}",
        article="/fa/news/{id}/خبر",
        render=_samaneh,
        render_listing=_samaneh_listing,
        feeds=(("/fa-sitemap-news", "news_sitemap"),),
        chrome_links=("/fa/amp/news/{id}",),
    ),
    "mashhad.ir": Style(
        listing="/index.php?module=news&page=1",
        listing_page=lambda n: f"/index.php?module=news&page={n}",
        article="/news/{id}-خبر.html",
        render=_saman,
        render_listing=_saman_listing,
        feeds=(("/backend.php", "rss"),),
    ),
    "tehran.ir": Style(
        listing="/Default.aspx?tabid=50",
        listing_page=lambda n: "/Default.aspx?tabid=50" + (f"&page={n}" if n > 1 else ""),
        article="/Default.aspx?tabid=50&ArticleID={id}",
        render=_dnn,
        render_listing=_dnn_listing,
    ),
    "isfahan.ir": Style(
        listing="/fa/news",
        listing_page=lambda n: "/fa/news" if n == 1 else f"/fa/news?page={n}",
        article="/fa/news/{id}/خبر",
        render=_plain,
        render_listing=_plain_listing,
        feeds=(("/sitemap.xml", "sitemap"),),
    ),
}
