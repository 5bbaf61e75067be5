"""The Elasticsearch index layout: mappings, templates, versioned indices behind aliases.

Indices are versioned (`rasad-articles-v1`) and read and written through aliases
(`rasad-articles`), so `reindex()` builds the next version and swaps the alias in one
atomic step.  Text fields use the core `whitespace` analyzer over text normalized in
Python, so the same mapping works on every Elasticsearch (the test node has only core
modules).  The figures' fields come from the one field specification, `schema.FILTERED`.
"""

from __future__ import annotations

from elasticsearch import Elasticsearch, helpers

from .schema import BUCKET_FIELDS, ES_TYPES, FILTERED
from .series import tehran_buckets

SCHEMA_VERSION = 1
TEXT = {"type": "text", "analyzer": "whitespace"}
KEYWORD = {"type": "keyword"}
STORED = {"type": "object", "enabled": False}
# How each index compresses its stored fields (each document's source).  Measured on 20,000
# articles, queries interleaved: DEFLATE on both took the store from 3.1 to 2.0 × the raw
# text but a word search from 26 to 32 ms and a series with its 50 reports from 28 to 54
# (median); on the figures alone, 2.7 ×, word search unchanged, the series 39 ms.
CODECS = {"articles": "default", "figures": "best_compression"}
ARTICLE_MAPPINGS = {
    "dynamic": "strict",
    "properties": {
        **{f: KEYWORD for f in ("id", "url", "source", "city", "story_id", "content_hash")},
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
    "properties": {name: ES_TYPES[kind] for name, kind in FILTERED.items()}
    | {"search": TEXT, "row": STORED},
}
STATE_MAPPINGS = {
    "dynamic": "strict",
    "properties": {"kind": KEYWORD, "key": KEYWORD, "written": {"type": "long"}, "data": STORED},
}


def install(
    es: Elasticsearch, articles: str, figures: str, state: str, shards: int = 1, replicas: int = 0
) -> None:
    """Templates, then the first versioned indices behind their aliases (idempotent).
    `shards` and `replicas` go into the templates: they shape the indices made from now on
    (a reindex applies them to what is stored)."""
    layout = {"number_of_shards": shards, "number_of_replicas": replicas}
    for role, alias, mappings in (
        ("articles", articles, ARTICLE_MAPPINGS),
        ("figures", figures, FIGURE_MAPPINGS),
    ):
        es.indices.put_index_template(
            name=alias,
            index_patterns=[f"{alias}-v*"],
            priority=100,
            template={
                "settings": {**layout, "refresh_interval": "5s", "codec": CODECS[role]},
                "mappings": mappings,
            },
        )
        if not es.indices.exists_alias(name=alias):
            es.indices.create(index=f"{alias}-v{SCHEMA_VERSION}", aliases={alias: {}})
        else:  # fields added since an index was made (adding fields is always allowed)
            es.indices.put_mapping(index=alias, properties=mappings["properties"])
    fill_buckets(es, figures)
    if not es.indices.exists(index=state):
        es.options(ignore_status=400).indices.create(
            index=state,
            settings={"number_of_shards": 1, "number_of_replicas": replicas},
            mappings=STATE_MAPPINGS,
        )


def fill_buckets(es: Elasticsearch, figures: str) -> int:
    """Give figures indexed before the series bucket fields existed their buckets, from
    the publication time they hold (a partial update: the rest of each document stays);
    how many were filled.  Once filled, the check is one count."""
    missing = {
        "bool": {
            "filter": [{"exists": {"field": "published"}}],
            "must_not": [{"exists": {"field": BUCKET_FIELDS[-1]}}],
        }
    }
    if not es.count(index=figures, query=missing)["count"]:
        return 0
    docs = helpers.scan(es, index=figures, query={"query": missing}, _source=["published"])
    filled, _ = helpers.bulk(
        es,
        (
            {
                "_op_type": "update",
                "_index": d["_index"],
                "_id": d["_id"],
                "doc": dict(
                    zip(BUCKET_FIELDS, tehran_buckets(d["_source"]["published"]), strict=True)
                ),
            }
            for d in docs
        ),
        chunk_size=1000,
    )
    es.indices.refresh(index=figures)
    return filled


def reindex(es: Elasticsearch, aliases: list[str]) -> dict[str, str]:
    """Copy each alias' index into the next version and swap the alias with no downtime.

    The copy is made client-side (scroll + bulk): the `_reindex` API lives in a module that
    minimal distributions such as the test node do not ship.
    """
    swapped = {}
    for alias in aliases:
        current = next(iter(es.indices.get_alias(name=alias)))
        target = f"{alias}-v{int(current.rsplit('-v', 1)[1]) + 1}"
        es.indices.create(index=target)
        docs = helpers.scan(es, index=current, query={"query": {"match_all": {}}})
        helpers.bulk(
            es,
            ({"_index": target, "_id": d["_id"], "_source": d["_source"]} for d in docs),
            chunk_size=1000,
        )
        es.indices.refresh(index=target)
        es.indices.update_aliases(
            actions=[
                {"remove": {"index": current, "alias": alias}},
                {"add": {"index": target, "alias": alias}},
            ]
        )
        es.indices.delete(index=current)
        swapped[alias] = target
    return swapped


def drop(es: Elasticsearch, prefix: str, aliases: list[str], state: str) -> None:
    """Delete a store's indices and templates."""
    es.indices.delete(index=f"{prefix}-*", ignore_unavailable=True)
    for alias in aliases:
        es.options(ignore_status=404).indices.delete_index_template(name=alias)
    es.indices.delete(index=state, ignore_unavailable=True)
