"""The extractor's rules on sentences written for these tests, one kind of error each:
page chrome, unit spelling, units and scales, separators and decimals, dates, and the
contexts that make a number something other than a figure."""

from __future__ import annotations

import pytest

from rasad.nlp.extract import Extractor


def found(extractor: Extractor, text: str) -> list[tuple[object, str]]:
    return [(f.value, f.unit) for f in extractor.extract(text).figures]


# ---- page chrome -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "chrome",
    [
        "منبع: https://www.example.ir/news/4521/%D8%A8%D8%AE%D8%B4-%DB%B9%DB%B2-%D8%AF%D8%B1%D8%B5%D8%AF",
        "نشانی: www.shahrdari.ir/fa/news/120 و پست الکترونیک info2024@city.ir",
        "#هفته_فرهنگی_۱۴۰۳ #۱۲_بوستان",
        "۳ دیدگاه",
        "تعداد بازدید: ۱۲۰۴",
        "مجموع نظرات : 0 در انتظار بررسی : 0 انتشار یافته : 0",
        "کد امنیتی: ۴۸۲۱ را وارد کنید",
        "کد خبر۸۵۱۵۳۸ گزارش",
    ],
)
def test_page_chrome_is_not_a_figure(extractor: Extractor, chrome: str) -> None:
    assert found(extractor, chrome) == []


def test_chrome_beside_a_real_figure(extractor: Extractor) -> None:
    text = (
        "شهردار گفت: ۴۰ درصد پروژه انجام شده است.\n"
        "منبع: https://news.example.ir/a/%D9%BE%D8%B1%D9%88%DA%98%D9%87-%DB%B4%DB%B0\n۵ دیدگاه"
    )
    assert found(extractor, text) == [(40, "درصد")]


# ---- how the unit is written ---------------------------------------------------------------


def test_counted_noun_keeps_its_hamza(extractor: Extractor) -> None:
    assert found(extractor, "امسال ۲۵ هزار زائر وارد شهر شدند.") == [(25000, "زائر")]


def test_rate_keeps_its_joiner_and_spaced_unit(extractor: Extractor) -> None:
    assert found(extractor, "دبی رودخانه به ۳۰ مترمکعب بر ثانیه رسید.") == [
        (30, "متر مکعب بر ثانیه")
    ]


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("شهروندان ۸۸۳ تماسهای مردمی ثبت کردند.", "تماس"),
        ("شهروندان ۸۸۳ تماس‌های مردمی ثبت کردند.", "تماس"),
        ("بیمارستان ۲۵۰ تختخوابی افتتاح شد.", "تختخواب"),
        ("تاکنون ۴۰پروازداخلی انجام شده است.", "پرواز"),
        ("برای ۱۲۰ مسافران نوروزی اسکان فراهم شد.", "مسافر"),
        ("در استان ۷ آب شیرین کن فعال است.", "آب شیرین کن"),
        ("در استان ۵۰ سایت آبشیرین کن فعال است.", "سایت"),
        ("در این محله ۳ زمین ورزشی ساخته شد.", "زمین"),
        ("شهرداری ۱۲ فرهنگسرا دارد.", "فرهنگسرا"),
        ("حقوق ۵۰۰ شهرداری پرداخت شد.", "شهرداری"),
    ],
)
def test_counted_noun_lemma(extractor: Extractor, text: str, unit: str) -> None:
    assert [u for _, u in found(extractor, text)] == [unit]


# ---- units and scales the lexicon knows ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        ("بودجه شهرداری ۲ همت است.", (2 * 10**12, "تومان")),
        ("یک طرح ۵ همتی تصویب شد.", (5 * 10**12, "تومان")),
        ("مشهد کلانشهر ۳ میلیونی است.", (3_000_000, "نفر")),
        ("ظرفیت پست برق به ۲۰ مگاولت آمپر رسید.", (20, "مگاولت آمپر")),
        ("خط انتقال ۶۳ کیلوولت احداث شد.", (63, "کیلوولت")),
        ("زمین لرزه ای به بزرگی ۴. ۲ ریشتر رخ داد.", (4.2, "ریشتر")),
    ],
)
def test_units_and_scales(extractor: Extractor, text: str, figure: tuple[object, str]) -> None:
    assert found(extractor, text) == [figure]


# ---- separators and decimals ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("جمعیت استان ۳/۲۵۰/۰۰۰ نفر اعلام شد.", 3_250_000),
        ("در این طرح 839.453 نفر ثبت نام کردند.", 839_453),
        ("بعد خانوار به ۳.۲ نفر رسید.", 3.2),
        ("طول مسیر ۱۲.۵ کیلومتر است.", 12.5),
        ("پیشرفت طرح به ۹۲ و ۶ دهم درصد رسید.", 92.6),
        ("تاکنون یک هزارو ۵۰۰ نفر ثبت نام کرده اند.", 1500),
        ("دمای هوا به منفی ۱۲ درجه رسید.", -12),
    ],
)
def test_separators_and_decimals(extractor: Extractor, text: str, value: object) -> None:
    assert [v for v, _ in found(extractor, text)] == [value]


# ---- dates, years, and numbers that look like them -------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "مراسم در ۳ مهرماه برگزار شد.",
        "جلسه از ۱۵ حمل ۱۴۰۲ آغاز شد.",
        "این قانون در ۲۰ میزان ۱۴۰۱ تصویب شد.",
        "در سال ۱۳۵۰ ساختمان شهرداری ساخته شد.",
        "فرماندار گفت: ۱۴۰۲ سال خوبی برای شهر بود.",
        "۱۴۰۲ شهرداری اراک بوستان تازه‌ای نساخت.",
    ],
)
def test_dates_are_not_figures(extractor: Extractor, text: str) -> None:
    assert found(extractor, text) == []


def test_four_digits_with_a_classifier_count(extractor: Extractor) -> None:
    assert found(extractor, "تا امروز ۱۳۵۰ واحد مسکونی ساخته شد.") == [(1350, "واحد")]
    assert found(extractor, "ثبت بیش از ۱۴۲۰ اثر تاریخی در فهرست ملی") == [(1420, "اثر")]


def test_four_digits_opening_a_clause_before_a_noun_count(extractor: Extractor) -> None:
    assert found(extractor, "۲۰۰۰ کارگر ساختمانی در ایلام بیمه شدند.") == [(2000, "کارگر")]
    assert found(extractor, "مدیرکل گفت: ۱۴۰۰ زائر به ایلام رسیدند.") == [(1400, "زائر")]


def test_a_two_digit_number_after_a_month_is_not_its_year(extractor: Extractor) -> None:
    assert found(extractor, "سیلاب از اول مردادماه ۲۴ استان را درگیر کرد.") == [(24, "استان")]


# ---- contexts that are not figures, and one that is --------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "خسارت سیل به چند ده میلیارد ریال می رسد.",
        "نهال ها درمنطقه چهار شهر غرس شد.",
        "ترافیک بلوار ۴۵ متری سنگین است.",
        "در ۴۵ متری بلوار معلم آسفالت شد.",
        "این سامانه به صورت ۲۴ ساعته پاسخگو است.",
        "سومین جلسه شورا برگزار شد.",
    ],
)
def test_not_figures(extractor: Extractor, text: str) -> None:
    assert found(extractor, text) == []


def test_one_in_a_list_of_counts(extractor: Extractor) -> None:
    assert found(extractor, "۳ زمین ورزشی و یک فرهنگسرا افتتاح شد.") == [
        (3, "زمین"),
        (1, "فرهنگسرا"),
    ]
    assert found(extractor, "یک فرهنگسرا افتتاح شد.") == []  # یک alone: the article "a"


def test_a_bus_length_is_still_a_figure(extractor: Extractor) -> None:
    assert found(extractor, "۲۰ دستگاه اتوبوس ۱۲ متری خریداری شد.") == [
        (20, "دستگاه"),
        (12, "متر"),
    ]
