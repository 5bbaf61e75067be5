"""The inflected forms of a Persian noun, for search: دفتر finds دفترها، دفترهای، دفاتر.

Searching is done on normalized text where a suffix is glued to its word (دفتر‌ها →
دفترها), so a word's forms are its stem with the plural, ezafe and possessive endings
written on, and its broken plural (a lexicon, `lexicon.BROKEN_PLURALS`).  A form is kept
only when it reads back to the same stem: hazm lists باران as a word of its own, so بار
does not find it.  No stemmer cuts the query word: hazm's stemmer over-stems (دفتر → دف),
and a wrong conflation is worse than a miss.  Verbs are left as written.
"""

from __future__ import annotations

from functools import lru_cache

from . import lexicon as lx
from .measured import canonical
from .vocabulary import tags

# plural, ezafe and possessive endings as normalized text writes them (glued), by how the
# stem ends: a consonant (دفترها، دفتران، دفترش), silent ه (منطقه‌ای، منطقه‌اش), a long
# vowel (فضای، دانشجویان)
_PLURAL = ("ها", "های", "هایی", "هایش", "هایشان", "هایمان")
_AFTER_CONSONANT = (*_PLURAL, "ان", "ات", "ین", "ی", "ش", "م", "مان", "تان", "شان")
_AFTER_SILENT_H = (*_PLURAL, "ی", "ای", "اش", "ام", "ات", "مان", "تان", "شان")
_AFTER_VOWEL = (*_PLURAL, "ی", "یی", "یان", "یش", "یم", "یمان", "یتان", "یشان")
_SINGULAR_OF = lx.BROKEN_PLURALS
_PLURALS_OF: dict[str, tuple[str, ...]] = {}
for _plural, _singular in _SINGULAR_OF.items():
    _PLURALS_OF[_singular] = (*_PLURALS_OF.get(_singular, ()), _plural)
MIN_STEM = 2  # one-letter stems would glue onto anything


@lru_cache(maxsize=16384)
def forms(word: str) -> tuple[str, ...]:
    """The word first, then the other forms of its stem (the stem itself among them)."""
    stem = canonical(word)
    if len(stem) < MIN_STEM:
        return (word,)
    found = [word, stem, *_PLURALS_OF.get(stem, ())]
    found += [f for f in (stem + s for s in _endings(stem)) if _reads_back(f, stem)]
    return tuple(dict.fromkeys(found))


def _endings(stem: str) -> tuple[str, ...]:
    if stem.endswith("ه"):
        return _AFTER_SILENT_H
    return _AFTER_VOWEL if stem.endswith(("ا", "و")) else _AFTER_CONSONANT


def _reads_back(form: str, stem: str) -> bool:
    """A glued form belongs to the stem unless hazm lists it as a word with another lemma
    (بار + ان is باران, a word of its own)."""
    return not tags(form) or canonical(form) == stem
