"""The inflected forms of a Persian noun, for search: دفتر finds دفترها، دفترهای، دفاتر.

Searching is done on normalized text where a suffix is glued to its word (دفتر‌ها →
دفترها), so a word's forms are its stem with the plural, ezafe and possessive endings
written on, and its broken plural (a lexicon, `lexicon.BROKEN_PLURALS`).  A form is kept
only when it reads back to the same stem: hazm lists باران as a word of its own, so بار
does not find it.  No stemmer cuts the query word: hazm's stemmer over-stems (دفتر → دف),
and a wrong conflation is worse than a miss.

A verb form finds the other forms of its verb (ساختند → ساخت‌ام … می‌سازد، بسازند،
ساخته‌اند): past, continuous past, present, subjunctive and present perfect, built with
hazm's conjugator from the stems of a verb in hazm's list.  Only where the reading is
certain: a query word that is also a noun or another word (ساخت "construction", رسید
"receipt") is not expanded, and no form that is such a word is added, so ساختند never
finds an article about a ساخت.  Negative forms are another fact and are left out.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from . import lexicon as lx
from .loaded import once
from .measured import canonical
from .normalize import fold_word
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
    """The word first, then the other forms of its stem (the stem itself among them), or
    of its verb."""
    verbs = _verb_forms()
    lemmas = verbs.get(word, set())
    if len(lemmas) == 1 and not tags(word):
        (lemma,) = lemmas
        return (word, *sorted(f for f in _conjugated(lemma) if f != word and _verb_only(f)))
    stem = _stem(word)
    if len(stem) < MIN_STEM:
        return (word,)
    found = [word, stem, *_PLURALS_OF.get(stem, ())]
    found += [f for f in (stem + s for s in _endings(stem)) if _reads_back(f, stem)]
    return tuple(dict.fromkeys(found))


def _stem(word: str) -> str:
    """The noun a query word is a form of: the extractor's reading (`canonical`), kept only
    where it is the reverse of a form this module writes (the stem, an ending written on
    it, or a broken plural).  Its reading of a glued noun and adjective (پروازداخلی →
    پرواز) would otherwise make a compound find its first half (بهره‌برداری → بهره)."""
    stem = canonical(word)
    if stem == word or word in _PLURALS_OF.get(stem, ()):
        return stem
    return stem if word.startswith(stem) and word[len(stem) :] in _endings(stem) else word


def _endings(stem: str) -> tuple[str, ...]:
    if stem.endswith("ه"):
        return _AFTER_SILENT_H
    return _AFTER_VOWEL if stem.endswith(("ا", "و")) else _AFTER_CONSONANT


def _reads_back(form: str, stem: str) -> bool:
    """A glued form belongs to the stem unless hazm lists it as a word with another lemma
    (بار + ان is باران, a word of its own)."""
    return not tags(form) or canonical(form) == stem


@once
def _verb_forms() -> dict[str, set[str]]:
    """Normalized verb form → the verbs (hazm's past#present entries) it is a form of."""
    from hazm.utils import verbs_list

    out: dict[str, set[str]] = {}
    for lemma in verbs_list():
        for form in _conjugated(lemma):
            out.setdefault(form, set()).add(lemma)
    return out


@lru_cache(maxsize=2048)
def _conjugated(lemma: str) -> frozenset[str]:
    """A verb's affirmative one-word forms as normalized text writes them (ZWNJ glued)."""
    past, _, present = lemma.partition("#")
    conjugate = _conjugator()
    written: list[str] = []
    if past:
        written += conjugate.perfective_past(past) + conjugate.imperfective_past(past)
        written += conjugate.present_perfect(past)
    if present and " " not in present:
        written += conjugate.imperfective_present(present)
        written += conjugate.subjunctive_perfective_present(present)
    found = (fold_word(w) for w in written)  # hazm writes them normalized, ZWNJ apart
    return frozenset(f for f in found if f and " " not in f and len(f) >= MIN_STEM)


@once
def _conjugator() -> Any:
    from hazm.lemmatizer import Conjugation

    return Conjugation()


def _verb_only(form: str) -> bool:
    """A form that is only a verb form: not a word of another kind, not another verb's."""
    return not tags(form) and len(_verb_forms().get(form, ())) == 1
