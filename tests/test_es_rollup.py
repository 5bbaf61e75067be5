"""The Elasticsearch roll-up of metric series on a real node: writes mark buckets and a
reader regroups them (even when the cluster refuses to keep the result) unless a bulk load
rolled them up at once, overlapping
writers and readers leave it right, and a store made before it rolls up on first read."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rasad.index import es_rollup
from rasad.index.contract import StoreError
from rasad.index.es_store import ElasticsearchStore
from rasad.index.models import Article
from tests.corpus import make

EVERY_DAY = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))


def _parks(day: int, source: str, parks: int, noun: str = "بوستان") -> Article:
    moment = datetime(2024, 1, 1, 8, tzinfo=UTC) + timedelta(days=day, minutes=parks)
    text = f"شهرداری مشهد گفت: {parks} {noun} ساخته شد."
    article = make(f"https://{source}/{day}-{parks}-{noun}", noun, text, 1, source=source)
    return replace(article, published=moment)


@pytest.fixture
def es_store(es_url: str, tmp_path: Path) -> Iterator[ElasticsearchStore]:
    store = ElasticsearchStore(es_url, prefix=f"r{uuid.uuid4().hex[:10]}", spool_dir=tmp_path)
    yield store
    store.drop()
    store.close()


def _marks(store: ElasticsearchStore) -> int:
    store.es.indices.refresh(index=store.stale_index)
    return int(store.es.count(index=store.stale_index)["count"])


@contextmanager
def _blocked(store: ElasticsearchStore, index: str) -> Iterator[None]:
    """Writes to one index refused, as by a cluster short of disk."""
    store.es.indices.put_settings(index=index, settings={"index.blocks.write": True})
    try:
        yield
    finally:
        store.es.indices.put_settings(index=index, settings={"index.blocks.write": None})


def _agrees(store: ElasticsearchStore, key: str) -> list[int]:
    for interval in ("day", "week", "month"):
        rolled = store.series(key, interval, listed=0).buckets
        assert rolled == store.series(key, interval, *EVERY_DAY, listed=0).buckets
    return [b.count for b in store.series(key, "month", listed=0).buckets]


def test_writes_mark_buckets_and_a_reader_regroups_them(
    es_store: ElasticsearchStore, caplog: pytest.LogCaptureFixture
) -> None:
    es_store.upsert([_parks(i, "x", 10 + i % 3) for i in range(30)])
    [(key, _)] = es_store.metrics("بوستان")
    assert _marks(es_store) == 30 + 5 + 2  # days, weeks, months, left for a reader
    assert _agrees(es_store, key) == [20, 10] and _marks(es_store) == 0
    report = es_store.upsert([_parks(3, "y", 50), _parks(40, "y", 51)])
    assert report.new == 2 and _marks(es_store) == 6  # two days, two weeks, two months
    blocked = {"index.blocks.write": True}
    es_store.es.indices.put_settings(index=es_store.rollup_index, settings=blocked)
    try:  # a regrouping the cluster will not keep still answers from what it regrouped
        assert [b.count for b in es_store.series(key, "month", listed=0).buckets] == [21, 11]
    finally:
        es_store.es.indices.put_settings(
            index=es_store.rollup_index, settings={"index.blocks.write": None}
        )
    assert "refused a roll-up write" in caplog.text
    assert _marks(es_store) == 6  # and leaves its marks for the next reader
    assert _agrees(es_store, key) == [21, 11] and _marks(es_store) == 0


def test_a_bulk_load_rolled_up_at_once_leaves_its_readers_nothing_to_regroup(
    es_store: ElasticsearchStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(es_rollup, "MAX_MARKS", 7)  # marks of two metrics, over six pages
    libraries = [_parks(i, "x", 5 + i, "کتابخانه") for i in range(0, 30, 3)]
    es_store.upsert([_parks(i, "x", 10 + i % 3) for i in range(30)] + libraries)
    marked = _marks(es_store)
    assert marked == (30 + 5 + 2) + (10 + 5 + 2)
    assert es_store.roll_up() == marked and _marks(es_store) == 0
    keys = {key for key, _ in es_store.metrics(size=10)}
    assert len(keys) == 2
    for key in keys:  # what the reader finds is what grouping on request gives
        _agrees(es_store, key)
    assert _marks(es_store) == 0 and es_store.roll_up() == 0


def test_a_refused_article_is_not_stored_and_is_written_again_whole(
    es_store: ElasticsearchStore,
) -> None:
    """Articles the cluster refuses (its index blocked) are reported and not stored,
    though their figures landed, so the next crawl writes them again; the series then
    agrees with its figures."""
    es_store.upsert([_parks(0, "x", 10)])
    [(key, _)] = es_store.metrics("بوستان")
    assert _agrees(es_store, key) == [1]
    cut = [_parks(1, "x", 11), _parks(40, "y", 12)]
    with _blocked(es_store, es_store.articles):
        report = es_store.upsert(cut)
    assert report.new == 0 and len(report.errors) == 2, report
    assert [es_store.get(a.id) for a in cut] == [None, None]
    assert es_store.known([a.url for a in cut]) == {}
    again = es_store.upsert(cut)
    assert again.new == 2 and not again.errors
    assert _agrees(es_store, key) == [2, 1] and _marks(es_store) == 0


def test_overlapping_writers_leave_the_roll_up_right(es_store: ElasticsearchStore) -> None:
    es_store.upsert([_parks(0, "x", 10)])
    [(key, _)] = es_store.metrics("بوستان")

    def write(source: str) -> None:
        for n in range(8):
            es_store.upsert([_parks(n % 3, source, 20 + n)])

    def read() -> None:  # regroupings racing the writes
        for _ in range(8):
            es_store.series(key, "month", listed=0)

    threads = [threading.Thread(target=write, args=(s,)) for s in ("a", "b", "c")]
    threads += [threading.Thread(target=read) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert _agrees(es_store, key) == [1 + 24]


def test_a_store_made_before_the_roll_up_marks_every_bucket(
    es_store: ElasticsearchStore, tmp_path: Path
) -> None:
    es_store.upsert([_parks(i, "xy"[i % 2], 10 + i % 4) for i in range(50)])
    [(key, _)] = es_store.metrics("بوستان")
    expected = es_store.series(key, "week", *EVERY_DAY, listed=0).buckets
    es_store.es.indices.delete(index=f"{es_store.rollup_index},{es_store.stale_index}")
    reopened = ElasticsearchStore(es_store.url, prefix=es_store.prefix, spool_dir=tmp_path)
    try:
        assert _marks(reopened) == 50 + len(expected) + 2  # days, weeks, Dey and Bahman
        assert reopened.series(key, "week", listed=0).buckets == expected
        assert _agrees(reopened, key) == [20, 30]
    finally:
        reopened.close()


def test_a_series_lists_its_newest_reports_with_what_it_regrouped(
    tmp_path: Path, es_url: str
) -> None:
    """The marks, bucket documents and newest reports are read in one request; a write
    the reader regroups (its figures not yet refreshed) is among the reports listed."""
    store = ElasticsearchStore(
        es_url, prefix=f"r{uuid.uuid4().hex[:10]}", refresh=False, spool_dir=tmp_path
    )
    try:
        store.upsert([_parks(i, "x", 10 + i % 3) for i in range(30)])
        store.refresh_now()
        assert store.roll_up() == 30 + 5 + 2 and _marks(store) == 0
        [(key, _)] = store.metrics("بوستان")
        first = store.series(key, "month", listed=3)
        assert [b.count for b in first.buckets] == [20, 10]
        assert [r["value"] for r in first.reports] == [12, 11, 10]  # days 29, 28, 27
        store.es.indices.put_settings(
            index=store.figures_index, settings={"index.refresh_interval": "-1"}
        )
        store.upsert([_parks(60, "y", 77)])  # 1 March: Esfand, a month of its own
        assert _marks(store) == 3  # its day, week and month, seen by the next reader
        then = store.series(key, "month", listed=3)
        assert [b.count for b in then.buckets] == [20, 10, 1]
        assert [r["value"] for r in then.reports] == [77, 12, 11] and _marks(store) == 2
        assert then.reports[0]["sentence"].startswith("شهرداری مشهد گفت")
    finally:
        store.drop()
        store.close()


def test_a_series_whose_roll_up_is_gone_says_so(es_store: ElasticsearchStore) -> None:
    es_store.upsert([_parks(i, "x", 10) for i in range(3)])
    [(key, _)] = es_store.metrics("بوستان")
    es_store.es.indices.delete(index=es_store.stale_index)
    with pytest.raises(StoreError, match="404"):
        es_store.series(key, "month", listed=3)
    with pytest.raises(StoreError, match="404"):  # and without the reports, one search at a time
        es_store.series(key, "month")
