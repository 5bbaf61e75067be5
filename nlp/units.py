"""Units after a number: the lexicon's units (longest first, rates included), a counted
noun the lexicon does not know, and the qualifier before the number (حدود، بیش از).
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

from . import lexicon as lx
from .months import GREGORIAN_MONTHS, MONTHS, WEEKDAY_HEADS
from .numbers import word_atoms
from .tokens import Token
from .vocabulary import noun_lemma, tags

_ARABIC_LETTER = re.compile(r"[\u0600-\u06ff]")  # counted nouns are Persian words


def word(tokens: list[Token], i: int) -> str:
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


# Every proper prefix of a unit as the lexicon spells it: a unit of several tokens (متر
# مربع, or glued مترمربع after the tokens are joined) starts with a token that is one.
_UNIT_PREFIXES = frozenset(
    key[:i]
    for key in itertools.chain(lx.UNIT_KINDS, lx.CLASSIFIERS, lx.UNIT_ALIASES)
    for i in range(1, len(key))
)


def match_unit(tokens: list[Token], j: int) -> tuple[str, int] | None:
    """The lexicon unit starting at tokens[j] (longest first): (canonical unit, last index)."""
    if j >= len(tokens):
        return None
    text, kind = tokens[j].text, tokens[j].kind
    if text == "%":
        return "درصد", j
    if kind != "word":
        return None
    if text in _UNIT_PREFIXES:
        for n in (3, 2):
            span = tokens[j : j + n]
            if len(span) < n or not all(t.is_word for t in span):
                continue
            if any(b.start - a.end > 2 for a, b in itertools.pairwise(span)):
                continue
            head = " ".join(t.text for t in span[:-1])
            for variant in _unit_variants(span[-1].text):
                for written in (f"{head} {variant}", f"{head}{variant}"):
                    unit = _lookup_unit(written)
                    if unit:
                        return _with_rate(tokens, unit, j + n - 1)
    unit = _word_unit(text)
    return _with_rate(tokens, unit, j) if unit else None


@lru_cache(maxsize=65536)
def _word_unit(text: str) -> str | None:
    """The unit one word is, with an adjectival or ezafe ending off (متری، کیلومتره)."""
    return next(filter(None, map(_lookup_unit, _unit_variants(text))), None)


def _with_rate(tokens: list[Token], unit: str, last: int) -> tuple[str, int]:
    """Extend a unit into a rate: ۳۸۰۰ لیتر در ثانیه, ۸۰ نفر در هکتار."""
    k = last + 1
    joiner = word(tokens, k)
    if joiner not in {"در", "بر"}:
        return unit, last
    k += 1
    if word(tokens, k) == "هر":
        k += 1
    per = match_unit_simple(tokens, k)
    if per and word(tokens, per[1] + 1) in lx.WINDOW_AFTER:
        return unit, last  # ۲۰۰۰ متر مربع در هفته جاری: "this week", not a rate
    if (
        per
        and per[0] != unit
        and lx.unit_kind(per[0]) in {"duration", "area", "length", "volume", "weight"}
    ):
        return f"{unit} {joiner} {per[0]}", per[1]  # the joiner as written: بر ثانیه
    return unit, last


def match_unit_simple(tokens: list[Token], j: int) -> tuple[str, int] | None:
    if j < len(tokens) and tokens[j].is_word:
        unit = _word_unit(tokens[j].text)
        if unit:
            return unit, j
    return None


def counted_noun(tokens: list[Token], j: int) -> tuple[str, int] | None:
    """The counted noun right after a number and its last token: ۲۸ دفتر، ۱۲ روستای →
    روستا، ۸۸۳ تماسهای → تماس، ۷ آب شیرین کن (a compound ending in a present stem)."""
    if j >= len(tokens) or not tokens[j].is_word or tokens[j].start - tokens[j - 1].end > 2:
        return None
    if tokens[j].line_break_before:
        return None
    text = tokens[j].text
    if not _may_be_counted(text):
        return None
    compound = _agent_compound(tokens, j)
    if compound:
        return compound
    lemma = noun_lemma(text)
    if lemma == text and text.endswith(("ای", "وی")) and len(text) > 3:
        return text[:-1], j  # ezafe: روستای → روستا
    return lemma, j


@lru_cache(maxsize=65536)
def _may_be_counted(text: str) -> bool:
    """Whether a word after a number can be the noun it counts: not a month, a day part,
    a number word, an ordinal, a vague word or a می- verb (cached per word)."""
    return not (
        len(text) < 2
        or not _ARABIC_LETTER.match(text)
        or text in lx.NOT_A_HEAD
        or text in lx.VAGUE
        or text in MONTHS
        or text in GREGORIAN_MONTHS
        or text in WEEKDAY_HEADS
        or text in lx.DAYPARTS
        or word_atoms(text) is not None
        or text.endswith("گانه")
        or _is_ordinal(text)
        or (text.startswith(("می", "نمی")) and text.endswith(("د", "ند", "یم")))
    )


def _is_ordinal(text: str) -> bool:
    """سومین، پنجاهمین، صدمین: a number word and مین (زمین، تامین are not ordinals)."""
    stem = text[: -len("مین")]
    return text.endswith("مین") and (stem == "سو" or word_atoms(stem) is not None)


def _agent_compound(tokens: list[Token], j: int) -> tuple[str, int] | None:
    """A compound noun closed by a present stem, spaced or glued: آب شیرین کن (noun,
    adjective, stem), آبشیرین کن، آب شیرینکن، آتش نشان."""
    noun = tokens[j]
    second = _next_word(tokens, j)
    if not noun.is_word or second is None:
        return None
    if second.text in lx.AGENT_STEMS or _adjective_and_stem(second.text):
        return f"{noun.text} {second.text}", j + 1  # آتش نشان، آب شیرینکن
    third = _next_word(tokens, j + 1)
    if third is None or "AJ" not in tags(second.text):
        return None  # ۵۰ سایت آبشیرین کن: a noun and then a compound, not one compound
    if third.text in lx.AGENT_STEMS:
        return f"{noun.text} {second.text} {third.text}", j + 2  # آب شیرین کن
    return None


def _next_word(tokens: list[Token], k: int) -> Token | None:
    """tokens[k + 1] when it is a word written right after tokens[k] (one space at most)."""
    if k + 1 >= len(tokens):
        return None
    nxt = tokens[k + 1]
    return nxt if nxt.kind == "word" and nxt.start - tokens[k].end <= 1 else None


@lru_cache(maxsize=65536)
def _adjective_and_stem(word: str) -> bool:
    """شیرینکن: an adjective with a present stem glued on (cached per word)."""
    return any(word.endswith(stem) and "AJ" in tags(word[: -len(stem)]) for stem in lx.AGENT_STEMS)


def qualifier_before(tokens: list[Token], first: int) -> tuple[str, int]:
    """The qualifier written just before tokens[first] (حدود، بیش از …) and where it starts:
    ("exact", first) when there is none."""
    if first < 1 or tokens[first - 1].text not in _QUALIFIERS_BY_LAST_WORD:
        return "exact", first  # most numbers: no qualifier ends right before them
    words = tuple(t.text for t in tokens[max(0, first - 3) : first])
    for phrase, qualifier in _QUALIFIERS_BY_LAST_WORD[words[-1]]:
        if words[-len(phrase) :] == phrase:
            return qualifier, first - len(phrase)
    return "exact", first


# The qualifier phrases (longest first) under the word they end with: only those can match.
_QUALIFIERS_BY_LAST_WORD: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _phrase, _qualifier in lx.QUALIFIER_PHRASES:
    _QUALIFIERS_BY_LAST_WORD.setdefault(_phrase[-1], []).append((_phrase, _qualifier))
