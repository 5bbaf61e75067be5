"""Word lists the extractor reasons with: units and their kinds, and the contexts that
turn a number into something other than a reported figure (see shared/eval/GUIDELINES.md).

All entries are in folded spelling (ی, ک, no ZWNJ: see `text.fold`).
"""

from __future__ import annotations

from .text import fold_string

UNIT_KINDS: dict[str, str] = {}


def _words(block: str) -> frozenset[str]:
    """A word list written as a block of space-separated words."""
    return frozenset(block.split())


def _add(kind: str, *units: str) -> None:
    for unit in units:
        UNIT_KINDS[unit] = kind


_add(
    "money",
    "ریال",
    "تومان",
    "دلار",
    "یورو",
    "افغانی",
    "درهم",
    "پوند",
    "لیر",
    "یوان",
    "روبل",
    "روپیه",
    "دینار",
)
_add("percent", "درصد")
_add("area", "متر مربع", "کیلومتر مربع", "سانتیمتر مربع", "هکتار", "جریب", "فوت مربع")
_add("length", "متر", "کیلومتر", "سانتیمتر", "میلیمتر", "مایل", "متر طول")
_add("volume", "متر مکعب", "لیتر", "میلیون لیتر", "بشکه", "گالن", "سی سی")
_add("weight", "تن", "کیلوگرم", "گرم", "میلیگرم", "خروار", "مثقال")
_add("duration", "سال", "ماه", "روز", "هفته", "ساعت", "دقیقه", "ثانیه", "شبانه روز", "دهه", "قرن")
_add(
    "other",
    "برابر",
    "مگاوات",
    "کیلووات",
    "گیگاوات",
    "مگاوات ساعت",
    "کیلووات ساعت",
    "درجه",
    "نفر ساعت",
    "نفر روز",
    "نفر دوره",
    "نفر ماه",
    "کیلومتر بر ساعت",
    "تخت",
    # electrical, seismic, data and other technical units
    "وات",
    "ولت",
    "کیلوولت",
    "آمپر",
    "کیلوولت آمپر",
    "مگاولت آمپر",
    "اسب بخار",
    "ریشتر",
    "هرتز",
    "مگاهرتز",
    "دسیبل",
    "کیلوکالری",
    "مگابایت",
    "گیگابایت",
    "ترابایت",
    "مگابیت",
    "درجه سانتیگراد",
)
_add("money", "همت")
# Units that carry a scale: همت (هزار میلیارد تومان) is said and written as one word.
SCALED_UNITS: dict[str, tuple[str, int]] = {"همت": ("تومان", 10**12)}
# Scale words used as adjectives (شهر ۲ میلیونی): the number times the scale.
ADJECTIVAL_SCALES = {"هزاری": 10**3, "میلیونی": 10**6, "میلیاردی": 10**9}
# Nouns a population adjective describes: شهر ۲ میلیونی is a city of 2,000,000 people.
POPULATED_PLACES = _words("شهر کلانشهر استان کشور شهرستان روستا منطقه جمعیت جمعیتی")
# Classifiers: the counted thing follows them (۱۸۵ دستگاه اتوبوس); the classifier is the unit.
CLASSIFIERS = _words(
    """
    اصله باب تخته تن جلد حلقه خانوار دست دستگاه راس رشته عدد فروند فقره قطعه مورد نسخه نفر
    واحد پلاک کیلومتر قلاده دانه جفت برگ بسته قبضه
    """
)

# Written variants that fold onto one canonical unit.
UNIT_ALIASES: dict[str, str] = {
    "%": "درصد",
    "مترمربع": "متر مربع",
    "متر مربعی": "متر مربع",
    "مترمکعب": "متر مکعب",
    "کیلومترمربع": "کیلومتر مربع",
    "کیلو گرم": "کیلوگرم",
    "کیلو": "کیلوگرم",
    "سانتی متر": "سانتیمتر",
    "میلی متر": "میلیمتر",
    "نفرساعت": "نفر ساعت",
    "نفر-ساعت": "نفر ساعت",
    "ملیون لیتر": "میلیون لیتر",
    "شبانهروز": "شبانه روز",
    "مگا وات": "مگاوات",
    "کیلو ولت": "کیلوولت",
    "مگا ولت آمپر": "مگاولت آمپر",
    "دسی بل": "دسیبل",
    "سانتی گراد": "سانتیگراد",
    "کیلو وات": "کیلووات",
    "تُن": "تن",
}

# Present stems that close a compound noun naming a device or an agent (آب شیرین کن,
# آتش نشان): the compound, not its first word, is what is counted.
AGENT_STEMS = _words("کن ساز گیر نشان رسان فروش پز شوی کش")

# Adjectival or ezafe endings that may sit on a unit token: هکتاری، تومانی، ساله، ماهه، روستای
UNIT_SUFFIXES = ("ی", "ای", "ه", "یی")

MONEY_TO_RIAL = {"ریال": 1, "تومان": 10}


# Words after which a number names something instead of counting it (منطقه ۷، ماده ۵).
IDENTIFIER_HEADS = _words(
    """
    آزادراه آیه اتاق اتوبان اصل اصول اطلاعیه ایستگاه بخش بخشنامه برج بزرگراه بلوار بلوک بند
    بوستان بیمارستان تبصره تصویر تلفن تلفنهای تیپ جاده جدول جلد خبر خط خطوط خیابان دبستان
    دبیرستان دروازه دوره رتبه ردیف ساعت سال سالن سالها سالهای سامانه ستون سوره سکو سکوی شبکه
    شماره شناسه شهرک شکل صفحه طبقه عکس فاز فصل فلکه قانون قسمت قطعه لشکر ماده ماهنامه مجتمع
    مدرسه مرحله مصوبه مناطق منطقه مواد میدان ناحیه نامه نسخه نواحی نوبت هنرستان ویرایش
    پادگان پارک پاساژ پایانه پایه پلاک پیامک چهارراه کارگاه کانال کد کدپستی کلاس کلانشهر
    کووید کوچه کوید گذر گردان
    """
)
# Before a duration, these make it a time anchor or a reporting window (پس از یک سال).
WINDOW_BEFORE = _words(
    """
    آن اخیر این بعد حدفاصل طول طی ظرف ظرفیت فاصله قبل قبلی نخست هر همین پس گذشته
    """
)
# After a duration, these do the same (۴ سال پیش، سه ماه اخیر، تا یک ماه دیگر).
WINDOW_AFTER = _words(
    """
    آتی آینده ابتدایی اخیر اخیرا اخیرش اول اینده بعد بعدی جاری دوم دیگر سوم قبل متمادی منتهی
    نخست پایانی پیش چهارم گذشته
    """
)
# Words after a duration that mark it as a measured length of time (۲ ساعت زودتر، به مدت).
DURATION_AFTER = frozenset({"زودتر", "دیرتر", "طول", "تاخیر", "وقت", "زمان"})
DURATION_BEFORE = frozenset({"مدت"})
# Descriptors of a period in names: برنامه پنج ساله، دوره چهار ساله.
PERIOD_NAME_HEADS = _words(
    """
    اقدامات برنامه برنامههای تقویم دوره سند طرح عملکرد چشم گزارش
    """
)

# Clock context: ساعت ۸ صبح، ۱۰ شب.
DAYPARTS = frozenset({"صبح", "ظهر", "عصر", "شب", "بامداد", "بعدازظهر", "بامدادی", "شامگاه"})

# Tokens that can never be the counted noun right after a number.
NOT_A_HEAD = _words(
    """
    آن آنها آن‌ها آینده ابتدا اخیر از است افزایش افزود الی ام اما امروز امسال امین اند اول
    اگر ای این اینها اینکه با بار باشد بالغ بامداد بدون بر برای بعد به بود بودند بوده بیش
    بیشتر تا تاکنون تقریبا تن تنها توسط جاری جمع حاوی حتی حدود خواهد دارای دارد دارند داشت
    داشته در درباره دوم دیروز دیگر را رسید رسیده روی زیر ساعته سالگی سایر سوم سپس شامل شب شد
    شدند شده شود شوند صبح صورت طی ظهر عصر عنوان فردا فقط قبل لحاظ مجموع مرتبه مورد می میشود
    میشوند مین نبود نخست نفره نه نیز نیست ها های هایی هر هزاران هست هستند هم همه همچنین هنوز
    هیچ و ولی پس پنجم پیرامون پیش چند چهارم چون کاهش کرد کرده کل کمتر کنار کند کنند که گانه
    گذشته گفت یا یک یکی
    """
)

# Qualifiers read from the words just before a figure.
QUALIFIERS = {
    "approx": ("حدود", "حدودا", "تقریبا", "نزدیک به", "قریب به", "قریب", "در حدود", "چیزی حدود"),
    "at_least": (
        "بیش از",
        "بیشتر از",
        "بالغ بر",
        "بالای",
        "افزون بر",
        "متجاوز از",
        "حداقل",
        "دست کم",
        "دستکم",
        "فراتر از",
        "بالاتر از",
        "مازاد بر",
    ),
    "at_most": ("کمتر از", "حداکثر", "زیر", "کمتر", "تا سقف", "پایینتر از", "کم تر از"),
}
QUALIFIER_PHRASES = sorted(
    ((tuple(fold_string(p).split()), q) for q, ps in QUALIFIERS.items() for p in ps),
    key=lambda item: -len(item[0]),
)

# Scope of a figure, read from its sentence.
SCOPES = (
    (
        "cumulative",
        (
            "تاکنون",
            "تا کنون",
            "تا به حال",
            "تابحال",
            "تا امروز",
            "تا به امروز",
            "در مجموع",
            "تا پایان",
        ),
    ),
    ("this_year", ("امسال", "سال جاری", "سالجاری", "سال گذشته تاکنون")),
    ("last_year", ("سال گذشته", "پارسال", "سال قبل")),
    ("this_month", ("ماه جاری", "این ماه")),
    ("last_month", ("ماه گذشته",)),
    ("planned", ("خواهد", "خواهند", "برنامه ریزی", "پیش بینی", "هدفگذاری", "قرار است")),
)

# Before a number, these make it an order of magnitude: چند ده میلیارد، چندین هزار.
VAGUE_BEFORE = frozenset({"چند", "چندین"})
# Words before a four-digit number that make it a year: سال ۱۳۵۰، بودجه ۱۴۰۳.
YEAR_CUES = _words("سال سالهای سالها بودجه برنامه سند طرح قانون افق دهه از تا در")
# Street types: a width in متری beside them names the street (بلوار ۴۵ متری).
STREET_HEADS = _words("بلوار خیابان بزرگراه جاده کوچه اتوبان آزادراه میدان")

# Words before a number that name what it measures by the noun after them (شمار
# ایستگاه‌های آتش‌نشانی تهران به ۱۳۵ ایستگاه رسید).
MEASURING_WORDS = _words("شمار تعداد طول مساحت سطح میزان سهم نرخ حجم ظرفیت وسعت عرض ارتفاع")
# The kinds of unit a measuring word measures in, where it has some (the rest take any):
# سطح is an area and a level (سطح آب … متر).
MEASURING_KINDS = {
    **dict.fromkeys(("مساحت", "وسعت"), ("area",)),
    "سطح": ("area", "length"),
    **dict.fromkeys(("طول", "عرض", "ارتفاع"), ("length",)),
    **dict.fromkeys(("شمار", "تعداد"), ("count",)),
}
# Nouns naming a set that counted things belong to (اتوبوس‌های ناوگان مشهد، ایستگاه‌های
# شبکه مترو): after a counted noun they say where its members are, not what kind they are.
SET_NOUNS = _words("ناوگان مجموعه شبکه")
# Classifiers of people: who is counted is named by one noun (۸۸۰ نفر از داوطلبان …); what
# follows it (the course they took, the plan they joined) outlets word each their own way.
PEOPLE_CLASSIFIERS = _words("نفر")
# Words of novelty: alone they are adjectives (NOT_MEASURED); closed by a present stem they
# make one (نوساز).
NOVELTY_WORDS = ("نو", "تازه")
# Administrative bodies that stand for their place (بودجه شهرداری شیراز): not part of what
# is measured.
ADMIN_BODIES = _words("شهرداری شهرداریهای استانداری فرمانداری بخشداری دهیاری شورای شورا")
# Personal and demonstrative pronouns (a closed class): ۲۰۰ نفر از آنها points back to a
# thing named before, it names none itself (آن‌ها folds to آن + ها).
PRONOUNS = frozenset({"آن", "این", "آنها", "اینها", "آنان", "اینان", "ایشان", "همه", "خود"})
# Words that never name what is measured: place heads, time words, novelty and frequency
# adjectives, pronouns, existence and state words.
NOT_MEASURED = _words(
    """
    شهر کلانشهر استان شهرستان کشور منطقه اکنون اینک حال حاضر حالحاضر امسال پارسال تاکنون
    امروز جدید نو تازه سالانه روزانه ماهانه هفتگی سال ماه روز هفته فعال موجود مجموع جمعا
    وی او ایشان آنها اینها همچنین نیز ضمن بیش کمتر حدود تقریبا سفر وجود میزبان
    """
)
# Broken (Arabic) plurals and their singulars, for keys and for search (دفاتر ↔ دفتر).
BROKEN_PLURALS = {
    "دفاتر": "دفتر",
    "مناطق": "منطقه",
    "اماکن": "مکان",
    "معابر": "معبر",
    "مدارس": "مدرسه",
    "مساجد": "مسجد",
    "مراکز": "مرکز",
    "منازل": "منزل",
    "مشاغل": "شغل",
    "اراضی": "زمین",
    "ابنیه": "بنا",
    "آثار": "اثر",
    "مسائل": "مسئله",
    "مراتع": "مرتع",
    "اقلام": "قلم",
    "اعضا": "عضو",
    "افراد": "فرد",
    "اشخاص": "شخص",
    "خطوط": "خط",
    "مجامع": "مجمع",
    "موارد": "مورد",
    "مصارف": "مصرف",
    "منابع": "منبع",
    "مخازن": "مخزن",
    "معادن": "معدن",
    "کارخانجات": "کارخانه",
    "ادارات": "اداره",
    "محلات": "محله",
}

# Vague words that look like quantities but are not (guidelines, section 3).
VAGUE = _words(
    """
    اکثر برخی بسیاری تعداد تعدادی دهها صدها عده میلیونها هزاران چند چندین
    """
)

# Population context: a bare number after these counts people (جمعیت مشهد ۳ میلیون).
POPULATION_WORDS = frozenset({"جمعیت", "جمعیتی", "باجمعیتی", "جمعیتش", "سرشماری"})

# Light verbs: the word before them is the nonverbal part of a compound verb (آسفالت شد,
# نیاز دارد), so a subject phrase ends before that word.
AUXILIARIES = _words(
    """
    است اند باشد بود بوده خواهد دارد دارند داشت داشته رسید رسیده شد شدند شده شود شوند می
    میشود میشوند نمود نموده کرد کردند کرده کند کنند کنیم گردید گردیده گرفت گرفته یافت یافته
    """
)

# Light verbs: a noun right before them is part of a compound verb (تصویب شد، اجرا کرد).
LIGHT_VERBS = _words(
    """
    شد شدند شده شود شوند میشود میشوند نمود نموده کرد کردند کرده کند کنند کنیم گردید گردیده
    یافت یافته گرفت گرفته
    """
) | {  # perfect forms written without ZWNJ: شدهاند، کردهاست
    f"{participle}{ending}"
    for participle in ("شده", "کرده", "گردیده", "یافته", "نموده", "گرفته")
    for ending in ("اند", "است", "ایم")
}

SPEECH_VERBS = (
    "گفت",
    "افزود",
    "اظهار کرد",
    "اظهار داشت",
    "ادامه داد",
    "خاطرنشان کرد",
    "تصریح کرد",
    "بیان کرد",
    "اعلام کرد",
    "عنوان کرد",
    "اضافه کرد",
    "مطرح کرد",
    "تاکید کرد",
    "یادآور شد",
    "توضیح داد",
    "گفته است",
    "اعلام شد",
    "خبر داد",
    "بیان داشت",
    "یادآوری کرد",
    "تشریح کرد",
    "اشاره کرد",
)


# Kinds whose unit is a measure (not a counted thing, not a length of time).
MEASURE_KINDS = frozenset({"money", "percent", "area", "length", "volume", "weight", "other"})


def unit_kind(unit: str) -> str:
    """The kind of a canonical unit; any counted noun is a count."""
    if " در " in unit or " بر " in unit:
        return "other"
    return UNIT_KINDS.get(unit, "count")
