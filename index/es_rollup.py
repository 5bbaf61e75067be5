"""A metric's series kept rolled up in Elasticsearch: each bucket's counts and values,
regrouped where figures changed (the SQLite store's `sqlite_rollup`, without transactions).

Aggregating a metric's every report on each request costs as much as the metric is long,
so one document per (metric, interval, bucket) keeps what a series shows of it
(`{prefix}-series`).  A write marks the buckets it touches (`{prefix}-series-stale`, one
document per bucket): once in the same request as its figures, so that a write cut short
leaves its marks, and again once they have landed.  The reader of a metric's series
regroups that metric's marked buckets at that interval (refreshing the figures first,
aggregating only those buckets), answers from them and the bucket documents, and writes
the regrouped documents back.  Regrouping at write time instead cost half the indexing
rate (every batch regrouped some 1,300 buckets, most of which nobody reads before the
next batch regroups them again); a reader regroups only what changed since the last read
of its series: a crawl's few new days, or, once after a bulk load, a metric's history.

Readers and writers may overlap, so the marks' sequence numbers order them.  A mark
renewed after a write's figures have landed has a higher sequence number than any mark a
reader saw before them, and the regrouping that saw it sees those figures.  A bucket
document is written with the mark's sequence number as its external version, so an older
regrouping never overwrites a newer one, and a mark is deleted only if it is still the one
that was regrouped (`if_seq_no`): a write that marked the bucket again leaves it for the
next reader.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from elasticsearch import Elasticsearch, helpers

from .filters import REPORTS, Filter
from .models import SeriesBucket
from .schema import BUCKET_FIELDS
from .series import bucket_stats

log = logging.getLogger(__name__)

KEYWORD = {"type": "keyword"}
KEY_FIELDS = {"metric": KEYWORD, "interval": KEYWORD, "bucket": KEYWORD}
ROLLUP_MAPPINGS = {
    "dynamic": "strict",
    "properties": {**KEY_FIELDS, "stats": {"type": "object", "enabled": False}},
}
STALE_MAPPINGS = {"dynamic": "strict", "properties": KEY_FIELDS}
MAX_MARKS = 10_000  # marks regrouped at once (one search page)

Key = tuple[str, str, str]  # metric, interval, bucket
Mark = tuple[int, int]  # the mark's sequence number and primary term
# the series' composite aggregation over the matching figures, grouped by metric too:
# (metric, bucket start) and the bucket, for each bucket of each metric that has reports
Group = Callable[[list[Filter], str], Iterable[tuple[str, SeriesBucket]]]


def doc_id(key: Key) -> str:
    """A bucket's document id (a metric key may be longer than an id may be)."""
    return hashlib.sha1("\x1f".join(key).encode("utf-8")).hexdigest()


def touched(rows: Iterable[dict[str, Any]]) -> set[Key]:
    """The buckets these figure rows (indexed fields) count in: dated reports with a key."""
    return {
        (row["metric"], interval, row[interval])
        for row in rows
        if row.get("report") and row.get("metric") and row.get(BUCKET_FIELDS[0])
        for interval in BUCKET_FIELDS
    }


def install(es: Elasticsearch, rollup: str, stale: str, replicas: int) -> bool:
    """Make the two indices (one shard each: sequence numbers order every mark); True when
    the roll-up is new, so that a store holding figures already marks them all."""
    made = False
    for name, mappings in ((rollup, ROLLUP_MAPPINGS), (stale, STALE_MAPPINGS)):
        if not es.indices.exists(index=name):
            response = es.options(ignore_status=400).indices.create(
                index=name,
                settings={"number_of_shards": 1, "number_of_replicas": replicas},
                mappings=mappings,
            )
            made = made or (name == rollup and bool(response.get("acknowledged")))
    return made


def mark_actions(stale: str, keys: Iterable[Key]) -> list[dict[str, Any]]:
    return [
        {"_op_type": "index", "_index": stale, "_id": doc_id(k)}
        | dict(zip(KEY_FIELDS, k, strict=True))
        for k in keys
    ]


def mark(es: Elasticsearch, stale: str, keys: set[Key], refresh: bool = False) -> dict[Key, Mark]:
    """Mark buckets stale; each mark's sequence number and primary term (`refresh`: for a
    reader to find them at once)."""
    by_id = {doc_id(k): k for k in keys}
    marks: dict[Key, Mark] = {}
    results = helpers.streaming_bulk(
        es, mark_actions(stale, keys), chunk_size=1000, raise_on_error=False, refresh=refresh
    )
    for ok, item in results:
        done = item["index"]
        if ok:
            marks[by_id[done["_id"]]] = (done["_seq_no"], done["_primary_term"])
    return marks


def _of(metric: str, interval: str) -> dict[str, Any]:
    return {"bool": {"filter": [{"term": {"metric": metric}}, {"term": {"interval": interval}}]}}


def marks_search(metric: str, interval: str) -> dict[str, Any]:
    """The search (body) for the marks left on one metric's series at one interval."""
    return {"query": _of(metric, interval), "size": MAX_MARKS, "seq_no_primary_term": True}


def marks_in(response: Any) -> dict[Key, Mark]:
    hits = response["hits"]["hits"]
    return {_key(h["_source"]): (h["_seq_no"], h["_primary_term"]) for h in hits}


def marks_of(es: Elasticsearch, stale: str, metric: str, interval: str) -> dict[Key, Mark]:
    """The marks left on one metric's series at one interval."""
    return marks_in(es.search(index=stale, **marks_search(metric, interval)))


def every_mark(es: Elasticsearch, stale: str) -> Iterator[dict[Key, Mark]]:
    """Every mark left, a page at a time in key order (a page's buckets are of a few
    metrics, so regrouping it aggregates little besides them)."""
    order = [{"metric": "asc"}, {"interval": "asc"}, {"bucket": "asc"}]
    after: list[Any] | None = None
    while True:
        page: dict[str, Any] = {"size": MAX_MARKS, "sort": order, "seq_no_primary_term": True}
        if after is not None:
            page["search_after"] = after
        hits = es.search(index=stale, **page)["hits"]["hits"]
        if hits:
            yield {_key(h["_source"]): (h["_seq_no"], h["_primary_term"]) for h in hits}
        if len(hits) < MAX_MARKS:
            return
        after = hits[-1]["sort"]


def _key(source: dict[str, str]) -> Key:
    return source["metric"], source["interval"], source["bucket"]


def regroup(
    es: Elasticsearch, rollup: str, stale: str, figures: str, marks: dict[Key, Mark], group: Group
) -> dict[Key, SeriesBucket | None]:
    """Aggregate the marked buckets from the figures (refreshed first) and write their
    documents, versioned by their marks; then clear each mark that was not renewed.  The
    regrouped buckets (None: no reports left), which hold whether or not the writes were
    taken."""
    if not marks:
        return {}
    es.indices.refresh(index=figures)
    fresh: dict[Key, SeriesBucket | None] = dict.fromkeys(marks)
    for interval in BUCKET_FIELDS:
        keys = [k for k in marks if k[1] == interval]
        if not keys:
            continue
        filters = [
            REPORTS,
            Filter("metric", "in", sorted({k[0] for k in keys})),
            Filter(interval, "in", sorted({k[2] for k in keys})),
        ]
        for metric, bucket in group(filters, interval):
            fresh[(metric, interval, bucket.start.isoformat())] = bucket
    documents = [
        {
            "_op_type": "index",
            "_index": rollup,
            "_id": doc_id(key),
            "version": seq_no,
            "version_type": "external_gte",
            **dict(zip(KEY_FIELDS, key, strict=True)),
            "stats": {"s": bucket_stats(bucket) if (bucket := fresh[key]) else None},
        }
        for key, (seq_no, _) in marks.items()
    ]
    failed = _quietly(es, documents, "roll-up")
    cleared = [  # a bucket whose document was refused stays marked
        {
            "_op_type": "delete",
            "_index": stale,
            "_id": doc_id(key),
            "if_seq_no": seq_no,
            "if_primary_term": term,
        }
        for key, (seq_no, term) in marks.items()
        if doc_id(key) not in failed
    ]
    _quietly(es, cleared, "stale marks")
    es.indices.refresh(index=f"{rollup},{stale}")
    return fresh


def _quietly(es: Elasticsearch, actions: list[dict[str, Any]], what: str) -> set[str]:
    """Bulk writes where a version conflict is the expected outcome of overlapping
    writers (a newer regrouping won, a mark was renewed): the ids of other refusals,
    which are logged."""
    _, errors = helpers.bulk(es, actions, raise_on_error=False, chunk_size=2000)
    failed = set()
    for error in errors:
        for info in error.values():
            if info.get("status") not in (404, 409):
                failed.add(str(info.get("_id")))
                log.warning("Elasticsearch refused a %s write: %s", what, info.get("error"))
    return failed


ROLLUP_PAGE = 5000  # bucket documents a search reads: a daily series over decades has more


def rollup_search(metric: str, interval: str, after: list[Any] | None = None) -> dict[str, Any]:
    """The search (body) for a page of one metric's bucket documents at one interval, oldest
    bucket first, after the sort values of the last page's last."""
    page: dict[str, Any] = {
        "query": _of(metric, interval),
        "size": ROLLUP_PAGE,
        "sort": [{"bucket": "asc"}],
    }
    if after is not None:
        page["search_after"] = after
    return page


def rolled_up(
    es: Elasticsearch, rollup: str, metric: str, interval: str, first: Any = None
) -> list[Any]:
    """One metric's bucket documents at one interval, oldest bucket first, empty ones left
    out: (bucket, stats) pairs.  `first`: the response to `rollup_search`'s first page,
    when the caller read it already."""
    out: list[Any] = []
    response = first or es.search(index=rollup, **rollup_search(metric, interval))
    while True:
        hits = response["hits"]["hits"]
        out += [
            (h["_source"]["bucket"], h["_source"]["stats"]["s"])
            for h in hits
            if h["_source"]["stats"]["s"] is not None
        ]
        if len(hits) < ROLLUP_PAGE:
            return out
        response = es.search(index=rollup, **rollup_search(metric, interval, hits[-1]["sort"]))


def all_buckets(es: Elasticsearch, figures: str) -> set[Key]:
    """Every bucket of every metric with reports: what a store made before the roll-up
    marks once."""
    keys: set[Key] = set()
    for interval in BUCKET_FIELDS:
        sources = [{"m": {"terms": {"field": "metric"}}}, {"b": {"terms": {"field": interval}}}]
        composite: dict[str, Any] = {"size": 5000, "sources": sources}
        query = {"bool": {"filter": [{"term": {"report": True}}]}}
        while True:
            result = es.search(
                index=figures, size=0, query=query, aggs={"k": {"composite": composite}}
            )["aggregations"]["k"]
            keys |= {(b["key"]["m"], interval, b["key"]["b"]) for b in result["buckets"]}
            if len(result["buckets"]) < 5000 or "after_key" not in result:
                break
            composite["after"] = result["after_key"]
    return keys
