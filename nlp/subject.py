"""What a figure counts or measures, as a short normalized noun phrase.

۲۸ دفتر توسعه محله → "دفتر توسعه محله" (the counted noun and its modifiers);
۱۸۵ دستگاه اتوبوس → "اتوبوس" (what follows a classifier or a measure unit);
۸۸۰ نفر از داوطلبین … → "داوطلبین …"; ۲۰۰ نفر از آنها → the subject counted just before;
پارک ۵.۵ هکتاری → "پارک" (an adjectival unit describes the noun before it).
The phrase is cut from the original text and normalized with hazm, so ZWNJ survives.
"""

from __future__ import annotations

from functools import lru_cache

from . import lexicon as lx
from .candidate import Candidate
from .normalize import hazm_normalizer
from .numbers import word_atoms
from .text import ZWNJ, FoldedText
from .tokens import Token
from .units import qualifier_before

MAX_WORDS = 7
_STOP = lx.NOT_A_HEAD - {"و"}
_ANAPHORA = frozenset({"آنها", "ایشان"})
_DEMONSTRATIVES = frozenset({"این", "آن", "همین", "همان"})
_GLUED_SUFFIXES = frozenset({"ای", "ها", "های", "هایی", "ی", "تر", "ترین"})


@lru_cache(maxsize=4096)
def normalize_phrase(phrase: str) -> str:
    """hazm normalization of a short phrase; cached because subjects repeat within a corpus."""
    return hazm_normalizer().normalize(phrase)


def subject_of(
    ft: FoldedText, tokens: list[Token], cand: Candidate, previous: list[tuple[str, str]]
) -> str:
    """The subject phrase; `previous` holds (unit, subject) of the article's earlier figures."""
    unit = cand.unit or ""
    kind = lx.unit_kind(unit)
    if cand.unit_last is None:  # unit borrowed from a neighbour: so is the subject
        return next((s for u, s in reversed(previous) if u == unit), unit)
    unit_token = tokens[cand.unit_last].text
    if kind in lx.MEASURE_KINDS and unit_token.endswith("ی") and not unit.endswith("ی"):
        before = _noun_before(tokens, cand.first)
        if before is not None:
            return _phrase(ft, tokens, before, before)
    counted_head = kind == "count" and unit not in lx.CLASSIFIERS
    k = cand.unit_first if counted_head and cand.unit_first is not None else cand.last + 1
    if not counted_head:
        if _text(tokens, k) == "از":
            k += 1
            if _text(tokens, k) in _ANAPHORA and previous:
                return previous[-1][1]
        if _text(tokens, k) in _DEMONSTRATIVES or (kind == "money" and _text(tokens, k) == "برای"):
            k += 1  # ۷۵ درصد این اعتبار، ۴۰۰ میلیارد ریال برای بازآفرینی
    last = _extend(ft, tokens, k)
    if last < k:
        # با مساحت بیش از ۸۵ هزار متر مربع: the measured noun stands before the number
        before = (
            _noun_before(tokens, qualifier_before(tokens, cand.first)[1])
            if kind in lx.MEASURE_KINDS
            else None
        )
        return _phrase(ft, tokens, before, before) if before is not None else unit
    return _phrase(ft, tokens, k, last)


def _text(tokens: list[Token], k: int) -> str:
    return tokens[k].text if 0 <= k < len(tokens) else ""


def _noun_before(tokens: list[Token], first: int) -> int | None:
    k = first - 1
    if _text(tokens, k) == "یک":
        k -= 1
    if k >= 0 and tokens[k].is_word and tokens[k].text not in lx.NOT_A_HEAD:
        return k
    return None


def _extend(ft: FoldedText, tokens: list[Token], k: int) -> int:
    """Index of the last token of the noun phrase starting at k (k - 1 when there is none)."""
    last = k - 1
    if _text(tokens, k) == "و":
        return last  # ۴۰۰ متر و عرض …: a new phrase, not this figure's subject
    words = 0
    while k < len(tokens) and words < MAX_WORDS:
        tok = tokens[k]
        if k > 0 and (tok.start - tokens[k - 1].end > 2 or tok.line_break_before):
            break
        if tok.text in _GLUED_SUFFIXES and last >= 0 and _zwnj_joined(ft, tokens, k):
            last = k  # محله‌ای, کارهای: a suffix written after ZWNJ belongs to its word
            k += 1
            continue
        if not tok.is_word or tok.text in _STOP or word_atoms(tok.text) is not None:
            break
        if tok.text == "و" and (
            k + 1 >= len(tokens) or not tokens[k + 1].is_word or tokens[k + 1].text in _STOP
        ):
            break
        after = k + 1
        while after < len(tokens) and _zwnj_joined(ft, tokens, after):
            after += 1  # راه‌اندازی شد: look past the ZWNJ-joined rest of the word
        if _text(tokens, after) in lx.AUXILIARIES:
            break  # آسفالت شد: the compound verb is not part of the subject
        if tok.text != "و":
            last = k
        words += 1
        k += 1
    return last


def _zwnj_joined(ft: FoldedText, tokens: list[Token], k: int) -> bool:
    """True when token k continues the previous word across a ZWNJ (راه‌|اندازی)."""
    origin = ft.origin[tokens[k].start]
    return k > 0 and origin > 0 and ft.original[origin - 1] == ZWNJ


def _phrase(ft: FoldedText, tokens: list[Token], first: int, last: int) -> str:
    start, end = ft.span(tokens[first].start, tokens[last].end)
    return normalize_phrase(ft.original[start:end])
