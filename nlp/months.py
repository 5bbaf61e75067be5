"""Month and weekday names: Jalali, Afghan (the zodiac names), Gregorian, lunar.

All entries are in folded spelling (ی, ک, no ZWNJ: see `text.fold`).
"""

from __future__ import annotations

MONTHS = {
    "فروردین": 1,
    "اردیبهشت": 2,
    "خرداد": 3,
    "تیر": 4,
    "مرداد": 5,
    "امرداد": 5,
    "شهریور": 6,
    "مهر": 7,
    "آبان": 8,
    "آذر": 9,
    "دی": 10,
    "بهمن": 11,
    "اسفند": 12,
}
# The solar months by their zodiac names, as Afghan (Dari) news writes them: ۱۵ حمل ۱۴۰۲.
AFGHAN_MONTHS = {
    "حمل": 1,
    "ثور": 2,
    "جوزا": 3,
    "سرطان": 4,
    "اسد": 5,
    "سنبله": 6,
    "میزان": 7,
    "عقرب": 8,
    "قوس": 9,
    "جدی": 10,
    "دلو": 11,
    "حوت": 12,
}
# Those that are also common words (cancer, a name, amount, arc, serious): dates only
# with a year.
AMBIGUOUS_AFGHAN_MONTHS = frozenset({"سرطان", "اسد", "میزان", "قوس", "جدی"})
GREGORIAN_MONTHS = {
    "ژانویه": 1,
    "فوریه": 2,
    "مارس": 3,
    "آوریل": 4,
    "آپریل": 4,
    "مه": 5,
    "می": 5,
    "ژوئن": 6,
    "ژوئیه": 7,
    "جولای": 7,
    "اوت": 8,
    "آگوست": 8,
    "سپتامبر": 9,
    "اکتبر": 10,
    "نوامبر": 11,
    "دسامبر": 12,
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
}
LUNAR_MONTHS = frozenset(
    {
        "محرم",
        "صفر",
        "ربیع الاول",
        "ربیع الثانی",
        "جمادی الاول",
        "جمادی الثانی",
        "رجب",
        "شعبان",
        "رمضان",
        "شوال",
        "ذیقعده",
        "ذی القعده",
        "ذیحجه",
        "ذی الحجه",
    }
)
WEEKDAY_HEADS = frozenset({"شنبه", "شنبهها"})
