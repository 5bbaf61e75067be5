"""A synthetic corpus of Persian-like municipal news with figures, for store benchmarks.

Sentences are built from templates and word lists written for this benchmark, so that word
frequencies, phrase structure, cities, sources and figure rows look like the real stream
without copying any real text.  Seeded: the same arguments give the same corpus.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import accumulate

from rasad.index.models import Article
from rasad.nlp.extract import metric_key
from rasad.nlp.figure import Figure

CITIES = ["مشهد", "تهران", "اصفهان", "شیراز", "تبریز", "کرج", "قم", "اهواز", "رشت", "کرمان"]
SOURCES = ["shahraranews", "mashhad.ir", "hamshahrionline", "tehran.ir", "isfahan.ir"]
ROLES = [
    "شهردار",
    "فرماندار",
    "معاون عمرانی شهردار",
    "مدیرعامل سازمان پارک‌ها",
    "رئیس شورای شهر",
    "مدیرکل راه و شهرسازی",
]
THINGS = [
    ("دفتر توسعه محله", "دفتر"),
    ("بوستان محله‌ای", "بوستان"),
    ("دستگاه اتوبوس", "دستگاه"),
    ("ایستگاه مترو", "ایستگاه"),
    ("پروژه عمرانی", "پروژه"),
    ("مدرسه", "مدرسه"),
    ("کتابخانه عمومی", "کتابخانه"),
    ("واحد مسکونی", "واحد"),
    ("نفر از داوطلبان", "نفر"),
    ("اصله نهال", "اصله"),
]
MEASURES = [
    ("میلیارد ریال اعتبار", "ریال", "money", 10**9),
    ("درصد پیشرفت فیزیکی", "درصد", "percent", 1),
    ("هکتار فضای سبز", "هکتار", "area", 1),
    ("کیلومتر مسیر دوچرخه", "کیلومتر", "length", 1),
]
# Topic words: the benchmark's queries are drawn from these.
WORDS = """
بازآفرینی بافت فرسوده شهری محلات حاشیه توسعه برنامه اجرای طرح ساماندهی خدمات شهروندان
ترافیک حمل نقل عمومی فضای سبز پسماند آسفالت معابر نوسازی مشارکت مردم سرمایه‌گذاری بخش
خصوصی شورای اسلامی نشست خبری بازدید افتتاح بهره‌برداری پیشرفت عملیات عمرانی زیرساخت آب
فاضلاب برق روشنایی ایمنی آتش‌نشانی فرهنگی اجتماعی ورزشی گردشگری میراث تاریخی محیط زیست
هوای پاک کیفیت زندگی اشتغال کسب کار آموزش مهارت داوطلبان سازمان مدیریت بحران سیلاب زلزله
مقاوم‌سازی ساختمان پروانه شهرسازی معماری بودجه اعتبارات درآمد پایدار عوارض سامانه هوشمند
دیجیتال الکترونیک پنجره شفافیت نظارت پاسخگویی
""".split()
_LETTERS = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"


def _vocabulary(rng: random.Random, size: int = 8000) -> list[str]:
    """Topic words among pseudo-words, in rank order: news vocabulary is long-tailed."""
    pseudo = {"".join(rng.choice(_LETTERS) for _ in range(rng.randint(3, 8))) for _ in range(size)}
    vocab = sorted(pseudo - set(WORDS))
    rng.shuffle(vocab)
    for k, word in enumerate(WORDS):  # topic words take ranks 20 to ~300
        vocab.insert(20 + 3 * k, word)
    return vocab


VERBS = [
    "انجام شد",
    "آغاز شده است",
    "به بهره‌برداری رسید",
    "در دست اجراست",
    "تصویب شد",
    "پیگیری می‌شود",
    "تکمیل خواهد شد",
    "راه‌اندازی شده‌اند",
]
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


class _Zipf:
    """Draws words with probability proportional to 1 / rank."""

    def __init__(self, rng: random.Random) -> None:
        self.vocab = _vocabulary(rng)
        weights = [1 / (rank + 1) for rank in range(len(self.vocab))]
        self.cum = list(accumulate(weights))

    def words(self, rng: random.Random, n: int) -> str:
        return " ".join(rng.choices(self.vocab, cum_weights=self.cum, k=n))


def _filler(rng: random.Random, n: int) -> str:
    return _ZIPF.words(rng, n)


def make_article(i: int, rng: random.Random, start: datetime) -> Article:
    city = rng.choice(CITIES)
    role = f"{rng.choice(ROLES)} {city}"
    source = rng.choice(SOURCES)
    sentences, figures = [], []
    title_thing, _title_unit = rng.choice(THINGS)
    title_n = rng.randint(2, 900)
    title = f"{role}: {str(title_n).translate(PERSIAN_DIGITS)} {title_thing} {rng.choice(VERBS)}"
    for k in range(rng.randint(8, 14)):
        if k % 3 == 0:
            thing, unit = rng.choice(THINGS)
            n = title_n if k == 0 else rng.randint(2, 5000)
            surface = f"{str(n).translate(PERSIAN_DIGITS)} {unit}"
            kind, value = "count", n
            subject = thing
        elif k % 3 == 1:
            phrase, unit, kind, scale = rng.choice(MEASURES)
            n = rng.randint(1, 900)
            value = n * scale
            surface = f"{str(n).translate(PERSIAN_DIGITS)} {phrase.split()[0]}"
            subject = " ".join(phrase.split()[1:]) or unit
            thing = phrase
        else:
            sentences.append(f"{_filler(rng, rng.randint(12, 22))} {rng.choice(VERBS)}.")
            continue
        sentence = (
            f"{role} گفت: تاکنون {str(n).translate(PERSIAN_DIGITS)} {thing} در "
            f"{_filler(rng, 6)} {rng.choice(VERBS)}."
        )
        # offsets into the article's text (title, then the body's lines), as extraction
        # gives them: the figure is the number and the word after it
        sentence_start = len(title) + 1 + sum(len(s) + 1 for s in sentences)
        begin = sentence.index("تاکنون") + len("تاکنون ")
        surface = sentence[begin : sentence.index(" ", begin + len(str(n)) + 1)]
        sentences.append(sentence)
        figures.append(
            Figure(
                value=value,
                unit=unit,
                kind=kind,
                surface=surface,
                start=sentence_start + begin,
                end=sentence_start + begin + len(surface),
                subject=subject,
                qualifier="exact",
                scope="cumulative",
                location=city,
                speaker=role,
                speaker_role=role,
                sentence=sentence,
                sentence_start=sentence_start,
                sentence_end=sentence_start + len(sentence),
                metric=metric_key(subject, unit, city),
                value_rial=value if unit == "ریال" else None,
                figure_id=len(figures),
            )
        )
    return Article(
        url=f"https://{source}/news/{i}",
        source=source,
        title=title,
        body="\n".join(sentences),
        city=city,
        figures=figures,
        published=start + timedelta(minutes=7 * i + rng.randint(0, 6)),
    )


_ZIPF = _Zipf(random.Random(3))


def corpus(n: int, seed: int = 7) -> Iterator[Article]:
    rng = random.Random(seed)
    start = datetime(2023, 3, 21, tzinfo=UTC)
    for i in range(n):
        yield make_article(i, rng, start)
