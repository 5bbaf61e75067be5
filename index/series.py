"""Series: one metric's reports bucketed by the calendar its readers use.

A series counts reports, not mentions: an article stating a fact twice (lead and body) is
one report (the first mention stands for it; the article view still shows every mention).
Buckets are Jalali months, weeks from Saturday (شنبه) to Friday, or days, all by the
publication day in Tehran.  A bucket is a conflict when two reports give different values
and come from different outlets, or from one outlet on different days (one outlet's two
figures on one day are two facts it reported, not a disagreement).

Each figure row carries the day, week and month it falls in (`tehran_buckets`), so a
backend groups a series in its own engine (SQL GROUP BY, Elasticsearch aggregations) and
returns the buckets with their counts, values and outlets: no Python loop over a metric's
every point.  The reports themselves are listed newest first, a page at a time (a bucket's
reports are the page of its dates): listing a few reports of every bucket read thousands of
articles for a series of years.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

import jdatetime

from rasad.nlp.dates import TEHRAN

from .filters import REPORTS, Filter
from .models import Interval, SeriesBucket
from .query import QueryError

LISTED_VALUES = 50  # distinct values a bucket lists, overall and per outlet
MAX_LISTED = 1000  # whole reports a series lists at most


@lru_cache(maxsize=8192)
def bucket_start(day: date, interval: Interval) -> date:
    """The first day of the bucket holding `day` (cached: a series has thousands of points
    on a few hundred days, and a Jalali conversion costs more than the rest of a point)."""
    if interval == "day":
        return day
    if interval == "week":
        return day - timedelta(days=(day.weekday() + 2) % 7)
    return jdatetime.date.fromgregorian(date=day).replace(day=1).togregorian()


INTERVALS: tuple[Interval, ...] = ("day", "week", "month")


def bucket_end(start: date, interval: Interval) -> date:
    """The last day of the bucket that starts on `start`: what a reader asks for to list
    one bucket's reports (a series lists its newest reports, not every bucket's)."""
    if interval == "day":
        return start
    if interval == "week":
        return start + timedelta(days=6)
    return bucket_start(start + timedelta(days=31), "month") - timedelta(days=1)


@lru_cache(maxsize=8192)
def tehran_buckets(published: str | None) -> tuple[str | None, str | None, str | None]:
    """The day, week and month (each as the ISO date it starts on) a moment falls in by
    Tehran's calendar: kept with every figure so that a backend groups a series by a
    plain column, Jalali months included, with no calendar of its own."""
    if not published:
        return None, None, None
    day = datetime.fromisoformat(published).astimezone(TEHRAN).date()
    return tuple(bucket_start(day, i).isoformat() for i in INTERVALS)  # type: ignore[return-value]


def check_interval(interval: str) -> Interval:
    if interval not in INTERVALS:
        raise QueryError("interval must be day, week or month")
    return interval  # type: ignore[return-value]


def conflict(distinct_values: int, reporters: int) -> bool:
    """A bucket's reports disagree: more than one value, from more than one (outlet, day)."""
    return distinct_values > 1 and reporters > 1


def plain_metric(filters: list[Filter]) -> str | None:
    """The metric key when the series asked for is one metric's, undated: the one kind a
    backend keeps rolled up (`sqlite_rollup`, `es_rollup`)."""
    if len(filters) != 2 or filters[1] != REPORTS:
        return None
    first = filters[0]
    return first.value if first.field == "metric" and first.op == "eq" else None


def bucket_stats(bucket: SeriesBucket) -> list[Any]:
    """What a roll-up keeps of a bucket (`rolled_bucket` reads it back)."""
    return [bucket.count, bucket.low, bucket.high, bucket.values, bucket.conflict, bucket.outlets]


def rolled_bucket(start: str, stats: list[Any]) -> SeriesBucket:
    count, low, high, values, flagged, outlets = stats
    return SeriesBucket(date.fromisoformat(start), count, low, high, values, flagged, outlets)
