"""The general extractor on pages written for these tests, and on every built-in style with
its selectors removed (it must read what the selectors read)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from rasad.crawler.article import parse_article, parse_published
from rasad.crawler.main_text import extract
from rasad.crawler.site_styles import STYLES, Page
from rasad.crawler.sources import load_sources
from tests.fixture_site import ARTICLES, ISO_DATES, LEADS, STYLED_IDS

BUSY_PAGE = """<!DOCTYPE html><html lang="fa"><head><meta charset="utf-8">
<title>گشایش سرای محله - خبرگزاری نمونه</title></head><body>
<div id="top-menu"><a href="/">خانه</a><a href="/about">درباره ما</a></div>
<div class="news-ticker"><ul>
  <li><a href="/n/9">بارش ۸۰ میلی‌متری در شمال</a> ۲ اسفند ۱۴۰۲ - ۰۹:۰۰</li>
  <li><a href="/n/8">افزایش ۱۵ درصدی بلیت</a> ۱ اسفند ۱۴۰۲ - ۰۸:۰۰</li></ul></div>
<div class="main"><div class="kicker">خبر ویژه</div><h1>گشایش سرای محله در منطقه ۴</h1>
<div class="info"><span>شناسه: ۴۴۱۲</span> <span>۳ اسفند ۱۴۰۲ - ۱۱:۲۰</span></div>
<div class="news-lead">سرای محله تازه با سه کارگاه آموزشی گشوده شد.</div>
<div class="text">
<p>شهردار منطقه ۴ گفت: این سرا با ۶۰۰ متر مربع زیربنا برای ساکنان ساخته شده است.</p>
<p>وی افزود: کلاس‌های مهارت‌آموزی از هفته آینده برگزار می‌شود.</p></div>
<div class="related-links"><h4>مطالب مرتبط</h4><ul>
  <li><a href="/n/7">ساخت ۲۰ سرای دیگر</a> <span>۲۸ بهمن ۱۴۰۲</span></li></ul></div>
<div class="user-comments"><p>عالی است، ۱۰ سال منتظر بودیم.</p></div></div>
<div class="site-footer">همه حقوق محفوظ است</div></body></html>"""


def test_the_article_without_its_chrome() -> None:
    found = extract(BUSY_PAGE, parse_published)
    assert found is not None
    assert found.title == "گشایش سرای محله در منطقه ۴"
    assert found.lead == "سرای محله تازه با سه کارگاه آموزشی گشوده شد."
    assert found.body == (
        "شهردار منطقه ۴ گفت: این سرا با ۶۰۰ متر مربع زیربنا برای ساکنان ساخته شده است.\n"
        "وی افزود: کلاس‌های مهارت‌آموزی از هفته آینده برگزار می‌شود."
    )
    assert "\u200c" in found.body  # مهارت‌آموزی keeps its ZWNJ
    # the ticker's dates stand beside links; the article's own does not
    assert found.published == datetime(2024, 2, 22, 7, 50, tzinfo=UTC)  # 3 Esfand 11:20 Tehran


def test_a_date_in_the_meta_and_text_outside_paragraphs() -> None:
    page = (
        '<html><head><meta property="article:published_time" content="2024-03-01T06:30:00Z">'
        "</head><body><h1>آغاز طرح زمستانه</h1><div class='content'>در طرح زمستانه ۳۰۰ "
        "اصله نهال در بوستان‌ها کاشته شد.<br>کار تا پایان ماه ادامه دارد و ۴۰ نفر در آن "
        "مشارکت دارند.</div><ul class='most-visited'><li><a href='/a'>خبر دیگر</a></li></ul>"
        "</body></html>"
    )
    found = extract(page, parse_published)
    assert found is not None and found.published == datetime(2024, 3, 1, 6, 30, tzinfo=UTC)
    assert found.body.startswith("در طرح زمستانه ۳۰۰ اصله نهال") and "خبر دیگر" not in found.body


def test_a_page_with_no_article() -> None:
    page = "<html><body><ul><li><a href='/1'>یک</a></li><li><a href='/2'>دو</a></li></ul>"
    assert extract(page + "</body></html>", parse_published) is None
    assert extract("", parse_published) is None


@pytest.mark.parametrize("name", sorted(STYLES))
def test_without_selectors_it_reads_what_the_selectors_read(name: str) -> None:
    source = load_sources()[name]
    bare = replace(source, selectors={})
    style = STYLES[name]
    for aid in STYLED_IDS:
        title, jalali, paragraphs = ARTICLES[aid]
        page = style.render(
            Page(aid, title, LEADS[aid], jalali, ISO_DATES[aid], tuple(paragraphs)), "/x"
        )
        url = "https://example.ir" + style.article.format(id=aid)
        chosen, general = parse_article(page, url, source), parse_article(page, url, bare)
        assert chosen is not None and general is not None and general.used_fallback
        assert (general.article.title, general.article.body, general.article.published) == (
            chosen.article.title,
            chosen.article.body,
            chosen.article.published,
        ), (name, aid)
