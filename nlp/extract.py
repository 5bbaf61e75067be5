"""The figure extractor: article text in, reported figures with provenance out.

Pipeline: fold the text (offset map kept) → find dates and clock times → tokenize →
read number expressions and their units (`figures`) → sentences, entities, speakers
(`attribution`) → records whose spans index the text exactly as it came in.

Repeated mentions: every occurrence is a `Figure` record (the annotation guidelines
score occurrences); occurrences of the same fact in one article share `figure_id`,
and `group_mentions` folds them into one figure with several mentions.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from operator import itemgetter

from . import lexicon as lx
from .attribution import Attribution, Speaker, attribute, place_for, split_sentences
from .candidate import Candidate
from .chrome import find_chrome
from .dates import DateMatch, find_dates, first_full_date
from .entities import Entity, EntityRecognizer, GazetteerRecognizer, place_names
from .figure import Figure
from .figures import find_candidates, find_phone_numbers, join_spaced_decimals
from .measured import (
    clause_start,
    key_thing,
    key_unit,
    measured,
    predicate,
    refers_back,
    written_thing,
)
from .numbers import read_number_words, to_python_number
from .patterns import at_word_start, is_letter, trie_alternation
from .subject import normalize_phrase, subject_of
from .text import FoldedText, fold
from .tokens import Token, tokenize
from .units import qualifier_before

MAX_CHARS = 8_000_000  # longer input is cut (and reported) rather than processed for minutes
_UNIT_WORDS = frozenset(lx.UNIT_KINDS) | lx.CLASSIFIERS | frozenset(lx.UNIT_ALIASES)


@dataclass(slots=True)
class Extraction:
    """The figures of one article and what was learned about the article on the way."""

    figures: list[Figure]
    published: date | None
    warnings: list[str] = field(default_factory=list)


class Extractor:
    """Reusable extractor; holds the (possibly heavy) entity recognizer and hazm objects."""

    def __init__(self, recognizer: EntityRecognizer | None = None) -> None:
        self.recognizer = recognizer or GazetteerRecognizer()

    def extract(self, text: str, published: date | None = None) -> Extraction:
        return self.extract_many([text], [published])[0]

    def extract_many(
        self, texts: list[str], published: list[date | None] | None = None
    ) -> list[Extraction]:
        """Extract from a batch: the entity recognizer sees all texts at once (batched)."""
        published = published or [None] * len(texts)
        warnings: list[list[str]] = [[] for _ in texts]
        folded = []
        for i, text in enumerate(texts):
            if len(text) > MAX_CHARS:
                warnings[i].append(f"text cut to its first {MAX_CHARS} characters")
                text = text[:MAX_CHARS]
            folded.append(fold(text))
        entities = [
            [_in_original_spelling(ft, e) for e in ents]
            for ft, ents in zip(
                folded, self.recognizer.recognize([f.folded for f in folded]), strict=True
            )
        ]
        return [
            self._one(ft, ents, pub, warn)
            for ft, ents, pub, warn in zip(folded, entities, published, warnings, strict=True)
        ]

    def _one(
        self, ft: FoldedText, entities: list[Entity], published: date | None, warnings: list[str]
    ) -> Extraction:
        article = _Article.read(ft, entities)
        figures = [article.record(cand) for cand in article.candidates]
        _assign_figure_ids(figures)
        if published is None:
            published = first_full_date(article.dates)
        return Extraction(figures, published, warnings)


@dataclass(slots=True)
class _Article:
    """Everything read from one article that its figures' records draw on."""

    ft: FoldedText
    dates: list[DateMatch]
    tokens: list[Token]
    candidates: list[Candidate]
    sentences: list[tuple[int, int]]
    entities: list[Entity]
    who: Attribution
    scopes: dict[int, str | None] = field(default_factory=dict)
    seen: list[tuple[str, str]] = field(default_factory=list)  # (unit, subject) so far
    # (sentence, unit, what it measures) of the figures so far, for one that refers back
    things: list[tuple[int, str | None, tuple[str, int, int]]] = field(default_factory=list)

    @classmethod
    def read(cls, ft: FoldedText, entities: list[Entity]) -> _Article:
        text = ft.folded
        words = tokenize(text)
        dates = find_dates(text, words)
        split, starts = read_number_words(words, _UNIT_WORDS)
        tokens = join_spaced_decimals(split)
        if tokens is not split:
            starts = None  # a decimal was joined: the indices moved
        blocked = _merge(
            [(d.start, d.end) for d in dates] + find_phone_numbers(text) + find_chrome(text)
        )
        found = find_candidates(tokens, blocked, starts)
        candidates = [c for c in found if not _is_list_marker(tokens, c)]
        sentences = split_sentences(text) or [(0, len(text))]
        who = attribute(text, sentences, entities)
        return cls(ft, dates, tokens, candidates, sentences, entities, who)

    def scope(self, s_idx: int) -> str | None:
        if s_idx not in self.scopes:
            s_start, s_end = self.sentences[s_idx]
            self.scopes[s_idx] = _scope(self.ft.folded[s_start:s_end])
        return self.scopes[s_idx]

    def measured(self, cand: Candidate, s_idx: int) -> tuple[str, int, int] | None:
        """What the figure measures (`measured.measured`), within its clause."""
        clause = clause_start(self.tokens, self.sentences[s_idx][0], cand.first)
        return measured(self.tokens, cand, clause, place_names())

    def referred(self, cand: Candidate, s_idx: int, how: str) -> tuple[str, int, int] | None:
        """What a figure that refers back (`measured.refers_back` says `how`) measures: the
        thing of the sentence's last figure before it, of the same unit after دیگر (۲۰۰
        دستگاه دیگر), of another unit after a pronoun (۴۰ درصد آن)."""
        for idx, unit, found in reversed(self.things):
            if idx != s_idx:
                continue
            if how == "more" and unit == cand.unit:
                return found
            if how == "pronoun" and unit != cand.unit:
                return found  # ۴۰ درصد آن: a share of it
            if how == "pronoun":  # ۲۰۰ نفر از آنان (of 880) به اشتغال رسیدند: a part,
                # keyed by the whole and what is said of the part (داوطلب اشتغال)
                said = predicate(self.tokens, cand, self.sentences[s_idx][1])
                return (f"{found[0]} {said}", found[1], found[2]) if said else None
        return None

    def subject(self, cand: Candidate, found: tuple[str, int, int] | None) -> str:
        """What is measured as the article wrote it: the words that name it, else the
        phrase beside the number (and a borrowed unit's subject with it)."""
        if found is None or cand.unit_last is None:
            return subject_of(self.ft, self.tokens, cand, self.seen)

        def original(k: int) -> str:
            start, end = self.ft.span(self.tokens[k].start, self.tokens[k].end)
            return self.ft.original[start:end]

        return normalize_phrase(written_thing(self.tokens, found[1], found[2], original))

    def record(self, cand: Candidate) -> Figure:
        ft, tokens = self.ft, self.tokens
        assert cand.unit is not None and cand.kind is not None
        f_start = tokens[cand.span_first].start
        start, end = ft.span(f_start, tokens[cand.last].end)
        s_idx = _sentence_index(self.sentences, f_start)
        sentence = self.sentences[s_idx]
        speaker: Speaker | None = self.who.sentence_speakers[s_idx]
        o_start, o_end = ft.span(*sentence)
        how = refers_back(self.tokens, cand)
        found = self.referred(cand, s_idx, how) if how else self.measured(cand, s_idx)
        if found is not None:
            self.things.append((s_idx, cand.unit, found))
        subject = self.subject(cand, found)
        self.seen.append((cand.unit, subject))
        location = place_for(f_start, sentence, self.entities, speaker, self.who.main_place)
        return Figure(
            value=to_python_number(cand.value),
            unit=_as_written(ft, tokens, cand),
            kind=cand.kind,
            surface=ft.original[start:end],
            start=start,
            end=end,
            subject=subject,
            qualifier=qualifier_before(tokens, cand.span_first)[0],
            scope=self.scope(s_idx),
            location=location,
            speaker=speaker.name or speaker.role if speaker else None,
            speaker_role=speaker.role if speaker else None,
            sentence=ft.original[o_start:o_end],
            sentence_start=o_start,
            sentence_end=o_end,
            metric=(
                metric_key(key_thing(cand, found[0]), key_unit(cand, found[0]), location)
                if found
                else metric_key(subject, cand.unit or "", location)
            ),
            unit_source=cand.unit_source,
            value_rial=_to_rial(cand.value, cand.unit),
        )


# Letters folding merges that standard spelling keeps apart (زائر is not زایر).
_KEPT_LETTERS = {"ئ": "ی", "أ": "ا", "ؤ": "و"}


def _as_written(ft: FoldedText, tokens: list[Token], cand: Candidate) -> str:
    """A counted noun in the spelling the article used (hamza kept), else the unit as is."""
    unit = cand.unit or ""
    if cand.unit_first is None or unit in _UNIT_WORDS:
        return unit
    start, end = ft.span(tokens[cand.unit_first].start, tokens[cand.unit_first].end)
    written = ft.original[start:end]
    if len(written) < len(unit) or not any(ch in written for ch in _KEPT_LETTERS):
        return unit
    restored = [
        w if w in _KEPT_LETTERS and _KEPT_LETTERS[w] == u else u
        for w, u in zip(written, unit, strict=False)
    ]
    return "".join(restored)


def _in_original_spelling(ft: FoldedText, ent: Entity) -> Entity:
    """Names and titles as the article wrote them (ZWNJ kept), hazm-normalized."""
    if ent.text != ft.folded[ent.start : ent.end]:
        return ent  # a surname standing for a full name keeps the full name
    start, end = ft.span(ent.start, ent.end)
    text = normalize_phrase(ft.original[start:end])
    return Entity(ent.start, ent.end, ent.label, text, ent.place)  # _replace is slower


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping union of character spans."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _sentence_index(sentences: list[tuple[int, int]], pos: int) -> int:
    return min(bisect_right(sentences, pos, key=_END), max(0, len(sentences) - 1))


_END = itemgetter(1)  # a span's end (a C function: cheaper than a lambda as a sort key)


def _is_list_marker(tokens: list[Token], cand: Candidate) -> bool:
    """۱- … or ۲مشهد at the start of a line: a list marker or a table rank, not a count."""
    if (
        cand.number.has_scale
        or cand.value >= 100
        or (cand.first > 0 and (not tokens[cand.first].line_break_before))
    ):
        return False  # only small numbers that open a line (or the text)
    nxt = tokens[cand.number.last + 1] if cand.number.last + 1 < len(tokens) else None
    return nxt is not None and (nxt.start == tokens[cand.number.last].end or nxt.text in "-)")


# Each scope's phrases as whole words (the boundary before them: `at_word_start`).
_SCOPE_PATTERNS = [
    (scope, re.compile(rf"(?:{trie_alternation(phrases)})(?![^\W\d_])"))
    for scope, phrases in lx.SCOPES
]


_ANY_SCOPE = re.compile(
    rf"(?:{trie_alternation([p for _, phrases in lx.SCOPES for p in phrases])})(?![^\W\d_])"
)
_SCOPE_OF = {p: scope for scope, phrases in reversed(lx.SCOPES) for p in phrases}


def _scope(sentence: str) -> str | None:
    """Cumulative to date (تاکنون), this year (امسال), planned (خواهد) … from the sentence:
    the first scope in the lexicon's order with a phrase in it.  One scan for every
    phrase finds the scopes the sentence surely has (most have none)."""
    matches = list(at_word_start(_ANY_SCOPE, sentence))
    found = {_SCOPE_OF[m.group()] for m in matches}
    if not found:
        return None
    for scope, pattern in _SCOPE_PATTERNS:
        if scope in found or _hidden_in(pattern, sentence, matches):
            return scope
    return None


def _hidden_in(pattern: re.Pattern[str], sentence: str, matches: list[re.Match[str]]) -> bool:
    """Whether a scope's own phrase stands where the scan took a longer phrase instead
    (سال گذشته in سال گذشته تاکنون): at a word start inside one of the phrases found.
    Anywhere else the scan would have found it."""
    for m in matches:
        for p in range(m.start(), m.end()):
            if (p == m.start() or not is_letter(sentence[p - 1])) and pattern.match(sentence, p):
                return True
    return False


def _to_rial(value: Decimal, unit: str | None) -> int | float | None:
    factor = lx.MONEY_TO_RIAL.get(unit or "")
    return to_python_number(value * factor) if factor else None


def metric_key(subject: str, unit: str, location: str | None) -> str:
    """A stable key for comparable figures: same thing, same unit, same place."""
    return f"{subject} | {unit} | {location or '-'}"


def metric_label(key: str) -> str:
    """A metric key as a reader reads it: دفتر توسعه محله — مشهد (دفتر); anything that is
    not a key (an indicator's name) is itself."""
    parts = [p.strip() for p in key.split(" | ")]
    if len(parts) != 3:
        return key
    thing, unit, place = parts
    label = thing or unit
    if place and place != "-":
        label += f" — {place}"
    return label + (f" ({unit})" if unit and unit != thing else "")


def _assign_figure_ids(figures: list[Figure]) -> None:
    """Occurrences of one fact (same value, unit and subject) share an id."""
    seen: dict[tuple[object, str, str], int] = {}
    for fig in figures:
        key = (fig.value, fig.unit, fig.subject)
        fig.figure_id = seen.setdefault(key, len(seen) + 1)


def group_mentions(figures: Iterable[Figure]) -> list[dict[str, object]]:
    """One entry per distinct figure, with every mention's span and sentence."""
    grouped: dict[int, dict[str, object]] = {}
    for fig in figures:
        entry = grouped.setdefault(fig.figure_id, {**fig.to_dict(), "mentions": []})
        mentions = entry["mentions"]
        assert isinstance(mentions, list)
        mentions.append(
            {"surface": fig.surface, "start": fig.start, "end": fig.end, "sentence": fig.sentence}
        )
    return list(grouped.values())
