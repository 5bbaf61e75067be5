"""A metric's series kept rolled up in SQLite: each bucket's counts and values, refreshed
only where figures changed.

Grouping a metric's every report on each request costs as much as the metric is long: a
key reported for years holds tens of thousands of rows, and three grouped passes over
them take longer than a chart may wait.  So each (metric, interval, bucket) keeps what a
series shows of it (`series_rollup`), and the buckets a figure write or delete touches
are marked (`series_stale`: by the write itself, `count_inserted`, and by a trigger on
delete).  Each write transaction regroups the buckets it marked before it commits (a
batch's few days of each metric it touched: only those days of the metric's index are
read), so a plain metric's series (no dates, not an indicator) reads only its rolled-up
rows; every other series is grouped on request.

Marks left over (a store made before the roll-up) are regrouped by the first reader.
That writes, so it needs the write lock, and a reader never waits for it: when a crawl
holds the lock, the series is grouped on request instead and the marks stay for the next
reader.  Regrouping and unmarking happen in one write transaction, so a figure written
meanwhile leaves its mark.
"""

from __future__ import annotations

import sqlite3
import zlib
from collections import Counter
from datetime import date, timedelta
from typing import Any

from .models import Interval, SeriesBucket
from .schema import BUCKET_FIELDS
from .series import LISTED_VALUES, bucket_end, conflict
from .sqlite_sql import FIGURE_COLUMNS, day_date, day_number, moment_number
from .sqlite_text import dumps, loads


def bucket_text(column: str) -> str:
    """SQL for a figure's bucket (a day number) as the ISO date the roll-up is keyed by."""
    return f"date({column} * 86400, 'unixepoch')"


# created after MIGRATIONS: the triggers read the report and bucket columns they may add
ROLLUP_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS series_rollup (
    metric TEXT NOT NULL,
    interval TEXT NOT NULL,
    bucket TEXT NOT NULL,
    stats BLOB NOT NULL,  -- `pack_stats` (a store made before: JSON text)
    PRIMARY KEY (metric, interval, bucket)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS series_stale (
    metric TEXT NOT NULL,
    interval TEXT NOT NULL,
    bucket TEXT NOT NULL,
    PRIMARY KEY (metric, interval, bucket)
) WITHOUT ROWID;
-- Inserts are marked and counted by the write that makes them, once a batch
-- (`count_inserted`): as triggers, four statements ran for every figure written, a sixth of
-- the time indexing took.  Deletes, rarer (an article replaced) and made by more than one
-- path, keep their triggers.
DROP TRIGGER IF EXISTS figures_stale_insert;
DROP TRIGGER IF EXISTS figures_counted_insert;
DROP TRIGGER IF EXISTS figures_sized_insert;
DROP TRIGGER IF EXISTS articles_sized_insert;
CREATE TRIGGER IF NOT EXISTS figures_stale_delete AFTER DELETE ON figures
WHEN old.report AND old.metric IS NOT NULL AND old.day IS NOT NULL BEGIN
    INSERT OR IGNORE INTO series_stale (metric, interval, bucket) VALUES
    {", ".join(f"(old.metric, '{b}', {bucket_text(f'old.{b}')})" for b in BUCKET_FIELDS)};
END;
-- every metric's number of reports, for the list of metrics: counting them over the
-- figures' index reads all of it (a million articles: 7.7 million rows, minutes from disk).
-- Figures are only ever inserted and deleted, each counted as it is.
CREATE TABLE IF NOT EXISTS metric_reports (
    metric TEXT PRIMARY KEY,
    reports INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS figures_counted_delete AFTER DELETE ON figures
WHEN old.report AND old.metric IS NOT NULL BEGIN
    UPDATE metric_reports SET reports = reports - 1 WHERE metric = old.metric;
    DELETE FROM metric_reports WHERE metric = old.metric AND reports <= 0;
END;
-- how many articles and figures the store holds, for its health: count(*) reads a whole
-- table or index (a million articles' figures, cold from disk: longer than a health check
-- may take)
CREATE TABLE IF NOT EXISTS store_counts (
    name TEXT PRIMARY KEY,
    n INTEGER NOT NULL
) WITHOUT ROWID;
{
    "".join(
        f"""
CREATE TRIGGER IF NOT EXISTS {table}_sized_delete AFTER DELETE ON {table} BEGIN
    UPDATE store_counts SET n = n - 1 WHERE name = '{table}';
END;"""
        for table in ("articles", "figures")
    )
}
"""


def count_inserted(db: sqlite3.Connection, articles: int, figures: list[list[Any]]) -> None:
    """Mark and count what one write inserted, as the delete triggers do for what it
    deletes: the buckets its reports fall in are stale, its metrics have that many more
    reports, the store that many more articles and figures.  `figures` are the rows'
    values in `FIGURE_COLUMNS` order, as inserted."""
    reports: Counter[str] = Counter()
    stale: set[tuple[str, str, str]] = set()
    for values in figures:
        metric, report = values[_METRIC], values[_REPORT]
        if not report or metric is None:
            continue
        reports[metric] += 1
        if values[_DAY] is None:
            continue
        for interval, at in _BUCKETS_AT:
            if values[at] is not None:
                stale.add((metric, interval, day_date(values[at]).isoformat()))
    db.executemany(
        "INSERT OR IGNORE INTO series_stale (metric, interval, bucket) VALUES (?, ?, ?)",
        sorted(stale),
    )
    db.executemany(
        "INSERT INTO metric_reports (metric, reports) VALUES (?, ?) "
        "ON CONFLICT (metric) DO UPDATE SET reports = reports + excluded.reports",
        sorted(reports.items()),
    )
    db.executemany(
        "UPDATE store_counts SET n = n + ? WHERE name = ?",
        [(articles, "articles"), (len(figures), "figures")],
    )


_METRIC, _REPORT, _DAY = (FIGURE_COLUMNS.index(c) for c in ("metric", "report", "day"))
_BUCKETS_AT = [(b, FIGURE_COLUMNS.index(b)) for b in BUCKET_FIELDS]

# a store made before the counts: counted once
COUNT_ALL_METRICS = (
    "INSERT INTO metric_reports (metric, reports) SELECT metric, count(*) FROM figures "
    "WHERE report AND metric IS NOT NULL GROUP BY metric"
)
COUNT_ALL_ROWS = (
    "INSERT OR REPLACE INTO store_counts (name, n) "
    "SELECT 'articles', count(*) FROM articles UNION ALL SELECT 'figures', count(*) FROM figures"
)
# a store made before the roll-up: every bucket of every metric is stale once
MARK_ALL_STALE = " UNION ".join(
    f"SELECT metric, '{b}', {bucket_text(b)} FROM figures WHERE report AND metric IS NOT NULL "
    f"AND {b} IS NOT NULL"
    for b in BUCKET_FIELDS
)
MARK_ALL_STALE = f"INSERT OR IGNORE INTO series_stale (metric, interval, bucket) {MARK_ALL_STALE}"

# past this many stale buckets a metric is regrouped whole (one pass, no IN list)
WHOLE_AFTER = 64


def pack_stats(stats: list[Any]) -> bytes:
    """A bucket's stats (`series.bucket_stats`) as the roll-up keeps them: JSON, deflated.
    A bucket lists up to fifty values overall and per outlet, and their digits repeat:
    deflated, a bucket takes half the bytes, and the roll-up was a twentieth of a store."""
    return zlib.compress(dumps(stats).encode("utf-8"))


def unpack_stats(kept: bytes | str) -> list[Any]:
    return loads(zlib.decompress(kept) if isinstance(kept, bytes) else kept)


# A metric's reports over the days its stale buckets span, grouped by day, outlet and
# value: each interval's buckets are summed from these groups (`regrouped`).  One pass over
# the metric's index, where three grouped queries for each interval read it nine times
# over: regrouping was a fifth of what indexing took.
REPORT_GROUPS = (
    f"SELECT {', '.join(BUCKET_FIELDS)}, source, value, count(*), min(published) FROM figures "
    "WHERE metric = ? AND report AND published >= ? AND published < ? AND day IS NOT NULL "
    "GROUP BY day, source, value"
)


def groups_bounds(stale: dict[Interval, list[str]]) -> list[float | None] | None:
    """The publication range `REPORT_GROUPS` reads for these stale buckets: their days, a
    day either side of Tehran's offset; None when there are too many to list (the metric
    is regrouped whole, interval by interval)."""
    if any(len(buckets) > WHOLE_AFTER for buckets in stale.values()):
        return None
    low = min(date.fromisoformat(b[0]) for b in stale.values()) - timedelta(days=1)
    high = max(
        bucket_end(date.fromisoformat(b[-1]), interval) for interval, b in stale.items()
    ) + timedelta(days=2)
    return [moment_number(d.isoformat()) for d in (low, high)]


class _Tally:
    """One bucket's reports as they are summed."""

    __slots__ = ("count", "firsts", "reporters")

    def __init__(self) -> None:
        self.count = 0
        self.reporters: set[tuple[str, int]] = set()  # (outlet, day)
        self.firsts: dict[tuple[str, Any], float] = {}  # (outlet, value): first reported

    def bucket(self, start: int) -> SeriesBucket:
        values = {value for _, value in self.firsts}
        numbers = [v for v in values if v is not None]
        by_outlet: dict[str, list[tuple[float, Any]]] = {}
        for (source, value), first in self.firsts.items():
            by_outlet.setdefault(source, []).append((first, value))
        for reports in by_outlet.values():
            reports.sort(key=lambda r: (r[0], _value_order(r[1])))
        order = sorted(by_outlet, key=lambda s: (by_outlet[s][0][0], s or ""))
        return SeriesBucket(
            start=day_date(start),
            count=self.count,
            low=min(numbers, default=None),  # type: ignore[arg-type]
            high=max(numbers, default=None),  # type: ignore[arg-type]
            values=sorted(values, key=_value_order)[:LISTED_VALUES],
            conflict=conflict(len(numbers), len(self.reporters)),
            outlets={s: [v for _, v in by_outlet[s][:LISTED_VALUES]] for s in order},
        )


def _value_order(value: Any) -> tuple[bool, Any]:
    return (value is not None, value if value is not None else 0)  # SQL puts NULL first


def regrouped(
    groups: list[tuple[Any, ...]], stale: dict[Interval, list[str]]
) -> dict[Interval, list[SeriesBucket]]:
    """Each interval's stale buckets summed from `REPORT_GROUPS` rows, as grouping the
    reports on request gives them (`SQLiteStore._grouped`); a bucket no report falls in
    is left out."""
    wanted = {interval: {day_number(b) for b in buckets} for interval, buckets in stale.items()}
    places = [(BUCKET_FIELDS.index(interval), interval) for interval in stale]
    tallies: dict[Interval, dict[int, _Tally]] = {interval: {} for interval in stale}
    last = len(BUCKET_FIELDS)
    for row in groups:
        source, value, count, first = row[last:]
        for at, interval in places:
            start = row[at]
            if start not in wanted[interval]:
                continue
            tally = tallies[interval].get(start)
            if tally is None:
                tally = tallies[interval][start] = _Tally()
            tally.count += count
            if source is not None:
                tally.reporters.add((source, row[_DAY_AT]))
            key = (source, value)
            if first < tally.firsts.get(key, first + 1):
                tally.firsts[key] = first
    return {
        interval: [kept[start].bucket(start) for start in sorted(kept)]
        for interval, kept in tallies.items()
    }


_DAY_AT = BUCKET_FIELDS.index("day")


def stale_buckets(db: sqlite3.Connection, metric: str, interval: Interval) -> list[str]:
    return [
        b
        for (b,) in db.execute(
            "SELECT bucket FROM series_stale WHERE metric = ? AND interval = ? ORDER BY bucket",
            (metric, interval),
        )
    ]


def store_buckets(
    db: sqlite3.Connection,
    metric: str,
    interval: Interval,
    stale: list[str],
    rows: list[tuple[str, str]],
) -> None:
    """Replace the stale buckets' rolled-up rows (all of the metric's when it was
    regrouped whole) with `rows` of (bucket, stats), and clear their marks."""
    if len(stale) > WHOLE_AFTER:
        db.execute(
            "DELETE FROM series_rollup WHERE metric = ? AND interval = ?", (metric, interval)
        )
    else:
        db.executemany(
            "DELETE FROM series_rollup WHERE metric = ? AND interval = ? AND bucket = ?",
            [(metric, interval, b) for b in stale],
        )
    db.executemany(
        "INSERT INTO series_rollup (metric, interval, bucket, stats) VALUES (?, ?, ?, ?)",
        [(metric, interval, bucket, stats) for bucket, stats in rows],
    )
    db.executemany(
        "DELETE FROM series_stale WHERE metric = ? AND interval = ? AND bucket = ?",
        [(metric, interval, b) for b in stale],
    )


def rolled_up(db: sqlite3.Connection, metric: str, interval: Interval) -> list[tuple[str, str]]:
    return db.execute(
        "SELECT bucket, stats FROM series_rollup WHERE metric = ? AND interval = ? ORDER BY bucket",
        (metric, interval),
    ).fetchall()
