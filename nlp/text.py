"""Character-level folding of Persian text that remembers where every character came from.

The extractor matches numbers, units and dates on a *folded* copy of the article
(one digit script, one spelling of ی and ک, no diacritics, no tatweel), but every
span it reports must point into the text exactly as it arrived.  `FoldedText`
keeps, for each folded character, the index of the original character it came
from, so spans are translated back without any guessing.
"""

from __future__ import annotations

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
_DROPPED = {chr(c) for c in range(0x064B, 0x0660)} | {
    "\u0670",
    "\u0640",
    "\ufeff",
    "\u200e",
    "\u200f",
}

_TABLE: dict[str, str] = _DIGITS | _LETTERS


@dataclass(frozen=True, slots=True)
class FoldedText:
    """A folded copy of `original` plus the origin index of each folded character."""

    original: str
    folded: str
    origin: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Translate a folded half-open span to the matching span of the original text."""
        if end <= start:
            pos = self.origin[start] if start < len(self.origin) else len(self.original)
            return pos, pos
        return self.origin[start], self.origin[end - 1] + 1


def fold(text: str) -> FoldedText:
    """Fold digits, letter variants, ZWNJ and diacritics; keep the offset map."""
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        if ch in _DROPPED:
            continue
        out.append(_TABLE.get(ch, ch))
        origin.append(i)
    return FoldedText(text, "".join(out), tuple(origin))


def fold_string(text: str) -> str:
    """Fold a short string (a lexicon entry, a query word) without keeping offsets."""
    return "".join(_TABLE.get(ch, ch) for ch in text if ch not in _DROPPED)


def canonical_unit(text: str) -> str:
    """Spell a unit the way the annotation guidelines compare units: folded, no ZWNJ or hyphen."""
    return " ".join(fold_string(text).replace("-", " ").split())
