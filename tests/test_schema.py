"""The figure record is written down once: everything that carries it agrees with it."""

from __future__ import annotations

from dataclasses import fields, replace

from rasad.api.schemas import FigureOut
from rasad.index.es_indices import FIGURE_MAPPINGS
from rasad.index.schema import FILTERED, ROW_FIELDS, figure_rows
from rasad.index.sqlite_store import SQLiteStore
from rasad.nlp.figure import Figure
from tests.corpus import CORPUS


def test_rows_carry_the_record_and_its_article() -> None:
    rows = figure_rows(CORPUS[0])
    assert rows and all(tuple(row) == ROW_FIELDS for row in rows)
    assert {f.name for f in fields(Figure)} <= set(ROW_FIELDS)
    assert Figure.from_dict(rows[0]) == CORPUS[0].figures[0]


def test_api_schema_matches_the_row() -> None:
    assert set(FigureOut.model_fields) == set(ROW_FIELDS) | {"published_jalali"}
    FigureOut.model_validate(figure_rows(CORPUS[0])[0])


def test_backends_index_every_filtered_field() -> None:
    assert set(FILTERED) <= set(FIGURE_MAPPINGS["properties"])
    store = SQLiteStore(":memory:")
    columns = {row[1] for row in store.db.execute("PRAGMA table_info(figures)")}
    store.close()
    assert set(FILTERED) <= columns


def test_an_older_sqlite_store_gains_new_columns_filled(tmp_path) -> None:
    """A column added to `FILTERED` later is added to an existing file and filled from
    each row, so a series over an old store still tells one fact from another."""
    path = tmp_path / "old.db"
    store = SQLiteStore(path)
    store.upsert(CORPUS)
    expected = store.db.execute("SELECT id, figure_id, report FROM figures").fetchall()
    store.db.execute("ALTER TABLE figures DROP COLUMN figure_id")
    store.db.execute("ALTER TABLE figures DROP COLUMN report")
    store.close()
    reopened = SQLiteStore(path)
    rows = reopened.db.execute("SELECT id, figure_id, report FROM figures").fetchall()
    reopened.close()
    assert sorted(rows) == sorted(expected) and any(r == 0 for *_, r in rows)


def test_figure_words_are_looked_up_through_an_index_kept_in_step(tmp_path) -> None:
    """Metric lookup by words reads the figures' FTS5 index, not every row: a store made
    before the index gets it built on opening, and rewriting an article's figures (or
    deleting them) moves its words out of the index."""
    path = tmp_path / "old.db"
    store = SQLiteStore(path)
    store.upsert(CORPUS)
    expected = store.metrics("بوستان")
    assert expected
    for name in ("figures_fts_insert", "figures_fts_delete", "figures_fts_update"):
        store.db.execute(f"DROP TRIGGER {name}")
    store.db.execute("DROP TABLE figures_fts")
    store.close()

    store = SQLiteStore(path)
    assert store.metrics("بوستان") == expected
    plan = store.db.execute(
        "EXPLAIN QUERY PLAN SELECT metric FROM figures WHERE rowid IN "
        "(SELECT rowid FROM figures_fts WHERE figures_fts MATCH ?)",
        ['"بوستان"*'],
    ).fetchall()
    assert any("VIRTUAL TABLE INDEX" in str(step) for step in plan), plan
    article = next(a for a in CORPUS if any("بوستان" in (f.metric or "") for f in a.figures))
    edited = article.body + " ویرایش شد."
    changed = replace(article, figures=[], body=edited, content_hash="", search_text=None)
    store.upsert([changed])
    left = dict(store.metrics("بوستان"))
    before = dict(expected)
    assert sum(left.values()) < sum(before.values())
    total = store.db.execute("SELECT count(*) FROM figures").fetchone()[0]
    indexed = store.db.execute(
        "SELECT count(*) FROM figures_fts WHERE figures_fts MATCH ?", ['"بوستان"*']
    ).fetchone()[0]
    direct = store.db.execute(
        "SELECT count(*) FROM figures WHERE instr(' ' || search, ' بوستان') > 0"
    ).fetchone()[0]
    store.close()
    assert indexed == direct and total > 0
