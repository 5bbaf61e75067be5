"""Reading one article page: selectors, the main-text fallback, dates, canonical URLs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from rasad.crawler.article import parse_article, parse_published
from rasad.crawler.sources import ConfigError, Source, load_sources

SOURCE = Source(
    name="t",
    listing=("http://x/",),
    selectors={"title": "h1::text", "body": ".text p", "date": ".date::text"},
)


@pytest.mark.parametrize(
    ("written", "utc"),
    [
        ("2024-01-05T10:30:00+03:30", datetime(2024, 1, 5, 7, 0, tzinfo=UTC)),
        ("2024-01-05T10:30:00", datetime(2024, 1, 5, 7, 0, tzinfo=UTC)),  # Tehran assumed
        ("۱۰ دی ۱۴۰۲ - ۱۰:۳۰", datetime(2023, 12, 31, 7, 0, tzinfo=UTC)),
        ("1402/10/12", datetime(2024, 1, 1, 20, 30, tzinfo=UTC)),
        ("شنبه ۲۶ شهریور ۱۴۰۴ ساعت ۱۴:۵۱", datetime(2025, 9, 17, 11, 21, tzinfo=UTC)),
    ],
)
def test_parse_published(written: str, utc: datetime) -> None:
    assert parse_published(written) == utc


@pytest.mark.parametrize("nothing", ["", "امروز", "کد خبر ۱۲۳"])
def test_no_date(nothing: str) -> None:
    assert parse_published(nothing) is None


def test_selectors_and_canonical_url() -> None:
    html = (
        '<html><head><link rel="canonical" href="https://site/fa/news/7/x"></head><body>'
        '<h1>عنوان خبر</h1><span class="date">۱۰ دی ۱۴۰۲</span><div class="text">'
        "<p>بند اول خبر است.</p><p>بند دوم: ۱۲ بوستان ساخته شده‌اند.</p>"
        "<p>منبع: روابط عمومی شهرداری</p></div></body></html>"
    )
    parsed = parse_article(html, "https://site/fa/news/7/x?utm=1", SOURCE)
    assert parsed is not None
    page = parsed.article
    assert page is not None
    assert page.url == "https://site/fa/news/7/x"
    assert page.title == "عنوان خبر"
    assert page.body.splitlines()[1] == "بند دوم: ۱۲ بوستان ساخته شده‌اند."
    assert page.credited_source == "روابط عمومی شهرداری"
    assert not parsed.used_fallback


def test_main_text_fallback_keeps_zwnj() -> None:
    sentence = "شهردار گفت تاکنون ۱۲ بوستان محله‌ای ساخته شده‌اند و کار ادامه دارد."
    html = (
        "<html><head><title>خبر بوستان‌ها</title></head><body><nav>خانه</nav><main>"
        f"<h2>خبر بوستان‌ها</h2><p>{sentence}</p><p>{sentence}</p><p>{sentence}</p>"
        "</main></body></html>"
    )
    parsed = parse_article(html, "https://site/a", SOURCE)  # no h1, no .text: selectors miss
    assert parsed is not None and parsed.used_fallback
    page = parsed.article
    assert "محله‌ای" in page.body and "شده‌اند" in page.body


def test_bad_sources_file(tmp_path) -> None:
    bad = tmp_path / "s.yaml"
    bad.write_text("sources:\n  - name: x\n    selectors: {heading: h1}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown selectors"):
        load_sources(bad)
    bad.write_text("sources: [{name: y}]", encoding="utf-8")
    with pytest.raises(ConfigError, match="at least one of"):
        load_sources(bad)
    assert set(load_sources()) == {
        "shahraranews",
        "mashhad.ir",
        "hamshahrionline",
        "tehran.ir",
        "isfahan.ir",
    }
