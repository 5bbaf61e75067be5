"""What the API answers with: the OpenAPI document is generated from these models.

Every `*_html` field is HTML-escaped crawled text in which only the `<mark>` tags the API
adds itself are markup; every other text field is plain text, to be escaped by the client.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal, get_type_hints

from pydantic import BaseModel, Field, create_model

from rasad.index.schema import ARTICLE_FIELDS, ROW_DEFAULTS
from rasad.nlp.figure import Figure


class ErrorOut(BaseModel):
    detail: str = Field(description="What went wrong, and how to fix the request if you can.")
    code: str = Field(
        description="A stable name for the kind of error (bad_query, login_required, "
        "forbidden, not_found, invalid_parameter, store_unavailable, misconfigured), for "
        "a client to choose its own message."
    )


class HitOut(BaseModel):
    id: str
    url: str
    source: str
    title: str
    published: datetime | None
    published_jalali: str | None = Field(description="Publication time, Jalali, Tehran time.")
    city: str | None
    story_id: str | None
    outlets: int = Field(description="How many sources carried this story (1: only this one).")
    score: float
    title_html: str = Field(description="Escaped title with <mark> around matched words.")
    snippet_html: str = Field(description="Escaped passage around the first match, with marks.")


class SearchOut(BaseModel):
    total: int = Field(description="Matches; when total_exact is false, at least this many.")
    total_exact: bool
    hits: list[HitOut]
    facets: dict[str, dict[str, int]] = Field(
        description="Counts by source, city and kind over every match (when facets=true)."
    )
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page.")


# what the API says of a figure's fields, beyond their names and types
FIGURE_DESCRIPTIONS = {
    "seq": "The figure's place among its article's figures.",
    "surface": "The figure exactly as written in the article.",
    "start": "Offset of `surface` in the article's `text`.",
    "sentence_start": "Offset of `sentence` in the article's `text`.",
    "figure_id": "Mentions of one fact in an article share this number.",
    "metric": "subject | unit | place: the key of a series.",
    "unit_source": "written, or how an unwritten unit was inferred.",
    "value_rial": "Money in rial (toman × 10); null for other kinds.",
    "published_jalali": "Publication time, Jalali, Tehran time.",
}


def _figure_fields() -> dict[str, Any]:
    """The row's fields (`rasad.nlp.figure.Figure` and `rasad.index.schema.ARTICLE_FIELDS`)
    as pydantic fields: the record is written down once, in the dataclass."""
    types = get_type_hints(Figure) | ARTICLE_FIELDS | {"published_jalali": str | None}
    return {
        name: (
            kind,
            Field(
                None if name == "published_jalali" else ROW_DEFAULTS.get(name, ...),
                description=FIGURE_DESCRIPTIONS.get(name),
            ),
        )
        for name, kind in types.items()
    }


FigureOut = create_model(
    "FigureOut",
    __doc__="One reported figure with the article it came from.",
    **_figure_fields(),
)


class FiguresOut(BaseModel):
    total: int
    figures: list[FigureOut]
    next_cursor: str | None


class CoverageOut(BaseModel):
    """One outlet's copy of a story, with how long after the story's first copy it ran."""

    id: str
    url: str
    source: str
    outlet: str = Field(description="The outlet's display name.")
    title: str
    published: datetime | None
    published_jalali: str | None
    delay_minutes: int | None = Field(
        None, description="Minutes after the story's first dated copy; none when undated."
    )


class StoryCoverageOut(BaseModel):
    """A story among a search's matches: which outlets ran it, and when."""

    story_id: str
    title: str = Field(description="The first copy's headline.")
    matching: int = Field(description="Copies that match the search.")
    copies: int = Field(description="Every copy, matching or not.")
    outlets: list[CoverageOut] = Field(description="Each outlet's first copy, first first.")


class CountBucketOut(BaseModel):
    start: date
    start_jalali: str
    count: int


class OutletCountOut(BaseModel):
    source: str
    outlet: str
    count: int


class SearchCoverageOut(BaseModel):
    """How a search's matches spread over time, outlets and stories."""

    total: int
    undated: int = Field(description="Matches with no publication date (not in the buckets).")
    interval: Literal["day", "week", "month"]
    buckets: list[CountBucketOut] = Field(
        description="Matches per Jalali day, week from Saturday, or month; empty ones as 0."
    )
    outlets: list[OutletCountOut] = Field(description="Outlets with most matches.")
    stories: list[StoryCoverageOut] = Field(
        description="Stories among the matches run by two outlets or more, most outlets first."
    )


class ArticleOut(BaseModel):
    id: str
    url: str
    source: str
    title: str
    lead: str
    body: str
    text: str = Field(description="Title, lead and body joined: figure offsets point here.")
    text_html: str = Field(
        description="`text` escaped, each figure wrapped in <mark data-figure=index>."
    )
    published: datetime | None
    published_jalali: str | None
    indexed_at: datetime | None
    author: str | None
    tags: list[str]
    credited_source: str | None
    city: str | None
    story_id: str | None
    figures: list[FigureOut]
    coverage: list[CoverageOut] = Field(
        description="Every copy of this story, this one too, first published first."
    )


class MetricOut(BaseModel):
    metric: str = Field(description="thing | unit | place: one series.")
    label: str = Field(description="The key as a reader reads it: «thing — place (unit)».")
    count: int = Field(description="Reports (an article's restatements of a fact: one).")


class PointOut(BaseModel):
    figure_id: str
    value: float
    unit: str
    surface: str
    sentence: str
    speaker: str | None
    article_id: str
    url: str
    source: str
    title: str
    published: datetime
    published_jalali: str


class BucketOut(BaseModel):
    start: date = Field(description="First day of the bucket: Jalali months, weeks from Saturday.")
    start_jalali: str
    end: date = Field(
        description="Last day of the bucket: its reports are the series of these dates."
    )
    count: int = Field(
        description="Reports in this bucket (an article's mentions of one fact: one)."
    )
    values: list[float] = Field(description="The distinct values reported (up to 50).")
    min: float
    max: float
    conflict: bool = Field(
        description="Different values from different outlets, or from one outlet on different "
        "days, in this bucket."
    )
    outlets: dict[str, list[float]] = Field(
        description="The distinct values each outlet reported in this bucket."
    )


class SeriesOut(BaseModel):
    metric: str = Field(description="The metric key, or the indicator's name.")
    label: str
    interval: Literal["day", "week", "month"]
    buckets: list[BucketOut]
    reports: list[PointOut] = Field(
        description="The newest reports (up to `points`), each linked to its sentence."
    )


class SavedSearchIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    q: str = Field("", max_length=1000)
    sources: list[str] = Field(default_factory=list, max_length=50)
    cities: list[str] = Field(default_factory=list, max_length=50)
    kinds: list[str] = Field(default_factory=list, max_length=20)
    date_from: str = Field("", max_length=40, description="A day, Jalali or Gregorian.")
    date_to: str = Field("", max_length=40)
    sort: Literal["relevance", "date"] = "relevance"
    shared: bool = Field(False, description="Visible to every user (changed by its owner).")


class SavedSearchOut(BaseModel):
    id: str
    name: str
    q: str
    sources: list[str]
    cities: list[str]
    kinds: list[str]
    date_from: str
    date_to: str
    sort: Literal["relevance", "date"]
    owner: str = Field(description="The user who saved it (empty: saved before accounts).")
    shared: bool
    created: datetime
    seen_at: datetime = Field(description="When the user last marked its results as seen.")
    new: int = Field(description="Matches written since `seen_at`.")


class NotificationOut(BaseModel):
    id: str
    search_id: str
    search_name: str
    article_id: str
    title: str
    url: str
    source: str
    published: datetime | None
    created: datetime
    snippet: str = Field("", description="Plain text around the match, matched words in «».")


class CrawlOut(BaseModel):
    """What one crawl of a source yielded."""

    started: datetime
    seconds: float
    pages: int
    links: int = Field(description="Article links found on listings, feeds and sitemaps.")
    new: int
    updated: int
    unchanged: int
    fallback: int = Field(description="Articles read by the fallback extractor.")
    undated: int
    errors: dict[str, int]


class SourceOut(BaseModel):
    name: str
    title: str = Field(description="The outlet's display name (its id when it has none).")
    city: str | None
    site: str | None
    articles: int
    state: Literal["ok", "degraded", "broken", "unknown"] = Field(
        "unknown", description="What the last crawls add up to (unknown: never crawled)."
    )
    reasons: list[str] = Field(default_factory=list, description="Why it is not ok.")
    codes: list[str] = Field(
        default_factory=list,
        description="The reasons as stable codes: never_crawled, nothing_found, "
        "last_crawl_empty, fallback_jump, undated_jump, fetch_errors.",
    )
    crawls: list[CrawlOut] = Field(default_factory=list, description="Last crawls, newest first.")


class SourceIn(BaseModel):
    url: str = Field(min_length=8, max_length=2000, description="The outlet's home page.")
    name: str | None = Field(
        None, max_length=100, pattern=r"^[\w.\-]+$", description="Its id (default: the host)."
    )
    city: str | None = Field(None, max_length=100)
    title: str | None = Field(None, max_length=200, description="Its display name.")


class SourceAddedOut(BaseModel):
    added: bool
    name: str
    report: list[str] = Field(description="What was found and what was not, a line each.")
    entry: dict[str, object] | None = Field(description="The entry written, when added.")


class SourceAlertOut(BaseModel):
    id: str
    source: str
    state: str
    reasons: list[str]
    codes: list[str] = []
    created: datetime


class HealthOut(BaseModel):
    ok: bool
    backend: str
    detail: dict[str, object]
