"""Persian number expressions: words, digits and both mixed, parsed to exact values.

Values are `Decimal` so that ۱.۱ میلیارد is exactly 1,100,000,000 and nothing drifts
through floating point.  The grammar is the one newspapers use: small groups
(یک … نهصد, or digits) joined by و, each group multiplied by a scale word
(هزار، میلیون، میلیارد), where a larger scale multiplies everything before it
(یک هزار و ۵۰ میلیارد = 1,050 × 10⁹).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from rasad.errors import InvalidInput

from .number_words import (  # the vocabulary, re-exported for the modules that read it
    AND,
    DECIMAL_DENOMINATORS,
    DENOMINATORS,
    HALF,
    HUNDREDS,
    NEGATIVE,
    ONES,
    POINT,
    SCALES,
    SMALL_WORDS,
    TENS,
)
from .text import fold_string
from .tokens import Token, split_token, tokenize

_BY_LENGTH = sorted({**SMALL_WORDS, **SCALES}, key=len, reverse=True)  # longest match first
_GLUED_NUMBER = re.compile(
    "^(?:" + "|".join(sorted(ONES | TENS | HUNDREDS, key=len, reverse=True)) + ")?"
    "(?:صد)?(?:" + "|".join(SCALES) + "|صد)+$"
)


@dataclass(frozen=True, slots=True)
class Atom:
    """One piece of a number expression: a small value, a scale word, or نیم."""

    value: Decimal
    place: int  # 1, 10 or 100 for small words; the scale for scale words; 0 for digits
    is_scale: bool = False
    is_word: bool = False


class NumberMatch(NamedTuple):
    """A parsed number expression spanning tokens[first:last + 1].  A named tuple: an
    article has one per number it holds, and a frozen dataclass costs several times more
    to make and to `_replace`."""

    value: Decimal
    first: int
    last: int
    has_scale: bool
    has_words: bool
    has_digits: bool
    trailing_scale: int | None  # the scale word the expression ends with, if any


_GROUPED = re.compile(r"\d{1,3}(?:([./])\d{3})(?:\1\d{3})+")


def digits_value(text: str) -> Decimal:
    """Value of a folded digit token: `,`/`،` group thousands; `.`/`/` mark decimals
    unless they separate two or more three-digit groups (1.200.000, ۳/۲۵۰/۰۰۰)."""
    if _GROUPED.fullmatch(text):
        return Decimal(text.replace(".", "").replace("/", ""))  # ۳/۲۵۰/۰۰۰
    text = text.replace(",", "").replace("،", "").replace("/", ".")
    return Decimal(text)


@lru_cache(maxsize=100_000)
def word_atoms(word: str) -> tuple[Atom, ...] | None:
    """Atoms of one number word, including glued forms such as یکهزار or دوصد (cached:
    every word of every article is asked)."""
    if word in SMALL_WORDS:
        value = SMALL_WORDS[word]
        # teens take no "و" after them (یازده و پنج is not Persian), so they count as ones
        place = 100 if word in HUNDREDS else 10 if word in TENS else 1
        return (Atom(Decimal(value), place, is_word=True),)
    if word in SCALES:
        return (Atom(Decimal(SCALES[word]), SCALES[word], is_scale=True, is_word=True),)
    if word == HALF:
        return (Atom(Decimal("0.5"), 1, is_word=True),)
    if not _GLUED_NUMBER.match(word):
        return None
    atoms: list[Atom] = []
    rest = word
    while rest:
        head = next((w for w in _BY_LENGTH if rest.startswith(w)), None)
        if head is None:
            return None
        atoms.extend(word_atoms(head) or ())
        rest = rest[len(head) :]
    return tuple(atoms)


MAX_DIGITS = 18  # longer digit runs are identifiers or page noise, not quantities


def _token_atoms(token: Token) -> tuple[Atom, ...] | None:
    if token.kind == "num":
        return _digit_atoms(token.text)
    if token.kind == "word":
        return word_atoms(token.text)
    return None


@lru_cache(maxsize=65536)
def _digit_atoms(text: str) -> tuple[Atom, ...] | None:
    """The one atom of a digit token (cached: an expression's tokens are read more than once)."""
    if len(text) > MAX_DIGITS and sum(ch.isdigit() for ch in text) > MAX_DIGITS:
        return None
    return (Atom(digits_value(text), 0),)


class _Accumulator:
    """Adds atoms up the way Persian reads them (see module docstring)."""

    def __init__(self) -> None:
        self.total = Decimal(0)
        self.group = Decimal(0)
        self.max_scale = 0
        self.last: Atom | None = None

    def can_take(self, atom: Atom, after_and: bool) -> bool:
        last = self.last
        if last is None:
            return True
        if atom.is_scale:
            # "۲۰ هزار", "هزار میلیارد": a scale may follow anything but a smaller-or-equal
            # scale written right before it in the same group.
            return not after_and and not (last.is_scale and atom.place <= last.place)
        if not after_and:
            # "یک صد", "دو صد" multiply; otherwise two small numbers side by side are a list.
            return atom.place == 100 and atom.value == 100 and last.is_word and last.place == 1
        if last.is_scale:
            return atom.value < last.place
        if last.place == 0:
            return False  # "۳ و ۱۴" is a list of two numbers, not 17
        return atom.value < last.place and (atom.place < last.place or atom.place == 0)

    def add(self, atom: Atom) -> None:
        if atom.is_scale:
            scale = int(atom.place)
            group = self.group or (Decimal(0) if self.total else Decimal(1))
            if scale > self.max_scale:
                self.total = (self.total + group) * scale
                self.max_scale = scale
            else:
                self.total += (group or 1) * scale
            self.group = Decimal(0)
        elif (
            self.last is not None
            and not self.last.is_scale
            and atom.value == 100
            and (self.last.place == 1 and self.last.is_word)
        ):
            self.group *= 100
        else:
            self.group += atom.value
        self.last = atom

    def add_half(self) -> None:
        """و نیم: half of the scale just said (دو میلیون و نیم), else half a unit (دو و نیم)."""
        if self.last is not None and self.last.is_scale:
            self.total += Decimal("0.5") * self.last.place
        else:
            self.group += Decimal("0.5")

    @property
    def value(self) -> Decimal:
        return self.total + self.group


def match_number(tokens: list[Token], i: int) -> NumberMatch | None:
    """Parse the longest number expression starting at tokens[i], or return None.

    Beyond whole numbers: منفی before a number, a whole expression over a decimal
    denominator (چهل و پنج صدم = 0.45, ۶ دهم = 0.6), a small fraction (سه چهارم), and a
    whole part with a decimal part (۹۲ و ۶ دهم = 92.6, دو ممیز چهار دهم = 2.4,
    سه و شصت و دو صدم = 3.62), each optionally followed by a scale word.
    """
    if tokens[i].text == NEGATIVE:
        inner = match_number(tokens, i + 1) if _adjacent(tokens, i + 1) else None
        return inner._replace(value=-inner.value, first=i) if inner else None
    whole = _match_whole(tokens, i)
    if whole is None:
        return None
    over = _denominator(tokens, whole.last + 1)
    if over and not whole.has_scale and 0 <= whole.value < over[0]:
        return whole._replace(value=whole.value / over[0], last=over[1], trailing_scale=None)
    if whole.last == i and _is_word_fraction(tokens, i):
        value = whole.value / DENOMINATORS[tokens[i + 1].text]
        return whole._replace(value=value, last=i + 1, trailing_scale=None)
    decimal = _decimal_part(tokens, whole)
    return _scaled(tokens, decimal) if decimal else whole


def _adjacent(tokens: list[Token], k: int) -> bool:
    """tokens[k] exists and follows its predecessor on the same line, close by."""
    return 0 < k < len(tokens) and tokens[k].start - tokens[k - 1].end <= 3


def _denominator(tokens: list[Token], k: int) -> tuple[int, int] | None:
    """A decimal denominator at tokens[k] (دهم، صدم، هزارم، ده هزارم …): (value, last)."""
    if not _adjacent(tokens, k):
        return None
    text = tokens[k].text
    if text in DECIMAL_DENOMINATORS:
        return DECIMAL_DENOMINATORS[text], k
    if text in {"ده", "صد"} and _adjacent(tokens, k + 1) and tokens[k + 1].text == "هزارم":
        return SMALL_WORDS[text] * 1000, k + 1
    return None


def _decimal_part(tokens: list[Token], whole: NumberMatch) -> NumberMatch | None:
    """The whole part followed by و or ممیز and a decimal part, or None."""
    joint = whole.last + 1
    if not _adjacent(tokens, joint + 1) or tokens[joint].text not in {AND, POINT}:
        return None
    part = _match_whole(tokens, joint + 1, scales=False)
    if part is None:
        return None
    over = _denominator(tokens, part.last + 1)
    if over and part.value < over[0]:
        fraction, last = part.value / over[0], over[1]
    elif tokens[joint].text == POINT and part.value == part.value.to_integral_value():
        # دو ممیز پنج = 2.5: the decimal digits as read aloud
        fraction, last = part.value / 10 ** len(str(int(part.value))), part.last
    else:
        return None
    has_words = whole.has_words or part.has_words
    return whole._replace(value=whole.value + fraction, last=last, has_words=has_words)


def _scaled(tokens: list[Token], number: NumberMatch) -> NumberMatch:
    """A decimal followed by a larger scale word: دو ممیز پنج میلیون."""
    k = number.last + 1
    scale = SCALES.get(tokens[k].text) if _adjacent(tokens, k) else None
    if scale is None or number.has_scale:
        return number
    value = number.value * scale
    return number._replace(value=value, last=k, has_scale=True, trailing_scale=scale)


def _may_follow_digits(tokens: list[Token], k: int) -> bool:
    """Whether tokens[k] may go on an expression that so far is one digit token: only a
    scale word (۲۰ هزار) or و (و نیم) can."""
    if k >= len(tokens):
        return False
    if tokens[k].text == AND:
        return True
    atoms = _token_atoms(tokens[k])
    return bool(atoms) and atoms[0].is_scale


def _match_whole(tokens: list[Token], i: int, scales: bool = True) -> NumberMatch | None:
    """The longest whole-number expression (with scales, unless told not, and و نیم)."""
    atoms = _token_atoms(tokens[i])
    if not atoms or (not scales and any(a.is_scale for a in atoms)):
        return None
    if tokens[i].kind == "num" and not _may_follow_digits(tokens, i + 1):
        return NumberMatch(atoms[0].value, i, i, False, False, True, None)  # most numbers
    acc = _Accumulator()
    for atom in atoms:
        acc.add(atom)
    last = i
    has_words = tokens[i].is_word
    has_digits = tokens[i].is_num
    j = i + 1
    while j < len(tokens):
        after_and = tokens[j].text == AND and j + 1 < len(tokens)
        k = j + 1 if after_and else j
        nxt = tokens[k]
        if after_and and nxt.text == HALF:
            acc.add_half()
            last, j = k, k + 1
            continue
        if nxt.start - tokens[k - 1].end > 3:  # a line break or wide gap ends the expression
            break
        atoms = _token_atoms(nxt)
        if not atoms or not acc.can_take(atoms[0], after_and):
            break
        if not scales and any(a.is_scale for a in atoms):
            break
        for atom in atoms:
            acc.add(atom)
        has_words |= nxt.is_word
        has_digits |= nxt.is_num
        last, j = k, k + 1
    end_atoms = _token_atoms(tokens[last]) or []
    trailing = int(end_atoms[-1].place) if end_atoms and end_atoms[-1].is_scale else None
    has_scale = acc.max_scale > 0  # every scale word sets it
    return NumberMatch(acc.value, i, last, has_scale, has_words, has_digits, trailing)


def _is_word_fraction(tokens: list[Token], k: int) -> bool:
    """True for "سه چهارم": a small number word over a larger ordinal denominator."""
    if k + 1 >= len(tokens) or tokens[k + 1].text not in DENOMINATORS:
        return False
    numerator = SMALL_WORDS.get(tokens[k].text)
    return numerator is not None and numerator < DENOMINATORS[tokens[k + 1].text]


def split_glued_number_words(tokens: list[Token], units: frozenset[str]) -> list[Token]:
    """Split words where a number word is glued to a preposition, a و or a unit.

    بپانصد → ب + پانصد, هزارو → هزار + و, هزاردستگاه → هزار + دستگاه, دوماهه → دو + ماهه.
    Only splits that leave a known number word (and, after it, a known unit) are made,
    so ordinary words that merely start with سه or ده are left alone.
    """
    return read_number_words(tokens, units)[0]


def read_number_words(tokens: list[Token], units: frozenset[str]) -> tuple[list[Token], list[int]]:
    """`split_glued_number_words`, and the indices (in the tokens it returns) of the tokens
    a number expression can start at: digits, number words, منفی.  One pass for both,
    with one cached question per word: most words are neither."""
    out: list[Token] = []
    starts: list[int] = []
    reading = _word_reader(units)
    for tok in tokens:
        kind = tok.kind
        if kind == "num":
            starts.append(len(out))
        elif kind == "word" and (cut := reading(tok.text)) is not None:
            if cut == 0:
                starts.append(len(out))
            else:
                for piece in split_token(tok, cut):
                    if starts_number(piece.text):
                        starts.append(len(out))
                    out.append(piece)
                continue
        out.append(tok)
    return out, starts


def starts_number(word: str) -> bool:
    """Whether a number expression can start at this word: a number word or منفی."""
    return word == NEGATIVE or word_atoms(word) is not None


@lru_cache(maxsize=8)
def _word_reader(units: frozenset[str]) -> Callable[[str], int | None]:
    """What a word is to `read_number_words` given the units: 0 for a word a number
    starts at, the cut for a glued one, None for the rest.  Cached per word, one cache
    per set of units (a call with one argument is the cheapest to look up)."""

    @lru_cache(maxsize=100_000)
    def reading(text: str) -> int | None:
        return 0 if starts_number(text) else _glue_cut(text, units)

    return reading


def _glue_cut(text: str, units: frozenset[str]) -> int | None:
    """Where to split a glued word, or None."""
    if word_atoms(text) is not None:
        return None
    if text.endswith(AND) and word_atoms(text[:-1]) is not None:
        return len(text) - 1  # دو هزارو ۴۰: و glued on
    # only longer number words: بهشت is not ب + هشت, but بپانصد is ب + پانصد
    rest = text[1:]
    if text[0] in "بو" and len(rest) >= 4 and word_atoms(rest) is not None:
        return 1
    for cut in range(len(text) - 2, 1, -1):
        head, tail = text[:cut], text[cut:]
        if word_atoms(head) is not None and _is_unit_form(tail, units):
            return cut
    return None


def _is_unit_form(tail: str, units: frozenset[str]) -> bool:
    """A unit, or a unit with an adjectival or plural ending: ماهه، ماههای."""
    if tail in units:
        return True
    return any(
        tail.endswith(end) and tail[: -len(end)] in units for end in ("های", "ها", "ه", "ی", "ای")
    )


def parse_number(expression: str) -> Decimal:
    """Parse a whole string as one number expression; raise ValueError if it is not one."""
    folded = fold_string(expression).strip()
    tokens = split_glued_number_words(tokenize(folded), frozenset())
    if not tokens:
        raise InvalidInput("empty expression: nothing to parse")
    if tokens[0].text in {"-", "−"} and len(tokens) > 1:
        return -parse_number(folded[tokens[1].start :])  # -۲۵ as typed
    match = match_number(tokens, 0)
    if match is None or match.last != len(tokens) - 1:
        raise InvalidInput(f"not a Persian number expression: {expression!r}")
    return match.value


def format_decimal(value: Decimal) -> str:
    """Plain decimal text with Latin digits and no separators: 2500, 1.5, 0.25."""
    if value == value.to_integral_value():
        return str(int(value))
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def to_python_number(value: Decimal) -> int | float:
    """JSON-friendly value: an int when whole, else a float."""
    return int(value) if value == value.to_integral_value() else float(value)
