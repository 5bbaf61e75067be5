"""Character-level folding of Persian text that remembers where every character came from.

The extractor matches numbers, units and dates on a *folded* copy of the article
(one digit script, one spelling of ی and ک, no diacritics, no tatweel), but every
span it reports must point into the text exactly as it arrived.  `FoldedText`
keeps, for each folded character, the index of the original character it came
from, so spans are translated back without any guessing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

ZWNJ = "\u200c"

# Persian (۰-۹) and Arabic-Indic (٠-٩) digits fold to Latin so one regex reads all three.
_DIGITS = {chr(0x06F0 + i): str(i) for i in range(10)} | {
    chr(0x0660 + i): str(i) for i in range(10)
}

_LETTERS = {
    "ي": "ی",
    "ى": "ی",
    "ئ": "ی",
    "ك": "ک",
    "ة": "ه",
    "ۀ": "ه",
    "أ": "ا",
    "إ": "ا",
    "ٱ": "ا",
    "ؤ": "و",
    "٪": "%",
    "٫": ".",
    "٬": ",",
    "﹪": "%",
    ZWNJ: " ",
    "\u200d": " ",
    "\u00a0": " ",
    "\u202f": " ",
    "\u2009": " ",
    "\t": " ",
}

# Arabic diacritics (harakat, tanwin, shadda, sukun, superscript alef) and tatweel carry no
# meaning for matching and split tokens if kept, so they are dropped from the folded copy.
DROPPED = {chr(c) for c in range(0x064B, 0x0660)} | {
    "\u0670",
    "\u0640",
    "\ufeff",
    "\u200e",
    "\u200f",
}

_TABLE: dict[str, str] = _DIGITS | _LETTERS
# Replacements (1:1) and deletions (1:0). A regex finds the few characters concerned:
# str.translate with a table this size looks up every character and is several times slower.
_REPLACE = {**_TABLE, **dict.fromkeys(DROPPED, "")}
_CONCERNED = re.compile("[" + re.escape("".join(sorted(_REPLACE))) + "]")
_DROPPED_RE = re.compile("[" + "".join(sorted(DROPPED)) + "]")


# folded character → the characters that fold to it (`folding_to`)
_FOLDED_FROM = {f: {o for o, g in _TABLE.items() if g == f} for f in set(_TABLE.values())}


def _replace(m: re.Match[str]) -> str:
    return _REPLACE[m.group()]


@dataclass(frozen=True, slots=True)
class FoldedText:
    """A folded copy of `original` plus the origin index of each folded character."""

    original: str
    folded: str
    origin: Sequence[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Translate a folded half-open span to the matching span of the original text."""
        if end <= start:
            pos = self.origin[start] if start < len(self.origin) else len(self.original)
            return pos, pos
        return self.origin[start], self.origin[end - 1] + 1


def fold(text: str) -> FoldedText:
    """Fold digits, letter variants, ZWNJ and diacritics; keep the offset map.

    Replacements are one character for one, so only dropped characters shift offsets;
    text without any (the usual case) maps by identity.
    """
    folded = _CONCERNED.sub(_replace, text)
    if len(folded) == len(text):
        return FoldedText(text, folded, range(len(text)))
    dropped = {m.start() for m in _DROPPED_RE.finditer(text)}
    return FoldedText(text, folded, tuple(i for i in range(len(text)) if i not in dropped))


def folding_to(words: Iterable[str]) -> re.Pattern[str]:
    """A pattern over *original* text that matches where its folded copy holds one of
    `words` (folded, lower case): each character as any that folds to it, in either case,
    and the dropped ones allowed after each.  It finds the first such place in C, where
    folding a whole article first and searching the copy cost ten times as much."""
    dropped = _DROPPED_RE.pattern + "*"

    def char(c: str) -> str:
        return "[" + "".join(re.escape(x) for x in sorted({c, *_FOLDED_FROM.get(c, ())})) + "]"

    spellings = sorted(set(words), key=len, reverse=True)
    return re.compile("|".join(dropped.join(map(char, w)) for w in spellings if w), re.I)


def fold_string(text: str) -> str:
    """Fold a short string (a lexicon entry, a query word) without keeping offsets."""
    return _CONCERNED.sub(_replace, text)
