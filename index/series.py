"""Series: one metric's figures bucketed by the calendar its readers use.

Buckets are Jalali months, weeks from Saturday (شنبه) to Friday, or days, all by the
publication day in Tehran; a bucket where different values were reported for the same
thing is flagged as a conflict.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

import jdatetime

from rasad.nlp.dates import TEHRAN

from .models import Interval, Series, SeriesBucket
from .query import QueryError


def bucket_start(day: date, interval: Interval) -> date:
    """The first day of the bucket holding `day`."""
    if interval == "day":
        return day
    if interval == "week":
        return day - timedelta(days=(day.weekday() + 2) % 7)
    return jdatetime.date.fromgregorian(date=day).replace(day=1).togregorian()


def bucket_series(metric: str, interval: Interval, points: list[dict[str, Any]]) -> Series:
    """Group figure rows into buckets by publication day in Tehran; undated rows are left
    out."""
    if interval not in ("day", "week", "month"):
        raise QueryError("interval must be day, week or month")
    groups: dict[date, list[dict[str, Any]]] = defaultdict(list)
    for point in points:
        if point.get("published"):
            published = datetime.fromisoformat(point["published"]).astimezone(TEHRAN)
            groups[bucket_start(published.date(), interval)].append(point)
    buckets = []
    for start in sorted(groups):
        pts = groups[start]
        values = [float(p["value"]) for p in pts]
        buckets.append(SeriesBucket(start, pts, values, conflict=len(set(values)) > 1))
    return Series(metric, interval, buckets)
