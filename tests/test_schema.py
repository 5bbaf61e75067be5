"""The figure record is written down once: everything that carries it agrees with it."""

from __future__ import annotations

import json
import uuid
import zlib
from dataclasses import fields, replace
from datetime import UTC, datetime

import pytest
from elasticsearch import helpers

from rasad.api.schemas import FigureOut
from rasad.index.contract import encode_cursor
from rasad.index.es_indices import FIGURE_MAPPINGS
from rasad.index.es_store import ElasticsearchStore
from rasad.index.filters import Filter
from rasad.index.models import FigureQuery
from rasad.index.query import QueryError
from rasad.index.schema import (
    BUCKET_FIELDS,
    FILTERED,
    FROM_ARTICLE,
    KEPT_AS_WRITTEN,
    ROW_FIELDS,
    SEARCHED,
    STORED_ORDER,
    ArticleParts,
    figure_rows,
    from_stored_list,
    full_row,
    indexed_fields,
    search_text,
    stored_list,
    stored_row,
)
from rasad.index.sqlite_sql import where_clause
from rasad.index.sqlite_store import SERIES_QUERIES, SQLiteStore
from rasad.nlp.figure import Figure
from rasad.nlp.normalize import fold_word
from tests.corpus import CORPUS, make
from tests.old_layout import to_old_layout, with_figure_rows, with_text_times


def test_rows_carry_the_record_and_its_article() -> None:
    rows = figure_rows(CORPUS[0])
    assert rows and all(tuple(row) == ROW_FIELDS for row in rows)
    assert {f.name for f in fields(Figure)} <= set(ROW_FIELDS)
    assert Figure.from_dict(rows[0]) == CORPUS[0].figures[0]


def test_a_stored_row_points_into_its_article() -> None:
    """A figure keeps offsets, not copies of its sentence and article fields, and reads
    back whole; a span whose text is not at its offsets is kept as written."""
    article = CORPUS[0]
    row = figure_rows(article)[0]
    kept = stored_row(row, article.text)
    assert not {"sentence", "surface", "url", "title", "metric", "source"} & set(kept)
    assert full_row(indexed_fields(row) | kept, ArticleParts.of(article)) == row
    moved = stored_row(row, "؟" + article.text)
    assert moved["sentence"] == row["sentence"] and moved["surface"] == row["surface"]
    assert full_row(indexed_fields(row) | moved, ArticleParts.of(article)) == row


def test_a_stored_row_as_a_list_keeps_every_field_in_a_fixed_place() -> None:
    """`STORED_ORDER` holds every field a stored row can have, so none is lost as a list,
    and a row reads back the same as it was kept."""
    stored = {
        name
        for name in ROW_FIELDS
        if name not in FROM_ARTICLE and (name not in FILTERED or name in KEPT_AS_WRITTEN)
    }
    assert set(STORED_ORDER) == stored
    for article in CORPUS:
        for row in figure_rows(article):
            kept = stored_row(row, "؟" + article.text)  # the spans kept whole too
            assert from_stored_list(stored_list(kept)) == kept


def test_a_figures_searched_words_are_its_fields_folded_as_one_text() -> None:
    """Folding each field apart gives the words folding them joined gives, numbers with
    their separators and points, ZWNJ and punctuation at a field's edges included."""
    rows = [row for article in CORPUS for row in figure_rows(article)]
    rows.append(
        rows[0]
        | {
            "subject": "۱۲٫۵ هکتار،",
            "metric": "1,250 نفر",
            "sentence": ".5 درصد «بوستان‌ها»",
            "speaker": None,
            "location": "مشهد.",
        }
    )
    for row in rows:
        assert search_text(row) == fold_word(" ".join(str(row.get(k) or "") for k in SEARCHED))


def test_api_schema_matches_the_row() -> None:
    assert set(FigureOut.model_fields) == set(ROW_FIELDS) | {"published_jalali"}
    FigureOut.model_validate(figure_rows(CORPUS[0])[0])


def test_backends_index_every_filtered_field() -> None:
    assert set(FILTERED) <= set(FIGURE_MAPPINGS["properties"])
    store = SQLiteStore(":memory:")
    columns = {row[1] for row in store.db.execute("PRAGMA table_xinfo(figures)")}
    store.close()
    assert set(FILTERED) <= columns


def test_an_older_sqlite_store_gains_new_columns_filled(tmp_path) -> None:
    """A column added to `FILTERED` later is added to an existing file and filled from
    each row, so a series over an old store still tells one fact from another."""
    path = tmp_path / "old.db"
    store = SQLiteStore(path)
    store.upsert(CORPUS)
    added = ("figure_id", "report", *BUCKET_FIELDS)
    read = f"SELECT id, {', '.join(added)} FROM figures"
    expected = store.db.execute(read).fetchall()
    before = store.figures(FigureQuery(size=100)).figures
    with_figure_rows(store.db)  # older: ids kept, unique, and each figure's rest in its row
    for row in before:  # older still: rows kept whole
        store.db.execute("UPDATE figures SET row = ? WHERE id = ?", (json.dumps(row), row["id"]))
    every_metric = store.metrics(size=500)
    store.db.execute("DROP INDEX figures_series")  # made over the added columns
    store.db.executescript(  # and the series roll-up, newer still, whose triggers read them
        "DROP TRIGGER figures_stale_delete; "
        "DROP TABLE series_rollup; DROP TABLE series_stale; "
        "DROP TRIGGER figures_counted_delete; "
        "DROP TABLE metric_reports;"  # and the metrics' counts
    )
    for column in added:
        store.db.execute(f"ALTER TABLE figures DROP COLUMN {column}")
    store.close()
    reopened = SQLiteStore(path)
    rows = reopened.db.execute(read).fetchall()
    assert reopened.figures(FigureQuery(size=100)).figures == before
    generated = {r[1]: r[6] for r in reopened.db.execute("PRAGMA table_xinfo(figures)")}
    assert generated["id"] == 2  # computed from the article's id and the place in it
    indexes = {r[0] for r in reopened.db.execute("SELECT name FROM sqlite_master")}
    assert "sqlite_autoindex_figures_1" not in indexes and "figures_before" not in indexes
    assert {"figures_series", "figures_search", "figures_stale_delete"} <= indexes
    word = before[0]["metric"].split()[0]
    assert word in reopened.metrics(word)[0][0]  # found through the words' index, as before
    assert reopened.metrics(size=500) == every_metric  # counted once, when opened
    reopened.close()
    assert sorted(rows) == sorted(expected) and any(r[2] == 0 for r in rows)
    assert all(r[-1] for r in rows)  # every dated figure has its Jalali month


def _figure_reads(store: SQLiteStore, key: str) -> tuple:
    """Every page of figures through its cursors, a dated range, and a series."""
    pages, cursor = [], None
    while True:
        page = store.figures(FigureQuery(size=2, cursor=cursor))
        pages.append(page.figures)
        if not (cursor := page.next_cursor):
            break
    march = (datetime(2024, 3, 20, tzinfo=UTC), datetime(2024, 3, 31, tzinfo=UTC))
    dated = store.figures(FigureQuery(date_from=march[0], date_to=march[1])).figures
    return pages, dated, store.series(key, "day"), store.series(key, "month")


def test_an_older_sqlite_store_gets_its_figure_times_as_numbers(tmp_path) -> None:
    """Figure times a store made before kept as ISO text become numbers when it opens, and
    every read answers as it did: pages, their cursors (one handed out then too), a dated
    range, series by day and Jalali month.  A fraction of a second is kept."""
    evening = datetime(2024, 3, 19, 20, 45, tzinfo=UTC)  # 20 March in Tehran: a new month
    moments = [evening, evening, datetime(2024, 3, 20, 8, 0, 0, 250_000, tzinfo=UTC), None]
    articles = [
        replace(
            make(
                f"https://shahraranews.ir/{i}",
                "بوستان",
                f"شهرداری مشهد گفت: {10 + i} بوستان ساخته شد.",
                1,
            ),
            published=m,
        )
        for i, m in enumerate(moments)
    ]
    path = tmp_path / "old.db"
    store = SQLiteStore(path)
    store.upsert(articles)
    [(key, _)] = store.metrics("بوستان")
    before = _figure_reads(store, key)
    assert [len(p) for p in before[0]] == [2, 2] and len(before[1]) == 1
    with_text_times(store.db)
    store.close()
    reopened = SQLiteStore(path)
    assert _figure_reads(reopened, key) == before
    kinds = "SELECT DISTINCT typeof(published), typeof(day), typeof(month) FROM figures"
    assert set(reopened.db.execute(kinds)) == {
        ("integer", "integer", "integer"),
        ("real", "integer", "integer"),
        ("null", "null", "null"),
    }
    last = before[0][0][-1]
    handed_out = encode_cursor([last["published"], last["id"]])  # as the text times gave
    assert reopened.figures(FigureQuery(size=2, cursor=handed_out)).figures == before[0][1]
    with pytest.raises(QueryError):
        reopened.figures(FigureQuery(cursor=encode_cursor([{"day": 1}, last["id"]])))
    reopened.close()


def test_an_older_sqlite_store_keeps_its_articles_and_story_prints(tmp_path) -> None:
    """Articles stored as JSON text and fingerprints kept as text, as stores made before
    compression were, read back the same; the fingerprints move into `prints` once, and
    each article's count of them into its row."""
    path = tmp_path / "old.db"
    store = SQLiteStore(path)
    store.upsert(CORPUS)
    article = CORPUS[0]
    candidates = store._story_candidates(article.fingerprints, "", 10)
    before = [store.get(a.id) for a in CORPUS]
    assert {t for (t,) in store.db.execute("SELECT typeof(data) FROM article_data")} == {"blob"}
    to_old_layout(store)  # articles stored as text came with FTS5 keeping its own copy
    for rowid, data in store.db.execute("SELECT rowid, data FROM article_data").fetchall():
        text = zlib.decompress(data).decode()
        store.db.execute("UPDATE article_data SET data = ? WHERE rowid = ?", (text, rowid))
    store.db.executescript(
        "CREATE TABLE article_prints (print TEXT NOT NULL, rowid_ref INTEGER NOT NULL "
        "REFERENCES articles (rowid) ON DELETE CASCADE);"
        "CREATE INDEX article_prints_print ON article_prints (print);"
    )
    store.db.executemany(
        "INSERT INTO article_prints VALUES (?, ?)",
        [
            (f"{number + (1 << 63):016x}", ref)
            for number, ref in store.db.execute("SELECT print, rowid_ref FROM prints")
        ],
    )
    store.db.execute("DROP TABLE prints")
    store.db.execute("ALTER TABLE articles DROP COLUMN prints")  # counted from them since
    store.close()
    reopened = SQLiteStore(path)
    assert [reopened.get(a.id) for a in CORPUS] == before
    assert reopened._story_candidates(article.fingerprints, "", 10) == candidates
    assert not reopened.db.execute(
        "SELECT 1 FROM sqlite_master WHERE name = 'article_prints'"
    ).fetchone()
    edited = replace(CORPUS[1], body=CORPUS[1].body + " ویرایش شد.", content_hash="edited")
    reopened.upsert([edited])  # a row stored as text, replaced
    assert reopened.get(CORPUS[1].id).body.endswith("ویرایش شد.")
    reopened.close()


def test_older_elasticsearch_figures_gain_their_buckets(es_url: str, tmp_path) -> None:
    """Figures indexed before the bucket fields existed get them when the store opens,
    so their series still has every bucket."""
    prefix = f"t{uuid.uuid4().hex[:10]}"
    store = ElasticsearchStore(es_url, prefix=prefix, spool_dir=tmp_path / "spool")
    try:
        store.upsert(CORPUS)
        key = CORPUS[0].figures[0].metric
        expected = store.series(key, "month")
        docs = list(helpers.scan(store.es, index=store.figures_index))
        helpers.bulk(
            store.es,
            (
                {"_index": d["_index"], "_id": d["_id"]}
                | {k: v for k, v in d["_source"].items() if k not in BUCKET_FIELDS}
                for d in docs
            ),
            refresh=True,
        )
        # an old store had no series roll-up either
        store.es.indices.delete(index=f"{store.rollup_index},{store.stale_index}")
        every_day = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))
        assert store.series(key, "month", *every_day).buckets == []  # an old index's series
        reopened = ElasticsearchStore(es_url, prefix=prefix, spool_dir=tmp_path / "spool")
        assert reopened.series(key, "month") == expected
        reopened.close()
    finally:
        store.drop()
        store.close()


def test_a_metric_series_reads_one_index_not_the_table(tmp_path) -> None:
    """Every aggregate of a metric's series is answered from the covering index."""
    store = SQLiteStore(tmp_path / "s.db")
    store.upsert(CORPUS)
    where, params = where_clause([Filter("metric", "eq", "x"), Filter("report", "eq", True)])
    clause = " AND ".join([*where, "month IS NOT NULL"])
    for template in SERIES_QUERIES:
        sql = template.format(b="month", where=clause)
        plan = [str(step[3]) for step in store.db.execute(f"EXPLAIN QUERY PLAN {sql}", params)]
        reads = [step for step in plan if step.startswith(("SEARCH figures", "SCAN figures"))]
        assert reads and all("COVERING INDEX figures_series" in step for step in reads), plan
    store.close()
