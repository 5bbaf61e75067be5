"""The JSON endpoints under /api: search, articles, figures, metrics, series, saved searches,
notifications, sources and health.  Exports are in export.py."""

from __future__ import annotations

import html
from dataclasses import asdict, replace
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status
from fastapi.responses import JSONResponse

from rasad.crawler.discover import discover
from rasad.crawler.health import SourceHealth, assess
from rasad.crawler.settings import USER_AGENT
from rasad.crawler.sources import Source, load_sources
from rasad.crawler.sources import add_source as add_to_file
from rasad.index import Store
from rasad.index.coverage import Copy
from rasad.index.models import Article, Hit, SearchPage, SearchRequest, Series
from rasad.index.owned import visible_to
from rasad.index.saved import SavedSearch, SavedSearches
from rasad.index.schema import figure_rows
from rasad.index.series import MAX_LISTED, bucket_end
from rasad.nlp.dates import jalali
from rasad.nlp.extract import metric_label
from rasad.nlp.figure import Figure

from .auth import Caller, Editor, Reader, caller_name, check_owner, require
from .cache import TTLCache
from .params import (
    CacheDep,
    Cursor,
    DateRange,
    FigureFilters,
    PageSize,
    SavedDep,
    SearchFilters,
    SourcesDep,
    StoreDep,
)
from .schemas import (
    ArticleOut,
    BucketOut,
    CountBucketOut,
    CoverageOut,
    CrawlOut,
    ErrorOut,
    FigureOut,
    FiguresOut,
    HealthOut,
    HitOut,
    MetricOut,
    NotificationOut,
    OutletCountOut,
    PointOut,
    SavedSearchIn,
    SavedSearchOut,
    SearchCoverageOut,
    SearchOut,
    SeriesOut,
    SourceAddedOut,
    SourceAlertOut,
    SourceIn,
    SourceOut,
    StoryCoverageOut,
)

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "The query cannot be run as written."},
    503: {"model": ErrorOut, "description": "The store cannot be reached."},
}

# every route here needs a viewer (or anonymous reads allowed); changes ask for more
router = APIRouter(prefix="/api", responses=ERRORS, dependencies=[Depends(require("viewer"))])


def _jalali(moment: datetime | None) -> str | None:
    return jalali(moment) if moment else None


def _about(h: Hit) -> dict[str, Any]:
    """What every listing of an article shows of it."""
    return {
        "id": h.id,
        "url": h.url,
        "source": h.source,
        "title": h.title,
        "published": h.published,
        "published_jalali": _jalali(h.published),
    }


def outlet_titles(sources: dict[str, Source]) -> dict[str, str]:
    """Source id → the outlet's display name (its id when it has none)."""
    return {name: source.title or name for name, source in sources.items()}


def copy_out(copy: Copy, titles: dict[str, str]) -> CoverageOut:
    minutes = int(copy.delay.total_seconds() // 60) if copy.delay is not None else None
    return CoverageOut(
        id=copy.article_id,
        url=copy.url,
        source=copy.source,
        outlet=titles.get(copy.source, copy.source),
        title=copy.title,
        published=copy.published,
        published_jalali=_jalali(copy.published),
        delay_minutes=minutes,
    )


def hits_out(store: Store, hits: list[Hit]) -> list[HitOut]:
    outlets = store.story_outlets([h.story_id for h in hits if h.story_id])
    return [
        HitOut(
            **_about(h),
            city=h.city,
            story_id=h.story_id,
            outlets=outlets.get(h.story_id or "", 1),
            score=h.score,
            title_html=h.title_html,
            snippet_html=h.snippet_html,
        )
        for h in hits
    ]


def run_search(store: Store, request: SearchRequest, cache: TTLCache) -> Response:
    """The search's JSON, from the cache when a request like it was answered moments ago:
    kept encoded, so a repeated search costs neither the store nor serialization."""

    def answer() -> bytes:
        return search_out(store, store.search(request)).model_dump_json().encode()

    return Response(cache.get(repr(request), answer), media_type="application/json")


def search_out(store: Store, page: SearchPage) -> SearchOut:
    return SearchOut(
        total=page.total,
        total_exact=page.total_exact,
        hits=hits_out(store, page.hits),
        facets=page.facets,
        next_cursor=page.next_cursor,
    )


@router.get("/search", summary="Search articles", response_model=SearchOut)
def search(
    store: StoreDep,
    cache: CacheDep,
    filters: SearchFilters,
    size: PageSize = 20,
    cursor: Cursor = None,
    facets: Annotated[bool, Query(description="Count matches by source, city, kind.")] = False,
) -> Response:
    """Full-text search in Persian with filters; hits carry highlighted snippets and how many
    outlets ran the same story."""
    return run_search(store, replace(filters, size=size, cursor=cursor, facets=facets), cache)


@router.get(
    "/coverage", summary="Coverage of a search at a glance", response_model=SearchCoverageOut
)
def coverage(
    store: StoreDep,
    cache: CacheDep,
    configured: SourcesDep,
    filters: SearchFilters,
    interval: Literal["day", "week", "month"] = "day",
    outlets: Annotated[int, Query(ge=1, le=100, description="Outlets listed.")] = 10,
    stories: Annotated[int, Query(ge=0, le=50, description="Stories listed.")] = 10,
) -> Response:
    """The search's matches per Jalali day, Saturday week or month; the outlets with most
    matches; and the stories among them that two outlets or more ran, each outlet's first
    copy with its delay after the first: who ran our press release, and when."""
    titles = outlet_titles(configured)

    def answer() -> bytes:
        found = store.coverage(filters, interval, outlets, stories)
        out = SearchCoverageOut(
            total=found.total,
            undated=found.undated,
            interval=found.interval,
            buckets=[
                CountBucketOut(start=d, start_jalali=jalali(d), count=n) for d, n in found.buckets
            ],
            outlets=[
                OutletCountOut(source=s, outlet=titles.get(s, s), count=n) for s, n in found.outlets
            ],
            stories=[
                StoryCoverageOut(
                    story_id=run.story_id,
                    title=run.title,
                    matching=run.matching,
                    copies=len(run.copies),
                    outlets=[copy_out(c, titles) for c in run.outlets],
                )
                for run in found.stories
            ],
        )
        return out.model_dump_json().encode()

    key = repr(("coverage", filters, interval, outlets, stories))
    return Response(cache.get(key, answer), media_type="application/json")


def figure_out(row: dict[str, Any]) -> FigureOut:
    published = datetime.fromisoformat(row["published"]) if row.get("published") else None
    return FigureOut.model_validate(
        row | {"published": published, "published_jalali": _jalali(published)}
    )


def marked_text(text: str, figures: list[Figure]) -> str:
    """The article text escaped, each figure's span wrapped in a mark naming its index."""
    out, pos = [], 0
    for index, fig in sorted(enumerate(figures), key=lambda f: f[1].start):
        start, end = fig.start, fig.end
        if start < pos or end > len(text):
            continue  # overlapping or stale spans are listed beside the text, not marked
        out.append(html.escape(text[pos:start]))
        out.append(f'<mark data-figure="{index}">{html.escape(text[start:end])}</mark>')
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


@router.get(
    "/articles/{article_id}",
    summary="One article with its figures and coverage",
    responses={404: {"model": ErrorOut, "description": "No such article."}},
)
def article(store: StoreDep, configured: SourcesDep, article_id: str) -> ArticleOut:
    found: Article | None = store.get(article_id)
    if found is None:
        raise HTTPException(404, f"no article with id {article_id}")
    rows = figure_rows(found)
    titles = outlet_titles(configured)
    story = store.story_runs([found.story_id]).get(found.story_id) if found.story_id else None
    copies = (
        story.copies
        if story
        else [Copy(found.id, found.url, found.source, found.title, found.published, None)]
    )
    return ArticleOut(
        id=found.id,
        url=found.url,
        source=found.source,
        title=found.title,
        lead=found.lead,
        body=found.body,
        text=found.text,
        text_html=marked_text(found.text, found.figures),
        published=found.published,
        published_jalali=_jalali(found.published),
        indexed_at=found.indexed_at,
        author=found.author,
        tags=found.tags,
        credited_source=found.credited_source,
        city=found.city,
        story_id=found.story_id,
        figures=[figure_out(r) for r in rows],
        coverage=[copy_out(c, titles) for c in copies],
    )


@router.get("/figures", summary="Reported figures")
def figures(
    store: StoreDep,
    filters: FigureFilters,
    size: Annotated[int, Query(ge=1, le=1000)] = 50,
    cursor: Cursor = None,
) -> FiguresOut:
    """Figures newest first, filtered by metric, unit, kind, city, speaker, source, dates, text."""
    page = store.figures(replace(filters, size=size, cursor=cursor))
    return FiguresOut(
        total=page.total,
        figures=[figure_out(r) for r in page.figures],
        next_cursor=page.next_cursor,
    )


@router.get("/metrics", summary="Find a metric")
def metrics(
    store: StoreDep,
    q: Annotated[str, Query(max_length=500, description="Words of the subject or place.")] = "",
    size: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[MetricOut]:
    """Metric keys (thing | unit | place) with how many reports each has, most first; a
    query word finds a key by any of its words, singular or plural, or a word's start."""
    return [MetricOut(metric=m, label=metric_label(m), count=c) for m, c in store.metrics(q, size)]


@router.get("/series", summary="One metric over time")
def series(
    store: StoreDep,
    metric: Annotated[str, Query(min_length=1, max_length=500)],
    dates: DateRange,
    interval: Literal["day", "week", "month"] = "month",
    points: Annotated[
        int, Query(ge=0, le=MAX_LISTED, description="At most this many reports listed.")
    ] = 50,
) -> SeriesOut:
    """Buckets of reported values, and the newest reports, each linked to its sentence and
    article; a bucket where outlets reported different values is flagged as a conflict.
    Every report counts in `count`, `values`, `min` and `max`; a bucket's own reports are
    the series between its `start` and `end`."""
    return series_out(store.series(metric, interval, *dates, listed=points))


def point_out(p: dict[str, Any]) -> PointOut:
    """A report as the API lists it."""
    published = datetime.fromisoformat(p["published"])
    return PointOut(
        figure_id=p["id"],
        value=p["value"],
        unit=p["unit"],
        surface=p["surface"],
        sentence=p["sentence"],
        speaker=p.get("speaker"),
        article_id=p["article_id"],
        url=p["url"],
        source=p["source"],
        title=p["title"],
        published=published,
        published_jalali=jalali(published),
    )


def series_out(result: Series) -> SeriesOut:
    """A series as the API shows it: each bucket's counts, values and outlets, and the
    newest reports."""
    buckets = [
        BucketOut(
            start=bucket.start,
            start_jalali=jalali(bucket.start),
            end=bucket_end(bucket.start, result.interval),
            count=bucket.count,
            values=bucket.values,
            min=bucket.low,
            max=bucket.high,
            conflict=bucket.conflict,
            outlets=bucket.outlets,
        )
        for bucket in result.buckets
    ]
    return SeriesOut(
        metric=result.metric,
        label=metric_label(result.metric),
        interval=result.interval,
        buckets=buckets,
        reports=[point_out(p) for p in result.reports],
    )


# ---- saved searches ------------------------------------------------------------------------


def _saved_out(saved_searches: SavedSearches, saved: SavedSearch) -> SavedSearchOut:
    new = saved_searches.new_results(saved, size=1).total
    fields = {k: v for k, v in vars(saved).items() if k in SavedSearchOut.model_fields}
    return SavedSearchOut(**fields, new=new)


def _saved(saved_searches: SavedSearches, search_id: str, caller: Caller | None) -> SavedSearch:
    """The saved search if the caller may see it (someone else's private one: not found)."""
    saved = saved_searches.get(search_id)
    if saved is None or not visible_to(saved.owner, saved.shared, caller_name(caller)):
        raise HTTPException(404, f"no saved search with id {search_id}")
    return saved


def _own(saved_searches: SavedSearches, search_id: str, caller: Caller) -> SavedSearch:
    """The saved search if the caller may change it: its owner, or an admin."""
    saved = _saved(saved_searches, search_id, caller)
    check_owner(saved.owner, caller, f"the saved search {search_id}")
    return saved


NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "No such saved search."}
}


@router.post("/saved-searches", status_code=status.HTTP_201_CREATED, summary="Save a search")
def create_saved(saved: SavedDep, body: SavedSearchIn, caller: Editor) -> SavedSearchOut:
    created = saved.create(**body.model_dump(), owner=caller.user.name)
    return _saved_out(saved, created)


@router.get("/saved-searches", summary="Saved searches with their new-result counts")
def list_saved(saved: SavedDep, caller: Reader) -> list[SavedSearchOut]:
    """The caller's own saved searches and those shared with everyone."""
    return [_saved_out(saved, s) for s in saved.visible(caller_name(caller))]


@router.delete(
    "/saved-searches/{search_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=NOT_FOUND,
    summary="Delete a saved search",
)
def delete_saved(saved: SavedDep, search_id: str, caller: Editor) -> Response:
    saved.delete(_own(saved, search_id, caller).id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/saved-searches/{search_id}/new", responses=NOT_FOUND, summary="What is new since I looked"
)
def new_results(
    store: StoreDep,
    saved: SavedDep,
    search_id: str,
    caller: Reader,
    size: PageSize = 20,
    cursor: Cursor = None,
) -> SearchOut:
    """Matches written to the store since the search was last marked as seen, newest first."""
    found = _saved(saved, search_id, caller)
    return search_out(store, saved.new_results(found, size, cursor))


@router.post("/saved-searches/{search_id}/seen", responses=NOT_FOUND, summary="Mark as seen")
def mark_seen(saved: SavedDep, search_id: str, caller: Editor) -> SavedSearchOut:
    return _saved_out(saved, saved.mark_seen(_own(saved, search_id, caller)))


@router.get("/notifications", summary="Alerts raised by saved searches")
def notifications(
    saved: SavedDep,
    caller: Reader,
    search_id: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[NotificationOut]:
    """New articles that matched the caller's saved searches after a crawl, newest first."""
    notes = saved.notifications(search_id, limit, caller_name(caller))
    return [NotificationOut.model_validate(n) for n in notes]


# ---- sources and health ----------------------------------------------------------------------


@router.get("/sources", summary="Sources, their article counts and their health")
def sources(
    store: StoreDep,
    configured: SourcesDep,
    crawls: Annotated[int, Query(ge=0, le=50, description="Crawls listed per source.")] = 5,
) -> list[SourceOut]:
    """Each source with how many articles the store has of it, the state its last crawls
    add up to (ok, degraded, broken; see crawler/health.py) and those crawls."""
    counts = store.source_counts()
    health = SourceHealth(store).all(list(configured))
    out = []
    for name in dict.fromkeys([*configured, *counts, *health]):
        source = configured.get(name)
        first = next(iter(source.listing + source.rss + source.sitemaps), "") if source else ""
        found = health.get(name) or assess(name, [])
        out.append(
            SourceOut(
                name=name,
                title=(source.title if source else None) or name,
                city=source.city if source else None,
                site=urlsplit(first).netloc or None,
                articles=counts.get(name, 0),
                state=found.state,
                reasons=found.reasons,
                codes=found.codes,
                crawls=[CrawlOut.model_validate(asdict(c)) for c in found.crawls[:crawls]],
            )
        )
    return out


@router.post(
    "/sources",
    summary="Add an outlet from its address",
    responses={201: {"model": SourceAddedOut}, 409: {"model": ErrorOut}},
)
def add_source(
    request: Request, body: SourceIn, caller: Editor, configured: SourcesDep
) -> JSONResponse:
    """Find the outlet's feeds, sitemaps, article pattern and CMS from its home page, check
    a few sample articles, and add it to the sources file only when they all pass (201);
    otherwise say what was found and what was not (200, `added` false)."""
    settings = request.app.state.settings
    if settings.sources is None:
        raise HTTPException(
            409, "no sources file to add to: set RASAD_SOURCES to a writable YAML file"
        )
    name = body.name or (urlsplit(body.url).hostname or "").removeprefix("www.")
    if name in configured:
        raise HTTPException(409, f"a source named {name} exists already")
    found = discover(body.url, name, body.city, body.title, settings.discover_private, USER_AGENT)
    if found.entry is not None:
        add_to_file(Path(settings.sources), found.entry)
        request.app.state.sources = load_sources(settings.sources)
    out = SourceAddedOut(
        added=found.entry is not None, name=name, report=found.report(), entry=found.entry
    )
    return JSONResponse(out.model_dump(), status_code=201 if out.added else 200)


@router.get("/source-alerts", summary="Sources that turned broken")
def source_alerts(
    store: StoreDep, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> list[SourceAlertOut]:
    """An alert for each time a source turned broken, newest first."""
    return [SourceAlertOut.model_validate(a) for a in SourceHealth(store).alerts(limit)]


public = APIRouter(prefix="/api")  # needs no login: health checks carry no credentials


@public.get(
    "/health",
    response_model=HealthOut,
    summary="Is the service and its store working",
    responses={503: {"model": HealthOut, "description": "The store is not healthy."}},
)
def health(store: StoreDep) -> JSONResponse:
    info = store.health()
    body = HealthOut(ok=bool(info.get("ok")), backend=str(info.get("backend")), detail=info)
    return JSONResponse(body.model_dump(), status_code=200 if body.ok else 503)
