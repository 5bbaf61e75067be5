"""What the store keeps of a figure: one field specification, from which each backend
derives its columns or mapping.

A figure row is the `Figure` record (`rasad.nlp.figure`) plus the article fields a figure
query filters on and shows.  `FILTERED` names the row fields a backend indexes for
filters and sorting, with their types; the rest travel as stored data only.  Backends map
the types to their own (`SQLITE_TYPES`, `ES_TYPES`), so adding a filterable field is one
line here.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple

from rasad.nlp.figure import FIELD_NAMES
from rasad.nlp.normalize import fold_word

from .models import Article
from .series import INTERVALS, tehran_buckets

# the article's fields every figure row carries beside the figure's own, with their types
# (a row holds `published` as an ISO string in UTC)
ARTICLE_FIELDS: dict[str, Any] = {
    "id": str,
    "article_id": str,
    "seq": int,
    "url": str,
    "source": str,
    "title": str,
    "story_id": str | None,
    "published": datetime | None,
    # the article's first mention of this fact: one report, however often it is restated
    "report": bool,
}
# the series buckets a figure falls in by its publication in Tehran (`series.INTERVALS`):
# columns and indexed fields, not part of the stored row
BUCKET_FIELDS: tuple[str, ...] = INTERVALS
# what a row stored before a field existed reads as
ROW_DEFAULTS: dict[str, Any] = {"report": True}
ROW_FIELDS: tuple[str, ...] = FIELD_NAMES + tuple(ARTICLE_FIELDS)

# row field → type, for the fields figure queries filter and sort on
FILTERED: dict[str, type] = {
    "id": str,
    "article_id": str,
    "seq": int,
    "figure_id": int,
    "value": float,
    "unit": str,
    "kind": str,
    "location": str,
    "speaker": str,
    "source": str,
    "metric": str,
    "published": datetime,
    "report": bool,
    **dict.fromkeys(BUCKET_FIELDS, str),
}
# A stored figure keeps no copies of what its article holds: these fields are read from
# the article, and the spans are offsets into the article's text (`Article.text`), kept
# whole only where the text there differs.  `FILTERED` fields live in the backend's columns
# or indexed fields; the value is kept as written too (a column may hold it as a float).
FROM_ARTICLE: tuple[str, ...] = ("url", "title", "story_id")
SPANS: dict[str, tuple[str, str]] = {
    "sentence": ("sentence_start", "sentence_end"),
    "surface": ("start", "end"),
}
KEPT_AS_WRITTEN: tuple[str, ...] = ("value",)
# The order a backend may keep a stored row in as a bare list, without the fields' names
# (SQLite does: the names were a third of each row).  A field added later goes at the end;
# reordering would make every row stored before read wrong.
STORED_ORDER: tuple[str, ...] = (
    "value",
    "surface",
    "start",
    "end",
    "subject",
    "qualifier",
    "scope",
    "speaker_role",
    "sentence",
    "sentence_start",
    "sentence_end",
    "unit_source",
    "value_rial",
)


class ArticleParts(NamedTuple):
    """What a figure row reads from its article."""

    url: str
    title: str
    story_id: str | None
    text: str

    @classmethod
    def of(cls, article: Article) -> ArticleParts:
        return cls(article.url, article.title, article.story_id, article.text)


# the words a figure's free-text filter searches
SEARCHED: tuple[str, ...] = ("subject", "metric", "sentence", "speaker", "location")

SQLITE_TYPES: dict[type, str] = {
    str: "TEXT",
    int: "INTEGER",
    float: "REAL",
    datetime: "TEXT",
    bool: "INTEGER",
}
ES_TYPES: dict[type, dict[str, str]] = {
    str: {"type": "keyword"},
    int: {"type": "integer"},
    float: {"type": "double"},
    datetime: {"type": "date"},
    bool: {"type": "boolean"},
}


def figure_rows(article: Article) -> list[dict[str, Any]]:
    """One flat row per figure of the article: the record plus its article's fields (the
    row a store keeps; `buckets` gives the bucket columns beside it)."""
    published = article.published.isoformat() if article.published else None
    first_mentions = {fig.figure_id: seq for seq, fig in reversed(list(enumerate(article.figures)))}
    return [
        fig.to_dict()
        | {
            "id": f"{article.id}-{seq}",
            "article_id": article.id,
            "seq": seq,
            "url": article.url,
            "source": article.source,
            "title": article.title,
            "story_id": article.story_id,
            "published": published,
            "report": first_mentions[fig.figure_id] == seq,
        }
        for seq, fig in enumerate(article.figures)
    ]


def search_text(row: dict[str, Any]) -> str:
    """What a figure's free-text filter searches, folded as queries are.  Each field is
    folded apart (folding never reaches across a space, so the words are the same as the
    whole folded at once) and remembered: an article's figures share their sentences, and
    an outlet's figures their speakers and places.  Folding was a tenth of indexing."""
    return " ".join(folded for k in SEARCHED if (folded := _folded(str(row.get(k) or ""))))


@lru_cache(maxsize=4096)
def _folded(part: str) -> str:
    return fold_word(part)


def buckets(row: dict[str, Any]) -> dict[str, str | None]:
    """The row's series buckets, by field name (`BUCKET_FIELDS`)."""
    return dict(zip(BUCKET_FIELDS, tehran_buckets(row["published"]), strict=True))


def indexed_fields(row: dict[str, Any]) -> dict[str, Any]:
    """The row's values of every `FILTERED` field, bucket columns included: what a
    backend writes beside the stored row."""
    return {name: row[name] for name in FILTERED if name not in BUCKET_FIELDS} | buckets(row)


def stored_row(row: dict[str, Any], text: str) -> dict[str, Any]:
    """What a backend keeps of a row beside its indexed fields: the figure's own fields,
    without what the columns, the article or the article's text already hold, nor a field
    that is empty (`full_row` reads a missing field as None)."""
    out = {}
    for name, value in row.items():
        if name in FROM_ARTICLE or (name in FILTERED and name not in KEPT_AS_WRITTEN):
            continue
        if value is None and ROW_DEFAULTS.get(name) is None:
            continue
        if name in SPANS:
            begin, end = SPANS[name]
            if text[row[begin] : row[end]] == value:
                continue
        out[name] = value
    return out


def stored_list(rest: dict[str, Any]) -> list[Any]:
    """A stored row (`stored_row`) as a list in `STORED_ORDER`, trailing empties cut."""
    unknown = set(rest) - set(STORED_ORDER)
    if unknown:
        raise ValueError(f"fields with no place in STORED_ORDER: {sorted(unknown)}")
    values = [rest.get(name) for name in STORED_ORDER]
    while values and values[-1] is None:
        values.pop()
    return values


def from_stored_list(values: list[Any]) -> dict[str, Any]:
    """A stored row kept as `stored_list` wrote it, by name (empty fields left out, as
    `stored_row` leaves them)."""
    return {name: v for name, v in zip(STORED_ORDER, values, strict=False) if v is not None}


def full_row(partial: dict[str, Any], article: ArticleParts | None) -> dict[str, Any]:
    """The whole row (`ROW_FIELDS`, in order) from what a backend read: its indexed fields
    and stored row, and the article they point into (None when it is gone).  A row stored
    whole, before rows were kept compact, reads as it was."""
    row: dict[str, Any] = {}
    for name in ROW_FIELDS:
        if name in partial:
            row[name] = partial[name]
        elif name in SPANS:
            begin, end = SPANS[name]
            row[name] = article.text[partial[begin] : partial[end]] if article else ""
        elif name in FROM_ARTICLE:
            row[name] = getattr(article, name) if article else None
        else:
            row[name] = ROW_DEFAULTS.get(name)
    row["report"] = bool(row["report"])  # SQLite keeps booleans as integers
    return row


def needs_article(partial: dict[str, Any]) -> bool:
    return any(name not in partial for name in (*FROM_ARTICLE, *SPANS))


class StoredFigure(NamedTuple):
    """A figure as both backends write it."""

    id: str
    indexed: dict[str, Any]  # every `FILTERED` field, bucket columns included
    search: str  # the folded words a metric lookup searches (`search_text`)
    rest: dict[str, Any]  # kept beside them (`stored_row`)


def stored_figures(article: Article) -> list[StoredFigure]:
    """What a backend writes for each of the article's figures."""
    text = article.text
    return [
        StoredFigure(row["id"], indexed_fields(row), search_text(row), stored_row(row, text))
        for row in figure_rows(article)
    ]
