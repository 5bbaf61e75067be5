"""Find reported figures in folded tokens: a number expression, its unit, and the
context that decides whether it is a figure at all (GUIDELINES.md, sections 2-4).

This module only decides *what* is a figure and its value, unit and surface; who said
it, where and when is `attribution`'s job, and `extract` puts the two together.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left
from dataclasses import dataclass
from decimal import Decimal

from . import lexicon as lx
from .numbers import SMALL_WORDS, NumberMatch, match_number, word_atoms
from .tokens import Token

_ORDINAL_ENDINGS = ("مین", "م")
_ARABIC_LETTER = re.compile(r"[\u0600-\u06ff]")  # counted nouns are Persian words
_RANGE_JOINERS = frozenset({"تا", "الی", "-", "–", "به"})
_YEAR_RANGES = ((1300, 1450), (1950, 2050))


@dataclass(slots=True)
class Candidate:
    """A figure in token coordinates; `unit_last` is the last token of the surface."""

    number: NumberMatch
    value: Decimal
    unit: str | None
    kind: str | None
    unit_first: int | None = None
    unit_last: int | None = None
    unit_source: str = "written"  # written, range, elided, label, population, restated
    sign_first: int | None = None  # a unit sign written before the number: ٪۳۰

    @property
    def first(self) -> int:
        return self.number.first

    @property
    def span_first(self) -> int:
        """The first token of the surface (the sign, when it leads)."""
        return self.sign_first if self.sign_first is not None else self.number.first

    @property
    def last(self) -> int:
        return self.unit_last if self.unit_last is not None else self.number.last


def _word(tokens: list[Token], i: int) -> str:
    return tokens[i].text if 0 <= i < len(tokens) else ""


def _unit_variants(token_text: str) -> list[str]:
    """A unit token as written and with an adjectival or ezafe ending removed."""
    out = [token_text]
    for suffix in lx.UNIT_SUFFIXES:
        if token_text.endswith(suffix) and len(token_text) > len(suffix) + 1:
            out.append(token_text[: -len(suffix)])
    return out


def _lookup_unit(text: str) -> str | None:
    text = lx.UNIT_ALIASES.get(text, text)
    if text in lx.UNIT_KINDS or text in lx.CLASSIFIERS:
        return text
    return None


def match_unit(tokens: list[Token], j: int) -> tuple[str, int] | None:
    """The lexicon unit starting at tokens[j] (longest first): (canonical unit, last index)."""
    if j >= len(tokens):
        return None
    if tokens[j].text == "%":
        return "درصد", j
    for n in (3, 2, 1):
        span = tokens[j : j + n]
        if len(span) < n or not all(t.is_word for t in span):
            continue
        if any(b.start - a.end > 2 for a, b in itertools.pairwise(span)):
            continue
        head = " ".join(t.text for t in span[:-1])
        for variant in _unit_variants(span[-1].text):
            for written in (f"{head} {variant}".strip(), f"{head}{variant}"):
                unit = _lookup_unit(written)
                if unit:
                    return _with_rate(tokens, unit, j + n - 1)
    return None


def _with_rate(tokens: list[Token], unit: str, last: int) -> tuple[str, int]:
    """Extend a unit into a rate: ۳۸۰۰ لیتر در ثانیه, ۸۰ نفر در هکتار."""
    k = last + 1
    if _word(tokens, k) not in {"در", "بر"}:
        return unit, last
    k += 1
    if _word(tokens, k) == "هر":
        k += 1
    per = match_unit_simple(tokens, k)
    if per and _word(tokens, per[1] + 1) in lx.WINDOW_AFTER:
        return unit, last  # ۲۰۰۰ متر مربع در هفته جاری: "this week", not a rate
    if (
        per
        and per[0] != unit
        and lx.unit_kind(per[0]) in {"duration", "area", "length", "volume", "weight"}
    ):
        return f"{unit} در {per[0]}", per[1]
    return unit, last


def match_unit_simple(tokens: list[Token], j: int) -> tuple[str, int] | None:
    if j < len(tokens) and tokens[j].is_word:
        for variant in _unit_variants(tokens[j].text):
            unit = _lookup_unit(variant)
            if unit:
                return unit, j
    return None


def _counted_noun(tokens: list[Token], j: int) -> str | None:
    """The counted noun right after a number (۲۸ دفتر، ۱۲ روستای → روستا), if any."""
    if j >= len(tokens) or not tokens[j].is_word or tokens[j].start - tokens[j - 1].end > 2:
        return None
    if tokens[j].line_break_before:
        return None
    text = tokens[j].text
    if (
        len(text) < 2
        or not _ARABIC_LETTER.match(text)
        or text in lx.NOT_A_HEAD
        or text in lx.VAGUE
        or text in lx.MONTHS
        or text in lx.GREGORIAN_MONTHS
        or text in lx.WEEKDAY_HEADS
        or text in lx.DAYPARTS
        or word_atoms(text) is not None
        or text.endswith(("گانه", "مین"))
        or (text.startswith(("می", "نمی")) and text.endswith(("د", "ند", "یم")))
    ):
        return None
    if text.endswith(("ای", "وی")) and len(text) > 3:
        return text[:-1]  # ezafe: روستای → روستا
    return text


def qualifier_before(tokens: list[Token], first: int) -> tuple[str, int]:
    """The qualifier written just before tokens[first] (حدود، بیش از …) and where it starts:
    ("exact", first) when there is none."""
    words = tuple(t.text for t in tokens[max(0, first - 3) : first])
    for phrase, qualifier in lx.QUALIFIER_PHRASES:
        if words[-len(phrase) :] == phrase:
            return qualifier, first - len(phrase)
    return "exact", first


def _is_year_like(number: NumberMatch, tokens: list[Token]) -> bool:
    token = tokens[number.first]
    if number.first != number.last or not token.is_num or not token.text.isdigit():
        return False
    value = int(token.text)
    return len(token.text) == 4 and any(lo <= value <= hi for lo, hi in _YEAR_RANGES)


def _is_strict_word(number: NumberMatch, tokens: list[Token]) -> bool:
    """یک and نه alone are usually an article and a negation, not numbers."""
    return number.first == number.last and tokens[number.first].text in {"یک", "نه", "صد", "سی"}


def _ordinal_follows(tokens: list[Token], number: NumberMatch) -> bool:
    nxt = _word(tokens, number.last + 1)
    if (
        nxt in {"ام", "امین", "مین", "م"}
        and tokens[number.last + 1].start == tokens[number.last].end
    ):
        return True
    if nxt == "و":
        after = _word(tokens, number.last + 2)
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
    before = [_word(tokens, number.first - k) for k in (1, 2, 3)]
    after = [_word(tokens, unit_last + k) for k in (1, 2)]
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
    if _word(tokens, k) == ":":
        k -= 1
    prev = _word(tokens, k)
    if prev in lx.IDENTIFIER_HEADS or (prev == "خبر" and k < number.first - 1):
        return True
    if prev in {"و", "،", ","} and k >= 2 and tokens[k - 1].is_num:
        return _word(tokens, k - 2) in lx.IDENTIFIER_HEADS
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
    unit_match = match_unit(tokens, number.last + 1)
    unit: str | None
    if unit_match:
        unit, unit_last = unit_match
        kind = lx.unit_kind(unit)
        if unit == "تن" and _word(tokens, unit_last + 1) == "از":
            kind = "count"  # ۱۰ تن از کارکنان: people
    else:
        head = _counted_noun(tokens, number.last + 1)
        unit, unit_last, kind = (head, number.last + 1, "count") if head else (None, None, None)
    measure = kind in lx.MEASURE_KINDS
    if _is_identifier(tokens, number) and not measure:
        return None
    if unit is None:
        return (
            None if _is_year_like(number, tokens) else Candidate(number, number.value, None, None)
        )
    if _is_year_like(number, tokens) and not measure:
        return None
    if kind == "duration":
        assert unit_last is not None
        if _duration_is_window(tokens, number, unit_last, tokens[unit_last].text):
            return None
        if _word(tokens, number.first - 1) == "ساعت":
            return None
    if _is_strict_word(number, tokens) and not (measure or kind == "duration"):
        return None
    if unit in lx.WEEKDAY_HEADS:
        return None
    return Candidate(number, number.value, unit, kind, number.last + 1, unit_last)


_PHONE = re.compile(r"(?<![\d.,/])(?:\+98|0098|0)\d{2,4}[-\s]?\d{4,8}(?![\d.,/])")


def find_phone_numbers(folded: str) -> list[tuple[int, int]]:
    """Phone and fax numbers (۰۹۱۲…، ۰۵۱-۳۸…): identifiers that must never become figures."""
    return [m.span() for m in _PHONE.finditer(folded)]


class _Blocked:
    """Character ranges taken by dates and times, for fast overlap checks."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans = sorted(spans)
        self.starts = [s for s, _ in spans]
        self.ends = [e for _, e in spans]

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_left(self.starts, end) - 1
        return i >= 0 and self.ends[i] > start


def find_candidates(tokens: list[Token], blocked: list[tuple[int, int]]) -> list[Candidate]:
    """Every number expression outside dates and times, read as a figure or a bare number.

    `blocked` spans must not overlap each other (find_dates guarantees it).
    """
    out: list[Candidate] = []
    taken = _Blocked(blocked)
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        is_number = tok.is_num or (tok.is_word and word_atoms(tok.text) is not None)
        if not is_number or taken.overlaps(tok.start, tok.end):
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


def resolve_bare(tokens: list[Token], found: list[Candidate]) -> list[Candidate]:
    """Give a bare number the unit it shares with a neighbour, or drop it.

    ۳۰۰ تا ۴۰۰ دستگاه (range), ۲ تا ۳ میلیون نفر (range sharing the scale),
    از ۱۵۰ به ۱۴۴ تن, بیش از ۳ میلیون و … یک میلیون نفر (elided unit),
    تعداد واحدها: ۱۲۰ (label), جمعیت … ۸٬۲۴۴٬۵۳۵ (population), ۵ درصد (۱۲.۵) (restated).
    """
    out: list[Candidate] = []
    for idx, cand in enumerate(found):
        if cand.unit is not None:
            out.append(cand)
            continue
        nxt = found[idx + 1] if idx + 1 < len(found) else None
        prev = out[-1] if out else None
        resolved = (
            _as_range(tokens, cand, nxt)
            or _as_restatement(tokens, cand, prev)
            or _as_elided(tokens, cand, nxt)
            or _as_labelled(tokens, cand)
            or _as_population(tokens, cand)
            or _as_parallel(tokens, cand, out)
        )
        if resolved:
            out.append(resolved)
    return out


def _borrow(
    cand: Candidate, other: Candidate, source: str, value: Decimal | None = None
) -> Candidate:
    return Candidate(
        cand.number,
        value if value is not None else cand.value,
        other.unit,
        other.kind,
        None,
        None,
        source,
    )


def _as_range(tokens: list[Token], cand: Candidate, nxt: Candidate | None) -> Candidate | None:
    if nxt is None or nxt.unit is None:
        return None
    between = [t.text for t in tokens[cand.number.last + 1 : nxt.first]]
    if len(between) != 1 or between[0] not in _RANGE_JOINERS:
        return None
    value = cand.value
    scale = nxt.number.trailing_scale
    if scale and not cand.number.has_scale and cand.value * scale <= nxt.value:
        value = cand.value * scale  # ۲ تا ۳ میلیون نفر: the lower bound shares میلیون
    return _borrow(cand, nxt, "range", value)


def _as_restatement(
    tokens: list[Token], cand: Candidate, prev: Candidate | None
) -> Candidate | None:
    if prev is None or prev.unit is None:
        return None
    if (
        _word(tokens, cand.first - 1) == "("
        and prev.last == cand.first - 2
        and (_word(tokens, cand.number.last + 1) == ")")
    ):
        return _borrow(cand, prev, "restated")
    return None


def _as_elided(tokens: list[Token], cand: Candidate, nxt: Candidate | None) -> Candidate | None:
    """بیش از ۳ میلیون و حاشیه شهر حدود یک میلیون نفر: the unit is said once, at the end."""
    if nxt is None or nxt.unit is None or not cand.number.has_scale:
        return None
    if cand.number.trailing_scale != nxt.number.trailing_scale:
        return None
    gap = tokens[cand.number.last + 1 : nxt.first]
    if not gap or gap[0].text != "و" or len(gap) > 7 or any(t.kind == "punct" for t in gap):
        return None
    return _borrow(cand, nxt, "elided")


def _as_labelled(tokens: list[Token], cand: Candidate) -> Candidate | None:
    """تعداد واحدها: ۱۲۰ — the label before the number names the unit."""
    k = cand.first - 1
    if _word(tokens, k) != ":":
        return None
    # تعداد واحدهای تحویل شده: ۲۴۰ — the label may run on after the counted noun
    label = next((j for j in range(k - 1, max(-1, k - 6), -1) if _word(tokens, j) == "تعداد"), None)
    if label is None or not tokens[label + 1].is_word or tokens[label + 1].line_break_before:
        return None
    noun = tokens[label + 1].text
    for plural in ("های", "ها", "ان"):
        if noun.endswith(plural) and len(noun) > len(plural) + 1:
            noun = noun[: -len(plural)]
            break
    return Candidate(cand.number, cand.value, noun, "count", None, None, "label")


def _as_population(tokens: list[Token], cand: Candidate) -> Candidate | None:
    """جمعیت مشهد ۳ میلیون … / باجمعیتی بالغ بر ۸٬۲۴۴٬۵۳۵: people, said without نفر."""
    if cand.value < 1000 or _is_year_like(cand.number, tokens):
        return None
    window = tokens[max(0, cand.first - 12) : cand.first]
    cue = [
        i
        for i, t in enumerate(window)
        if t.text in lx.POPULATION_WORDS or t.text.startswith("جمعیت")
    ]
    if not cue or any(t.text in {".", "؟", "!"} for t in window[cue[-1] :]):
        return None
    return Candidate(cand.number, cand.value, "نفر", "count", None, None, "population")


def _as_parallel(tokens: list[Token], cand: Candidate, before: list[Candidate]) -> Candidate | None:
    """تهران با ۸ میلیون … نفر … اصفهان نیز با ۲ میلیون و ۲۴۳ هزار و ۲۴۹: a list of like
    figures where a later one drops the unit the earlier ones gave."""
    if not cand.number.has_scale or not before or cand.first == 0:
        return None
    prev = before[-1]
    if prev.unit is None or prev.unit_source != "written" or cand.first - prev.last > 40:
        return None
    same_frame = prev.first > 0 and _word(tokens, prev.first - 1) == _word(tokens, cand.first - 1)
    alike = prev.number.has_scale and prev.value / 10 <= cand.value <= prev.value * 10
    return _borrow(cand, prev, "parallel") if same_frame and alike else None
