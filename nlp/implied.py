"""Figures whose unit is not written beside them: a bare number takes the unit it shares
with a neighbour (ranges, elided units, parallel lists, restatements), a label (تعداد
واحدها: ۱۲۰) or a population cue (جمعیت … ۳ میلیون), or is dropped.
"""

from __future__ import annotations

from decimal import Decimal

from . import lexicon as lx
from .candidate import Candidate, is_year_like
from .tokens import Token
from .units import word

_RANGE_JOINERS = frozenset({"تا", "الی", "-", "–", "به"})


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
        word(tokens, cand.first - 1) == "("
        and prev.last == cand.first - 2
        and (word(tokens, cand.number.last + 1) == ")")
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
    if word(tokens, k) != ":":
        return None
    # تعداد واحدهای تحویل شده: ۲۴۰ — the label may run on after the counted noun
    label = next((j for j in range(k - 1, max(-1, k - 6), -1) if word(tokens, j) == "تعداد"), None)
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
    if cand.value < 1000 or is_year_like(cand.number, tokens):
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
    same_frame = prev.first > 0 and word(tokens, prev.first - 1) == word(tokens, cand.first - 1)
    alike = prev.number.has_scale and prev.value / 10 <= cand.value <= prev.value * 10
    return _borrow(cand, prev, "parallel") if same_frame and alike else None
