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

    Most of an article is whitespace-separated runs of letters: `str.split` finds them,
    `isalpha` / `isdecimal` settle a whole run as one word or one number, and only runs
    that mix letters, digits and marks (مشهد، ۱۴۰۲/۰۳/۱۲) go through the regex.  Tokens
    are plain tuples made with `tuple.__new__`: a named tuple's constructor costs a
    Python call per token.
    """
    new, find = tuple.__new__, folded.find
    tokens: list[Token] = []
    append = tokens.append
    pos, newline = 0, find("\n")
    for run in folded.split():
        start = find(run, pos)
        broke = 0 <= newline < start
        if broke:
            newline = find("\n", start)
        pos = start + len(run)
        if run.isalpha():  # every letter is in [^\W\d_]: one word
            append(new(Token, (run, start, pos, "word", broke)))
        elif run.isdecimal():  # digits only: one number
            append(new(Token, (run, start, pos, "num", broke)))
        else:
            for m in _TOKEN.finditer(run):
                first, last = m.span()
                append(new(Token, (m.group(), start + first, start + last, m.lastgroup, broke)))
                broke = False
    return tokens


def split_token(token: Token, cut: int) -> tuple[Token, Token]:
    """Split a word token after `cut` characters (for glued words such as هزاردستگاه)."""
    first = Token(
        token.text[:cut], token.start, token.start + cut, token.kind, token.line_break_before
    )
    second = Token(token.text[cut:], token.start + cut, token.end, token.kind)
    return first, second
