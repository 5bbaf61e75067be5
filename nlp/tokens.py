"""Tokenizer for folded Persian text that keeps character offsets.

hazm's word tokenizer returns strings without positions and merges verbs, which is
right for lemmatisation but wrong for span-exact extraction; this one splits runs of
digits, runs of letters and single punctuation marks, and records where each began.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# Thousands groups (8,244,535 or 1.200.000) must be tried before plain decimals (12.66, 12/66).
_NUMBER = (
    r"\d{1,3}(?:[,،]\d{3})+(?:\.\d+)?(?!\d)"
    r"|\d{1,3}(?:\.\d{3}){2,}(?![\d.])"
    r"|\d{1,3}(?:/\d{3}){2,}(?![\d/])"
    r"|\d+(?:[./]\d+)?(?![/.]\d)"
    r"|\d+"
)
_TOKEN = re.compile(rf"(?P<num>{_NUMBER})|(?P<word>[^\W\d_]+)|(?P<punct>\S)")


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
    """Split folded text into number, word and punctuation tokens with offsets."""
    tokens: list[Token] = []
    newline = folded.find("\n")  # the next line break at or after prev_end, or -1
    for m in _TOKEN.finditer(folded):
        start = m.start()
        broke = 0 <= newline < start
        if broke:
            newline = folded.find("\n", start)
        tokens.append(Token(m.group(), start, m.end(), m.lastgroup or "punct", broke))
    return tokens


def split_token(token: Token, cut: int) -> tuple[Token, Token]:
    """Split a word token after `cut` characters (for glued words such as هزاردستگاه)."""
    first = Token(
        token.text[:cut], token.start, token.start + cut, token.kind, token.line_break_before
    )
    second = Token(token.text[cut:], token.start + cut, token.end, token.kind)
    return first, second
