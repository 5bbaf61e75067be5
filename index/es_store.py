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
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError, helpers
from elasticsearch import ConnectionError as ESConnectionError

from rasad.nlp.normalize import normalize_for_search

from .base import (
    HIT_CLOSE,
    HIT_OPEN,
    Store,
    StoreError,
    StoreUnavailable,
    decode_cursor,
    encode_cursor,
    figure_rows,
    figure_search_text,
    make_hit,
    marked_tokens,
)
from .models import (
    TOTAL_EXACT_UP_TO,
    Article,
    FigurePage,
    FigureQuery,
    Hit,
    SearchPage,
    SearchRequest,
    SearchText,
    UpsertReport,
    article_id,
)
from .query import And, Node, Not, Or, Phrase, QueryError, Term, parse_query
from .stories import shares_story

SCHEMA_VERSION = 1
TEXT = {"type": "text", "analyzer": "whitespace"}
KEYWORD = {"type": "keyword"}
STORED = {"type": "object", "enabled": False}
ARTICLE_MAPPINGS = {
    "dynamic": "strict",
    "properties": {
        "id": KEYWORD,
        "url": KEYWORD,
        "source": KEYWORD,
        "city": KEYWORD,
        "story_id": KEYWORD,
        "content_hash": KEYWORD,
        "kinds": KEYWORD,
        "published": {"type": "date"},
        "indexed_at": {"type": "date_nanos"},  # "new since" compares exact write times
        "figure_count": {"type": "integer"},
        "prints": KEYWORD,
        "title_norm": TEXT,
        "body_norm": TEXT,
        "data": STORED,
    },
}
FIGURE_MAPPINGS = {
    "dynamic": "strict",
    "properties": {
        "id": KEYWORD,
        "article_id": KEYWORD,
        "seq": {"type": "integer"},
        "value": {"type": "double"},
        "unit": KEYWORD,
        "kind": KEYWORD,
        "location": KEYWORD,
        "speaker": KEYWORD,
        "source": KEYWORD,
        "metric": KEYWORD,
        "published": {"type": "date"},
        "search": TEXT,
        "row": STORED,
    },
}
STATE_MAPPINGS = {
    "dynamic": "strict",
    "properties": {"kind": KEYWORD, "key": KEYWORD, "written": {"type": "long"}, "data": STORED},
}
MAX_POINTS = 10_000


class ElasticsearchStore(Store):
    """Store on an Elasticsearch cluster (8.x, matching the Python client's major version)."""

    def __init__(
        self,
        url: str,
        prefix: str = "rasad",
        spool_dir: str | Path | None = None,
        refresh: bool = True,
        retries: int = 3,
        backoff: float = 0.5,
        request_timeout: float = 30,
    ) -> None:
        self.url = url
        self.prefix = prefix
        self.refresh = refresh
        self.retries = retries
        self.backoff = backoff
        self.spool_dir = Path(spool_dir) if spool_dir else Path("var") / "spool" / prefix
        self.es = Elasticsearch(
            url, request_timeout=request_timeout, max_retries=0, retry_on_timeout=False
        )
        try:
            self.es.cluster.health(timeout="5s")
        except (TransportError, ApiError) as exc:
            raise StoreUnavailable(f"Elasticsearch at {url} is not reachable: {exc}") from None
        self.articles = f"{prefix}-articles"
        self.figures_index = f"{prefix}-figures"
        self.state_index = f"{prefix}-state"
        self._install()
        self.pending_report = self.flush_spool()

    # ---- setup ---------------------------------------------------------------------------

    def _install(self) -> None:
        """Templates, then the first versioned indices behind their aliases (idempotent)."""
        for alias, mappings in (
            (self.articles, ARTICLE_MAPPINGS),
            (self.figures_index, FIGURE_MAPPINGS),
        ):
            self.es.indices.put_index_template(
                name=alias,
                index_patterns=[f"{alias}-v*"],
                priority=100,
                template={
                    "settings": {
                        "number_of_shards": 1,
                        "number_of_replicas": 0,
                        "refresh_interval": "5s",
                    },
                    "mappings": mappings,
                },
            )
            if not self.es.indices.exists_alias(name=alias):
                self.es.indices.create(index=f"{alias}-v{SCHEMA_VERSION}", aliases={alias: {}})
            else:  # fields added since an index was made (adding fields is always allowed)
                self.es.indices.put_mapping(index=alias, properties=mappings["properties"])
        if not self.es.indices.exists(index=self.state_index):
            self.es.options(ignore_status=400).indices.create(
                index=self.state_index,
                settings={"number_of_shards": 1, "number_of_replicas": 0},
                mappings=STATE_MAPPINGS,
            )

    def reindex(self) -> dict[str, str]:
        """Copy each alias' index into the next version and swap the alias with no downtime.

        The copy is made client-side (scroll + bulk): the `_reindex` API lives in a module
        that minimal distributions such as the test node do not ship.
        """
        swapped = {}
        for alias in (self.articles, self.figures_index):
            current = next(iter(self.es.indices.get_alias(name=alias)))
            version = int(current.rsplit("-v", 1)[1]) + 1
            target = f"{alias}-v{version}"
            self.es.indices.create(index=target)
            docs = helpers.scan(self.es, index=current, query={"query": {"match_all": {}}})
            helpers.bulk(
                self.es,
                ({"_index": target, "_id": d["_id"], "_source": d["_source"]} for d in docs),
                chunk_size=1000,
            )
            self.es.indices.refresh(index=target)
            self.es.indices.update_aliases(
                actions=[
                    {"remove": {"index": current, "alias": alias}},
                    {"add": {"index": target, "alias": alias}},
                ]
            )
            self.es.indices.delete(index=current)
            swapped[alias] = target
        return swapped

    def drop(self) -> None:
        """Delete this store's indices and templates (tests and benchmarks clean up with it)."""
        self.es.indices.delete(index=f"{self.prefix}-*", ignore_unavailable=True)
        for alias in (self.articles, self.figures_index):
            self.es.options(ignore_status=404).indices.delete_index_template(name=alias)
        self.es.indices.delete(index=self.state_index, ignore_unavailable=True)

    # ---- writes --------------------------------------------------------------------------

    def upsert(self, articles: Iterable[Article]) -> UpsertReport:
        report = self.flush_spool()
        batch = list(articles)
        if batch:
            report.add(self._upsert_batch(batch))
        return report

    def _upsert_batch(self, batch: list[Article], spool: bool = True) -> UpsertReport:
        """Write one batch; when the cluster stays lost, spool it (or, for a spooled batch
        being flushed, leave its file in place) and say so."""
        report = UpsertReport()
        try:
            existing = self._retrying(lambda: self._existing([a.id for a in batch]))
            now = datetime.now(UTC)
            actions: list[dict[str, Any]] = []
            written: dict[str, str] = {}  # article id → "new" or "updated"
            for article in batch:
                old = existing.get(article.id)
                if old and old["content_hash"] == article.content_hash:
                    report.unchanged += 1
                    continue
                article.indexed_at = article.indexed_at or now  # copies keep theirs
                actions.extend(self._actions(article, old["figure_count"] if old else 0))
                written[article.id] = "updated" if old else "new"
            refused = self._retrying(lambda: self._bulk(actions)) if actions else []
            for doc_id, message in refused:
                report.errors.append(message)
                written.pop(doc_id, None)  # an article the cluster refused is not counted
            report.new = sum(v == "new" for v in written.values())
            report.updated = sum(v == "updated" for v in written.values())
        except StoreUnavailable as exc:
            if not spool:
                raise
            self._spool(batch)
            return UpsertReport(
                spooled=len(batch),
                errors=[f"{exc}; {len(batch)} articles spooled to {self.spool_dir}"],
            )
        return report

    def _existing(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        if not ids:
            return {}
        found = self.es.mget(
            index=self.articles, ids=ids, source_includes=["content_hash", "figure_count"]
        )
        return {d["_id"]: d["_source"] for d in found["docs"] if d.get("found")}

    def _actions(self, article: Article, old_figures: int) -> list[dict[str, Any]]:
        text = SearchText.of(article)
        rows = figure_rows(article)
        published = article.published.isoformat() if article.published else None
        actions: list[dict[str, Any]] = [
            {
                "_op_type": "index",
                "_index": self.articles,
                "_id": article.id,
                "id": article.id,
                "url": article.url,
                "source": article.source,
                "city": article.city,
                "story_id": article.story_id,
                "content_hash": article.content_hash,
                "kinds": article.kinds,
                "published": published,
                "indexed_at": article.indexed_at.isoformat() if article.indexed_at else None,
                "figure_count": len(rows),
                "prints": article.fingerprints,
                "title_norm": text.title,
                "body_norm": text.body,
                "data": article.to_dict(),
            }
        ]
        for row in rows:
            actions.append(
                {
                    "_op_type": "index",
                    "_index": self.figures_index,
                    "_id": row["id"],
                    "id": row["id"],
                    "article_id": row["article_id"],
                    "seq": row["seq"],
                    "value": row["value"],
                    "unit": row["unit"],
                    "kind": row["kind"],
                    "location": row["location"],
                    "speaker": row["speaker"],
                    "source": row["source"],
                    "metric": row["metric"],
                    "published": row["published"],
                    "search": figure_search_text(row),
                    "row": row,
                }
            )
        actions.extend(
            {"_op_type": "delete", "_index": self.figures_index, "_id": f"{article.id}-{seq}"}
            for seq in range(len(rows), old_figures)
        )
        return actions

    def _bulk(self, actions: list[dict[str, Any]]) -> list[tuple[str, str]]:
        """Send the writes; return (id, message) for each write the cluster refused (the
        rest land)."""
        _, errors = helpers.bulk(
            self.es,
            actions,
            raise_on_error=False,
            refresh=self.refresh,
            chunk_size=2000,
            max_chunk_bytes=50 * 2**20,
        )
        refused = [e for e in errors if e.get("delete", {}).get("status") != 404]
        return [
            (
                str(info.get("_id")),
                f"Elasticsearch refused {op} of {info.get('_id')}: "
                f"{json.dumps(info.get('error'), ensure_ascii=False)[:300]}",
            )
            for e in refused
            for op, info in e.items()
        ]

    def _retrying(self, call: Any) -> Any:
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

    def _spool(self, batch: list[Article]) -> None:
        self.spool_dir.mkdir(parents=True, exist_ok=True)
        name = f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}.jsonl"
        tmp = self.spool_dir / f".{name}"
        with tmp.open("w", encoding="utf-8") as out:
            for article in batch:
                out.write(json.dumps(article.to_dict(), ensure_ascii=False) + "\n")
        tmp.replace(self.spool_dir / name)

    def spooled_files(self) -> list[Path]:
        return sorted(self.spool_dir.glob("*.jsonl")) if self.spool_dir.exists() else []

    def flush_spool(self) -> UpsertReport:
        """Write batches spooled by earlier failures, oldest first; a file is removed only
        once its batch is written, and flushing stops at the first batch that still fails."""
        report = UpsertReport()
        for path in self.spooled_files():
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
                batch = [Article.from_dict(json.loads(line)) for line in lines if line.strip()]
                result = self._upsert_batch(batch, spool=False)
            except StoreUnavailable as exc:
                report.errors.append(f"{exc}; {len(self.spooled_files())} spooled batches wait")
                break
            except (ValueError, TypeError) as exc:
                result = UpsertReport(errors=[f"spool file {path.name} is damaged: {exc}"])
            report.add(result)
            if result.errors:
                # refused or damaged: set the file aside for a person to look at, rather than
                # block every later write behind it
                rejected = self.spool_dir / "rejected"
                rejected.mkdir(exist_ok=True)
                path.replace(rejected / path.name)
                report.errors.append(f"{path.name} was moved to {rejected}")
                continue
            path.unlink()
        return report

    # ---- reads ---------------------------------------------------------------------------

    def _call(self, fn: Any, **kwargs: Any) -> Any:
        try:
            return fn(**kwargs)
        except ESConnectionError as exc:
            raise StoreUnavailable(f"Elasticsearch at {self.url} is not reachable: {exc}") from None
        except ApiError as exc:
            if exc.status_code == 400:
                raise QueryError(f"the search could not be run: {_reason(exc)}") from None
            raise StoreError(f"Elasticsearch error {exc.status_code}: {_reason(exc)}") from None

    def get(self, article_id: str) -> Article | None:
        try:
            doc = self.es.get(index=self.articles, id=article_id, source_includes=["data"])
        except ApiError as exc:
            if exc.status_code == 404:
                return None
            raise StoreError(f"Elasticsearch error {exc.status_code}: {_reason(exc)}") from None
        except ESConnectionError as exc:
            raise StoreUnavailable(f"Elasticsearch at {self.url} is not reachable: {exc}") from None
        return Article.from_dict(doc["_source"]["data"])

    def known(self, urls: Sequence[str]) -> dict[str, str]:
        by_id = {article_id(u): u for u in urls}
        found = self._retrying(lambda: self._existing(list(by_id)))
        return {by_id[aid]: doc["content_hash"] for aid, doc in found.items()}

    def find_story(self, prints: Sequence[str], exclude_id: str = "") -> str | None:
        if not prints:
            return None
        result = self._call(
            self.es.search,
            index=self.articles,
            size=20,
            _source=["id", "story_id", "prints"],
            query={
                "bool": {
                    "filter": [{"terms": {"prints": list(prints)}}],
                    "must_not": [{"term": {"id": exclude_id}}],
                }
            },
            sort=[{"published": {"order": "asc", "missing": "_last"}}, {"id": "asc"}],
        )
        best, best_shared = None, 0
        for hit in result["hits"]["hits"]:
            doc = hit["_source"]
            theirs = doc.get("prints", [])
            shared = len(set(prints) & set(theirs))
            if shared > best_shared and shares_story(len(prints), len(theirs), shared):
                best, best_shared = doc.get("story_id") or doc["id"], shared
        return best

    def search(self, request: SearchRequest) -> SearchPage:
        node = parse_query(request.q)
        filters = self._filters(request)
        query: dict[str, Any] = {"bool": {"filter": filters}}
        if node is not None:
            query["bool"]["must"] = [to_es(node)]
        relevance = request.sort == "relevance" and node is not None
        sort = (
            [{"_score": "desc"}, {"id": "asc"}]
            if relevance
            else [{"published": {"order": "desc", "missing": "_last"}}, {"id": "asc"}]
        )
        body: dict[str, Any] = {
            "query": query,
            "sort": sort,
            "size": request.size + 1,
            "track_total_hits": True if request.facets else TOTAL_EXACT_UP_TO,
            "_source": ["data"],
        }
        if request.facets:
            body["aggs"] = {
                name: {"terms": {"field": field, "size": 20}}
                for name, field in (("source", "source"), ("city", "city"), ("kind", "kinds"))
            }
        after = decode_cursor(request.cursor, 2)
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
        result = self._call(self.es.search, index=self.articles, **body)
        raw = result["hits"]["hits"]
        hits = [self._hit(h, node is not None) for h in raw[: request.size]]
        next_cursor = (
            encode_cursor(raw[request.size - 1]["sort"]) if len(raw) > request.size else None
        )
        facets = {
            name: {b["key"]: b["doc_count"] for b in agg["buckets"]}
            for name, agg in result.get("aggregations", {}).items()
        }
        total = result["hits"]["total"]
        exact = total["relation"] == "eq"
        return SearchPage(hits, total["value"], facets, next_cursor, exact)

    @staticmethod
    def _filters(r: SearchRequest) -> list[dict[str, Any]]:
        filters: list[dict[str, Any]] = []
        filters.extend(_published_between(r.date_from, r.date_to))
        if r.story_id:
            filters.append({"term": {"story_id": r.story_id}})
        if r.indexed_after:
            filters.append({"range": {"indexed_at": {"gt": r.indexed_after.isoformat()}}})
        for field, values in (("source", r.sources), ("city", r.cities), ("kinds", r.kinds)):
            if values:
                filters.append({"terms": {field: values}})
        return filters

    @staticmethod
    def _hit(raw: dict[str, Any], searched: bool) -> Hit:
        fragments = [f for frags in raw.get("highlight", {}).values() for f in frags]
        matched = marked_tokens(fragments, HIT_OPEN, HIT_CLOSE) if searched else set()
        article = Article.from_dict(raw["_source"]["data"])
        return make_hit(article, matched, float(raw.get("_score") or 0.0))

    def figures(self, query: FigureQuery) -> FigurePage:
        filters: list[dict[str, Any]] = [
            {"term": {field: value}}
            for field, value in (
                ("metric", query.metric),
                ("unit", query.unit),
                ("kind", query.kind),
                ("location", query.city),
                ("speaker", query.speaker),
                ("source", query.source),
            )
            if value
        ]
        filters.extend(_published_between(query.date_from, query.date_to))
        if query.text:
            filters.append(_text_filter(query.text))
        body: dict[str, Any] = {
            "query": {"bool": {"filter": filters}},
            "size": query.size + 1,
            "_source": ["row"],
            "sort": [{"published": {"order": "desc", "missing": "_last"}}, {"id": "asc"}],
            "track_total_hits": True,
        }
        after = decode_cursor(query.cursor, 2)
        if after is not None:
            body["search_after"] = after
        result = self._call(self.es.search, index=self.figures_index, **body)
        raw = result["hits"]["hits"]
        next_cursor = encode_cursor(raw[query.size - 1]["sort"]) if len(raw) > query.size else None
        return FigurePage(
            [h["_source"]["row"] for h in raw[: query.size]],
            result["hits"]["total"]["value"],
            next_cursor,
        )

    def metric_points(
        self, metric: str, date_from: datetime | None = None, date_to: datetime | None = None
    ) -> list[dict[str, Any]]:
        filters = [{"term": {"metric": metric}}, *_published_between(date_from, date_to)]
        result = self._call(
            self.es.search,
            index=self.figures_index,
            size=MAX_POINTS,
            query={"bool": {"filter": filters}},
            _source=["row"],
            sort=[{"published": {"order": "asc", "missing": "_last"}}, {"id": "asc"}],
        )
        return [h["_source"]["row"] for h in result["hits"]["hits"]]

    def metrics(self, text: str = "", size: int = 50) -> list[tuple[str, int]]:
        query = {"bool": {"filter": [_text_filter(text)]}} if text.strip() else {"match_all": {}}
        result = self._call(
            self.es.search,
            index=self.figures_index,
            size=0,
            query=query,
            aggs={
                "m": {
                    "terms": {
                        "field": "metric",
                        "size": size,
                        "order": [{"_count": "desc"}, {"_key": "asc"}],
                    }
                }
            },
        )
        return [(b["key"], b["doc_count"]) for b in result["aggregations"]["m"]["buckets"]]

    def source_counts(self) -> dict[str, int]:
        result = self._call(
            self.es.search,
            index=self.articles,
            size=0,
            aggs={"s": {"terms": {"field": "source", "size": 500}}},
        )
        return {b["key"]: b["doc_count"] for b in result["aggregations"]["s"]["buckets"]}

    def story_outlets(self, story_ids: Sequence[str]) -> dict[str, int]:
        ids = sorted({s for s in story_ids if s})
        if not ids:
            return {}
        result = self._call(
            self.es.search,
            index=self.articles,
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
        try:
            for doc in helpers.scan(
                self.es, index=self.articles, size=batch, _source=["data"], query={}
            ):
                yield Article.from_dict(doc["_source"]["data"])
        except ESConnectionError as exc:
            raise StoreUnavailable(f"Elasticsearch at {self.url} is not reachable: {exc}") from None

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

    def states(self, kind: str) -> list[dict[str, Any]]:
        docs = helpers.scan(
            self.es,
            index=self.state_index,
            query={"query": {"term": {"kind": kind}}, "sort": ["written", "key"]},
            preserve_order=True,
        )
        try:
            return [d["_source"]["data"] for d in docs]
        except ESConnectionError as exc:
            raise StoreUnavailable(f"Elasticsearch at {self.url} is not reachable: {exc}") from None

    def delete_state(self, kind: str, key: str) -> bool:
        result = self._call(
            self.es.options(ignore_status=404).delete,
            index=self.state_index,
            id=f"{kind}:{key}",
            refresh="wait_for",
        )
        return result.get("result") == "deleted"

    def health(self) -> dict[str, Any]:
        try:
            cluster = self.es.cluster.health(timeout="2s")
            articles = self.es.count(index=self.articles)["count"]
            figures = self.es.count(index=self.figures_index)["count"]
        except (TransportError, ApiError) as exc:
            return {
                "backend": "elasticsearch",
                "ok": False,
                "url": self.url,
                "error": str(exc),
                "spooled_batches": len(self.spooled_files()),
            }
        return {
            "backend": "elasticsearch",
            "ok": cluster["status"] in {"green", "yellow"},
            "url": self.url,
            "status": cluster["status"],
            "articles": articles,
            "figures": figures,
            "spooled_batches": len(self.spooled_files()),
        }

    def refresh_now(self) -> None:
        self.es.indices.refresh(index=f"{self.prefix}-*")

    def close(self) -> None:
        self.es.close()


def _reason(exc: ApiError) -> str:
    info = exc.info if isinstance(exc.info, dict) else {}
    error = info.get("error", {})
    if isinstance(error, dict):
        causes = error.get("root_cause") or [error]
        return str(causes[0].get("reason", exc.message))[:300]
    return str(exc.message)[:300]


def _published_between(start: datetime | None, end: datetime | None) -> list[dict[str, Any]]:
    """A range filter on the publication time, or none when neither end is given."""
    bounds = {k: v.isoformat() for k, v in (("gte", start), ("lte", end)) if v}
    return [{"range": {"published": bounds}}] if bounds else []


def _text_filter(text: str) -> dict[str, Any]:
    return {"match": {"search": {"query": normalize_for_search(text), "operator": "and"}}}


FIELDS = ["title_norm^2", "body_norm"]


def to_es(node: Node) -> dict[str, Any]:
    """The Elasticsearch query for a parsed query; user text only ever appears as a term."""
    if isinstance(node, Term):
        if node.prefix:
            return {
                "bool": {
                    "should": [{"prefix": {f.split("^")[0]: node.text}} for f in FIELDS],
                    "minimum_should_match": 1,
                }
            }
        return {"multi_match": {"query": node.text, "fields": FIELDS}}
    if isinstance(node, Phrase):
        return {"multi_match": {"query": " ".join(node.words), "type": "phrase", "fields": FIELDS}}
    if isinstance(node, Or):
        if any(isinstance(c, Not) for c in node.children):
            raise QueryError("NOT can only narrow a search (write: word -excluded), not join an OR")
        return {"bool": {"should": [to_es(c) for c in node.children], "minimum_should_match": 1}}
    if isinstance(node, And):
        return {
            "bool": {
                "must": [to_es(c) for c in node.children if not isinstance(c, Not)],
                "must_not": [to_es(c.child) for c in node.children if isinstance(c, Not)],
            }
        }
    raise QueryError("a query needs at least one word to find, not only words to exclude")
