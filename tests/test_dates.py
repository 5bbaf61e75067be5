"""Jalali dates: conversion, and their exclusion from figures."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from rasad.nlp.dates import find_dates, first_full_date, jalali, parse_jalali_date
from rasad.nlp.text import fold


@pytest.mark.parametrize(
    ("written", "gregorian"),
    [
        ("۱۴۰۲/۱۰/۱۰", date(2023, 12, 31)),
        ("۱۰ دی ۱۴۰۲", date(2023, 12, 31)),
        ("۱۰ دی ماه ۱۴۰۲", date(2023, 12, 31)),
        ("دهم دی ۱۴۰۲", date(2023, 12, 31)),
        ("1399.05.12", date(2020, 8, 2)),
        ("۱ فروردین ۱۴۰۳", date(2024, 3, 20)),
        ("۳۰ اسفند ۱۴۰۳", date(2025, 3, 20)),
        ("سال ۹۹", date(2020, 3, 20)),
        ("سال 1390ش", date(2011, 3, 21)),
        ("بیست و یکم اسفند ۱۳۹۸", date(2020, 3, 11)),
        ("٢٦ شهريور ١٤٠٤", date(2025, 9, 17)),
    ],
)
def test_parse_jalali(written: str, gregorian: date) -> None:
    assert parse_jalali_date(written) == gregorian


@pytest.mark.parametrize("bad", ["", "فردا", "۳۱ اسفند ۱۴۰۲", "۱۴۰۲/۱۳/۰۱", "۱۰ دی"])
def test_bad_dates_raise(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_jalali_date(bad)


def test_find_dates_marks_dates_times_and_years() -> None:
    text = fold(
        "تاریخ انتشار: ۱۰ خرداد ۱۳۹۹ - ۱۶:۰۰ در سال ۹۹ از ساعت ۸ صبح تا ۱۶ و میدان هفت تیر"
    ).folded
    found = {text[d.start : d.end] for d in find_dates(text)}
    assert {"10 خرداد 1399", "16:00", "سال 99", "ساعت 8 صبح تا 16", "هفت تیر"} <= found


def test_first_full_date_gives_article_date() -> None:
    text = fold("کد خبر ۳۵۹۲۱۸\n۲۶ شهريور ۱۴۰۴ - ۱۴:۵۱\nمتن خبر").folded
    assert first_full_date(find_dates(text)) == date(2025, 9, 17)


def test_an_impossible_clock_is_refused_not_half_read() -> None:
    from rasad.crawler.article import parse_published
    from rasad.errors import InvalidInput
    from rasad.nlp.dates import clock_time, find_dates

    with pytest.raises(InvalidInput, match="not a time of day"):
        parse_jalali_date("۱۴۰۲/۱۰/۱۵ ۲۵:۷۰")
    assert parse_jalali_date("۱۴۰۲/۱۰/۱۵ ۲۳:۵۹").isoformat() == "2024-01-05"
    assert clock_time("ساعت 9:05") is not None and clock_time("بدون ساعت") is None
    for text in ("ساعت 25:70 بود", "در 12:70 رسید"):
        assert not any(":70" in text[d.start : d.end] for d in find_dates(text)), text
    assert any(text == "ساعت 16:30" for text in _spans("جلسه ساعت 16:30 آغاز شد"))
    # a page's impossible clock leaves its day (midnight in Tehran), and the crawl goes on
    published = parse_published("۱۵ دی ۱۴۰۲ - ۱۲:۷۰")
    assert published is not None and published.isoformat() == "2024-01-04T20:30:00+00:00"


def _spans(text: str) -> list[str]:
    return [text[d.start : d.end] for d in find_dates(text)]


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (datetime(2024, 1, 5, 4, 30, tzinfo=UTC), "1402/10/15 08:00"),  # +3:30
        (datetime(2021, 6, 1, 12, 0, tzinfo=UTC), "1400/03/11 16:30"),  # summer time, +4:30
        (datetime(2024, 3, 19, 21, 0, tzinfo=UTC), "1403/01/01 00:30"),  # Nowruz in Tehran
        (date(2024, 3, 20), "1403/01/01"),
    ],
)
def test_jalali_shows_tehran_time(moment: datetime | date, shown: str) -> None:
    assert jalali(moment) == shown
