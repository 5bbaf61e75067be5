"""A metric's series kept rolled up in SQLite: each bucket's counts and values, refreshed
only where figures changed.

Grouping a metric's every report on each request costs as much as the metric is long: a
key reported for years holds tens of thousands of rows, and three grouped passes over
them take longer than a chart may wait.  So each (metric, interval, bucket) keeps what a
series shows of it (`series_rollup`), and a trigger marks the buckets a figure write or
delete touches (`series_stale`).  Each write transaction regroups the buckets it marked
before it commits (a batch's few days of each metric it touched: only those days of the
metric's index are read), so a plain metric's series (no dates, not an indicator) reads
only its rolled-up rows; every other series is grouped on request.

Marks left over (a store made before the roll-up) are regrouped by the first reader.
That writes, so it needs the write lock, and a reader never waits for it: when a crawl
holds the lock, the series is grouped on request instead and the marks stay for the next
reader.  Regrouping and unmarking happen in one write transaction, so a figure written
meanwhile leaves its mark.
"""

from __future__ import annotations

import sqlite3
import zlib
from datetime import date, timedelta
from typing import Any

from .models import Interval
from .schema import BUCKET_FIELDS
from .series import bucket_end
from .sqlite_sql import day_number, moment_number
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
{
    "".join(
        f'''
CREATE TRIGGER IF NOT EXISTS figures_stale_{event.lower()} AFTER {event} ON figures
WHEN {row}.report AND {row}.metric IS NOT NULL AND {row}.day IS NOT NULL BEGIN
    INSERT OR IGNORE INTO series_stale (metric, interval, bucket) VALUES
    {", ".join(f"({row}.metric, '{b}', {bucket_text(f'{row}.{b}')})" for b in BUCKET_FIELDS)};
END;'''
        for event, row in (("INSERT", "new"), ("DELETE", "old"))
    )
}
-- every metric's number of reports, for the list of metrics: counting them over the
-- figures' index reads all of it (a million articles: 7.7 million rows, minutes from disk).
-- Figures are only ever inserted and deleted, each counted as it is.
CREATE TABLE IF NOT EXISTS metric_reports (
    metric TEXT PRIMARY KEY,
    reports INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS figures_counted_insert AFTER INSERT ON figures
WHEN new.report AND new.metric IS NOT NULL BEGIN
    INSERT INTO metric_reports (metric, reports) VALUES (new.metric, 1)
    ON CONFLICT (metric) DO UPDATE SET reports = reports + 1;
END;
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
CREATE TRIGGER IF NOT EXISTS {table}_sized_{event.lower()} AFTER {event} ON {table} BEGIN
    UPDATE store_counts SET n = n {sign} 1 WHERE name = '{table}';
END;"""
        for table in ("articles", "figures")
        for event, sign in (("INSERT", "+"), ("DELETE", "-"))
    )
}
"""
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


def stale_buckets(db: sqlite3.Connection, metric: str, interval: Interval) -> list[str]:
    return [
        b
        for (b,) in db.execute(
            "SELECT bucket FROM series_stale WHERE metric = ? AND interval = ? ORDER BY bucket",
            (metric, interval),
        )
    ]


def regroup_bounds(stale: list[str], interval: Interval) -> tuple[list[str], list[Any]]:
    """Conditions that limit a regrouping to the stale buckets: their days of the metric's
    (metric, published) index, a day either side of Tehran's offset, then the buckets."""
    if len(stale) > WHOLE_AFTER:
        return [], []
    low = date.fromisoformat(stale[0]) - timedelta(days=1)
    high = bucket_end(date.fromisoformat(stale[-1]), interval) + timedelta(days=2)
    where = ["published >= ?", "published < ?", f"{interval} IN ({','.join('?' * len(stale))})"]
    moments = [moment_number(d.isoformat()) for d in (low, high)]
    return where, [*moments, *(day_number(b) for b in stale)]


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
