"""The store's filters and query tree in Elasticsearch's query DSL.

User text only ever reaches Elasticsearch as a term, a phrase or a prefix inside these
structures, never through a query-string parser.
"""

from __future__ import annotations

from typing import Any

from elasticsearch import ApiError

from .filters import Filter
from .query import And, Node, Not, Or, Phrase, Term

FIELDS = ["title_norm^2", "body_norm"]


def reason(exc: ApiError) -> str:
    info = exc.info if isinstance(exc.info, dict) else {}
    error = info.get("error", {})
    if isinstance(error, dict):
        causes = error.get("root_cause") or [error]
        return str(causes[0].get("reason", exc.message))[:300]
    return str(exc.message)[:300]


def dsl(filters: list[Filter]) -> list[dict[str, Any]]:
    """Elasticsearch filter clauses for the store's filters."""
    out: list[dict[str, Any]] = []
    for f in filters:
        if f.op == "eq":
            out.append({"term": {f.field: f.value}})
        elif f.op == "in":
            out.append({"terms": {f.field: f.value}})
        elif f.op == "words":  # every word, each as the start of a word (as in SQLite)
            out.extend({"prefix": {f.field: word}} for word in f.value)
        else:
            out.append({"range": {f.field: {f.op: f.value}}})
    return out


def to_es(node: Node) -> dict[str, Any]:
    """The Elasticsearch query for a parsed query; user text only ever appears as a term."""
    if isinstance(node, Term):
        if node.prefix:
            should = [{"prefix": {f.split("^")[0]: node.text}} for f in FIELDS]
            return {"bool": {"should": should, "minimum_should_match": 1}}
        boost = 1.0 if node.exact else 0.5  # the word as written ranks above its forms
        return {"multi_match": {"query": node.text, "fields": FIELDS, "boost": boost}}
    if isinstance(node, Phrase):
        return {"multi_match": {"query": " ".join(node.words), "type": "phrase", "fields": FIELDS}}
    if isinstance(node, Or):
        return {"bool": {"should": [to_es(c) for c in node.children], "minimum_should_match": 1}}
    assert isinstance(node, And)  # parse_query leaves no bare Not
    return {
        "bool": {
            "must": [to_es(c) for c in node.children if not isinstance(c, Not)],
            "must_not": [to_es(c.child) for c in node.children if isinstance(c, Not)],
        }
    }
