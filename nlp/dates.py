"""Jalali (and a few Gregorian) dates and clock times as written in Persian news.

Dates matter twice: a date must never be reported as a figure (۱۰ دی ۱۴۰۲ is not
ten of anything), and an article without a publication time takes the first full
date its own text gives.  Calendar arithmetic is jdatetime's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import jdatetime

from rasad.errors import InvalidInput

from .months import (
    AFGHAN_MONTHS,
    AMBIGUOUS_AFGHAN_MONTHS,
    GREGORIAN_MONTHS,
    LUNAR_MONTHS,
    MONTHS,
)
from .numbers import DENOMINATORS, parse_number
from .patterns import trie_alternation
from .text import fold, fold_string
from .tokens import Token, tokenize

TEHRAN = ZoneInfo("Asia/Tehran")  # where the news happens: days and times are read here
# Month names as tries (`patterns`): one comparison per letter read, not one per name.
_MONTH = trie_alternation(MONTHS)
_GMONTH = trie_alternation(GREGORIAN_MONTHS)
_LUNAR = trie_alternation(LUNAR_MONTHS)
_AFGHAN = trie_alternation(AFGHAN_MONTHS)
_ORDINAL_DAYS = {
    "اول": 1,
    "یکم": 1,
    **{word: n for word, n in DENOMINATORS.items() if n <= 10},  # دوم … دهم
    "یازدهم": 11,
    "دوازدهم": 12,
    "سیزدهم": 13,
    "چهاردهم": 14,
    "پانزدهم": 15,
    "شانزدهم": 16,
    "هفدهم": 17,
    "هجدهم": 18,
    "هیجدهم": 18,
    "نوزدهم": 19,
    "بیستم": 20,
    "سیام": 30,
    "سی ام": 30,
    "سی و یکم": 31,
}
for _n, _w in (
    (21, "یکم"),
    (22, "دوم"),
    (23, "سوم"),
    (24, "چهارم"),
    (25, "پنجم"),
    (26, "ششم"),
    (27, "هفتم"),
    (28, "هشتم"),
    (29, "نهم"),
):
    _ORDINAL_DAYS[f"بیست و {_w}"] = _n
_ORD = "|".join(sorted(_ORDINAL_DAYS, key=len, reverse=True))
_WORD_DAY = r"(?:[^\W\d_]+(?: و [^\W\d_]+)?)"
_SP = r"[ \u00a0]*"
# two-digit years after a month name: 1350–1409 (۱۰ دی ۹۹), not ۲۴ استان after مردادماه
_YEAR = r"(?P<year>\d{4}|[5-9]\d|0\d)(?!\d)(?: ?(?:ه\.?ش|ش|هجری شمسی|خورشیدی))?"
_MAH = r"(?: ?ماه)?"

DATE_PATTERNS = [
    # ۱۴۰۲/۱۰/۱۰  1399.05.12  1402-10-10
    (
        "ymd",
        re.compile(
            r"(?P<year>\d\d(?:\d\d)?)(?P<sep>[/.\-])(?P<month>\d{1,2})(?P=sep)"
            r"(?P<day>\d{1,2})(?![\d/])"
        ),
    ),
    # ۱۰/۱۰/۱۴۰۲
    (
        "dmy",
        re.compile(
            r"(?P<day>\d\d?)(?P<sep>[/.\-])(?P<month>\d{1,2})(?P=sep)"
            r"(?P<year>\d{4})(?![\d/])"
        ),
    ),
    # ۱۰ دی ۱۴۰۲، ۱۰ دی ماه، دهم خرداد ۱۳۹۹، بیست و یکم اسفند
    (
        "dMy",
        re.compile(
            rf"(?<![^\W_])(?P<day>\d{{1,2}}|{_ORD}|{_WORD_DAY}){_SP}(?P<mname>{_MONTH})"
            rf"(?:ماه)?(?![^\W\d_]){_MAH}(?:{_SP},?{_SP}(?:سال{_SP})?{_YEAR})?"
        ),
    ),
    # ۱۵ حمل ۱۴۰۲ (Afghan month names)
    (
        "afghan",
        re.compile(
            rf"(?<![^\W_])(?P<day>\d{{1,2}}|{_ORD}|{_WORD_DAY}){_SP}(?P<amonth>{_AFGHAN})"
            rf"(?:ماه)?(?![^\W\d_]){_MAH}(?:{_SP},?{_SP}(?:سال{_SP})?{_YEAR})?"
        ),
    ),
    # دی ۱۴۰۲، اسفند ماه ۱۳۹۸
    (
        "My",
        re.compile(
            rf"(?P<mname>{_MONTH})(?:ماه)?{_MAH}{_SP}(?:سال{_SP})?"
            rf"(?P<year>\d{{4}})(?!\d)"
        ),
    ),
    # 2 May 2021، ۲ ژوئن ۲۰۲۱
    (
        "greg",
        re.compile(
            rf"(?i)(?P<day>\d{{1,2}}){_SP}(?P<gname>{_GMONTH})(?![^\W\d_])"
            rf"(?:{_SP},?{_SP}(?P<year>\d{{4}}))?"
        ),
    ),
    ("lunar", re.compile(rf"(?P<day>\d{{1,2}}|{_ORD}){_SP}(?:{_LUNAR})(?![^\W\d_])")),
    # سال ۹۹، سال 1390ش، سالهای ۹۸ و ۹۹
    (
        "year",
        re.compile(
            rf"سال(?:های|ها)?{_SP}(?P<year>\d{{4}}|\d{{2}})"
            r"(?!\d|\s*(?:هزار|میلیون|میلیارد|درصد|نفر|تومان|ریال))"
            r"(?:ش|ه\.ش)?(?:\s*(?:و|تا|الی|-)\s*\d{2,4}(?!\d))?"
        ),
    ),
]
# Month names a pattern is built around: it is tried only in a window around each.
_CUES = {
    kind: re.compile(rf"(?i){before}(?:{names})(?:ماه)?(?![^\W\d_])")
    for kind, before, names in (
        ("dMy", "", _MONTH),
        ("My", "", _MONTH),
        ("afghan", "", _AFGHAN),
        ("lunar", "", _LUNAR),
        ("greg", r"\d[ \u00a0]*", _GMONTH),  # مه and می are words too: only after a day
    )
}
# The words a Persian, Afghan or lunar month name is read from: the name, with ماه glued
# on, or a two-word name's first word (Gregorian names are cued by a day instead).
_MONTH_WORDS = frozenset(
    form
    for name in (*MONTHS, *AFGHAN_MONTHS, *LUNAR_MONTHS)
    for form in ((name.split()[0],) if " " in name else (name, name + "ماه"))
)
_BEFORE_MONTH = 40  # characters: the longest day in words (بیست و یکم) and its spaces
_AFTER_MONTH = 40  # the month's ماه, a comma, سال and a year with its era
# Clock times: ۱۶:۰۰، ساعت ۲۲، ساعت هشت صبح، ساعت 7و 30 دقیقه، ساعت ۸ صبح تا ۱۶
_CLOCK = (
    r"(?:(?:[01]?\d|2[0-4])(?::[0-5]\d)?(?![\d:])|[^\W\d_]+(?: و [^\W\d_]+)?)"
    r"(?:\s*و\s*(?:\d{1,2}|[^\W\d_]+)\s*دقیقه)?"
    r"(?:\s*(?:صبح|ظهر|عصر|شب|بامداد|بعد از ظهر|بعدازظهر))?"
)
_DAYPART = trie_alternation(["صبح", "ظهر", "عصر", "بامداد", "بعدازظهر"])
TIME_PATTERNS = [
    ("clock", re.compile(r"(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?!\d)")),  # not ۲۵:۷۰
    ("hour", re.compile(rf"ساعت\s*{_CLOCK}(?:\s*(?:تا|الی|-|لغایت)\s*(?:ساعت\s*)?{_CLOCK})?")),
    (
        "daypart",
        re.compile(rf"\d\d?(?:\s*و\s*\d{{1,2}}\s*دقیقه)?\s*(?:{_DAYPART})(?![^\W\d_])"),
    ),
]
# (Patterns scanned over a whole article open with one character class, as \d\d? rather
# than \d{1,2}: the engine then skips straight to the characters that can begin a match.)
# What every match of a pattern holds, opening with what is rare in text (a separator, a
# colon, a word): one fast scan rules the pattern out for most articles.
_NUMERIC_DATE = re.compile(r"[/.\-]\d\d?[/.\-]\d")  # ۱۴۰۲/۱۰/۱۰ and ۱۰/۱۰/۱۴۰۲ alike
_HINTS = {
    "ymd": _NUMERIC_DATE,
    "dmy": _NUMERIC_DATE,
    "clock": re.compile(r":[0-5]\d"),
    "daypart": re.compile(_DAYPART),
}
# What may not stand right before a match, checked in Python: a pattern that opens with a
# lookbehind is several times slower to scan for than one that opens with what it matches.
_DIGIT_OR_POINT = frozenset("0123456789/.")
_NOT_AFTER = {
    "ymd": lambda prev: prev in _DIGIT_OR_POINT,
    "dmy": lambda prev: prev in _DIGIT_OR_POINT,
    "My": str.isalpha,
    "greg": str.isdigit,
    "lunar": str.isdigit,
    "dMy": str.isalpha,
    "afghan": str.isalpha,
    "clock": str.isdigit,
    "daypart": lambda prev: prev in _DIGIT_OR_POINT,
}


def _left_ok(kind: str, folded: str, start: int) -> bool:
    """Whether a match may start here given the character before it (سال after در too)."""
    prev = folded[start - 1] if start else ""
    if kind == "year":
        return not prev.isalpha() or folded.endswith("در", 0, start)
    rule = _NOT_AFTER.get(kind)
    return not (prev and rule and rule(prev))


@dataclass(frozen=True, slots=True)
class DateMatch:
    """A date or time found in folded text; `value` is None for times and partial dates."""

    start: int
    end: int
    kind: str  # 'date', 'year', 'time'
    value: date | None


def expand_year(year: int) -> int:
    """Two-digit Jalali years as the press writes them: ۹۹ → 1399, ۰۲ → 1402."""
    if year >= 100:
        return year
    return 1300 + year if year >= 50 else 1400 + year


@lru_cache(maxsize=8192)
def jalali_to_gregorian(year: int, month: int, day: int) -> date:
    """Convert a Jalali date; raise ValueError for an impossible one (۳۱ اسفند)."""
    return jdatetime.date(expand_year(year), month, day).togregorian()


@lru_cache(maxsize=4096)
def _day_value(text: str) -> int | None:
    text = fold_string(text).strip()
    if text.isdigit():
        return int(text)
    if text in _ORDINAL_DAYS:
        return _ORDINAL_DAYS[text]
    if text in DENOMINATORS:
        return None
    try:
        value = parse_number(text)
    except ValueError:
        return None
    return int(value) if value == int(value) and 1 <= value <= 31 else None


def _resolve(kind: str, m: re.Match[str]) -> tuple[str, date | None] | None:
    """Turn a pattern match into (kind, value); None when the match is not a real date."""
    groups = m.groupdict()
    year = int(groups["year"]) if groups.get("year") else None
    if year is not None and len(groups["year"]) == 4 and year < 1000:
        return None  # 0000، 0999: no year the news writes in four digits
    if kind == "year":
        return "year", None
    if kind == "lunar":
        return ("date", None) if _day_value(groups["day"]) else None
    if kind == "greg":
        day = _day_value(groups["day"])
        month = GREGORIAN_MONTHS[groups["gname"].lower()]
        if not day or year is None:
            return ("date", None) if day else None
        try:
            return "date", date(year, month, day)
        except ValueError:
            return None
    if kind == "My":
        return "date", None
    if kind == "afghan" and year is None and groups["amonth"] in AMBIGUOUS_AFGHAN_MONTHS:
        return None  # ۳ میزان: an amount, unless a year makes it a date
    if groups.get("amonth"):
        month = AFGHAN_MONTHS[groups["amonth"]]
    else:
        month = MONTHS[groups["mname"]] if groups.get("mname") else int(groups["month"])
    day = _day_value(groups["day"])
    if day is None or not 1 <= month <= 12:
        return None
    if year is None or (
        kind in {"ymd", "dmy"}
        and len(groups["year"]) == 2
        and year > 12
        and expand_year(year) > 1500
    ):
        return "date", None
    if kind in {"ymd", "dmy"} and year >= 1900:
        try:
            return "date", date(year, month, day)
        except ValueError:
            return None
    try:
        return "date", jalali_to_gregorian(year, month, day)
    except ValueError:
        return None


def _matches(kind: str, pattern: re.Pattern[str], cues: _DateCues) -> Iterable[re.Match[str]]:
    """The pattern's matches; those built around a month name are only tried near one
    (trying them at every word of an article is most of the cost of finding dates)."""
    folded = cues.folded
    cue = _CUES.get(kind)
    hint = _HINTS.get(kind)
    if hint is not None and not cues.holds(hint):
        return  # what every match must hold is not in the text
    if cue is None:
        yield from (m for m in pattern.finditer(folded) if _left_ok(kind, folded, m.start()))
        return
    seen: set[tuple[int, int]] = set()
    months = cues.gregorian(cue) if kind == "greg" else cues.months(cue)
    for month in months:
        if kind != "greg" and not _left_ok("My", folded, month.start()):
            continue  # a month name inside a word: زیادی is not دی
        window = max(0, month.start() - _BEFORE_MONTH)
        for m in pattern.finditer(folded, window, month.end() + _AFTER_MONTH):
            span = m.span()
            if span not in seen and m.start() <= month.start() and _left_ok(kind, folded, span[0]):
                seen.add(span)
                yield m


class _DateCues:
    """What one article's words say about its dates, asked once per article: where
    month names stand, and which hints it holds."""

    def __init__(self, folded: str, words: list[Token]) -> None:
        self.folded = folded
        found = [(t.start, t.text) for t in words if t.text in _NAME_WORDS]
        self.starts = [start for start, text in found if text in _MONTH_WORDS]
        self.gregorian_starts = [start for start, text in found if text in GREGORIAN_MONTHS]
        self.hints: dict[re.Pattern[str], bool] = {}

    def holds(self, hint: re.Pattern[str]) -> bool:
        if hint not in self.hints:
            self.hints[hint] = hint.search(self.folded) is not None
        return self.hints[hint]

    def months(self, cue: re.Pattern[str]) -> Iterable[re.Match[str]]:
        """What `cue.finditer` would find at word starts, tried only where a Persian,
        Afghan or lunar month name is."""
        end = 0
        for start in self.starts:
            if start >= end and (m := cue.match(self.folded, start)):
                end = m.end()
                yield m

    def gregorian(self, cue: re.Pattern[str]) -> Iterable[re.Match[str]]:
        """What `cue.finditer` finds: a day's last digit, spaces and a Gregorian month.
        A text with Latin letters is scanned (English names take any case); in others
        the cue is tried before each Persian spelling of a name among the words."""
        folded = self.folded
        if _LATIN_LETTER.search(folded):
            yield from cue.finditer(folded)
            return
        for start in self.gregorian_starts:
            digit = start
            while digit and folded[digit - 1] in _SP_CHARS:
                digit -= 1
            if digit and (m := cue.match(folded, digit - 1)):
                yield m


_LATIN_LETTER = re.compile(r"[A-Za-z\u0130\u0131\u017f\u212a]")  # and what (?i) folds to them
_SP_CHARS = " \u00a0"  # what _SP matches
_NAME_WORDS = _MONTH_WORDS | frozenset(GREGORIAN_MONTHS)


def find_dates(folded: str, tokens: list[Token] | None = None) -> list[DateMatch]:
    """Every date, year and clock time in folded text, without overlaps, in text order.

    Month names are looked up among the text's words (`tokens`, as `tokenize` gives
    them; made here when not given): a set lookup per word is cheaper than a scan for
    every calendar's names.  A name that starts inside a word is no month (زیادی is not
    دی), so no date is lost."""
    found: list[DateMatch] = []
    words = tokenize(folded) if tokens is None else tokens
    cues = _DateCues(folded, words)
    for kind, pattern in DATE_PATTERNS:
        for m in _matches(kind, pattern, cues):
            resolved = _resolve(kind, m)
            if resolved:
                found.append(DateMatch(m.start(), m.end(), resolved[0], resolved[1]))
    for kind, pattern in TIME_PATTERNS:
        found.extend(
            DateMatch(m.start(), m.end(), "time", None) for m in _matches(kind, pattern, cues)
        )
    found.sort(key=lambda d: (d.start, -(d.end - d.start)))
    merged: list[DateMatch] = []
    for d in found:
        if merged and d.start < merged[-1].end:
            continue
        merged.append(d)
    return merged


_WRITTEN_CLOCK = re.compile(r"(?<!\d)(\d{1,2}):(\d{2})(?!\d)")


def clock_time(folded: str) -> time | None:
    """The first clock time written in folded text (۱۶:۳۰), None when there is none; an
    impossible one (۲۵:۷۰) is InvalidInput rather than a guess."""
    m = _WRITTEN_CLOCK.search(folded)
    if m is None:
        return None
    hour, minute = int(m[1]), int(m[2])
    if hour > 23 or minute > 59:
        raise InvalidInput(f"{m[0]} is not a time of day")
    return time(hour, minute)


def parse_jalali_date(text: str) -> date:
    """Parse one date as written (۱۴۰۲/۱۰/۱۰، ۱۰ دی ۱۴۰۲، سال ۹۹) to a Gregorian date.

    A bare year gives its first day (1 Farvardin).  Raises ValueError with a reason.
    """
    folded = fold(text).folded.strip()
    if not folded:
        raise InvalidInput("empty date")
    clock_time(folded)  # a date written with an impossible clock is refused, not half-read
    year_only = re.fullmatch(r"(?:سال\s*)?(\d{4}|\d{2})(?:\s*(?:ش|ه\.ش|هجری شمسی))?", folded)
    if year_only:
        return jalali_to_gregorian(int(year_only.group(1)), 1, 1)
    for kind, pattern in DATE_PATTERNS:
        m = pattern.search(folded)
        if not m:
            continue
        resolved = _resolve(kind, m)
        if resolved and resolved[1] is not None:
            return resolved[1]
        if resolved and kind in {"dMy", "My"} and m.group("year") is None:
            raise InvalidInput(f"no year in {text!r}: cannot place it on the calendar")
        if resolved is None and kind in {"ymd", "dmy", "dMy"} and _day_value(m.group("day")):
            raise InvalidInput(
                f"{text!r} does not exist on the calendar (day or month out of range)"
            )
    raise InvalidInput(f"not a date: {text!r}")


def first_full_date(dates: Iterable[DateMatch]) -> date | None:
    """The first complete date among `find_dates` matches: an article's fallback date."""
    return next((d.value for d in dates if d.value is not None), None)


_NUMERIC_DAY = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")


def day_moment(text: str, end: bool = False) -> datetime:
    """The first (or, with `end`, the last) moment in Tehran of a day a user typed
    (`parse_day`): a filter "to 1402-12-29" includes everything published that day."""
    start = datetime.combine(parse_day(text), time(0), TEHRAN)
    return start + timedelta(days=1, microseconds=-1) if end else start


def parse_day(text: str) -> date:
    """A day as a user types it into a filter: Gregorian (2024-03-10) or Jalali
    (1402-12-20, ۱۴۰۲/۱۲/۲۰, ۲۰ اسفند ۱۴۰۲); the year tells which calendar.

    Raises ValueError with a reason.
    """
    folded = fold(text).folded.strip()
    m = _NUMERIC_DAY.fullmatch(folded)
    if m:
        year, month, day = (int(g) for g in m.groups())
        try:
            if year >= 1700:
                return date(year, month, day)
            return jalali_to_gregorian(year, month, day)
        except ValueError:
            raise InvalidInput(f"{text!r} is not a day on the calendar") from None
    return parse_jalali_date(text)


def jalali(moment: datetime | date) -> str:
    """A time (Tehran local) or a day on the Jalali calendar: ۱۴۰۲/۱۰/۱۵ ۰۸:۰۰ style, in
    Latin digits so that spreadsheets sort it."""
    if isinstance(moment, datetime):
        local = moment.astimezone(TEHRAN) if moment.tzinfo else moment
        return f"{_jalali_day(local.date())} {local.hour:02d}:{local.minute:02d}"
    return _jalali_day(moment)


@lru_cache(maxsize=8192)
def _jalali_day(day: date) -> str:
    """A listing shows many reports of few days: jdatetime's strftime costs 60 µs a call
    (it reads the locale each time), so each day is converted once."""
    j = jdatetime.date.fromgregorian(date=day)
    return f"{j.year:04d}/{j.month:02d}/{j.day:02d}"
