"""The extractor on the seed article and on forms the shared dev set lacks."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rasad.nlp.extract import Extractor, group_mentions


def pairs(extractor: Extractor, text: str) -> list[tuple[float, str]]:
    return [(f.value, f.unit) for f in extractor.extract(text).figures]


def test_seed_article_exactly(extractor: Extractor, seed_text: str) -> None:
    figures = extractor.extract(seed_text).figures
    distinct = group_mentions(figures)
    assert [(d["value"], d["unit"]) for d in distinct] == [
        (28, "دفتر"),
        (3, "دفتر"),
        (880, "نفر"),
        (200, "نفر"),
    ]
    # 28 is reported in the lead and again in the body: one figure, two mentions.
    assert [len(d["mentions"]) for d in distinct] == [2, 1, 1, 1]
    assert [f.surface for f in figures] == ["۲۸ دفتر", "۲۸ دفتر", "سه دفتر", "۸۸۰ نفر", "۲۰۰ نفر"]
    for f in figures:
        assert seed_text[f.start : f.end] == f.surface
        assert f.speaker == "محمدرضا هاشمی"
        assert f.speaker_role == "فرماندار مشهد"
        assert f.location == "مشهد"
        assert f.kind == "count"
        assert f.surface in f.sentence
        assert f.scope == "cumulative"
    assert figures[0].subject == "دفتر توسعه محله"
    assert figures[3].subject == "داوطلب راه\u200cاندازی"  # داوطلبین, in the singular
    assert figures[4].subject == figures[3].subject  # ۲۰۰ نفر از آنها
    # سال ۹۹ is a year and پس از یک سال a time anchor: neither is a figure.
    assert not any("سال" in f.surface for f in figures)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # ZWNJ, no ZWNJ, and a space: the same figure
        ("تاکنون ۱۲ پروژه‌ عمرانی افتتاح شده‌اند.", [(12, "پروژه")]),
        ("تاکنون ۱۲ پروژه عمرانی افتتاح شدهاند.", [(12, "پروژه")]),
        # Arabic yeh and kaf, Arabic-Indic digits
        ("در اين طرح ١٢٠ واحد مسكوني ساخته شد.", [(120, "واحد")]),
        # separators and decimals
        ("اعتبار این طرح ۱٬۲۵۰ میلیارد ریال است.", [(1_250_000_000_000, "ریال")]),
        ("طول این مسیر 12,500 متر است.", [(12500, "متر")]),
        ("این مسیر ۱۴٫۵ کیلومتر طول دارد.", [(14.5, "کیلومتر")]),
        ("سرانه فضای سبز 12/66متر مربع است.", [(12.66, "متر مربع")]),
        # percent signs
        ("پیشرفت فیزیکی پروژه به ۹۰٪ رسید.", [(90, "درصد")]),
        ("پیشرفت فیزیکی پروژه به 45% رسید.", [(45, "درصد")]),
        ("این طرح ۸۰ درصدی پیشرفت داشته است.", [(80, "درصد")]),
        # number words, mixed forms, scale words
        ("دویست و پنجاه دستگاه اتوبوس خریداری شد.", [(250, "دستگاه")]),
        ("برای این کار یک هزار و ۵۰ میلیارد تومان هزینه شد.", [(1_050_000_000_000, "تومان")]),
        ("حدود ۱.۵ میلیون نفر از این خط استفاده کردند.", [(1_500_000, "نفر")]),
        # ranges keep both ends; the lower end shares the scale
        ("روزانه ۲۰ تا ۳۰ تن پسماند جمع می‌شود.", [(20, "تن"), (30, "تن")]),
        ("۲ تا ۳ میلیون نفر مسافر جابه‌جا شدند.", [(2_000_000, "نفر"), (3_000_000, "نفر")]),
        # rates
        ("ظرفیت تصفیه‌خانه ۳۸۰۰ لیتر در ثانیه است.", [(3800, "لیتر در ثانیه")]),
        # durations that measure, and windows that do not
        ("این نمایشگاه به مدت ۲ روز برپا است.", [(2, "روز")]),
        ("پس از یک سال کار تمام شد و در سه ماه اخیر ۴ سال پیش بود.", []),
        # stray spaces around punctuation, glued unit
        ("این خط ۱۴کیلومتر طول دارد ، و ۱۵ ایستگاه دارد .", [(14, "کیلومتر"), (15, "ایستگاه")]),
        # the percent sign typed before the number
        ("رشد ٪۳۰ و %12 ثبت شد.", [(30, "درصد"), (12, "درصد")]),
        # label: value layouts
        ("تعداد واحدهای تحویل شده: ۲۴۰", [(240, "واحد")]),
        # a number word glued to a preposition
        ("بپانصد نفر کمک شد.", [(500, "نفر")]),
        # money in dollars stays in dollars
        ("این شرکت ۲ میلیون دلار سرمایه‌گذاری کرد.", [(2_000_000, "دلار")]),
        # weight and volume
        (
            "روزانه ۱۰۵۰ تن زباله و ۵۰۰ متر مکعب نخاله جمع‌آوری می‌شود.",
            [(1050, "تن"), (500, "متر مکعب")],
        ),
    ],
)
def test_forms(extractor: Extractor, text: str, expected: list[tuple[float, str]]) -> None:
    assert pairs(extractor, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "این پروژه در منطقه ۷ و مناطق ۳ و ۱۴ شهرداری اجرا می‌شود.",
        "طبق ماده ۵ و تبصره ۲ قانون و اصل ۹۰ قانون اساسی.",
        "تجمع در میدان ۱۵ خرداد و میدان هفت تیر برگزار شد.",
        "این مراسم ۱۰ دی ۱۴۰۲ ساعت ۱۶:۰۰ برگزار شد.",
        "در سال ۱۴۰۲ و سال 1390ش بودجه 1401 تصویب شد.",
        "برای اطلاعات بیشتر با شماره ۰۹۱۲۳۴۵۶۷۸۹ یا ۰۵۱-۳۸۴۵۶۷۸۹ تماس بگیرید.",
        "شهروندان می‌توانند با سامانه ۱۳۷ تماس بگیرند.",
        "چندین پروژه و تعدادی طرح و دهها خانوار.",
        "این پنجاه و هفتمین جلسه شورا و دومین نشست بود.",
        "یک فضای تفریحی و یک بوستان ساخته شد.",
        "کد خبر: ۳۵۹۲۱۸",
        "۱- نخستین بند\n۲- دومین بند",
        "مبتلایان به کووید ۱۹ بهبود یافتند.",
        "بازار سه شنبه و پنج شنبه برپاست.",
        "The municipality opened 12 parks and 3 libraries.",
        "قطعه ۳ بهشت رضا و بلوار ۲۲ بهمن و دهه ۶۰",
        "طی ۵ سال اخیر و در ۱۰ سال آینده و دو سال پیش تغییری نکرد.",
        "بیست و دومین جلسه شورا در هفته سوم برگزار شد.",
    ],
)
def test_not_figures(extractor: Extractor, text: str) -> None:
    assert pairs(extractor, text) == []


def test_money_normalized_to_rial_keeps_written_unit(extractor: Extractor) -> None:
    fig = extractor.extract("اعتبار ۳۵۰ میلیارد تومان است.").figures[0]
    assert (fig.value, fig.unit, fig.kind, fig.value_rial) == (
        350_000_000_000,
        "تومان",
        "money",
        3_500_000_000_000,
    )


def test_qualifiers(extractor: Extractor) -> None:
    text = "بیش از ۱۲ هزار نفر، حدود ۳۰۰ خانوار و حداکثر ۵ دستگاه و ۸ واحد."
    assert [f.qualifier for f in extractor.extract(text).figures] == [
        "at_least",
        "approx",
        "at_most",
        "exact",
    ]


def test_sample_article(extractor: Extractor) -> None:
    from tests.conftest import SAMPLES

    text = (SAMPLES / "mashhad_parks.txt").read_text(encoding="utf-8")
    figures = extractor.extract(text).figures
    assert [(f.value, f.unit) for f in figures] == [
        (12, "بوستان"),
        (12, "بوستان"),
        (85000, "متر مربع"),
        (350_000_000_000, "ریال"),
        (420, "نفر"),
        (75, "درصد"),
        (5.5, "هکتار"),
        (1, "سال"),
        (3200, "اصله"),
        (2000, "اصله"),
        (3000, "اصله"),
        (40000, "درخواست"),
    ]
    assert {f.speaker for f in figures} == {"علیرضا کریمی"}
    assert {f.location for f in figures} == {"مشهد"}


_PIECES = st.sampled_from(
    [
        "۲۸ دفتر",
        "سه دفتر",
        "٨٨٠ نفر",
        "1,250 متر",
        "۱۲٫۵ درصد",
        "۴۵٪",
        "دو هزار و پانصد تومان",
        "شده‌اند",
        "شدهاند",
        "كتاب",
        "ي",
        "مشهد",
        "۱۰ دی ۱۴۰۲",
        "منطقه ۷",
        "\u064e",
        "\u0640",
        "ـ",
        " ",
        "  ",
        "\n",
        "،",
        ".",
        ":",
        "(",
        ")",
        "فرماندار مشهد گفت",
        "وی افزود",
        "حدود",
        "تا",
        "بیش از",
        "میلیون",
        "و",
        "۳ تا ۵ میلیارد ریال",
        "\u200c",
        "\ufeff",
        "abc",
        "12",
        "۰۹۱۲۳۴۵۶۷۸۹",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=40))
def test_spans_index_the_original(extractor: Extractor, pieces: list[str]) -> None:
    """Whatever the mix of scripts, marks and spacing, spans point at exact substrings."""
    text = "".join(pieces)
    for fig in extractor.extract(text).figures:
        assert text[fig.start : fig.end] == fig.surface
        assert text[fig.sentence_start : fig.sentence_end] == fig.sentence
        assert fig.sentence_start <= fig.start < fig.end <= fig.sentence_end
