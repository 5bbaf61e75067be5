"""Find reported figures in folded tokens: a number expression, its unit, and the
context that decides whether it is a figure at all (GUIDELINES.md, sections 2-4).

This module only decides *what* is a figure and its value, unit and surface; who said
it, where and when is `attribution`'s job, and `extract` puts the two together.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from . import lexicon as lx
from .candidate import Candidate, is_year_like
from .implied import resolve_bare
from .numbers import SMALL_WORDS, NumberMatch, match_number, word_atoms
from .tokens import Token
from .units import counted_noun, match_unit, word

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
    unit_match = match_unit(tokens, number.last + 1)
    unit: str | None
    if unit_match:
        unit, unit_last = unit_match
        kind = lx.unit_kind(unit)
        if unit == "تن" and word(tokens, unit_last + 1) == "از":
            kind = "count"  # ۱۰ تن از کارکنان: people
    else:
        head = counted_noun(tokens, number.last + 1)
        unit, unit_last, kind = (head, number.last + 1, "count") if head else (None, None, None)
    measure = kind in lx.MEASURE_KINDS
    if _is_identifier(tokens, number) and not measure:
        return None
    if unit is None:
        return None if is_year_like(number, tokens) else Candidate(number, number.value, None, None)
    if is_year_like(number, tokens) and not measure:
        return None
    if kind == "duration":
        assert unit_last is not None
        if _duration_is_window(tokens, number, unit_last, tokens[unit_last].text):
            return None
        if word(tokens, number.first - 1) == "ساعت":
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
