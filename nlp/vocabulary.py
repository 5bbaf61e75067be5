"""hazm's Persian word list (shipped inside its wheel), folded, for questions of form.

The extractor asks it two things about a word after a number: is this a word at all
(a token that is not, such as تماسهای or پروازداخلی, is an inflected or glued form),
and what is its lemma as a counted noun (تماسهای → تماس، تختخوابی → تختخواب،
مسافران → مسافر, پروازداخلی → پرواز).  Loaded once, on first use.
"""

from __future__ import annotations

import itertools
from functools import lru_cache

from .loaded import once
from .text import fold_string

# Endings a counted noun may carry, longest first: plurals, then ezafe / adjectival ی
# (tried only on forms that are not words themselves: شهرداری stays شهرداری).
_PLURALS = ("هایی", "های", "ها", "یان", "ان", "ات", "ین")
_EZAFE = ("ای", "ی")
# The plural only Persian nouns take (not ان / ات / ین, which end many words): taken off a
# word hazm does not list (a loanword: تانکرها) even when its stem is unlisted too.
_PERSIAN_PLURALS = ("هایی", "های", "ها")
MIN_STEM = 3  # shorter stems match too many unrelated words
_BLOCK = 10_000  # lines of hazm's word file folded at a time


@once
def _words() -> dict[str, tuple[str, ...]]:
    """Folded word → its hazm part-of-speech tags.  Read from hazm's word file a block at a
    time, each distinct tag list held once (163 of them for 194,000 words): hazm's own
    reader builds every line as lists first, and a server worker never gave back the
    60 MB that took."""
    from hazm.utils import default_words

    out: dict[str, tuple[str, ...]] = {}
    shared: dict[str, tuple[str, ...]] = {}
    with open(default_words, encoding="utf-8") as lines:
        while block := list(itertools.islice(lines, _BLOCK)):
            entries = [line.strip().split("\t") for line in block]
            entries = [entry for entry in entries if len(entry) == 3]
            folded = fold_string("\n".join(word for word, _, _ in entries)).split("\n")
            for word, (_, _, listed) in zip(folded, entries, strict=True):
                if listed not in shared:
                    shared[listed] = tuple(listed.split(","))
                out.setdefault(word, shared[listed])
    return out


def is_noun(text: str) -> bool:
    return "N" in _words().get(text, ())


@lru_cache(maxsize=65536)
def noun_lemma(text: str) -> str:
    """The counted noun a written form stands for; the form itself when it is a word or
    no reading is certain."""
    words = _words()
    if "N" in words.get(text, ()):
        return text
    stem = _strip(text, _PLURALS, words)
    if stem or text in words:
        return stem or text
    stem = _strip(text, _EZAFE, words)
    if stem:
        return stem
    for cut in range(len(text) - MIN_STEM, MIN_STEM - 1, -1):  # glued: پروازداخلی
        head, tail = text[:cut], text[cut:]
        if "N" in words.get(head, ()) and _is_adjective(tail, words):
            return head  # a noun and an adjective run together: پروازداخلی
    for plural in _PERSIAN_PLURALS:  # a word hazm does not know: تانکرهای → تانکر
        if text.endswith(plural) and len(text) - len(plural) >= MIN_STEM:
            return text[: -len(plural)]
    return text


def tags(text: str) -> tuple[str, ...]:
    return _words().get(text, ())


def _strip(text: str, endings: tuple[str, ...], words: dict[str, tuple[str, ...]]) -> str:
    """The noun left when one of the endings comes off, or ''."""
    for ending in endings:
        stem = text[: -len(ending)]
        if text.endswith(ending) and len(stem) >= MIN_STEM and "N" in words.get(stem, ()):
            return stem
    return ""


def _is_adjective(text: str, words: dict[str, tuple[str, ...]]) -> bool:
    """An adjective, or a relational adjective in ی that hazm lists untagged (داخلی)."""
    found = words.get(text)
    if found is None or "N" in found:
        return False
    return "AJ" in found or (found == ("0",) and text.endswith("ی") and len(text) > 3)


_PERSON_ENDINGS = ("", "م", "ی", "یم", "ید", "ند")


@once
def _verb_stems() -> tuple[frozenset[str], frozenset[str]]:
    """hazm's verb list as (past stems, present stems), folded."""
    from hazm.utils import verbs_list

    past, present = set(), set()
    for entry in verbs_list():
        past_stem, _, present_stem = fold_string(entry).partition("#")
        past.add(past_stem)
        present.add(present_stem)
    past.discard("")
    present.discard("")
    return frozenset(past), frozenset(present)


def past_stems() -> frozenset[str]:
    """hazm's past stems, folded (پرداخت، ساخت، کاشت)."""
    return _verb_stems()[0]


def present_stems() -> frozenset[str]:
    """hazm's present stems, folded (آموز، نشان، ساز)."""
    return _verb_stems()[1]


# Nouns made from a verb's present stem that name its action or its outcome: بارش،
# بارندگی، باران (بار، of باریدن).  ان last: it is also a plural ending.
_ACTION_ENDINGS = ("ندگی", "ش", "ان")


@lru_cache(maxsize=65536)
def noun_of_action(word: str) -> str:
    """The verb's noun of action (stem + ش) for a noun hazm lists that is its present
    stem plus ش، ندگی or ان (بارندگی، باران → بارش); the word itself otherwise.  Only a
    derived noun folds, never the bare stem (ارز "currency" is not ارزش "value"), and
    only to a noun of action hazm lists too."""
    for ending in _ACTION_ENDINGS:
        stem = word[: -len(ending)]
        if (
            word.endswith(ending)
            and len(stem) >= MIN_STEM
            and stem in present_stems()
            and "N" in tags(word)
            and "N" in tags(stem + "ش")
        ):
            return stem + "ش"
    return word


@lru_cache(maxsize=65536)
def is_verb_form(text: str) -> bool:
    """A simple past (بارید، رسیدند) or a می- present (می‌بارد، میبارند) of a verb hazm
    knows: no noun after a number is written so."""
    past, present = _verb_stems()
    for ending in _PERSON_ENDINGS:
        stem = text[: len(text) - len(ending)] if ending else text
        if ending and not text.endswith(ending):
            continue
        if stem in past:
            return True
        for prefix in ("می", "نمی"):
            rest = stem.removeprefix(prefix).lstrip("\u200c")
            if stem.startswith(prefix) and (rest in present or rest.removesuffix("د") in present):
                return True
    return False
