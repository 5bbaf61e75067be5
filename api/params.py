"""Query parameters shared by several endpoints, as FastAPI dependencies.

Dates are days in Jalali or Gregorian (the year tells which); a range covers whole days in
Tehran time, so "to=1402-12-29" includes everything published that day.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import Depends, HTTPException, Query, Request

from rasad.crawler.sources import Source
from rasad.index import Store
from rasad.index.models import MAX_PAGE_SIZE, FigureQuery, SearchRequest
from rasad.index.query import MAX_QUERY_CHARS
from rasad.index.saved import SavedSearches
from rasad.nlp.dates import day_moment

from .cache import TTLCache

MAX_FILTER_VALUES = 50


def get_store(request: Request) -> Store:
    return request.app.state.store


StoreDep = Annotated[Store, Depends(get_store)]


def get_cache(request: Request) -> TTLCache:
    return request.app.state.searches


CacheDep = Annotated[TTLCache, Depends(get_cache)]


def get_saved(store: StoreDep) -> SavedSearches:
    return SavedSearches(store)


SavedDep = Annotated[SavedSearches, Depends(get_saved)]


def get_sources(request: Request) -> dict[str, Source]:
    return request.app.state.sources


SourcesDep = Annotated[dict[str, Source], Depends(get_sources)]

Values = Annotated[list[str], Query(max_length=MAX_FILTER_VALUES)]
Day = Annotated[
    str | None,
    Query(
        max_length=40,
        description="A day, Jalali (1402-12-20, ۱۴۰۲/۱۲/۲۰, ۲۰ اسفند ۱۴۰۲) or Gregorian "
        "(2024-03-10); whole days in Tehran time.",
    ),
]


def day_bound(value: str | None, name: str, end: bool = False) -> datetime | None:
    """The first (or last) moment of the day a user typed; a 422 naming the parameter."""
    if not value:
        return None
    try:
        return day_moment(value, end)
    except ValueError as exc:
        raise HTTPException(422, f"{name}: {exc}") from None


def date_range(
    date_from: Annotated[Day, Query(alias="from")] = None,
    date_to: Annotated[Day, Query(alias="to")] = None,
) -> tuple[datetime | None, datetime | None]:
    start, end = day_bound(date_from, "from"), day_bound(date_to, "to", end=True)
    if start and end and start > end:
        raise HTTPException(422, "from is after to: swap the two dates")
    return start, end


DateRange = Annotated[tuple[datetime | None, datetime | None], Depends(date_range)]


def search_filters(
    dates: DateRange,
    q: Annotated[
        str,
        Query(
            max_length=MAX_QUERY_CHARS,
            description='Words (all must match), "a phrase", OR, -excluded, prefix*, '
            "(grouping). Persian spelling variants match each other.",
        ),
    ] = "",
    source: Values = [],  # noqa: B006 (FastAPI copies defaults per request)
    city: Values = [],  # noqa: B006
    kind: Values = [],  # noqa: B006
    sort: Literal["relevance", "date"] = "relevance",
) -> SearchRequest:
    """The search without its paging: what an export or a saved search also takes."""
    return SearchRequest(
        q=q,
        date_from=dates[0],
        date_to=dates[1],
        sources=source,
        cities=city,
        kinds=kind,
        sort=sort,
    )


SearchFilters = Annotated[SearchRequest, Depends(search_filters)]
Cursor = Annotated[
    str | None, Query(max_length=2000, description="`next_cursor` of the previous page.")
]
PageSize = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]


def figure_filters(
    dates: DateRange,
    metric: Annotated[str | None, Query(max_length=500)] = None,
    unit: Annotated[str | None, Query(max_length=100)] = None,
    kind: Annotated[str | None, Query(max_length=50)] = None,
    city: Annotated[str | None, Query(max_length=100)] = None,
    speaker: Annotated[str | None, Query(max_length=200)] = None,
    source: Annotated[str | None, Query(max_length=100)] = None,
    text: Annotated[
        str | None,
        Query(max_length=MAX_QUERY_CHARS, description="Words in subject, sentence or speaker."),
    ] = None,
) -> FigureQuery:
    return FigureQuery(
        metric=metric,
        unit=unit,
        kind=kind,
        city=city,
        speaker=speaker,
        source=source,
        date_from=dates[0],
        date_to=dates[1],
        text=text,
    )


FigureFilters = Annotated[FigureQuery, Depends(figure_filters)]
