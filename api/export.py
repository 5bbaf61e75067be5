"""Exports of search results and figures as CSV or JSON lines, streamed page by page.

The CSV starts with a UTF-8 byte-order mark: without it spreadsheet programs read the file
as a legacy code page and Persian turns into mojibake.  Rows are plain text (no HTML).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from functools import partial
from itertools import chain, islice
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import StreamingResponse

from rasad.crawler.sources import Source
from rasad.index import Store
from rasad.index.indicators import Indicators
from rasad.index.models import FigureQuery, SearchRequest
from rasad.nlp.dates import jalali

from .auth import Reader, require
from .indicators import visible_indicator
from .params import DateRange, FigureFilters, SearchFilters, SourcesDep, StoreDep
from .routes import ERRORS

MAX_EXPORT_ROWS = 100_000
PAGE = 500
Format = Annotated[Literal["csv", "jsonl"], Query(description="csv (spreadsheets) or jsonl.")]
Limit = Annotated[int, Query(ge=1, le=MAX_EXPORT_ROWS, description="At most this many rows.")]

SEARCH_COLUMNS = (
    "published",
    "published_jalali",
    "source",
    "outlet",
    "city",
    "title",
    "snippet",
    "url",
    "story_id",
    "outlets",
    "figures",
)
FIGURE_COLUMNS = (
    "published",
    "published_jalali",
    "value",
    "unit",
    "kind",
    "value_rial",
    "qualifier",
    "subject",
    "location",
    "speaker",
    "speaker_role",
    "scope",
    "surface",
    "sentence",
    "metric",
    "source",
    "outlet",
    "title",
    "url",
)

SERIES_COLUMNS = (
    "bucket",
    "bucket_jalali",
    "published",
    "published_jalali",
    "value",
    "unit",
    "source",
    "outlet",
    "speaker",
    "subject",
    "sentence",
    "title",
    "url",
)

router = APIRouter(
    prefix="/api/export", responses=ERRORS, dependencies=[Depends(require("viewer"))]
)


def _search_rows(store: Store, request: SearchRequest, limit: int) -> Iterator[dict[str, Any]]:
    """One row per matching article: where and when, a plain snippet, how many outlets
    ran its story, and the figures it reports (value unit subject, separated by «؛»)."""
    request = replace(request, sort="date", size=PAGE, cursor=None, facets=False)
    sent = 0
    while sent < limit:
        page = store.search(request)
        hits = page.hits[: limit - sent]
        outlets = store.story_outlets([h.story_id for h in hits if h.story_id])
        reports = store.reports_of([h.id for h in hits])
        for hit in hits:
            yield {
                "published": hit.published.isoformat() if hit.published else "",
                "published_jalali": jalali(hit.published) if hit.published else "",
                "source": hit.source,
                "city": hit.city or "",
                "title": hit.title,
                "snippet": hit.snippet.plain("", ""),
                "url": hit.url,
                "story_id": hit.story_id or "",
                "outlets": outlets.get(hit.story_id or "", 1),
                "figures": "؛ ".join(
                    f"{_number(r['value'])} {r['unit']} {r['subject']}".strip()
                    for r in reports[hit.id]
                ),
            }
        sent += len(page.hits)
        if not page.next_cursor:
            return
        request = replace(request, cursor=page.next_cursor)


def _number(value: float) -> str:
    """A figure's value as a spreadsheet reads it: 350000000000, not 3.5e+11."""
    return str(int(value)) if float(value).is_integer() else str(value)


def _figure_rows(store: Store, query: FigureQuery, limit: int) -> Iterator[dict[str, Any]]:
    query = replace(query, size=PAGE, cursor=None)
    sent = 0
    while sent < limit:
        page = store.figures(query)
        for row in page.figures[: limit - sent]:
            published = datetime.fromisoformat(row["published"]) if row.get("published") else None
            yield {k: row.get(k) for k in FIGURE_COLUMNS} | {
                "published_jalali": jalali(published) if published else ""
            }
        sent += len(page.figures)
        if not page.next_cursor:
            return
        query = replace(query, cursor=page.next_cursor)


def _csv(rows: Iterator[dict[str, Any]], columns: tuple[str, ...]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, extrasaction="ignore", lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writeheader()
    for n, row in enumerate(rows, 1):
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
        if n % 200 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _jsonl(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(row, ensure_ascii=False) + "\n"


def _stream(
    rows: Callable[[], Iterator[dict[str, Any]]],
    columns: tuple[str, ...],
    fmt: str,
    name: str,
    sources: dict[str, Source],
) -> StreamingResponse:
    titles = {n: s.title or n for n, s in sources.items()}
    pending = (row | {"outlet": titles.get(row["source"], row["source"])} for row in rows())
    head = list(islice(pending, 1))  # run the query now: a bad one is a 400, not a broken file
    every = chain(head, pending)
    body = _csv(every, columns) if fmt == "csv" else _jsonl(every)
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/x-ndjson"
    stamp = datetime.now().strftime("%Y%m%d-%H%M")
    return StreamingResponse(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="rasad-{name}-{stamp}.{fmt}"'},
    )


@router.get("/search", summary="Export search results", response_class=StreamingResponse)
def export_search(
    store: StoreDep,
    sources: SourcesDep,
    filters: SearchFilters,
    format: Format = "csv",
    limit: Limit = 10_000,
) -> StreamingResponse:
    """Every article matching the search (newest first), one row each."""
    rows = partial(_search_rows, store, filters, limit)
    return _stream(rows, SEARCH_COLUMNS, format, "search", sources)


@router.get("/figures", summary="Export figures", response_class=StreamingResponse)
def export_figures(
    store: StoreDep,
    sources: SourcesDep,
    filters: FigureFilters,
    format: Format = "csv",
    limit: Limit = 10_000,
) -> StreamingResponse:
    """Every figure matching the filters (newest first), one row each."""
    rows = partial(_figure_rows, store, filters, limit)
    return _stream(rows, FIGURE_COLUMNS, format, "figures", sources)


@router.get("/series", summary="Export a series' reports", response_class=StreamingResponse)
def export_series(
    store: StoreDep,
    sources: SourcesDep,
    caller: Reader,
    dates: DateRange,
    metric: Annotated[str | None, Query(max_length=500)] = None,
    indicator: Annotated[str | None, Query(max_length=100, description="An indicator id.")] = None,
    interval: Literal["day", "week", "month"] = "month",
    format: Format = "csv",
) -> StreamingResponse:
    """Every report of a metric or an indicator, one row each with its bucket: what the
    analyst view charts, for a spreadsheet."""
    if (metric is None) == (indicator is None):
        raise HTTPException(400, "give either metric or indicator")
    if indicator is not None:
        indicators = Indicators(store)
        found = visible_indicator(indicators, indicator, caller)
        result = indicators.series(found, interval, *dates)
    else:
        result = store.series(str(metric), interval, *dates)

    def rows() -> Iterator[dict[str, Any]]:
        for bucket in result.buckets:
            for point in bucket.points:
                published = datetime.fromisoformat(point["published"])
                yield point | {
                    "bucket": bucket.start.isoformat(),
                    "bucket_jalali": jalali(bucket.start),
                    "published_jalali": jalali(published),
                }

    return _stream(rows, SERIES_COLUMNS, format, "series", sources)
