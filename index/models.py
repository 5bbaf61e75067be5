"""What the store keeps and what it answers with: plain dataclasses shared by both backends."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal

from rasad.nlp.figure import Figure
from rasad.nlp.normalize import normalize_for_search

from .highlight import Marked

MAX_PAGE_SIZE = 100
# Matches are counted exactly up to this many (as Elasticsearch does by default); counting a
# very common word's every match would cost more than the search itself.
TOTAL_EXACT_UP_TO = 10_000
Interval = Literal["day", "week", "month"]
Sort = Literal["relevance", "date"]


def article_id(url: str) -> str:
    """A stable id from the canonical URL: re-ingesting the same article overwrites it."""
    return hashlib.sha1(url.strip().encode("utf-8")).hexdigest()[:20]


def article_text(title: str, lead: str, body: str) -> str:
    """Title, lead and body as one text: what extraction reads and figure spans refer to."""
    return "\n".join(part for part in (title, lead, body) if part)


@dataclass
class Article:
    """One news article with its extracted figures.

    A plain record: building one runs no NLP.  `rasad.ingest.build_article` extracts the
    figures and fingerprints; the store derives its normalized search text at write time.
    """

    url: str
    source: str
    title: str
    body: str
    published: datetime | None = None  # timezone-aware; stored as UTC
    lead: str = ""
    author: str | None = None
    tags: list[str] = field(default_factory=list)
    credited_source: str | None = None
    city: str | None = None
    story_id: str | None = None
    figures: list[Figure] = field(default_factory=list)
    fingerprints: list[str] = field(default_factory=list)  # see index/stories.py
    id: str = ""
    # when the store wrote or last changed it; set by the store (a copied article keeps its own)
    indexed_at: datetime | None = None
    content_hash: str = ""
    # normalized (title, body) for the index, when the pipeline computed it already
    search_text: tuple[str, str] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.id = self.id or article_id(self.url)
        if self.published is not None:
            if self.published.tzinfo is None:
                raise ValueError(f"published time of {self.url} has no time zone")
            self.published = self.published.astimezone(UTC)
        self.content_hash = (
            self.content_hash
            or hashlib.sha1(
                "\x1f".join([self.title, self.lead, self.body]).encode("utf-8")
            ).hexdigest()
        )

    @property
    def text(self) -> str:
        """The text the figures' start/end offsets point into."""
        return article_text(self.title, self.lead, self.body)

    @property
    def kinds(self) -> list[str]:
        return sorted({f.kind for f in self.figures})

    def to_dict(self, figures: bool = True) -> dict[str, Any]:
        """The article as plain data; `figures=False` leaves them out (a store keeps them
        as figure rows)."""
        data = {f: getattr(self, f) for f in self.__dataclass_fields__ if f != "search_text"}
        data["figures"] = [f.to_dict() for f in self.figures] if figures else []
        for name in ("published", "indexed_at"):
            value = getattr(self, name)
            data[name] = value.isoformat() if value else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], figures: bool = True) -> Article:
        """The article a store kept; `figures=False` leaves them out (a search hit shows
        none, and building them for every hit costs more than the rest of the hit)."""
        data = dict(data)
        for name in ("published", "indexed_at"):
            if data.get(name):
                data[name] = datetime.fromisoformat(data[name])
        data["figures"] = [
            f if isinstance(f, Figure) else Figure.from_dict(f)
            for f in (data.get("figures", ()) if figures else ())
        ]
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(frozen=True)
class SearchText:
    """The normalized copies an index searches in (computed once per article)."""

    title: str
    body: str

    @classmethod
    def of(cls, article: Article) -> SearchText:
        """Normalize once per article (hazm is the costly part of indexing) and remember it."""
        if article.search_text is None:
            article.search_text = (
                normalize_for_search(article.title),
                normalize_for_search(f"{article.lead}\n{article.body}"),
            )
        return cls(*article.search_text)


@dataclass
class SearchRequest:
    q: str = ""
    date_from: datetime | None = None
    date_to: datetime | None = None
    sources: list[str] = field(default_factory=list)
    cities: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    story_id: str | None = None
    indexed_after: datetime | None = None  # only articles written or changed after this time
    sort: Sort = "relevance"
    size: int = 20
    cursor: str | None = None
    facets: bool = False  # counting every match by source, city and kind costs a pass over all

    def __post_init__(self) -> None:
        self.size = max(1, min(self.size, MAX_PAGE_SIZE))


@dataclass
class Hit:
    id: str
    url: str
    source: str
    title: str
    published: datetime | None
    city: str | None
    story_id: str | None
    score: float
    title_marked: Marked  # the title with the words the search matched
    snippet: Marked  # a window of lead and body around the first match

    @property
    def title_html(self) -> str:
        """HTML-escaped, with <mark> around matched words."""
        return self.title_marked.html()

    @property
    def snippet_html(self) -> str:
        return self.snippet.html()


@dataclass
class SearchPage:
    hits: list[Hit]
    total: int
    facets: dict[str, dict[str, int]]  # empty unless the request asked for facets
    next_cursor: str | None
    total_exact: bool = True  # False: there are more than `total` (= TOTAL_EXACT_UP_TO) matches


@dataclass
class FigureQuery:
    metric: str | None = None
    unit: str | None = None
    kind: str | None = None
    city: str | None = None
    speaker: str | None = None
    source: str | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None
    text: str | None = None
    size: int = 50
    cursor: str | None = None

    def __post_init__(self) -> None:
        self.size = max(1, min(self.size, MAX_PAGE_SIZE * 10))


@dataclass
class FigurePage:
    figures: list[dict[str, Any]]  # figure records plus article_id, url, source, title, published
    total: int
    next_cursor: str | None


@dataclass
class SeriesBucket:
    """One bucket as the backend aggregated it: every report counts in `count`, `low`,
    `high` and `conflict`; `values` and `outlets` list the distinct values (ascending, and
    per outlet in the order first reported, up to `series.LISTED_VALUES`); `points` holds
    every report, whole, only in an export (`Store.series_of` with `listed` None)."""

    start: date
    count: int
    low: float
    high: float
    values: list[float]
    conflict: bool  # several different values reported for the same thing in one bucket
    outlets: dict[str, list[float]] = field(default_factory=dict)  # source → its values
    points: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Series:
    metric: str
    interval: Interval
    buckets: list[SeriesBucket]
    reports: list[dict[str, Any]] = field(default_factory=list)  # the newest, whole


@dataclass
class UpsertReport:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    spooled: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: UpsertReport) -> None:
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.spooled += other.spooled
        self.errors.extend(other.errors)
