"""The store contract: the flow every backend shares, and the primitives each implements.

`Store` owns what does not depend on the engine: validating queries, paging with cursors,
building hits with highlights, turning parameters into filters, counting what an upsert
did, choosing a story among candidates.  A backend implements the primitives below (the
methods whose names start with `_`, plus the small reads at the end); `tests/
test_store_contract.py` defines the semantics once and runs against every backend.

To add a backend, implement:

- writes: `_stored`, `_write` (and `_writing` when the engine has transactions);
- reads: `_search`, `_figure_rows`, `_count_figures`, `_metric_counts`,
  `_story_candidates`, `_day_counts`, `_article_groups`, `get`, `source_counts`,
  `story_outlets`, `iter_articles`;
- state documents: `put_state`, `get_state`, `states`, `delete_state`; and `health`, `close`;

each rendering `filters.Filter`s and `query.Node`s in its own query language.
"""

from __future__ import annotations

import base64
import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from rasad.errors import RasadError
from rasad.nlp.figure import Figure

from .coverage import Copy, Coverage, StoryRun, histogram, timeline
from .filters import (
    REPORTS,
    Filter,
    article_filters,
    between,
    figure_filters,
    singular_words,
    words,
)
from .highlight import marked, snippet
from .models import (
    MAX_PAGE_SIZE,
    TOTAL_EXACT_UP_TO,
    Article,
    FigurePage,
    FigureQuery,
    Hit,
    Interval,
    SearchPage,
    SearchRequest,
    SearchText,
    Series,
    SeriesBucket,
    UpsertReport,
    article_id,
)
from .query import Node, QueryError, parse_query, with_word_forms
from .schema import ArticleParts, full_row, needs_article
from .schema import buckets as buckets_of
from .series import check_interval
from .stories import fingerprints, shares_story

STORY_CANDIDATES = 20  # stored articles considered when looking for an article's story
STORY_COPIES = 500  # copies of one story read for its timeline
COVERAGE_STORIES = 200  # stories among a search's matches weighed for the coverage view
MAX_POINTS = 10_000  # figure rows read in one request (a series export, an article's)


class StoreError(RasadError, RuntimeError):
    """The store cannot do what was asked (backend unreachable, bad state)."""


class StoreUnavailable(StoreError):
    """The backend cannot be reached; the message names it."""


@dataclass(frozen=True)
class Stored:
    """What a backend knows of an article it holds, before rewriting it."""

    content_hash: str
    figure_count: int = 0
    ref: Any = None  # the backend's own handle (SQLite's rowid)


@dataclass(frozen=True)
class StoryCandidate:
    id: str
    story_id: str | None
    prints: int  # how many fingerprints the stored article has
    shared: int  # how many of them the new article shares


@dataclass
class RawHit:
    article: Article  # read without its figures (Article.from_dict(..., figures=False))
    matched: set[str]  # the normalized tokens the backend's highlighter marked
    score: float
    sort: list[Any]  # the sort values a cursor resumes after


@dataclass
class RawPage:
    rows: list[RawHit]  # at most the page size
    more: bool  # another page follows
    total: int  # counted up to TOTAL_EXACT_UP_TO + 1
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


Write = tuple[Article, Stored | None]  # an article to write, and what it replaces


def prepare(article: Article) -> None:
    """Derive what the indexes need (normalized text, fingerprints) once per article:
    hazm is the costly part of writing, so only articles that changed pay for it."""
    SearchText.of(article)
    if not article.fingerprints:
        article.fingerprints = fingerprints(article.body)


class Store(ABC):
    """Articles and their figures: write, read, search, aggregate."""

    # SQLite reads what is stored again inside its write transaction; a backend without
    # transactions trusts the read made before it
    recheck_in_write = False
    # what opening the store wrote of batches spooled while it was down (Elasticsearch);
    # a command's summary reports it beside its own batch
    pending_report: UpsertReport | None = None

    # ---- the shared flow -----------------------------------------------------------------

    def upsert(self, articles: Iterable[Article]) -> UpsertReport:
        """Write articles with their figures; an article's figures are replaced together.
        Unchanged articles (same content hash) are counted and left alone."""
        batch = list(articles)
        report = self._before_upsert()
        if batch:
            report.add(self._upsert_batch(batch))
        return report

    def _before_upsert(self) -> UpsertReport:
        return UpsertReport()

    def _upsert_batch(self, batch: list[Article]) -> UpsertReport:
        ids = [a.id for a in batch]
        stored = self._stored(ids)
        for article in batch:
            old = stored.get(article.id)
            if old is None or old.content_hash != article.content_hash:
                prepare(article)  # outside the write: it is the slow part
        with self._writing():
            if self.recheck_in_write:
                stored = self._stored(ids)
            now = datetime.now(UTC)
            writes: dict[str, Write] = {}
            for article in batch:
                old = stored.get(article.id)
                if old is not None and old.content_hash == article.content_hash:
                    continue
                prepare(article)  # a no-op unless the article changed since the first read
                article.indexed_at = article.indexed_at or now  # copies keep theirs
                # a second copy in one batch replaces the first; both replace what was stored
                replaced = writes[article.id][1] if article.id in writes else old
                writes[article.id] = (article, replaced)
            refused = self._write(list(writes.values())) if writes else {}
        report = UpsertReport(unchanged=len(batch) - len(writes), errors=list(refused.values()))
        for aid, (_, old) in writes.items():
            if aid not in refused:  # an article the backend refused is not counted
                report.new += old is None
                report.updated += old is not None
        return report

    def known(self, urls: Sequence[str]) -> dict[str, str]:
        """Which of these article URLs are stored already, with their content hashes."""
        by_id = {article_id(u): u for u in urls}
        return {by_id[aid]: s.content_hash for aid, s in self._stored(list(by_id)).items()}

    def find_story(self, prints: Sequence[str], exclude_id: str = "") -> str | None:
        """The story id of a stored article that carries the same story (see stories.py):
        among the candidates sharing most fingerprints, the earliest published."""
        if not prints:
            return None
        for c in self._story_candidates(prints, exclude_id, STORY_CANDIDATES):
            if shares_story(len(prints), c.prints, c.shared):
                return c.story_id or c.id
        return None

    def search(self, request: SearchRequest) -> SearchPage:
        node = with_word_forms(parse_query(request.q))
        after = decode_cursor(request.cursor, 2)
        raw = self._search(request, node, article_filters(request), after)
        hits = [make_hit(r) for r in raw.rows]
        next_cursor = encode_cursor(raw.rows[-1].sort) if raw.more and raw.rows else None
        exact = raw.total <= TOTAL_EXACT_UP_TO
        return SearchPage(hits, min(raw.total, TOTAL_EXACT_UP_TO), raw.facets, next_cursor, exact)

    def coverage(
        self,
        request: SearchRequest,
        interval: Interval = "day",
        outlets: int = 10,
        stories: int = 10,
    ) -> Coverage:
        """How the search's matches spread: per Jalali day, week or month, the outlets with
        most matches, and the stories among them carried by most outlets (two at least),
        each with every copy, the ones that do not match the words too (a trimmed copy may
        have lost them)."""
        if interval not in ("day", "week", "month"):
            raise QueryError("interval must be day, week or month")
        node = with_word_forms(parse_query(request.q))
        filters = article_filters(request)
        days, undated = self._day_counts(filters, node)
        matching = dict(self._article_groups(filters, node, "story_id", COVERAGE_STORIES))
        carried = self.story_outlets(list(matching))
        chosen = sorted(
            (s for s in matching if carried.get(s, 0) > 1),
            key=lambda s: (-carried[s], -matching[s], s),
        )[:stories]
        runs = self.story_runs(chosen)
        return Coverage(
            interval,
            sum(days.values()) + undated,
            undated,
            histogram(days, interval),
            self._article_groups(filters, node, "source", outlets),
            [replace(runs[s], matching=matching[s]) for s in chosen if s in runs],
        )

    def story_runs(self, story_ids: Sequence[str]) -> dict[str, StoryRun]:
        """Each story's copies, oldest first, with their delays after the first."""
        copies: dict[str, list[Copy]] = {s: [] for s in story_ids}
        if not copies:
            return {}
        wanted, after, read = [Filter("story_id", "in", list(copies))], None, 0
        request = SearchRequest(sort="date", size=MAX_PAGE_SIZE)
        while read < STORY_COPIES * len(copies):
            page = self._search(request, None, wanted, after)
            for row in page.rows:
                a = row.article
                copies[a.story_id or ""].append(
                    Copy(a.id, a.url, a.source, a.title, a.published, None)
                )
            read += len(page.rows)
            if not page.more or not page.rows:
                break
            after = page.rows[-1].sort
        return {s: timeline(s, found) for s, found in copies.items() if found}

    def figures(self, query: FigureQuery) -> FigurePage:
        filters = figure_filters(query)
        after = decode_cursor(query.cursor, 2)
        rows = self._figure_rows(filters, after, query.size + 1, newest_first=True)
        next_cursor = encode_cursor(rows[query.size - 1][1]) if len(rows) > query.size else None
        total = self._count_figures(filters)
        return FigurePage(
            self._completed([row for row, _ in rows[: query.size]]), total, next_cursor
        )

    def metrics(self, text: str = "", size: int = 50) -> list[tuple[str, int]]:
        """Metric keys with how many reports each has (an article's restatements of one
        fact count once), most reported first; `text` filters them by words of the key,
        its sentence, speaker or place, any word in its singular or plural, or a prefix."""
        wanted = [REPORTS, *words("search", singular_words(text))]
        return self._metric_counts(wanted, size)

    def series(
        self,
        metric: str,
        interval: Interval = "month",
        date_from: datetime | None = None,
        date_to: datetime | None = None,
        listed: int | None = None,
    ) -> Series:
        """One metric over time, bucketed; conflicting reports in a bucket are flagged."""
        metric_filter = [Filter("metric", "eq", metric)]
        return self.series_of(metric_filter, metric, interval, date_from, date_to, listed)

    def series_of(
        self,
        filters: list[Filter],
        label: str,
        interval: Interval = "month",
        date_from: datetime | None = None,
        date_to: datetime | None = None,
        listed: int | None = None,
    ) -> Series:
        """The figures matching `filters` over time (a metric, or an indicator's keys or
        query), bucketed and flagged as `series` does.

        The backend groups the reports in its engine; the newest `listed` reports come
        whole beside the buckets (a bucket's own: ask for its dates, `series.bucket_end`).
        With `listed` None (an export) every report is listed in its bucket instead, read
        in one pass oldest first."""
        interval = check_interval(interval)
        filters = [*filters, REPORTS]
        filters += between("published", date_from, date_to)
        if listed is not None:
            buckets, newest = self._series_newest(filters, interval, min(listed, MAX_POINTS))
            dated = [row for row, _ in newest if row.get("published")]
            return Series(label, interval, buckets, self._completed(dated))
        buckets = self._series_buckets(filters, interval)
        by_start = {b.start.isoformat(): b for b in buckets}
        for row, _ in self._figure_rows(filters, None, MAX_POINTS, newest_first=False):
            bucket = by_start.get(buckets_of(row)[interval] or "")
            if bucket is not None:
                bucket.points.append(row)
        points = self._completed([p for b in buckets for p in b.points])
        for bucket in buckets:
            bucket.points, points = points[: len(bucket.points)], points[len(bucket.points) :]
        return Series(label, interval, buckets)

    def reports_of(self, article_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        """Each article's figures, one per reported fact (first mentions), in text order."""
        out: dict[str, list[dict[str, Any]]] = {a: [] for a in article_ids}
        for row in self._figures_where_in("article_id", list(out), REPORTS):
            out[row["article_id"]].append(row)
        for rows in out.values():
            rows.sort(key=lambda r: r["seq"])
        return out

    def _figures_where_in(
        self,
        field: str,
        values: list[str],
        *more: Filter,
        articles: dict[str, ArticleParts] | None = None,
    ) -> list[dict[str, Any]]:
        """Whole figure rows whose `field` is one of `values`, read in bounded chunks (SQL
        parameters, terms per Elasticsearch query); `articles` are the rows' articles
        when the caller holds them already."""
        rows: list[dict[str, Any]] = []
        for start in range(0, len(values), 500):
            wanted = [Filter(field, "in", values[start : start + 500]), *more]
            after = None
            while True:  # every row: an article's figures are rebuilt from them
                found = self._figure_rows(wanted, after, MAX_POINTS, newest_first=False)
                rows += [row for row, _ in found]
                if len(found) < MAX_POINTS:
                    break
                after = found[-1][1]
        return self._completed(rows, articles)

    def _completed(
        self, partials: list[dict[str, Any]], articles: dict[str, ArticleParts] | None = None
    ) -> list[dict[str, Any]]:
        """Whole rows from what the backend read: the fields a figure does not keep come
        from its article, read once for all the rows that point into it."""
        wanted = sorted(
            {p["article_id"] for p in partials if needs_article(p)} - set(articles or {})
        )
        found = (articles or {}) | (self._article_parts(wanted) if wanted else {})
        return [full_row(p, found.get(p["article_id"])) for p in partials]

    def _with_figures(self, articles: list[Article]) -> list[Article]:
        """The stored articles (read without figures) with their figures from the figure
        rows, in text order."""
        parts = {a.id: ArticleParts.of(a) for a in articles}
        rows = self._figures_where_in("article_id", list(parts), articles=parts)
        mine: dict[str, list[dict[str, Any]]] = {a: [] for a in parts}
        for row in rows:
            mine[row["article_id"]].append(row)
        for article in articles:
            ordered = sorted(mine[article.id], key=lambda r: r["seq"])
            article.figures = [Figure.from_dict(r) for r in ordered]
        return articles

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- write primitives ----------------------------------------------------------------

    @abstractmethod
    def _stored(self, ids: list[str]) -> dict[str, Stored]:
        """What the backend holds of these article ids (absent ids are left out)."""

    @abstractmethod
    def _write(self, writes: list[Write]) -> dict[str, str]:
        """Write each article with its figures, replacing what it had; return article id
        → message for each write the backend refused (the rest land)."""

    def _writing(self) -> AbstractContextManager[object]:
        """The transaction the reads and writes of one batch happen in."""
        return nullcontext()

    # ---- read primitives -----------------------------------------------------------------

    @abstractmethod
    def _search(
        self, request: SearchRequest, node: Node | None, filters: list[Filter], after: Any
    ) -> RawPage:
        """A page of `request.size` matching articles after the cursor's sort values, by
        relevance (title weighs twice the body) or newest first, ties by id."""

    @abstractmethod
    def _figure_rows(
        self, filters: list[Filter], after: Any, size: int, newest_first: bool
    ) -> list[tuple[dict[str, Any], list[Any]]]:
        """Up to `size` figure rows as stored (indexed fields and stored row, for
        `schema.full_row`) with their sort values, by publication time (undated last
        when newest first), ties by id."""

    def _series_newest(
        self, filters: list[Filter], interval: Interval, size: int
    ) -> tuple[list[SeriesBucket], list[tuple[dict[str, Any], list[Any]]]]:
        """A series' buckets and its newest `size` reports (`_figure_rows`): one step, so
        that a backend whose reads are round trips may make them one."""
        buckets = self._series_buckets(filters, interval)
        return buckets, self._figure_rows(filters, None, size, newest_first=True)

    @abstractmethod
    def _article_parts(self, ids: Sequence[str]) -> dict[str, ArticleParts]:
        """What figure rows read from each of these stored articles."""

    @abstractmethod
    def _count_figures(self, filters: list[Filter]) -> int: ...

    @abstractmethod
    def _series_buckets(self, filters: list[Filter], interval: Interval) -> list[SeriesBucket]:
        """The matching dated figures grouped by their `interval` bucket column, oldest
        bucket first, each with its count, least and greatest value, distinct values,
        each outlet's values and conflict flag (`series.conflict`), all computed by the
        engine."""

    @abstractmethod
    def _metric_counts(self, filters: list[Filter], size: int) -> list[tuple[str, int]]:
        """Metric keys of the matching figures, most figures first, ties by key."""

    @abstractmethod
    def _story_candidates(
        self, prints: Sequence[str], exclude_id: str, limit: int
    ) -> list[StoryCandidate]:
        """Stored articles sharing any of these fingerprints, the article `exclude_id`
        left out: most shared first, then earliest published (undated last), then id."""

    @abstractmethod
    def _day_counts(self, filters: list[Filter], node: Node | None) -> tuple[dict[date, int], int]:
        """Matching articles per publication day in Tehran, and how many have no date."""

    @abstractmethod
    def _article_groups(
        self, filters: list[Filter], node: Node | None, field: str, size: int
    ) -> list[tuple[str, int]]:
        """The `size` values of an article field (`source`, `story_id`, `city`) with most
        matching articles, most first, ties by value; articles without one left out."""

    @abstractmethod
    def get(self, article_id: str) -> Article | None: ...

    @abstractmethod
    def source_counts(self) -> dict[str, int]: ...

    @abstractmethod
    def story_outlets(self, story_ids: Sequence[str]) -> dict[str, int]:
        """How many distinct sources carried each story (coverage counting)."""

    @abstractmethod
    def roll_up(self) -> int:
        """Regroup every series bucket a write left for its next reader (`series`' roll-up),
        after a bulk load or a crawl, so that no reader waits for it; how many buckets."""

    @abstractmethod
    def iter_articles(self, batch: int = 500) -> Iterator[Article]:
        """Every stored article, in no particular order (copying a store, exports)."""

    # Small documents of the service's own (saved searches, notifications), kept beside the
    # articles so that one setting moves everything.  `kind` names a collection.

    @abstractmethod
    def put_state(self, kind: str, key: str, doc: dict[str, Any]) -> None: ...

    @abstractmethod
    def get_state(self, kind: str, key: str) -> dict[str, Any] | None:
        """One document of a collection, None when there is none."""

    @abstractmethod
    def states(self, kind: str) -> list[dict[str, Any]]:
        """Every document of a collection, oldest written first."""

    @abstractmethod
    def delete_state(self, kind: str, key: str) -> bool:
        """Remove a document; False when there was none."""

    @abstractmethod
    def health(self) -> dict[str, Any]: ...

    @abstractmethod
    def close(self) -> None: ...


def make_hit(raw: RawHit) -> Hit:
    """A search hit: the article's title and a snippet of lead and body, matches marked."""
    article = raw.article
    text = f"{article.lead}\n{article.body}".strip()
    return Hit(
        article.id,
        article.url,
        article.source,
        article.title,
        article.published,
        article.city,
        article.story_id,
        raw.score,
        marked(article.title, raw.matched),
        snippet(text, raw.matched),
    )


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps(list(values), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str | None, length: int) -> list[Any] | None:
    """The sort values a cursor carries; a tampered or foreign cursor is a QueryError."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise QueryError("the page cursor is not valid: start again from the first page") from None
    if not isinstance(values, list) or len(values) != length:
        raise QueryError("the page cursor does not belong to this kind of query")
    return values
