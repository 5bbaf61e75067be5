"""Series: one metric's reports bucketed by the calendar its readers use.

A series counts reports, not mentions: an article stating a fact twice (lead and body) is
one report (the first mention stands for it; the article view still shows every mention).
Buckets are Jalali months, weeks from Saturday (شنبه) to Friday, or days, all by the
publication day in Tehran.  A bucket is a conflict when two reports give different values
and come from different outlets, or from one outlet on different days (one outlet's two
figures on one day are two facts it reported, not a disagreement).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

import jdatetime

from rasad.nlp.dates import TEHRAN

from .models import Interval, Series, SeriesBucket
from .query import QueryError


@lru_cache(maxsize=8192)
def bucket_start(day: date, interval: Interval) -> date:
    """The first day of the bucket holding `day` (cached: a series has thousands of points
    on a few hundred days, and a Jalali conversion costs more than the rest of a point)."""
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
    reporters: dict[date, set[tuple[str, date]]] = defaultdict(set)
    for point in reports(points):
        if point.get("published"):
            day = datetime.fromisoformat(point["published"]).astimezone(TEHRAN).date()
            start = bucket_start(day, interval)
            groups[start].append(point)
            reporters[start].add((point["source"], day))
    buckets = []
    for start in sorted(groups):
        pts = groups[start]
        values = [float(p["value"]) for p in pts]
        conflict = len(set(values)) > 1 and len(reporters[start]) > 1
        buckets.append(SeriesBucket(start, pts, values, conflict, by_outlet(pts)))
    return Series(metric, interval, buckets)


def reports(points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One point per reported fact: the first mention of each (article, figure id)."""
    seen: set[tuple[object, object]] = set()
    out = []
    for point in points:
        fact = (point.get("article_id"), point.get("figure_id"))
        if fact not in seen:
            seen.add(fact)
            out.append(point)
    return out


def by_outlet(points: list[dict[str, Any]]) -> dict[str, list[float]]:
    """The distinct values each outlet reported, in the order first reported."""
    out: dict[str, list[float]] = {}
    for point in points:
        values = out.setdefault(point["source"], [])
        if float(point["value"]) not in values:
            values.append(float(point["value"]))
    return out
