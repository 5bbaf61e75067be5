"""What a figure measures, as a canonical key: the same statistic phrased several ways gets
one key, so that its reports line up in one series.

The measured thing is found from the sentence's structure, not from the words beside the
number alone:

- a counted noun is itself the thing (۲۸ دفتر توسعه محله);
- after a classifier or a unit of measure, the noun that follows (۲۰۰ دستگاه اتوبوس،
  ۳۱۰۰ هکتار فضای سبز دارد، ۸۸۰ نفر از داوطلبان، با ۵۰ درصد پیشرفت);
- a measuring word before the number names it: شمار / تعداد / طول / مساحت / سطح /
  میزان / سهم / نرخ / حجم / ظرفیت X … به N رسید;
- else the clause's opening noun phrase (بودجه شهرداری شیراز … ۸ هزار میلیارد تومان است).

The key is a run of nouns from the head (hazm's part-of-speech tags say which words are
nouns), lemmatized and folded (دفترها / دفاتر / دفترهای → دفتر، توسعه‌ی → توسعه), without
the place (it has its own field), administrative bodies that stand for the place
(شهرداری شیراز), time words and adjectives (جدید، خارجی، سالانه), and ending before a noun
naming the set the things belong to (اتوبوس‌های ناوگان).  A classifier gives way to its
noun: ۵۰۰ دستگاه اتوبوس and ۵۰۰ اتوبوس are one statistic.  In an amount (millimetres,
tonnes), nouns made from one verb's present stem name one thing: بارش، بارندگی and باران
(بار، of باریدن) are keyed بارش.  People counted by نفر are keyed
by who they are (داوطلب), whatever the activity after it; a figure after دیگر or a pronoun
(۲۰۰ دستگاه دیگر، ۴۰ درصد آن) measures what the sentence's figure before it measured.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from functools import lru_cache
from operator import itemgetter

from . import lexicon as lx
from .candidate import Candidate
from .numbers import word_atoms
from .text import DROPPED
from .tokens import Token
from .vocabulary import (
    is_noun,
    is_verb_form,
    noun_lemma,
    noun_of_action,
    past_stems,
    present_stems,
    tags,
)

MAX_KEY_WORDS = 3
_GLUED_SUFFIXES = frozenset({"ی", "ای", "ها", "های", "هایی"})
_PERSON_PLURALS = ("ان", "ین", "های", "ها")
_SENTENCE_ENDS = frozenset({".", "!", "؟", "?", ""})
_DEMONSTRATIVES = frozenset({"این", "آن", "همین", "همان"})
_RANGE_WORDS = frozenset({"تا", "الی"})
# qualifiers that stand between a measuring word and its number (با مساحت بیش از ۸۵ …)
_BEFORE_NUMBER = frozenset({"بیش", "از", "حدود", "بالغ", "بر", "کمتر", "تقریبا", "افزون"})
# the present-tense prefix, written apart once ZWNJ folds to a space (می کند، نمی شود)
_PRESENT_PREFIXES = frozenset({"می", "نمی"})


def measured(
    tokens: list[Token], cand: Candidate, clause_first: int, places: frozenset[str]
) -> tuple[str, int, int] | None:
    """What the figure measures: its canonical name, and the first and last tokens that
    name it as written (the subject an analyst reads); None when nothing names it.  A
    figure that refers back (`refers_back`) takes its thing from the figures before it,
    which the caller holds."""
    head = _head(tokens, cand, clause_first, places)
    if head is None:
        return None
    key, last = _noun_run(tokens, head, places, MAX_KEY_WORDS)
    if _text(tokens, head - 1) == "با" and head < cand.first:
        key += _whose(tokens, head - 1, clause_first, places, MAX_KEY_WORDS - len(key.split()))
    if head > cand.last and lx.unit_kind(cand.unit or "") != "count" and " " not in key:
        key += _kind_of_set(tokens, clause_first, cand.first, places)
    if cand.unit in lx.PEOPLE_CLASSIFIERS:
        key = _person(key)  # the key is who they are; the subject keeps the rest
    return (key, head, last) if key else None


def _kind_of_set(tokens: list[Token], clause_first: int, first: int, places: frozenset[str]) -> str:
    """What a set that opens the clause is a set of, for a part it has: شبکه قطار شهری مشهد
    ۷۵ کیلومتر خط دارد measures خط قطار, as طول خطوط قطار شهری مشهد does ('' if none)."""
    kind = clause_first + 1
    if tokens[clause_first].text not in lx.SET_NOUNS or kind >= first:
        return ""
    if not _is_thing(tokens, kind, places):
        return ""
    words, _ = _noun_run(tokens, kind, places, MAX_KEY_WORDS - 1)
    return f" {words}" if words else ""


def refers_back(tokens: list[Token], cand: Candidate) -> str | None:
    """۲۰۰ دستگاه دیگر، ۴۰ درصد آن، ۲۰۰ نفر از آنها: the thing is one a figure before
    named (`Extraction.referred` takes it from the sentence's figures before): "more" of
    the same unit after دیگر, "pronoun" after a pronoun, else None."""
    after = (cand.unit_last if cand.unit_last is not None else cand.last) + 1
    if cand.unit_last is None and _text(tokens, after) in _RANGE_WORDS:
        after += 1  # ۲ تا ۳ هزار اصله دیگر: the range's first number shares its unit
        while after < len(tokens) and (
            tokens[after].is_num or word_atoms(tokens[after].text) is not None
        ):
            after += 1
        after += 1  # the unit
    if _text(tokens, after) == "از":
        after += 1
    word = _text(tokens, after)
    if word in _DEMONSTRATIVES and is_noun(canonical(_text(tokens, after + 1))):
        return None  # ۷۵ درصد این اعتبار: a demonstrative before its noun
    if word in lx.PRONOUNS:
        return "pronoun"
    return "more" if word == "دیگر" and cand.unit in lx.CLASSIFIERS else None


def predicate(tokens: list[Token], cand: Candidate, sentence_end: int) -> str:
    """What a part of a whole is said to be or do, canonical: the last noun or adjective
    of its sentence before the verb (۲۰۰ نفر از آنان به اشتغال رسیدند → اشتغال، … اکنون
    شاغل هستند → شاغل); '' when there is none."""
    found = ""
    k = (cand.unit_last if cand.unit_last is not None else cand.last) + 1
    while k < len(tokens) and tokens[k].start < sentence_end:
        text = tokens[k].text
        if text in _CLAUSE_ENDS or text in _SENTENCE_ENDS:
            break
        lemma = canonical(text)
        word_tags = tags(lemma)
        describes = "N" in word_tags or "AJ" in word_tags
        if tokens[k].is_word and describes and text not in lx.PRONOUNS | lx.AUXILIARIES:
            found = lemma
        k += 1
    return found


def _person(key: str) -> str:
    """A person noun alone: its first word, and the present stem or past participle that
    closes it into one compound (دانش آموز، آتش نشان، آسیب دیده), but not the activity
    after it (داوطلب راه اندازی)."""
    words = key.split(" ")
    kept = words[:1]
    for word in words[1:]:
        stem = next((word[: -len(p)] for p in _PERSON_PLURALS if word.endswith(p)), word)
        if word.endswith("گان"):
            stem = word[:-3] + "ه"  # آسیب دیدگان → آسیب دیده
        participle = stem.endswith("ه") and stem[:-1] in past_stems()
        if stem not in present_stems() and not participle:
            break
        kept.append(stem)  # دانش آموزان: the plural rides on the compound's last part
    return " ".join(kept)


def written_thing(
    tokens: list[Token], first: int, last: int, original: Callable[[int], str]
) -> str:
    """What is measured as an analyst reads it: the words from `first` to `last` in the
    article's own spelling, each in its singular (دفترهای → دفتر، دفاتر → دفتر، توسعه‌ی →
    توسعه) but keeping the ezafe a vowel needs to be read (فضای سبز)."""
    words = []
    for k in range(first, last + 1):
        text = tokens[k].text
        if k > first and text in _GLUED_SUFFIXES:
            continue
        lemma = canonical(text)
        if text.endswith(("ای", "وی")) and lemma == text[:-1]:
            lemma = text  # فضای سبز, not فضا سبز
        if not text.startswith(lemma):
            words.append(lemma)
            continue
        written = original(k)
        # nothing dropped in folding (the usual case): the prefix is as long in both
        same = len(written) == len(text)
        words.append(written[: len(lemma)] if same else _in_original(written, lemma))
    return " ".join(words)


def _in_original(word: str, folded_prefix: str) -> str:
    """The first letters of the original word that fold to `folded_prefix` (its diacritics
    and tatweel fold to nothing), so زائر keeps its hamza."""
    count, wanted = 0, len(folded_prefix)
    for i, ch in enumerate(word):
        if count == wanted:
            return word[:i]
        count += ch not in DROPPED  # every other character folds to one
    return word


def key_unit(cand: Candidate, thing: str) -> str:
    """The unit part of a key: a count's unit is the thing counted (its first word), so a
    classifier (دستگاه، نفر) and the noun itself (اتوبوس) give one key."""
    unit = cand.unit or ""
    if lx.unit_kind(unit) == "count" and thing:
        return thing.split()[0]
    return unit


# Kinds of amount a process yields (rain in millimetres, erosion in tonnes).  Only there do
# the nouns of one verb's action name one amount: counted, نمایش (shows) and نمایندگی
# (agencies) are different things.
_AMOUNTS = frozenset({"length", "area", "volume", "weight"})


def key_thing(cand: Candidate, thing: str) -> str:
    """The thing part of a key: an amount of a verb's action is keyed by its noun of
    action, so بارش، بارندگی and باران in millimetres are one statistic."""
    numerator = (cand.unit or "").split(" در ")[0].split(" بر ")[0]
    if lx.unit_kind(numerator) not in _AMOUNTS:
        return thing
    return " ".join(noun_of_action(word) for word in thing.split())


_START = itemgetter(1)  # a token's start, as a C function (cheaper than a lambda key)


def clause_start(tokens: list[Token], sentence_start: int, number_first: int) -> int:
    """The first token of the figure's clause: after the last colon, comma or
    complementizer before the number (فرماندار گفت: …), else the sentence's first token."""
    first = bisect_left(tokens, sentence_start, key=_START)
    for k in range(number_first - 1, first - 1, -1):
        if tokens[k].text in _CLAUSE_ENDS:
            return k + 1
    return first


# What ends a clause before a number: punctuation and a complementizer (با بیان اینکه ۷۵
# درصد …).  Not a finite verb: a clause after و often shares the subject of the one before
# (سرانه فضای سبز ۱۴ متر مربع است و تا پایان برنامه به ۱۶ متر مربع می‌رسد).
_CLAUSE_ENDS = frozenset({":", "؛", "،", ",", "اینکه", "آنکه"})


def _head(
    tokens: list[Token], cand: Candidate, clause_first: int, places: frozenset[str]
) -> int | None:
    unit = cand.unit or ""
    kind = lx.unit_kind(unit)
    counted = kind == "count" and unit not in lx.CLASSIFIERS and cand.unit_first is not None
    with_cue = _measured_with(tokens, cand.first, clause_first, places)
    if with_cue is not None:
        return with_cue
    cue = _measuring_word_before(tokens, cand.first, clause_first, unit)
    if cue is not None and (not counted or canonical(tokens[cue].text) == canonical(unit)):
        # شمار دفترهای توسعه محله … به ۳۰ دفتر رسید: the cue names it in full
        return _past_classifier(tokens, cue, places)
    if counted:
        return cand.unit_first  # ۲۸ دفتر: the counted noun is the thing
    unit_last = cand.unit_last if cand.unit_last is not None else cand.last
    if kind != "count" and cand.unit_last is not None and _adjectival(tokens[unit_last].text, unit):
        before = cand.first - 1  # یک پارک ۵.۵ هکتاری: the number describes the noun before
        if before >= clause_first and _is_thing(tokens, before, places):
            return _noun_start(tokens, before, clause_first, places)
    after = unit_last + 1
    if _text(tokens, after) == "از":
        after += 1  # ۸۸۰ نفر از داوطلبان
    after = _past_demonstrative(tokens, after, len(tokens))  # ۷۵ درصد این اعتبار
    if _is_thing(tokens, after, places) and _same_line(tokens, after):
        if unit in lx.CLASSIFIERS and _describes(tokens[after].text):
            return cand.unit_first  # ۲۵۰ واحد صنعتی: the classifier is the noun described
        return after  # ۲۰۰ دستگاه اتوبوس، ۳۱۰۰ هکتار فضای سبز، ۵۰ درصد پیشرفت
    after_with = _after_with(tokens, clause_first, cand.first, places)
    if after_with is not None:
        return after_with  # هتل‌ها با ضریب اشغال ۸۵ درصد: what the number goes with
    return _opening_noun(tokens, clause_first, cand.first, places)


def _adjectival(written: str, unit: str) -> bool:
    """A unit written as an adjective (هکتاری، تومانی، متری): the number and unit describe
    a noun, they do not count one."""
    stem = written[:-1]
    return written.endswith("ی") and stem != "" and unit.endswith(stem) and written != unit


def _noun_start(tokens: list[Token], k: int, clause_first: int, places: frozenset[str]) -> int:
    """The first token of the run of things that ends at token k (یک پارک → پارک، شورای
    شهر شیراز بودجه → بودجه: a place or a number stops it)."""
    while k - 1 >= clause_first and _is_thing(tokens, k - 1, places):
        k -= 1
    return k


def _after_with(
    tokens: list[Token], clause_first: int, first: int, places: frozenset[str]
) -> int | None:
    """The noun phrase between با and the number (با ضریب اشغال ۸۵ درصد), if one fills
    the gap: with the number after it, it names what the number measures."""
    for k in range(first - 1, clause_first - 1, -1):
        if tokens[k].text == "با":
            phrase = range(k + 1, first)
            if phrase and all(_is_thing(tokens, j, places) for j in phrase):
                return k + 1
            return None
    return None


def _whose(
    tokens: list[Token], with_at: int, clause_first: int, places: frozenset[str], most: int
) -> str:
    """What a with-phrase is said of: هتل‌های کاشان با ضریب اشغال ۸۵ درصد measures the
    hotels' occupancy (ضریب اشغال هتل), as ضریب اشغال هتل‌های کاشان does ('' when a place
    or nothing but a place stands before با: شیراز با نرخ بیکاری ۱۱ درصد)."""
    before = with_at - 1
    while before >= clause_first and (
        _text(tokens, before) in _GLUED_SUFFIXES or _text(tokens, before) in places
    ):
        before -= 1  # هتل‌های کاشان: the place has its own field
    if most < 1 or before < clause_first or not _is_thing(tokens, before, places):
        return ""
    start = before
    while start - 1 >= clause_first:
        if _is_thing(tokens, start - 1, places):
            start -= 1
        elif _text(tokens, start - 1) in _GLUED_SUFFIXES and start - 2 >= clause_first:
            if not _is_thing(tokens, start - 2, places):
                break
            start -= 2  # پارکینگ‌های طبقاتی: back past the plural written apart
        else:
            break
    words, _ = _noun_run(tokens, start, places, most)
    return f" {words}" if words else ""


def _describes(text: str) -> bool:
    """A relational adjective hazm also lists as a noun (صنعتی ← صنعت، درمانی ← درمان):
    after a classifier it describes the classifier, it is not a thing of its own."""
    return text.endswith("ی") and "AJ" in tags(text) and is_noun(text[:-1])


def _past_classifier(tokens: list[Token], k: int, places: frozenset[str]) -> int:
    """The noun a classifier stands before (شمار واحدهای مسکن مهر → مسکن), as after a
    number: a classifier is the unit of a count, not what is counted."""
    if canonical(tokens[k].text) not in lx.CLASSIFIERS:
        return k
    after = k + 1
    while _text(tokens, after) in _GLUED_SUFFIXES:
        after += 1  # واحد های: the plural written apart
    if not _is_thing(tokens, after, places) or not _same_line(tokens, after):
        return k
    return k if _describes(tokens[after].text) else after  # واحدهای صنعتی: the classifier


def _measuring_word_before(
    tokens: list[Token], first: int, clause_first: int, unit: str
) -> int | None:
    """شمار ایستگاه‌های آتش‌نشانی تهران به ۱۳۵ ایستگاه رسید: the noun after the cue (past
    a demonstrative: مساحت این بوستان), when the cue measures in the figure's unit."""
    for k in range(clause_first, first):
        text = tokens[k].text
        if text in lx.MEASURING_WORDS and k + 1 < first:
            return _past_demonstrative(tokens, k + 1, first) if _measures(text, unit) else None
    return None


def _measures(cue: str, unit: str) -> bool:
    """Whether a measuring word can measure in this unit: مساحت an area, طول a length,
    شمار a count; میزان، سهم، نرخ anything (مساحت این بوستان … ۹۰ میلیارد ریال is not)."""
    wanted = lx.MEASURING_KINDS.get(cue)
    return wanted is None or lx.unit_kind(unit) in wanted


def _measured_with(
    tokens: list[Token], first: int, clause_first: int, places: frozenset[str]
) -> int | None:
    """۱۲ بوستان با مساحت بیش از ۸۵ هزار متر مربع: a measuring word right before the
    number, after با, measures the nouns before با."""
    k = first - 1
    while k > clause_first and tokens[k].text in _BEFORE_NUMBER:
        k -= 1  # بیش از، حدود
    if k <= clause_first or tokens[k].text not in lx.MEASURING_WORDS or tokens[k - 1].text != "با":
        return None
    before = k - 2
    while before >= clause_first and _text(tokens, before) in _GLUED_SUFFIXES:
        before -= 1  # بوستان محله ای
    if before < clause_first or not _is_thing(tokens, before, places):
        return None
    return _noun_start(tokens, before, clause_first, places)


def _past_demonstrative(tokens: list[Token], k: int, stop: int) -> int:
    """این بوستان، آن طرح: the noun a demonstrative points at, not the demonstrative."""
    return k + 1 if _text(tokens, k) in _DEMONSTRATIVES and k + 1 < stop else k


def _opening_noun(
    tokens: list[Token], clause_first: int, first: int, places: frozenset[str]
) -> int | None:
    """The first noun of the clause that is not a place, a time word, a preposition or a
    body that stands for the place (شورای شهر اردبیل بودجه شهرداری را … تصویب کرد)."""
    for k in range(clause_first, first):
        if tokens[k].text not in lx.ADMIN_BODIES and _is_thing(tokens, k, places):
            return _past_classifier(tokens, k, places)  # … اصله نهال: the noun counted
    return None


def _noun_run(tokens: list[Token], head: int, places: frozenset[str], most: int) -> tuple[str, int]:
    """The canonical words from the head on (at most `most`), and the last token they (or
    a glued suffix of theirs) take."""
    words: list[str] = []
    k = last = head
    while k < len(tokens) and len(words) < most:
        text = tokens[k].text
        if words and text in _GLUED_SUFFIXES:
            last = k
            k += 1  # توسعه‌ی، کسب‌وکارهای: a suffix written apart belongs to its word
            continue
        if words and (not _is_thing(tokens, k, places) or not _same_line(tokens, k)):
            break
        if text in lx.ADMIN_BODIES:
            break  # بودجه شهرداری شیراز: the body stands for the place
        if words and text in lx.SET_NOUNS:
            break  # اتوبوس‌های ناوگان مشهد: the fleet holds the buses, it is not a kind
        words.append(canonical(text))
        last = k
        k += 1
    return " ".join(words), last


@lru_cache(maxsize=65536)
def canonical(word: str) -> str:
    """One spelling for every form of a noun: plural and ezafe folded (داوطلبین، داوطلبان
    → داوطلب، فضای → فضا), broken plurals to their singular (دفاتر → دفتر).  Cached: a
    few hundred words recur in every article."""
    lemma = noun_lemma(word)
    if not is_noun(lemma) and word.endswith(("ای", "وی")) and is_noun(word[:-1]):
        lemma = word[:-1]  # فضای: the ezafe of a noun that ends in a vowel
    for plural in ("ین", "ان"):
        stem = lemma[: -len(plural)]
        if lemma.endswith(plural) and len(stem) >= 4 and is_noun(stem):
            lemma = stem  # داوطلبین: hazm lists the plural as a word of its own
    return lx.BROKEN_PLURALS.get(lemma, lemma)


def _is_thing(tokens: list[Token], k: int, places: frozenset[str]) -> bool:
    """A noun that can name what is measured: not a place or its adjective (مشهدی), a time
    word, an adjective (جدید، فیزیکی، سواری), a number, a unit, the noun of a compound
    verb (تصویب شد)."""
    if not 0 <= k < len(tokens) or not tokens[k].is_word:
        return False
    verb = k + 2 if _text(tokens, k + 1) in _PRESENT_PREFIXES else k + 1  # تولید می کند
    if _text(tokens, verb) in lx.LIGHT_VERBS:
        return False
    if _text(tokens, k + 1) in _SENTENCE_ENDS and is_verb_form(tokens[k].text):
        return False  # ۲۰ بوستان ساخت.: the verb closes the sentence (ساخت is a noun too)
    return _thing_word(tokens[k].text, places)


@lru_cache(maxsize=65536)
def _thing_word(text: str, places: frozenset[str]) -> bool:
    """`_is_thing` for the word alone (cached per word)."""
    if (
        text in places
        or (text.endswith("ی") and text[:-1] in places)
        or _novelty_compound(text)
        or text in lx.NOT_A_HEAD
        or text in lx.NOT_MEASURED
        or text in lx.MEASURING_WORDS
        or text in lx.AUXILIARIES
        or word_atoms(text) is not None
        or text in lx.UNIT_KINDS
    ):
        return False
    lemma = canonical(text)
    known = tags(lemma)
    if "AJ" in known and text.endswith("ی") and text[:-1] in past_stems():
        return False  # پرداختی، دریافتی: a past stem made an adjective (paid, received)
    if "N" in known:
        return True
    if known not in ((), ("0",)):
        return False  # an adjective, adverb or verb by hazm's tags
    if is_verb_form(text):
        return False  # باران بارید: the verb closing the clause
    # untagged: a noun, unless it is a relational adjective (سواری ← سوار، داخلی ← داخل)
    return not (text.endswith("ی") and "N" in tags(text[:-1]))


def _novelty_compound(text: str) -> bool:
    """A novelty word closed by a present stem is an adjective of novelty, as جدید is:
    نوساز (newly built), نوپا (newly founded)."""
    for novel in lx.NOVELTY_WORDS:
        rest = text.removeprefix(novel)
        if rest != text and len(rest) >= 2 and rest in present_stems():
            return True
    return False


def _same_line(tokens: list[Token], k: int) -> bool:
    return not tokens[k].line_break_before


def _text(tokens: list[Token], k: int) -> str:
    return tokens[k].text if 0 <= k < len(tokens) else ""
