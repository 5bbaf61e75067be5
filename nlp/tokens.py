"""Tokenizer for folded Persian text that keeps character offsets.

hazm's word tokenizer returns strings without positions and merges verbs, which is
right for lemmatisation but wrong for span-exact extraction; this one splits runs of
digits, runs of letters and single punctuation marks, and records where each began.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from operator import itemgetter
from typing import NamedTuple

# Thousands groups (8,244,535 or 1.200.000) must be tried before plain decimals (12.66, 12/66).
_NUMBER = (
    r"\d{1,3}(?:[,،]\d{3})+(?:\.\d+)?(?!\d)"
    r"|\d{1,3}(?:\.\d{3}){2,}(?![\d.])"
    r"|\d{1,3}(?:/\d{3}){2,}(?![\d/])"
    r"|\d+(?:[./]\d+)?(?![/.]\d)"
    r"|\d+"
)
# Words first: they are most tokens, and their one character class fails fastest.
_TOKEN = re.compile(rf"(?P<word>[^\W\d_]+)|(?P<num>{_NUMBER})|(?P<punct>\S)")


class Token(NamedTuple):
    """One token of the folded text: `kind` is 'num', 'word' or 'punct'.  A named tuple:
    an article has thousands of tokens, and tuples are the cheapest objects to make."""

    text: str
    start: int
    end: int
    kind: str
    line_break_before: bool = False

    @property
    def is_num(self) -> bool:
        return self.kind == "num"

    @property
    def is_word(self) -> bool:
        return self.kind == "word"


def tokenize(folded: str) -> list[Token]:
    """Split folded text into number, word and punctuation tokens with offsets.

    Tokens are built with `tuple.__new__` (a named tuple's own constructor costs a Python
    call per token), and the few line breaks are marked afterwards by bisection."""
    new = tuple.__new__
    tokens: list[Token] = [
        new(Token, (m.group(), m.start(), m.end(), m.lastgroup, False))
        for m in _TOKEN.finditer(folded)
    ]
    newline = folded.find("\n")
    while newline >= 0:
        i = bisect_left(tokens, newline, key=_START)
        if i == len(tokens):
            break
        tokens[i] = tokens[i]._replace(line_break_before=True)
        newline = folded.find("\n", tokens[i].start)
    return tokens


_START = itemgetter(1)


def split_token(token: Token, cut: int) -> tuple[Token, Token]:
    """Split a word token after `cut` characters (for glued words such as هزاردستگاه)."""
    first = Token(
        token.text[:cut], token.start, token.start + cut, token.kind, token.line_break_before
    )
    second = Token(token.text[cut:], token.start + cut, token.end, token.kind)
    return first, second
