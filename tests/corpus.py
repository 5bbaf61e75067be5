"""A small corpus of articles written for the tests, shared by the store and API tests."""

from __future__ import annotations

from datetime import UTC, datetime

from rasad.index.models import Article
from rasad.ingest import with_figures
from rasad.nlp.extract import Extractor

_EX = Extractor()


def make(
    url: str,
    title: str,
    body: str,
    day: int,
    source: str = "shahraranews",
    city: str | None = "مشهد",
    story: str | None = None,
) -> Article:
    draft = Article(
        url=url,
        source=source,
        title=title,
        body=body,
        city=city,
        story_id=story,
        published=datetime(2024, 1, day, 8, tzinfo=UTC),
    )
    return with_figures(draft, _EX)


CORPUS = [
    make(
        "https://a/1",
        "افتتاح ۲۸ دفتر توسعه محله در مشهد",
        "فرماندار مشهد گفت: تاکنون ۲۸ دفتر توسعه محله راه‌اندازی شده‌اند.",
        1,
    ),
    make("https://a/2", "بوستان‌های تازه", "شهردار مشهد گفت: ۱۲ بوستان محله‌ای ساخته شدهاند.", 2),
    make(
        "https://a/3",
        "خط ۴ مترو",
        "شهردار تهران گفت: 28 دستگاه واگن جدید وارد شده اند و ۳۰ درصد پیشرفت دارد.",
        3,
        source="hamshahri",
        city="تهران",
    ),
    make(
        "https://a/4",
        "گزارش بازآفرینی",
        "در اين گزارش از بازآفريني بافت فرسوده و ۳۵۰ میلیارد ریال اعتبار سخن رفت.",
        4,
        source="isfahan.ir",
        city="اصفهان",
    ),
    make(
        "https://a/5",
        "افتتاح ۳۰ دفتر توسعه محله در مشهد",
        "فرماندار مشهد گفت: تاکنون ۳۰ دفتر توسعه محله راه‌اندازی شده است.",
        20,
    ),
]
