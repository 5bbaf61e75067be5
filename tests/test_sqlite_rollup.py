"""The SQLite roll-up of metric series: what it answers is what grouping on request gives,
through writes, replacements, a busy writer and a store made before it."""

from __future__ import annotations

import random
import sqlite3
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rasad.index.filters import Filter
from rasad.index.models import Article, Interval
from rasad.index.sqlite_rollup import bucket_text
from rasad.index.sqlite_store import SQLiteStore
from tests.corpus import make
from tests.old_layout import INSERT_TRIGGERS

START = datetime(2024, 1, 1, 8, tzinfo=UTC)
# every month of a metric marked stale, as a store made before the roll-up leaves them
MONTHS = f"SELECT DISTINCT metric, 'month', {bucket_text('month')} FROM figures WHERE metric = ?"


def _parks(day: int, source: str, parks: int, url: str | None = None) -> Article:
    text = f"شهرداری مشهد گفت: {parks} بوستان ساخته شد."
    moment = START + timedelta(days=day)
    article = make(url or f"https://{source}/{day}-{parks}", "بوستان", text, 1, source=source)
    return replace(article, published=moment)


def _metric(store: SQLiteStore) -> str:
    [(key, _)] = store.metrics("بوستان")
    return key


def _on_request(store: SQLiteStore, key: str, interval: Interval) -> list:
    return store._grouped([Filter("metric", "eq", key), Filter("report", "eq", True)], interval)


def _stale(store: SQLiteStore) -> list[tuple[str, str]]:
    return store.db.execute("SELECT interval, bucket FROM series_stale ORDER BY 1, 2").fetchall()


def test_a_write_regroups_the_buckets_it_touched_and_those_only(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "r.db")
    store.upsert([_parks(i, "xy"[i % 2], 10 + i % 4) for i in range(90)])
    key = _metric(store)
    rolled = store.db.execute("SELECT count(*) FROM series_rollup").fetchone()[0]
    weeks = len(store.series(key, "week", listed=0).buckets)
    assert rolled == 90 + weeks + 4  # days, weeks, and Dey to Farvardin
    assert _stale(store) == []  # regrouped before the write committed
    store.db.execute(
        "UPDATE series_rollup SET stats = '[999, 0, 0, [], false, {}]' "
        "WHERE interval = 'month' AND bucket = '2024-03-20'"  # Farvardin, not written to below
    )
    store.upsert([_parks(45, "z", 77)])  # one new report in Bahman
    store.upsert([_parks(60, "z", 5, url="https://y/3-13")])  # from Dey to Esfand
    assert _stale(store) == []
    assert [b.count for b in store.series(key, "month", listed=0).buckets] == [19, 31, 30, 999]
    store.db.execute("DELETE FROM series_rollup WHERE interval = 'month'")
    store.db.execute(f"INSERT INTO series_stale {MONTHS}", (key,))  # as an old store leaves
    assert store.series(key, "month", listed=0).buckets == _on_request(store, key, "month")
    store.close()


def test_a_busy_writer_never_makes_a_series_wait(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    store = SQLiteStore(path)
    store.upsert([_parks(i, "x", 10 + i) for i in range(10)])
    key = _metric(store)
    store.db.execute(f"INSERT INTO series_stale {MONTHS}", (key,))
    crawl = sqlite3.connect(path, isolation_level=None)
    crawl.execute("BEGIN IMMEDIATE")  # another process in the middle of a write
    try:
        began = time.perf_counter()
        buckets = store.series(key, "month", listed=0).buckets
        assert time.perf_counter() - began < 2  # the busy timeout is 10 s: it was not waited
        assert sum(b.count for b in buckets) == 10
        assert _stale(store)  # left for the next reader
    finally:
        crawl.execute("ROLLBACK")
        crawl.close()
    assert store.series(key, "month", listed=0).buckets == buckets
    assert _stale(store) == []
    store.close()


def _old_store(path: Path, interval: Interval) -> tuple[str, list]:
    """A store as one made before the roll-up was: its metric and the series grouped on
    request, for comparison once it is reopened."""
    store = SQLiteStore(path)
    store.upsert([_parks(i, "xy"[i % 2], 10 + i % 3) for i in range(40)])
    key = _metric(store)
    expected = _on_request(store, key, interval)
    assert store.roll_up() == 0  # a write leaves nothing behind
    store.db.executescript(
        "DROP TRIGGER figures_stale_delete; DROP TABLE series_rollup; DROP TABLE series_stale;"
    )
    store.close()
    return key, expected


def test_a_store_made_before_the_roll_up_rolls_up_on_first_read(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    key, expected = _old_store(path, "week")
    reopened = SQLiteStore(path)
    assert ("month", "2024-01-21") in _stale(reopened)
    assert reopened.series(key, "week", listed=0).buckets == expected
    reopened.close()


def test_a_store_made_before_the_roll_up_is_rolled_up_at_once(tmp_path: Path) -> None:
    """What a copy or a crawl's end does (`Store.roll_up`): every bucket left, regrouped."""
    path = tmp_path / "r.db"
    key, expected = _old_store(path, "month")
    reopened = SQLiteStore(path)
    left = len(_stale(reopened))
    assert left > 0 and reopened.roll_up() == left and _stale(reopened) == []
    assert reopened.series(key, "month", listed=0).buckets == expected
    reopened.close()


def test_the_list_of_metrics_is_counted_as_figures_are_written(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "m.db")
    counted = (
        "SELECT metric, count(*) FROM figures WHERE report AND metric IS NOT NULL "
        "GROUP BY metric ORDER BY count(*) DESC, metric"
    )
    lanes = make("https://x/1", "دوچرخه", "شهرداری مشهد گفت: ۲۰ کیلومتر مسیر دوچرخه ساخته شد.", 2)
    store.upsert([lanes, *(_parks(d, "a", 10 + d) for d in range(3))])
    assert store.metrics(size=500) == store.db.execute(counted).fetchall()
    # an article replaced: its figures go, its new ones come; one loses its only figure
    store.upsert([_parks(0, "a", 99, url="https://a/0-10"), _parks(5, "b", 7)])
    store.upsert([make("https://a/1-11", "بوستان", "شهرداری مشهد گفت: بوستان ساخته شد.", 2)])
    assert store.metrics(size=500) == store.db.execute(counted).fetchall()
    assert dict(store.metrics(size=500))[_metric(store)] == 3  # days 0, 2 and 5
    # read from the counts, not from the figures
    statements: list[str] = []
    store.db.set_trace_callback(statements.append)
    with store._reading() as db:
        db.set_trace_callback(statements.append)
        store.metrics(size=2)
        db.set_trace_callback(None)
    store.db.set_trace_callback(None)
    assert statements and not any("figures" in s for s in statements), statements
    store.close()


def test_the_store_counts_its_articles_and_figures_as_it_writes_them(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    store = SQLiteStore(path)

    def counted() -> tuple[int, int]:
        rows = [
            store.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("articles", "figures")
        ]
        return rows[0], rows[1]

    store.upsert([_parks(d, "a", 10 + d) for d in range(4)])
    store.upsert([make("https://a/1-11", "بوستان", "شهرداری مشهد گفت: بوستان ساخته شد.", 2)])
    store.upsert([_parks(0, "a", 30, url="https://a/0-10"), _parks(7, "b", 5)])
    health = store.health()
    assert (health["articles"], health["figures"]) == counted() == (5, 4)
    store.db.executescript("DROP TABLE store_counts;")  # as a store made before the counts
    store.close()
    store = SQLiteStore(path)
    health = store.health()
    assert (health["articles"], health["figures"]) == counted()
    store.close()


def test_a_write_marks_and_counts_its_inserts_once_and_old_triggers_go(tmp_path: Path) -> None:
    """Inserts are marked and counted by the write, once a batch; a store made when
    triggers did it per row loses them on opening, or every insert would count twice."""
    path = tmp_path / "t.db"
    store = SQLiteStore(path)
    store.upsert([_parks(d, "xy"[d % 2], 10 + d % 3) for d in range(20)])
    store.db.executescript(INSERT_TRIGGERS)
    store.close()
    store = SQLiteStore(path)
    store.upsert([_parks(d, "z", 40 + d) for d in range(30, 45)])  # 15 new reports
    store.upsert([_parks(3, "y", 90, url="https://y/3-10")])  # a replaced article
    key = _metric(store)
    figures, reports = store.db.execute(
        "SELECT count(*), sum(report) FROM figures WHERE metric = ?", (key,)
    ).fetchone()
    health = store.health()
    assert (health["articles"], health["figures"]) == (35, figures) == (35, reports)
    assert store.metrics(size=5) == [(key, 35)]
    assert _stale(store) == []
    for interval in ("day", "week", "month"):
        rolled = store.series(key, interval, listed=0).buckets
        assert rolled == _on_request(store, key, interval)
    assert sum(b.count for b in store.series(key, "day", listed=0).buckets) == 35
    store.close()


def test_a_regrouping_sums_every_interval_as_grouping_on_request_does(tmp_path: Path) -> None:
    """All intervals are regrouped from one pass over the stale days' reports: what they
    hold is what grouping on request gives, with more values than a bucket lists, outlets
    reporting in the same second, and one outlet's two values on one day."""
    rng = random.Random(3)
    store = SQLiteStore(tmp_path / "g.db")
    articles = [
        _parks(day, source, rng.randint(1, 120))
        for day in range(0, 70, 2)
        for source in "edcba"  # each day's outlets publish at the same second
    ]
    articles += [_parks(80, "f", 7), _parks(80, "f", 9)]  # no conflict: one outlet, one day
    for start in range(0, len(articles), 23):  # a write's marks span days, weeks and months
        store.upsert(articles[start : start + 23])
    key = _metric(store)
    for interval in ("day", "week", "month"):
        rolled = store.series(key, interval, listed=0).buckets
        grouped = _on_request(store, key, interval)
        assert rolled == grouped
        assert [list(b.outlets) for b in rolled] == [list(b.outlets) for b in grouped]
    months = store.series(key, "month", listed=0).buckets
    assert max(len(b.values) for b in months) == 50  # more were reported
    days = store.series(key, "day", listed=0).buckets
    assert days[-1].values == [7, 9] and not days[-1].conflict and days[0].conflict
    store.close()
