"""Elasticsearch backend: the store that scales out.

Mappings are installed as index templates; indices are versioned (`rasad-articles-v1`) and
read and written through aliases (`rasad-articles`), so `reindex()` builds the next version
and swaps the alias in one atomic step.  Text is normalized in Python and indexed with the
core `whitespace` analyzer, so the same mapping works on every Elasticsearch (the test node
has only core modules).

Writes go in bulk; when the cluster is lost mid-write the batch is retried with backoff and
then kept in a spool directory, reported, and written first on the next run.  Each article
and its figures travel in one bulk request; a failed batch is re-sent whole, and since ids
are deterministic a re-send leaves exactly one copy of everything.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from elasticsearch import ApiError, Elasticsearch, TransportError, helpers
from elasticsearch import ConnectionError as ESConnectionError

from . import es_indices, es_rollup
from .contract import RawHit, RawPage, Store, Stored, StoreError, StoreUnavailable, StoryCandidate
from .contract import Write as Planned
from .es_query import dsl, reason, to_es
from .filters import Filter
from .highlight import HIT_CLOSE, HIT_OPEN, marked_tokens
from .models import (
    TOTAL_EXACT_UP_TO,
    Article,
    Interval,
    SearchRequest,
    SearchText,
    SeriesBucket,
    UpsertReport,
    article_text,
)
from .query import Node, QueryError
from .schema import BUCKET_FIELDS, ArticleParts, StoredFigure, stored_figures
from .series import LISTED_VALUES, conflict, plain_metric, rolled_bucket
from .spool import Spool

log = logging.getLogger(__name__)

_NEWEST_FIRST = [{"published": {"order": "desc", "missing": "_last"}}, {"id": "asc"}]
_OLDEST_FIRST = [{"published": {"order": "asc", "missing": "_last"}}, {"id": "asc"}]
_FACETS = {"source": "source", "city": "city", "kind": "kinds"}
_BUCKETS_PER_PAGE = 100  # series buckets per composite page (sub-aggregations bound it)
_OUTLETS = 100  # outlets listed per series bucket
# what a figure document is read as (`_stored`): no search words, no bucket fields
_STORED = {"excludes": ["search", *BUCKET_FIELDS]}


class ElasticsearchStore(Store):
    """Store on an Elasticsearch cluster (8.x, matching the Python client's major version).

    `url` may name several nodes of one cluster, joined by commas: a request to a node that
    is down goes to the next.  `shards` and `replicas` set the indices' layout when they are
    made (one replica lets the cluster lose a node and keep every document)."""

    def __init__(
        self,
        url: str,
        spool_dir: str | Path,
        prefix: str = "rasad",
        refresh: bool = True,
        retries: int = 3,
        backoff: float = 0.5,
        request_timeout: float = 30,
        basic_auth: tuple[str, str] | None = None,
        shards: int = 1,
        replicas: int = 0,
    ) -> None:
        # credentials go to the client, never into messages, logs or /api/health
        nodes = [_without_credentials(u.strip()) for u in url.split(",") if u.strip()]
        hosts = [host for host, _ in nodes]
        url_auth = next((auth for _, auth in nodes if auth), None)
        self.url = ",".join(hosts)
        self.prefix, self.refresh = prefix, refresh
        self.retries, self.backoff = retries, backoff
        self.spool_dir = Path(spool_dir)
        self.spool = Spool(self.spool_dir)
        self.es = Elasticsearch(
            hosts,
            basic_auth=basic_auth or url_auth,
            request_timeout=request_timeout,
            max_retries=len(hosts) - 1,  # another node; the store's own retries back off
            retry_on_timeout=False,
        )
        try:
            self.es.cluster.health(timeout="5s")
        except (TransportError, ApiError) as exc:
            raise StoreUnavailable(f"Elasticsearch at {self.url} is not reachable: {exc}") from None
        self.articles = f"{prefix}-articles"
        self.figures_index = f"{prefix}-figures"
        self.state_index = f"{prefix}-state"
        self.rollup_index = f"{prefix}-series"
        self.stale_index = f"{prefix}-series-stale"
        es_indices.install(
            self.es, self.articles, self.figures_index, self.state_index, shards, replicas
        )
        self._install_rollup(replicas)
        self.pending_report = self.flush_spool()  # what earlier runs spooled, written now

    def _install_rollup(self, replicas: int) -> None:
        """The roll-up's indices; a store that held figures before them marks every bucket."""
        made = es_rollup.install(self.es, self.rollup_index, self.stale_index, replicas)
        if made and self.es.count(index=self.figures_index)["count"]:
            self.es.indices.refresh(index=self.figures_index)
            every = es_rollup.all_buckets(self.es, self.figures_index)
            es_rollup.mark(self.es, self.stale_index, every, refresh=True)

    def reindex(self) -> dict[str, str]:
        """Copy each alias' index into the next version and swap the alias (es_indices)."""
        return es_indices.reindex(self.es, [self.articles, self.figures_index])

    def drop(self) -> None:
        """Delete this store's indices and templates (tests and benchmarks clean up with it)."""
        es_indices.drop(self.es, self.prefix, [self.articles, self.figures_index], self.state_index)

    # ---- errors --------------------------------------------------------------------------

    @contextmanager
    def _translated(self) -> Iterator[None]:
        """The client's errors as the store's: unreachable, a query refused, or other."""
        try:
            yield
        except ESConnectionError as exc:
            raise StoreUnavailable(f"Elasticsearch at {self.url} is not reachable: {exc}") from None
        except ApiError as exc:
            if exc.status_code == 400:
                raise QueryError(f"the search could not be run: {reason(exc)}") from None
            raise StoreError(f"Elasticsearch error {exc.status_code}: {reason(exc)}") from None

    def _call(self, fn: Callable[..., Any], **kwargs: Any) -> Any:
        with self._translated():
            return fn(**kwargs)

    def _retrying(self, call: Callable[[], Any]) -> Any:
        """Run a call, retrying lost connections with exponential backoff."""
        delay = self.backoff
        for attempt in range(self.retries + 1):
            try:
                return call()
            except (ESConnectionError, TransportError) as exc:
                if attempt == self.retries:
                    raise StoreUnavailable(f"Elasticsearch at {self.url} was lost: {exc}") from None
                time.sleep(delay)
                delay *= 2
        raise AssertionError("unreachable")

    # ---- writes --------------------------------------------------------------------------

    def _before_upsert(self) -> UpsertReport:
        return self.flush_spool()

    def _upsert_batch(self, batch: list[Article], spool: bool = True) -> UpsertReport:
        """Write one batch; when the cluster stays lost, spool it (or, for a spooled batch
        being flushed, leave its file in place) and say so."""
        try:
            return super()._upsert_batch(batch)
        except StoreUnavailable as exc:
            if not spool:
                raise
            self.spool.put(batch)
            return UpsertReport(
                spooled=len(batch),
                errors=[f"{exc}; {len(batch)} articles spooled to {self.spool_dir}"],
            )

    def _stored(self, ids: list[str]) -> dict[str, Stored]:
        if not ids:
            return {}
        found = self._retrying(
            lambda: self.es.mget(
                index=self.articles, ids=ids, source_includes=["content_hash", "figure_count"]
            )
        )
        return {
            d["_id"]: Stored(d["_source"]["content_hash"], d["_source"]["figure_count"])
            for d in found["docs"]
            if d.get("found")
        }

    def _write(self, writes: list[Planned]) -> dict[str, str]:
        planned = [(article, old, stored_figures(article)) for article, old in writes]
        new_rows = (f.indexed for _, _, figures in planned for f in figures)
        keys = es_rollup.touched(new_rows) | es_rollup.touched(self._replaced_rows(writes))
        # the buckets marked first, in the same request: a write cut short leaves its marks
        actions = es_rollup.mark_actions(self.stale_index, keys)
        actions += [
            a for article, old, figures in planned for a in self._actions(article, old, figures)
        ]
        refused = dict(self._retrying(lambda: self._bulk(actions)))
        self._renew_marks(keys)
        return refused

    def _replaced_rows(self, writes: list[Planned]) -> list[dict[str, Any]]:
        """The indexed fields of the figures a write replaces: the buckets they leave."""
        ids = [f"{a.id}-{seq}" for a, old in writes if old for seq in range(old.figure_count)]
        if not ids:
            return []
        wanted = ["metric", "report", *BUCKET_FIELDS]
        found = self._retrying(
            lambda: self.es.mget(index=self.figures_index, ids=ids, source_includes=wanted)
        )
        return [d["_source"] for d in found["docs"] if d.get("found")]

    def _renew_marks(self, keys: set[es_rollup.Key]) -> None:
        """Mark the written buckets again, now that their figures have landed, for the
        next reader of their series to regroup (`es_rollup`)."""
        try:
            es_rollup.mark(self.es, self.stale_index, keys, refresh=self.refresh)
        except (TransportError, ApiError) as exc:  # the marks made with the figures stay
            log.warning("series roll-up marks not renewed: %s", exc)

    def new_article_actions(self, article: Article) -> list[dict[str, Any]]:
        """The bulk actions that write an article not yet stored: what the store sends
        the client, for a benchmark to send through the client alone."""
        return self._actions(article, None, stored_figures(article))

    def index_bytes(self) -> int:
        """Bytes on disk of this store's article and figure indices (primaries and
        replicas)."""
        stats = self._call(self.es.indices.stats, index=f"{self.articles},{self.figures_index}")
        return int(stats["_all"]["total"]["store"]["size_in_bytes"])

    def _actions(
        self, article: Article, old: Stored | None, figures: list[StoredFigure]
    ) -> list[dict[str, Any]]:
        text = SearchText.of(article)
        doc = {f: getattr(article, f) for f in ("id", "url", "source", "city", "story_id")}
        doc |= {
            "content_hash": article.content_hash,
            "kinds": article.kinds,
            "published": article.published.isoformat() if article.published else None,
            "indexed_at": article.indexed_at.isoformat() if article.indexed_at else None,
            "figure_count": len(figures),
            "prints": article.fingerprints,
            "title_norm": text.title,
            "body_norm": text.body,
            "data": article.to_dict(figures=False),
        }
        actions = [{"_op_type": "index", "_index": self.articles, "_id": article.id, **doc}]
        actions.extend(
            {"_op_type": "index", "_index": self.figures_index, "_id": figure.id}
            | figure.indexed
            | {"search": figure.search, "row": figure.rest}
            for figure in figures
        )
        actions.extend(
            {"_op_type": "delete", "_index": self.figures_index, "_id": f"{article.id}-{seq}"}
            for seq in range(len(figures), old.figure_count if old else 0)
        )
        return actions

    def _bulk(self, actions: list[dict[str, Any]]) -> list[tuple[str, str]]:
        """Send the writes; return (article id, message) for each write the cluster
        refused (the rest land)."""
        _, errors = helpers.bulk(
            self.es,
            actions,
            raise_on_error=False,
            refresh=self.refresh,
            chunk_size=2000,
            max_chunk_bytes=50 * 2**20,
        )
        refused = []
        for error in errors:
            if error.get("delete", {}).get("status") == 404:
                continue  # a figure that was not there to delete
            for op, info in error.items():
                if info.get("_index") == self.stale_index:  # a mark, renewed after the write
                    continue
                doc_id = str(info.get("_id"))
                message = json.dumps(info.get("error"), ensure_ascii=False)[:300]
                # a figure's id is its article's id and its place: the article was not written
                refused.append(
                    (doc_id.split("-")[0], f"Elasticsearch refused {op} of {doc_id}: {message}")
                )
        return refused

    def spooled_files(self) -> list[Path]:
        return self.spool.files()

    def flush_spool(self) -> UpsertReport:
        """Write what earlier failures spooled (see `Spool.flush`)."""
        return self.spool.flush(lambda batch: self._upsert_batch(batch, spool=False))

    # ---- reads ---------------------------------------------------------------------------

    def _query(self, index: str, **body: Any) -> dict[str, Any]:
        return self._call(self.es.search, index=index, **body)

    def get(self, article_id: str) -> Article | None:
        doc = self._call(
            self.es.options(ignore_status=404).get,
            index=self.articles,
            id=article_id,
            source_includes=["data"],
        )
        if not doc.get("found"):
            return None
        return self._with_figures([Article.from_dict(doc["_source"]["data"], figures=False)])[0]

    def _story_candidates(
        self, prints: Sequence[str], exclude_id: str, limit: int
    ) -> list[StoryCandidate]:
        # each shared fingerprint scores 1: the score is the number shared
        shared = [{"constant_score": {"filter": {"term": {"prints": p}}}} for p in prints]
        result = self._query(
            self.articles,
            size=limit,
            _source=["id", "story_id", "prints"],
            query={"bool": {"should": shared, "must_not": [{"term": {"id": exclude_id}}]}},
            sort=[{"_score": "desc"}, *_OLDEST_FIRST],
        )
        mine = set(prints)
        return [
            StoryCandidate(
                doc["id"], doc.get("story_id"), len(doc["prints"]), len(mine & set(doc["prints"]))
            )
            for doc in (h["_source"] for h in result["hits"]["hits"])
        ]

    def _search(
        self, request: SearchRequest, node: Node | None, filters: list[Filter], after: Any
    ) -> RawPage:
        query: dict[str, Any] = {"bool": {"filter": dsl(filters)}}
        if node is not None:
            query["bool"]["must"] = [to_es(node)]
        relevance = request.sort == "relevance" and node is not None
        body: dict[str, Any] = {
            "query": query,
            "sort": [{"_score": "desc"}, {"id": "asc"}] if relevance else _NEWEST_FIRST,
            "size": request.size + 1,
            "track_total_hits": True if request.facets else TOTAL_EXACT_UP_TO + 1,
            "_source": ["data"],
        }
        if request.facets:
            body["aggs"] = {n: {"terms": {"field": f, "size": 20}} for n, f in _FACETS.items()}
        if after is not None:
            body["search_after"] = after
        if node is not None:
            body["highlight"] = {
                "pre_tags": [HIT_OPEN],
                "post_tags": [HIT_CLOSE],
                "fields": {
                    "title_norm": {"number_of_fragments": 0},
                    "body_norm": {"number_of_fragments": 5, "fragment_size": 100},
                },
            }
        result = self._query(self.articles, **body)
        raw = result["hits"]["hits"]
        rows = [
            RawHit(
                Article.from_dict(h["_source"]["data"], figures=False),
                marked_tokens(
                    (f for frags in h.get("highlight", {}).values() for f in frags),
                    HIT_OPEN,
                    HIT_CLOSE,
                ),
                float(h.get("_score") or 0.0),
                h["sort"],
            )
            for h in raw[: request.size]
        ]
        facets = {
            name: {b["key"]: b["doc_count"] for b in agg["buckets"]}
            for name, agg in result.get("aggregations", {}).items()
        }
        return RawPage(rows, len(raw) > request.size, result["hits"]["total"]["value"], facets)

    def _day_counts(self, filters: list[Filter], node: Node | None) -> tuple[dict[date, int], int]:
        result = self._query(
            self.articles,
            size=0,
            track_total_hits=False,
            query=_matching(filters, node),
            aggs={
                "days": {
                    "date_histogram": {
                        "field": "published",
                        "calendar_interval": "day",
                        "time_zone": "Asia/Tehran",
                        "format": "yyyy-MM-dd",
                        "min_doc_count": 1,
                    }
                },
                "undated": {"missing": {"field": "published"}},
            },
        )
        aggs = result["aggregations"]
        days = {
            date.fromisoformat(b["key_as_string"]): b["doc_count"] for b in aggs["days"]["buckets"]
        }
        return days, aggs["undated"]["doc_count"]

    def _article_groups(
        self, filters: list[Filter], node: Node | None, field: str, size: int
    ) -> list[tuple[str, int]]:
        order = [{"_count": "desc"}, {"_key": "asc"}]
        result = self._query(
            self.articles,
            size=0,
            track_total_hits=False,
            query=_matching(filters, node),
            aggs={"g": {"terms": {"field": field, "size": size, "order": order}}},
        )
        return [(b["key"], b["doc_count"]) for b in result["aggregations"]["g"]["buckets"]]

    def _figure_rows(
        self, filters: list[Filter], after: Any, size: int, newest_first: bool
    ) -> list[tuple[dict[str, Any], list[Any]]]:
        body = _figure_search(filters, after, size, newest_first)
        return _figure_hits(self._query(self.figures_index, **body))

    def _article_parts(self, ids: Sequence[str]) -> dict[str, ArticleParts]:
        wanted = ["url", "story_id", "data.title", "data.lead", "data.body"]
        out: dict[str, ArticleParts] = {}
        for chunk in range(0, len(ids), 500):
            found = self._call(
                self.es.mget,
                index=self.articles,
                ids=list(ids[chunk : chunk + 500]),
                source_includes=wanted,
            )["docs"]
            for doc in found:
                if doc.get("found"):
                    src, data = doc["_source"], doc["_source"]["data"]
                    text = article_text(data["title"], data.get("lead", ""), data["body"])
                    story = src.get("story_id")
                    out[doc["_id"]] = ArticleParts(src["url"], data["title"], story, text)
        return out

    def _count_figures(self, filters: list[Filter]) -> int:
        query = {"bool": {"filter": dsl(filters)}}
        return int(self._call(self.es.count, index=self.figures_index, query=query)["count"])

    def _series_buckets(self, filters: list[Filter], interval: Interval) -> list[SeriesBucket]:
        metric = plain_metric(filters)
        if metric is not None:
            return self._rolled_up(metric, interval)
        return [_series_bucket(b) for b in self._composite(filters, [_source("b", interval)])]

    def roll_up(self) -> int:
        """Regroup every marked bucket now, a page of marks at a time: after a bulk load,
        the first reader of each metric would otherwise regroup its whole history."""
        done = 0
        with self._translated():
            for marks in es_rollup.every_mark(self.es, self.stale_index):
                self._regroup(marks)
                done += len(marks)
        return done

    def _regroup(
        self, marks: dict[es_rollup.Key, es_rollup.Mark]
    ) -> dict[es_rollup.Key, SeriesBucket | None]:
        return es_rollup.regroup(
            self.es, self.rollup_index, self.stale_index, self.figures_index, marks, self._by_metric
        )

    def _rolled_up(self, metric: str, interval: Interval) -> list[SeriesBucket]:
        """A metric's series from its bucket documents (`es_rollup`), regrouping what a
        write left marked first."""
        with self._translated():
            marks = es_rollup.marks_of(self.es, self.stale_index, metric, interval)
            fresh = self._regroup(marks)
            rows = es_rollup.rolled_up(self.es, self.rollup_index, metric, interval)
        return _overlaid(rows, fresh)

    def _series_newest(
        self, filters: list[Filter], interval: Interval, size: int
    ) -> tuple[list[SeriesBucket], list[tuple[dict[str, Any], list[Any]]]]:
        """A metric's marks, its first page of bucket documents and its newest reports in
        one round trip (three searches took three: a third of a series' time at a million
        articles); the reports are read again only if marks were regrouped, which
        refreshes the figures they come from."""
        metric = plain_metric(filters)
        if metric is None:
            return super()._series_newest(filters, interval, size)
        newest = _figure_search(filters, None, size, newest_first=True)
        with self._translated():
            marks, first, reports = self._msearch(
                (self.stale_index, es_rollup.marks_search(metric, interval)),
                (self.rollup_index, es_rollup.rollup_search(metric, interval)),
                (self.figures_index, newest),
            )
            fresh = self._regroup(es_rollup.marks_in(marks))
            if fresh:
                reports = self.es.search(index=self.figures_index, **newest)
            rows = es_rollup.rolled_up(self.es, self.rollup_index, metric, interval, first)
        return _overlaid(rows, fresh), _figure_hits(reports)

    def _msearch(self, *searches: tuple[str, dict[str, Any]]) -> list[dict[str, Any]]:
        """Several searches in one request; a search Elasticsearch refused raises as it
        would have alone (`_translated`)."""
        body: list[dict[str, Any]] = []
        for index, search in searches:
            body += [{"index": index}, search]
        responses = list(self.es.msearch(searches=body)["responses"])
        for response in responses:
            if "error" in response:
                error = response["error"]
                why = error.get("reason", error) if isinstance(error, dict) else error
                if response.get("status") == 400:
                    raise QueryError(f"the search could not be run: {str(why)[:300]}")
                raise StoreError(f"Elasticsearch error {response.get('status')}: {why}")
        return responses

    def _by_metric(
        self, filters: list[Filter], interval: str
    ) -> Iterator[tuple[str, SeriesBucket]]:
        """Series buckets of every matching metric, with the metric (`es_rollup.Group`)."""
        for b in self._composite(filters, [_source("m", "metric"), _source("b", interval)]):
            yield b["key"]["m"], _series_bucket(b)

    def _composite(
        self, filters: list[Filter], sources: list[dict[str, Any]]
    ) -> Iterator[dict[str, Any]]:
        """The series' composite aggregation over the matching figures, page by page."""
        composite: dict[str, Any] = {"size": _BUCKETS_PER_PAGE, "sources": sources}
        aggs = {"s": {"composite": composite, "aggs": _BUCKET_AGGS}}
        while True:  # composite pages: a daily series over years has thousands of buckets
            result = self._query(
                self.figures_index, size=0, query={"bool": {"filter": dsl(filters)}}, aggs=aggs
            )["aggregations"]["s"]
            yield from result["buckets"]
            if len(result["buckets"]) < _BUCKETS_PER_PAGE or "after_key" not in result:
                return
            composite["after"] = result["after_key"]

    def _metric_counts(self, filters: list[Filter], size: int) -> list[tuple[str, int]]:
        order = [{"_count": "desc"}, {"_key": "asc"}]
        result = self._query(
            self.figures_index,
            size=0,
            query={"bool": {"filter": dsl(filters)}},
            aggs={"m": {"terms": {"field": "metric", "size": size, "order": order}}},
        )
        return [(b["key"], b["doc_count"]) for b in result["aggregations"]["m"]["buckets"]]

    def source_counts(self) -> dict[str, int]:
        aggs = {"s": {"terms": {"field": "source", "size": 500}}}
        result = self._query(self.articles, size=0, aggs=aggs)
        return {b["key"]: b["doc_count"] for b in result["aggregations"]["s"]["buckets"]}

    def story_outlets(self, story_ids: Sequence[str]) -> dict[str, int]:
        ids = sorted({s for s in story_ids if s})
        if not ids:
            return {}
        result = self._query(
            self.articles,
            size=0,
            query={"terms": {"story_id": ids}},
            aggs={
                "story": {
                    "terms": {"field": "story_id", "size": len(ids)},
                    # exact below 3,000 distinct values: far more outlets than any story has
                    "aggs": {"outlets": {"cardinality": {"field": "source"}}},
                }
            },
        )
        return {b["key"]: b["outlets"]["value"] for b in result["aggregations"]["story"]["buckets"]}

    def iter_articles(self, batch: int = 500) -> Iterator[Article]:
        read: list[Article] = []
        with self._translated():
            for doc in helpers.scan(
                self.es, index=self.articles, size=batch, _source=["data"], query={}
            ):
                read.append(Article.from_dict(doc["_source"]["data"], figures=False))
                if len(read) == batch:
                    yield from self._with_figures(read)
                    read = []
            yield from self._with_figures(read)

    def put_state(self, kind: str, key: str, doc: dict[str, Any]) -> None:
        self._call(
            self.es.update,
            index=self.state_index,
            id=f"{kind}:{key}",
            doc={"data": doc},
            # nanoseconds, so that two documents written in one millisecond keep their order
            upsert={"kind": kind, "key": key, "written": time.time_ns(), "data": doc},
            refresh="wait_for",
        )

    def get_state(self, kind: str, key: str) -> dict[str, Any] | None:
        doc = self._call(
            self.es.options(ignore_status=404).get, index=self.state_index, id=f"{kind}:{key}"
        )
        return doc["_source"]["data"] if doc.get("found") else None

    def states(self, kind: str) -> list[dict[str, Any]]:
        query = {"query": {"term": {"kind": kind}}, "sort": ["written", "key"]}
        with self._translated():
            docs = helpers.scan(self.es, index=self.state_index, query=query, preserve_order=True)
            return [d["_source"]["data"] for d in docs]

    def delete_state(self, kind: str, key: str) -> bool:
        result = self._call(
            self.es.options(ignore_status=404).delete,
            index=self.state_index,
            id=f"{kind}:{key}",
            refresh="wait_for",
        )
        return result.get("result") == "deleted"

    def health(self) -> dict[str, Any]:
        info: dict[str, Any] = {"backend": "elasticsearch", "url": self.url}
        info["spooled_batches"] = len(self.spooled_files())
        try:
            cluster = self.es.cluster.health(timeout="2s")
            articles = self.es.count(index=self.articles)["count"]
            figures = self.es.count(index=self.figures_index)["count"]
        except (TransportError, ApiError) as exc:
            return info | {"ok": False, "error": str(exc)}
        ok = cluster["status"] in {"green", "yellow"}
        return info | {
            "ok": ok,
            "status": cluster["status"],
            "articles": articles,
            "figures": figures,
        }

    def refresh_now(self) -> None:
        self.es.indices.refresh(index=f"{self.prefix}-*")

    def close(self) -> None:
        self.es.close()


def _bucket_aggs() -> dict[str, Any]:
    """What a series bucket computes: its least and greatest value, its distinct values,
    and each outlet's values in the order first reported with the days it reported on."""
    by_value = {"terms": {"field": "value", "size": LISTED_VALUES, "order": {"_key": "asc"}}}
    first = {"min": {"field": "published"}}
    first_reported = [{"first": "asc"}, {"_key": "asc"}]
    outlet_values = {
        "terms": {"field": "value", "size": LISTED_VALUES, "order": first_reported},
        "aggs": {"first": first},
    }
    aggs: dict[str, Any] = {
        "low": {"min": {"field": "value"}},
        "high": {"max": {"field": "value"}},
        "values": by_value,
        "outlets": {
            "terms": {"field": "source", "size": _OUTLETS, "order": first_reported},
            "aggs": {"first": first, "days": {"cardinality": {"field": "day"}}},
        },
    }
    aggs["outlets"]["aggs"]["values"] = outlet_values
    return aggs


_BUCKET_AGGS = _bucket_aggs()


def _source(name: str, field: str) -> dict[str, Any]:
    return {name: {"terms": {"field": field}}}


def _series_bucket(b: dict[str, Any]) -> SeriesBucket:
    """One composite bucket of `_bucket_aggs` as the store's bucket."""
    values, outlets = b["values"], b["outlets"]
    distinct = len(values["buckets"]) + (values["sum_other_doc_count"] > 0)
    reporters = sum(o["days"]["value"] for o in outlets["buckets"])
    reporters += outlets["sum_other_doc_count"] > 0
    return SeriesBucket(
        start=date.fromisoformat(b["key"]["b"]),
        count=b["doc_count"],
        low=b["low"]["value"],
        high=b["high"]["value"],
        values=[v["key"] for v in values["buckets"]],
        conflict=conflict(distinct, reporters),
        outlets={o["key"]: [v["key"] for v in o["values"]["buckets"]] for o in outlets["buckets"]},
    )


def _overlaid(
    rows: list[Any], fresh: dict[es_rollup.Key, SeriesBucket | None]
) -> list[SeriesBucket]:
    """A series from its bucket documents, with the buckets just regrouped over them (as
    regrouped, whether or not the index took their documents)."""
    kept = {start: rolled_bucket(start, stats) for start, stats in rows}
    for (_, _, start), bucket in fresh.items():
        if bucket is None:
            kept.pop(start, None)
        else:
            kept[start] = bucket
    return [kept[start] for start in sorted(kept)]


def _figure_search(
    filters: list[Filter], after: Any, size: int, newest_first: bool
) -> dict[str, Any]:
    """The search (body) for a page of figure rows as `Store._figure_rows` reads them."""
    body: dict[str, Any] = {
        "query": {"bool": {"filter": dsl(filters)}},
        "size": size,
        "_source": _STORED,
        "sort": _NEWEST_FIRST if newest_first else _OLDEST_FIRST,
    }
    if after is not None:
        body["search_after"] = after
    return body


def _figure_hits(response: Any) -> list[tuple[dict[str, Any], list[Any]]]:
    return [(_stored(h["_source"]), h["sort"]) for h in response["hits"]["hits"]]


def _stored(source: dict[str, Any]) -> dict[str, Any]:
    """A figure document as read with `_STORED`: indexed fields, the stored rest over them."""
    rest = source.pop("row", {})
    return source | rest


def _matching(filters: list[Filter], node: Node | None) -> dict[str, Any]:
    """The query for filters and an optional parsed query, as a filter: counting needs
    no scores."""
    clauses = dsl(filters) + ([to_es(node)] if node is not None else [])
    return {"bool": {"filter": clauses}}


def _without_credentials(url: str) -> tuple[str, tuple[str, str] | None]:
    """The URL with any user:password removed, and that pair."""
    parts = urlsplit(url)
    if parts.username is None:
        return url, None
    netloc = parts.hostname or ""
    netloc = f"[{netloc}]" if ":" in netloc else netloc
    netloc += f":{parts.port}" if parts.port else ""
    auth = (unquote(parts.username), unquote(parts.password or ""))
    return urlunsplit(parts._replace(netloc=netloc)), auth
