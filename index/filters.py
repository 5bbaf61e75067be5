"""Filters in one small vocabulary that every backend renders into its own query language.

The store's flow (`contract.Store`) turns a search request or a figure query into a list
of `Filter`s over stored field names; a backend only knows how to render `eq`, `in`,
`gte`/`lte`/`gt` and `words`.  So which parameter filters which field is written once,
here, for every backend.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from rasad.nlp.normalize import normalize_for_search

from .models import FigureQuery, SearchRequest

Op = Literal["eq", "in", "gte", "lte", "gt", "words"]


@dataclass(frozen=True)
class Filter:
    """`field op value` over a stored field: `in` takes a list, `words` a list of
    normalized words that must all occur, each as the start of a word of the field (so
    بوستان finds بوستانها), the range operators an ISO time in UTC."""

    field: str
    op: Op
    value: Any


# a figure that reports its fact first in its article (restatements count once)
REPORTS = Filter("report", "eq", True)
# FigureQuery attribute → figure row field it filters (equality)
FIGURE_EQUALS = {
    "metric": "metric",
    "unit": "unit",
    "kind": "kind",
    "city": "location",
    "speaker": "speaker",
    "source": "source",
}
# SearchRequest attribute → article field it filters (any of the values)
ARTICLE_ANY = {"sources": "source", "cities": "city", "kinds": "kinds"}


def utc(moment: datetime) -> str:
    """Times compare as ISO strings in UTC on every backend."""
    return moment.astimezone(UTC).isoformat()


def between(field: str, start: datetime | None, end: datetime | None) -> list[Filter]:
    """A closed range on a time field; no filter for an open end."""
    out = [Filter(field, "gte", utc(start))] if start else []
    return out + ([Filter(field, "lte", utc(end))] if end else [])


def words(field: str, text: str | None) -> list[Filter]:
    """Every word of the text, each to start a word of the field.  An underscore parts
    words, as both backends' tokenizers part them (normalization keeps it, as a word
    character), so each word is one term of an index."""
    folded = normalize_for_search(text or "").replace("_", " ").split()
    return [Filter(field, "words", folded)] if folded else []


def singular_words(text: str) -> str:
    """The words of a metric search in their singular (دفترها، دفاتر → دفتر), so a plural
    finds the key; a word matches as a prefix, so the singular finds the plural too."""
    from rasad.nlp.measured import canonical

    return " ".join(canonical(w) for w in normalize_for_search(text).split())


def article_filters(r: SearchRequest) -> list[Filter]:
    filters = between("published", r.date_from, r.date_to)
    if r.story_id:
        filters.append(Filter("story_id", "eq", r.story_id))
    if r.indexed_after:
        filters.append(Filter("indexed_at", "gt", utc(r.indexed_after)))
    for attr, field in ARTICLE_ANY.items():
        if values := getattr(r, attr):
            filters.append(Filter(field, "in", list(values)))
    return filters


def figure_filters(q: FigureQuery) -> list[Filter]:
    filters = [
        Filter(field, "eq", getattr(q, attr))
        for attr, field in FIGURE_EQUALS.items()
        if getattr(q, attr)
    ]
    return filters + between("published", q.date_from, q.date_to) + words("search", q.text)
