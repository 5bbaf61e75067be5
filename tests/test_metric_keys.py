"""Metric keys: paraphrases of one statistic share a key; like statistics of other things
in the same place and unit do not.  Sentences written for these tests."""

from __future__ import annotations

import pytest

from rasad.nlp.extract import Extractor
from rasad.nlp.vocabulary import noun_of_action

SAME = {
    "libraries": [
        ("شمار کتابخانه‌های عمومی یزد به ۴۲ کتابخانه رسید.", 42),
        ("یزد اکنون ۴۵ کتابخانه عمومی دارد.", 45),
        ("تعداد کتابخانه های عمومی شهر یزد ۴۸ باب است.", 48),
    ],
    "ambulances": [
        ("۶۰ دستگاه آمبولانس جدید به ناوگان اورژانس شیراز اضافه شد.", 60),
        ("شیراز ۷۰ آمبولانس دارد.", 70),
        ("تعداد آمبولانس‌های شیراز به ۸۰ دستگاه رسید.", 80),
    ],
    "wastewater": [
        ("طول شبکه فاضلاب ساری به ۹۰۰ کیلومتر رسید.", 900),
        ("ساری اکنون ۹۵۰ کیلومتر شبکه فاضلاب دارد.", 950),
        ("شبکه فاضلاب شهر ساری ۱۰۰۰ کیلومتر طول دارد.", 1000),
    ],
    "minibuses": [  # a fleet holds what is counted; it is not a kind of it
        ("شمار مینی‌بوس‌های ناوگان همدان به ۳۰۰ دستگاه رسید.", 300),
        ("همدان اکنون ۳۲۰ دستگاه مینی‌بوس دارد.", 320),
        ("۲۰ مینی‌بوس نو وارد ناوگان حمل و نقل همدان شد.", 20),
    ],
    "volunteers": [  # people are counted by who they are, whatever they signed up for
        ("۱۲۰ نفر از داوطلبان طرح ایمنی محله در قزوین آموزش دیدند.", 120),
        ("شمار داوطلبان قزوینی به ۱۵۰ نفر رسید.", 150),
        ("دوره امداد برای ۱۸۰ نفر از داوطلبین محلات قزوین برگزار شد.", 180),
    ],
    "housing": [  # a classifier after a measuring word gives way to its noun
        ("۲ هزار واحد مسکن مهر در بجنورد تحویل شد.", 2000),
        ("شمار واحدهای مسکن مهر بجنورد به ۳ هزار واحد رسید.", 3000),
        ("بجنورد اکنون ۴ هزار واحد مسکن مهر دارد.", 4000),
    ],
    "new schools": [  # نوساز is an adjective of novelty, as جدید is
        ("۱۲۰ مدرسه جدید در گرگان ساخته شد.", 120),
        ("تعداد مدارس نوساز گرگان به ۱۳۰ باب رسید.", 130),
    ],
    "pupils": [  # a person noun made of a noun and a present stem stays whole
        ("۲۰۰ هزار دانش‌آموز در زاهدان به مدرسه رفتند.", 200_000),
        ("شمار دانش‌آموزان زاهدان به ۲۱۰ هزار نفر رسید.", 210_000),
        ("زاهدان ۲۲۰ هزار نفر دانش آموز دارد.", 220_000),
    ],
    "metro lines": [  # a network has a length of line: the line of the network's kind
        ("طول خطوط قطار شهری تبریز به ۳۰ کیلومتر رسید.", 30),
        ("شبکه قطار شهری تبریز اکنون ۳۵ کیلومتر خط دارد.", 35),
        ("تبریز ۴۰ کیلومتر خط قطار شهری دارد.", 40),
    ],
    "industrial units": [  # a relational adjective after a classifier describes it
        ("۳۰۰ واحد صنعتی در اراک فعال است.", 300),
        ("تعداد واحدهای صنعتی اراک به ۳۲۰ واحد رسید.", 320),
        ("اراک اکنون ۳۴۰ واحد صنعتی دارد.", 340),
    ],
    "park area": [  # با مساحت N: the area of the nouns before با
        ("۱۰ بوستان با مساحت بیش از ۵۰ هزار متر مربع در بجنورد ساخته شد.", 50_000),
        ("مساحت بوستان‌های بجنورد به ۶۰ هزار متر مربع رسید.", 60_000),
        ("بوستان‌های بجنورد ۷۰ هزار متر مربع مساحت دارند.", 70_000),
    ],
    "stray dogs": [  # قلاده, a classifier like دستگاه
        ("۲ هزار قلاده سگ بلاصاحب در ایلام جمع‌آوری شد.", 2000),
        ("شمار سگ‌های بلاصاحب ایلام به ۳ هزار قلاده رسید.", 3000),
    ],
    "tankers": [  # a loanword hazm does not list still sheds its plural
        ("۱۲۰ دستگاه تانکر آبرسانی در ایلام فعال است.", 120),
        ("تعداد تانکرهای آبرسانی ایلام به ۱۴۰ دستگاه رسید.", 140),
    ],
    "injured": [  # a person compound with a past participle stays whole
        ("۳۰ نفر از آسیب‌دیدگان زلزله ایلام ترخیص شدند.", 30),
        ("شمار آسیب‌دیدگان زلزله ایلام به ۴۰ نفر رسید.", 40),
    ],
    "rainfall": [  # nouns of one verb's action, in an amount, are one statistic
        ("میزان بارندگی زاهدان امسال ۶۰ میلی‌متر بود.", 60),
        ("بارش‌های زاهدان به ۷۰ میلی‌متر رسید.", 70),
        ("در زاهدان ۸۰ میلیمتر باران بارید.", 80),
    ],
    "emissions": [
        ("آلایندگی صنایع اراک به ۲۰۰ تن رسید.", 200),
        ("میزان آلایش صنایع اراک ۲۵۰ تن است.", 250),
    ],
    "parking occupancy": [  # a with-phrase measures the nouns before با
        ("پارکینگ‌های طبقاتی یزد با ضریب اشغال ۶۰ درصد کار می‌کنند.", 60),
        ("ضریب اشغال پارکینگ‌های طبقاتی یزد به ۶۵ درصد رسید.", 65),
    ],
    "unemployment": [  # … unless only the place stands before it
        ("یزد با نرخ بیکاری ۸ درصد در رتبه دوم است.", 8),
        ("نرخ بیکاری یزد ۹ درصد است.", 9),
    ],
    "budget": [
        ("بودجه شهرداری زنجان ۳ هزار میلیارد تومان تصویب شد.", 3 * 10**12),
        ("بودجه سال آینده شهرداری زنجان ۴ هزار میلیارد تومان است.", 4 * 10**12),
        ("شورای شهر زنجان بودجه شهرداری را ۵ هزار میلیارد تومان تصویب کرد.", 5 * 10**12),
    ],
}


def key(extractor: Extractor, text: str, value: int) -> str:
    figure = next(f for f in extractor.extract(text).figures if f.value == value)
    return figure.metric


@pytest.mark.parametrize("group", sorted(SAME))
def test_paraphrases_share_one_key(extractor: Extractor, group: str) -> None:
    keys = {key(extractor, text, value) for text, value in SAME[group]}
    assert len(keys) == 1, keys


def test_other_things_in_the_same_place_and_unit_differ(extractor: Extractor) -> None:
    buses = key(extractor, "شیراز ۷۰۰ دستگاه اتوبوس دارد.", 700)
    ambulances = key(extractor, "شیراز ۷۰ دستگاه آمبولانس دارد.", 70)
    assert buses != ambulances
    assert buses.endswith("| شیراز") and ambulances.endswith("| شیراز")


def test_counted_nouns_of_one_verb_stay_apart(extractor: Extractor) -> None:
    """Counted, the nouns of one verb are different things: shows are not agencies."""
    shows = key(extractor, "اراک ۵۰ نمایش دارد.", 50)
    agencies = key(extractor, "اراک ۵۰ نمایندگی دارد.", 50)
    assert shows != agencies


def test_a_range_of_more_takes_the_thing_counted_before(extractor: Extractor) -> None:
    text = "پارسال ۳۲۰۰ اصله نهال در ساوه کاشته شد و امسال ۲ تا ۳ هزار اصله دیگر کاشته می‌شود."
    keys = {key(extractor, text, value) for value in (3200, 2000, 3000)}
    assert keys == {"نهال | نهال | ساوه"}


def test_a_part_of_them_is_not_the_whole_s_statistic(extractor: Extractor) -> None:
    text = "۸۸۰ نفر از داوطلبان اراک آموزش دیدند که ۲۰۰ نفر از آنها اکنون شاغل هستند."
    assert key(extractor, text, 880) == "داوطلب | داوطلب | اراک"
    assert key(extractor, text, 200) == "داوطلب شاغل | داوطلب | اراک"  # what they became
    text = "برای ۹۰۰ نفر از داوطلبان اراک دوره برگزار شد و ۳۰۰ نفر از آنان به اشتغال رسیدند."
    assert key(extractor, text, 300) == "داوطلب اشتغال | داوطلب | اراک"


def test_people_of_different_kinds_in_one_place_differ(extractor: Extractor) -> None:
    volunteers = key(extractor, "۲۰۰ نفر از داوطلبان طرح ایمنی در قزوین آموزش دیدند.", 200)
    staff = key(extractor, "۲۰۰ نفر از کارکنان طرح ایمنی در قزوین آموزش دیدند.", 200)
    assert volunteers != staff


def test_a_people_count_keeps_its_full_subject_for_reading(extractor: Extractor) -> None:
    text = "۱۲۰ نفر از داوطلبان طرح ایمنی در قزوین آموزش دیدند."
    figure = next(f for f in extractor.extract(text).figures if f.value == 120)
    assert figure.metric.startswith("داوطلب |")
    assert figure.subject.startswith("داوطلب طرح")


def test_a_classifier_folds_into_its_noun(extractor: Extractor) -> None:
    assert key(extractor, "۵۰۰ دستگاه اتوبوس در تبریز فعال است.", 500) == key(
        extractor, "۵۰۰ اتوبوس در تبریز فعال است.", 500
    )


@pytest.mark.parametrize(
    ("text", "value", "thing"),
    [
        ("تاکنون ۲۸ دفتر توسعه محله در مشهد راه‌اندازی شده است.", 28, "دفتر توسعه محله"),
        ("۳۵ دفتر توسعه‌ی محله در حاشیه شهر مشهد فعال است.", 35, "دفتر توسعه محله"),
        ("تعداد دفاتر توسعه محله مشهد اکنون ۳۲ دفتر است.", 32, "دفتر توسعه محله"),
        ("۴۰۰ هزار گردشگر خارجی از اصفهان دیدن کردند.", 400_000, "گردشگر"),
        ("خط یک متروی قم با ۵۰ درصد پیشرفت در حال ساخت است.", 50, "پیشرفت"),
        ("هتل‌های یزد با ضریب اشغال ۷۰ درصد کار می‌کنند.", 70, "ضریب اشغال هتل"),
        ("۳۰۰ واحد صنعتی در اراک فعال است.", 300, "واحد صنعتی"),
        ("مساحت این بوستان ۴ هکتار است.", 4, "بوستان"),  # not the demonstrative
        ("ساخت یک پارک ۳ هکتاری در قزوین آغاز شد.", 3, "پارک"),  # what the number describes
        # an area's word does not measure money: the money was spent on the park
        (
            "مساحت این بوستان ۲ هکتار است و برای ساخت آن ۴۰ میلیارد ریال هزینه شد.",
            40 * 10**9,
            "بوستان",
        ),
        # a clause after و shares the subject of the clause before it
        (
            "سرانه فضای سبز قزوین ۱۰ متر مربع است و تا پایان برنامه به ۱۲ متر مربع می‌رسد.",
            12,
            "سرانه فضا سبز",
        ),
        ("طول خطوط مترو کرج که پارسال ۱۸ کیلومتر بود به ۲۲ کیلومتر رسید.", 22, "خط مترو"),
        # دیگر: more of what the figure before in the same unit counted
        (
            "تعداد اتوبوس‌های اراک به ۶۵۰ دستگاه رسید و ۲۰۰ دستگاه دیگر نیز خریده می‌شود.",
            200,
            "اتوبوس",
        ),
        # a share of what a pronoun points back to
        ("بودجه شهرداری اراک ۱۲ هزار میلیارد تومان است که ۴۰ درصد آن عمرانی است.", 40, "بودجه"),
        # the clause after اینکه is the figure's, not the speaker's
        ("شهردار با بیان اینکه ۶۰ درصد این اعتبار تأمین شده است، از مردم تشکر کرد.", 60, "اعتبار"),
    ],
)
def test_what_is_measured(extractor: Extractor, text: str, value: int, thing: str) -> None:
    assert key(extractor, text, value).split(" | ")[0] == thing


@pytest.mark.parametrize(
    ("text", "value", "subject"),
    [
        ("شمار کتابخانه‌های عمومی یزد به ۴۲ کتابخانه رسید.", 42, "کتابخانه"),  # no adjective
        ("تعداد مدارس غیرانتفاعی کاشان ۴۰ باب است.", 40, "مدرسه غیرانتفاعی"),  # broken plural
        ("۱۲ هزار مسافر نوروزی وارد یزد شدند.", 12000, "مسافر"),
        ("۳۰ هزار زائر به قم آمدند.", 30000, "زائر"),  # the hamza as written
        ("ساوه ۸۰۰ هکتار فضای سبز دارد.", 800, "فضای سبز"),  # the ezafe a vowel needs
        ("در اراک ۳۰۰ میلیمتر باران بارید.", 300, "باران"),  # not the verb after it
        ("بابل روزانه ۳۰۰ تن زباله تولید می‌کند.", 300, "زباله"),  # nor a compound verb's noun
        ("شهرداری بابل امسال ۲۰ بوستان ساخت.", 20, "بوستان"),  # nor the verb closing it
        (
            "میزان وام ودیعه پرداختی بابل به ۸۰ میلیارد تومان رسید.",
            80 * 10**9,
            "وام ودیعه",
        ),  # paid: an adjective
    ],
)
def test_the_subject_is_what_is_measured_in_the_article_s_spelling(
    extractor: Extractor, text: str, value: int, subject: str
) -> None:
    figure = next(f for f in extractor.extract(text).figures if f.value == value)
    assert figure.subject == subject


@pytest.mark.parametrize(
    ("word", "noun"),
    [
        ("بارندگی", "بارش"),
        ("باران", "بارش"),
        ("بارش", "بارش"),
        ("ارز", "ارز"),  # the bare stem is a word of its own (currency), never folded
        ("درختان", "درخت" + "ان"),  # a plural in ان on a noun that is not a verb's stem
    ],
)
def test_nouns_of_a_verb_s_action(word: str, noun: str) -> None:
    assert noun_of_action(word) == noun
