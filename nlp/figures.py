"""Find reported figures in folded tokens: a number expression, its unit, and the
context that decides whether it is a figure at all (GUIDELINES.md, sections 2-4).

This module only decides *what* is a figure and its value, unit and surface; who said
it, where and when is `attribution`'s job, and `extract` puts the two together.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from decimal import Decimal

from . import lexicon as lx
from .candidate import Candidate, is_year_like
from .implied import resolve_bare
from .months import WEEKDAY_HEADS
from .numbers import SMALL_WORDS, NumberMatch, match_number, starts_number
from .patterns import not_after
from .tokens import Token
from .units import counted_noun, match_unit, qualifier_before, word

_ORDINAL_ENDINGS = ("مین", "م")
_ARABIC_LETTER = re.compile(r"[\u0600-\u06ff]")  # counted nouns are Persian words
_RANGE_JOINERS = frozenset({"تا", "الی", "-", "–", "به"})


def _is_strict_word(number: NumberMatch, tokens: list[Token]) -> bool:
    """یک and نه alone are usually an article and a negation, not numbers."""
    return number.first == number.last and tokens[number.first].text in {"یک", "نه", "صد", "سی"}


def _ordinal_follows(tokens: list[Token], number: NumberMatch) -> bool:
    nxt = word(tokens, number.last + 1)
    if (
        nxt in {"ام", "امین", "مین", "م"}
        and tokens[number.last + 1].start == tokens[number.last].end
    ):
        return True
    if nxt == "و":
        after = word(tokens, number.last + 2)
        return (
            after.endswith(_ORDINAL_ENDINGS)
            and after[:-1] not in SMALL_WORDS
            and (after.endswith("مین") or after[: -len("م")] in SMALL_WORDS or after == "یکم")
        )
    return False


def _duration_is_window(
    tokens: list[Token], number: NumberMatch, unit_last: int, unit_text: str
) -> bool:
    """پس از یک سال, طی ۲۴ ساعت, سه ماه اخیر, گزارش ۹ ماهه: periods, not measured lengths."""
    before = [word(tokens, number.first - k) for k in (1, 2, 3)]
    after = [word(tokens, unit_last + k) for k in (1, 2)]
    if before[0] == "از" and before[1] in {"پس", "بعد", "قبل"}:
        return True  # پس از یک سال: an anchor, whatever follows
    if before[0] in lx.DURATION_BEFORE or after[0] in lx.DURATION_AFTER:
        return False
    if unit_text.endswith("ه") and unit_text != "ماه":  # ماهه، ساله، روزه as an adjective
        if before[0] in lx.PERIOD_NAME_HEADS or before[1] in lx.PERIOD_NAME_HEADS:
            return True
        if unit_text.endswith("ماهه"):
            return True
    if after[0] in lx.WINDOW_AFTER or " ".join(after) in lx.WINDOW_AFTER:
        return True
    if before[0] in lx.WINDOW_BEFORE:
        return True
    return before[0] in {"از", "تا"} and after[0] in {"پیش", "قبل", "آینده", "دیگر"}


def _is_identifier(tokens: list[Token], number: NumberMatch) -> bool:
    """منطقه ۷، کد خبر: ۳۱۵، مناطق ۳ و ۱۴ (the second number of a list of identifiers too)."""
    k = number.first - 1
    if word(tokens, k) == ":":
        k -= 1
    prev = word(tokens, k)
    if prev in lx.IDENTIFIER_HEADS or (prev == "خبر" and k < number.first - 1):
        return True
    if prev[:2] == "در" and prev[2:] in lx.IDENTIFIER_HEADS:
        return True  # a preposition glued to the head: درمنطقه چهار
    if prev in {"و", "،", ","} and k >= 2 and tokens[k - 1].is_num:
        return word(tokens, k - 2) in lx.IDENTIFIER_HEADS
    # Glued heads: درسال۱۳۹۰، منطقه۷
    glued = k >= 0 and tokens[k].is_word and tokens[k].end == tokens[number.first].start
    return glued and prev.endswith(("سال", "منطقه", "ماده"))


def read_figure(tokens: list[Token], number: NumberMatch) -> Candidate | None:
    """Decide whether a number expression is a figure, and with which unit.

    Returns a Candidate with unit None for bare numbers; `resolve_bare` decides later
    whether a bare number borrows a unit (ranges, elided units) or is dropped.
    """
    if _ordinal_follows(tokens, number):
        return None
    before = number.first - 1
    if (
        before >= 0
        and tokens[before].text == "%"
        and tokens[before].end == tokens[number.first].start
    ):
        # ٪۳۰ typed sign-first: the sign is the unit, whatever follows
        return Candidate(number, number.value, "درصد", "percent", sign_first=before)
    population = _adjectival_scale(tokens, number)
    if population:
        return population
    unit_match = match_unit(tokens, number.last + 1)
    unit: str | None
    if unit_match:
        unit, unit_last = unit_match
        kind = lx.unit_kind(unit)
        if unit in lx.SCALED_UNITS:  # ۲ همت: two thousand billion toman
            unit, factor = lx.SCALED_UNITS[unit]
            number = number._replace(value=number.value * factor, has_scale=True)
        if unit == "تن" and word(tokens, unit_last + 1) == "از":
            kind = "count"  # ۱۰ تن از کارکنان: people
    else:
        head = counted_noun(tokens, number.last + 1)
        unit, unit_last, kind = (*head, "count") if head else (None, None, None)
    measure = kind in lx.MEASURE_KINDS
    # بیمارستان ۲۵۰ تختخوابی: a number with an adjectival noun describes the head it follows
    written = tokens[unit_last].text if unit_last is not None else ""
    described = kind == "count" and written != unit and written.endswith("ی")
    named = (_is_identifier(tokens, number) and not described) or _glued_id(tokens, number)
    if named and not measure:
        return None
    if _is_vague(tokens, number):
        return None
    year = is_year_like(number, tokens) and not _counts_despite_year_form(tokens, number, unit)
    if unit is None:
        return None if year else Candidate(number, number.value, None, None)
    if year and not measure:
        return None
    if unit == "متر" and _names_a_street(tokens, number, unit_last):
        return None
    if kind == "count" and unit not in lx.UNIT_KINDS:
        number = _grouped_count(tokens, number)
    if kind == "duration":
        assert unit_last is not None
        if _duration_is_window(tokens, number, unit_last, tokens[unit_last].text):
            return None
        if word(tokens, number.first - 1) == "ساعت":
            return None
        if number.value == 24 and tokens[unit_last].text == "ساعته":
            return None  # ۲۴ ساعته: round-the-clock, a descriptor rather than a duration
    if (
        _is_strict_word(number, tokens)
        and not (measure or kind == "duration")
        and not _in_a_list_of_counts(tokens, number)
    ):
        return None
    if unit in WEEKDAY_HEADS:
        return None
    return Candidate(number, number.value, unit, kind, number.last + 1, unit_last)


def join_spaced_decimals(tokens: list[Token]) -> list[Token]:
    """۴. ۲ ریشتر: a decimal point typed with a stray space, recognisable because a unit of
    measure follows the digits after it; joined into one number token."""
    joins = {
        i - 1 for i, t in enumerate(tokens) if t.text == "." and _spaced_decimal(tokens, i - 1)
    }
    if not joins:
        return tokens
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        if i in joins:
            first, last = tokens[i], tokens[i + 2]
            out.append(
                Token(
                    f"{first.text}.{last.text}",
                    first.start,
                    last.end,
                    "num",
                    first.line_break_before,
                )
            )
            i += 3
            continue
        out.append(tokens[i])
        i += 1
    return out


def _spaced_decimal(tokens: list[Token], i: int) -> bool:
    if i < 0 or i + 3 >= len(tokens):
        return False
    whole, point, part = tokens[i : i + 3]
    shaped = (
        whole.is_num
        and whole.text.isdigit()
        and len(whole.text) <= 3
        and point.text == "."
        and point.start == whole.end
        and part.is_num
        and part.text.isdigit()
        and len(part.text) <= 2
        and part.start == point.end + 1
    )
    if not shaped:
        return False
    unit = match_unit(tokens, i + 3)  # the costly check last
    return unit is not None and lx.unit_kind(unit[0]) in lx.MEASURE_KINDS


def _adjectival_scale(tokens: list[Token], number: NumberMatch) -> Candidate | None:
    """شهر ۲ میلیونی, کلانشهر ۳ میلیونی: a place's population, the people unsaid."""
    k = number.last + 1
    scale = lx.ADJECTIVAL_SCALES.get(word(tokens, k))
    if (
        scale is None
        or number.has_scale
        or word(tokens, number.first - 1) not in lx.POPULATED_PLACES
    ):
        return None
    grown = number._replace(value=number.value * scale, last=k, has_scale=True)
    return Candidate(grown, grown.value, "نفر", "count", None, None, "population")


def _glued_id(tokens: list[Token], number: NumberMatch) -> bool:
    """خبر۸۵۱۵۳۸ or نیوز۲۳۴۵۶: a long run of digits glued to a word is an identifier."""
    token, k = tokens[number.first], number.first - 1
    glued = k >= 0 and tokens[k].is_word and tokens[k].end == token.start
    return glued and token.text.isdigit() and len(token.text) >= 5  # ids have no separators


def _is_vague(tokens: list[Token], number: NumberMatch) -> bool:
    """چند ده میلیارد، چندصد نفر: a number after چند is an order of magnitude, not a figure."""
    return word(tokens, number.first - 1) in lx.VAGUE_BEFORE


def _counts_despite_year_form(tokens: list[Token], number: NumberMatch, unit: str | None) -> bool:
    """A four-digit number that is a count for all its year-like form: it has a
    qualifier (بیش از ۱۴۲۰ اثر), or it opens its clause before a counted noun, or a
    classifier or a unit of measure follows (۱۳۵۰ واحد مسکونی), and no year cue (سال،
    بودجه) stands before it."""
    if unit is not None and qualifier_before(tokens, number.first)[0] != "exact":
        return True
    before = number.first - 1
    if word(tokens, before) in lx.YEAR_CUES:
        return False
    opens = before < 0 or not tokens[before].is_word
    if opens and unit is not None and unit not in lx.NOT_MEASURED | lx.ADMIN_BODIES:
        return True  # ۲۰۰۰ کارگر فصلی بیمه شدند: a year does not open a clause before a noun
    return unit is not None and (unit in lx.CLASSIFIERS or lx.unit_kind(unit) in lx.MEASURE_KINDS)


def _names_a_street(tokens: list[Token], number: NumberMatch, unit_last: int | None) -> bool:
    """۴۵ متری بلوار / بلوار ۴۵ متری: Iranian streets are named by their width."""
    adjectival = unit_last is not None and tokens[unit_last].text.endswith("ی")
    beside = {word(tokens, number.first - 1), word(tokens, (unit_last or number.last) + 1)}
    return adjectival and bool(beside & lx.STREET_HEADS)


def _grouped_count(tokens: list[Token], number: NumberMatch) -> NumberMatch:
    """839.453 نفر: things counted one by one have no fraction of a thousandth, so a single
    mark before three digits groups thousands (GUIDELINES §5: an implausible decimal)."""
    token = tokens[number.first]
    if number.first != number.last or not _ONE_GROUP.fullmatch(token.text):
        return number
    return number._replace(value=Decimal(re.sub(r"[./]", "", token.text)))


def _in_a_list_of_counts(tokens: list[Token], number: NumberMatch) -> bool:
    """۳ زمین ورزشی و یک فرهنگسرا: یک joined by و to a count is a count too."""
    if word(tokens, number.first - 1) != "و":
        return False
    window = tokens[max(0, number.first - 5) : number.first - 1]
    return any(t.is_num or (t.is_word and t.text in SMALL_WORDS and t.text != "یک") for t in window)


_ONE_GROUP = re.compile(r"\d{1,3}[./]\d{3}")
_PHONE = re.compile(r"(?:\+98|0098|0)\d{2,4}[-\s]?\d{4,8}(?![\d.,/])")  # after no digit, . , /
_IN_A_NUMBER = frozenset("0123456789.,/").__contains__


def find_phone_numbers(folded: str) -> list[tuple[int, int]]:
    """Phone and fax numbers (۰۹۱۲…، ۰۵۱-۳۸…): identifiers that must never become figures."""
    return [m.span() for m in not_after(_PHONE, folded, _IN_A_NUMBER)]


class _Blocked:
    """Character ranges taken by dates and times, for fast overlap checks."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans = sorted(spans)
        self.starts = [s for s, _ in spans]
        self.ends = [e for _, e in spans]

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_left(self.starts, end) - 1
        return i >= 0 and self.ends[i] > start


def _number_starts(tokens: list[Token]) -> list[int]:
    """Indices of the tokens a number expression can start at: digits, number words, منفی.
    Most words are not, and asking only of these keeps the scan short."""
    return [
        i
        for i, tok in enumerate(tokens)
        if tok.kind == "num" or (tok.kind == "word" and starts_number(tok.text))
    ]


def find_candidates(
    tokens: list[Token], blocked: list[tuple[int, int]], starts: list[int] | None = None
) -> list[Candidate]:
    """Every number expression outside dates and times, read as a figure or a bare number.

    `blocked` spans must not overlap each other (find_dates guarantees it); `starts` are
    the tokens a number can start at, when the caller has them (`read_number_words`).
    """
    out: list[Candidate] = []
    taken = _Blocked(blocked)
    i = 0
    for start in _number_starts(tokens) if starts is None else starts:
        if start < i:
            continue  # inside the previous expression
        i, tok = start, tokens[start]
        if taken.overlaps(tok.start, tok.end):
            i += 1
            continue
        number = match_number(tokens, i)
        if number is None:
            i += 1
            continue
        if taken.overlaps(tok.start, tokens[number.last].end):
            i = number.last + 1  # the expression runs into a date (۵ دی): not a figure
            continue
        candidate = read_figure(tokens, number)
        if candidate:
            out.append(candidate)
        i = (candidate.last if candidate else number.last) + 1
    return resolve_bare(tokens, out)
