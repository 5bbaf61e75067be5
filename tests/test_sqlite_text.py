"""The embedded store's full-text indexes keep no copy of their text: it lives in each
article's record (`sqlite_text`).  These tests hold the indexes to FTS5's own integrity
check through edits, and move a store made before into the new layout."""

from __future__ import annotations

import zlib
from collections import Counter
from dataclasses import replace
from pathlib import Path

from rasad.index.models import SearchRequest
from rasad.index.sqlite_store import SQLiteStore, print_number
from rasad.index.sqlite_text import pack, stored_figure, stored_search, unpack
from tests.corpus import CORPUS
from tests.old_layout import to_old_layout

FTS_TABLES = ("articles_fts", "figures_fts")


def _whole(store: SQLiteStore) -> None:
    """FTS5's integrity check, comparing each index with the text it reads (rank 1)."""
    for table in FTS_TABLES:
        store.db.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 1)")


def _prints_in_step(store: SQLiteStore) -> None:
    """The story prints table holds exactly each article's fingerprints, and each article
    row their count (read back from the records, not from the table)."""
    rows = store.db.execute("SELECT rowid, id, prints FROM articles").fetchall()
    expected = {
        (print_number(p), rowid) for rowid, aid, _ in rows for p in store.get(aid).fingerprints
    }
    assert set(store.db.execute("SELECT print, rowid_ref FROM prints")) == expected
    counts = {rowid: n for rowid, _, n in rows}
    assert counts == dict(Counter(ref for _, ref in expected)) | {
        r: 0 for r in counts if r not in {ref for _, ref in expected}
    }


def _seen(store: SQLiteStore) -> list[object]:
    """What a user sees of the corpus: hits with their marks, and metric lookups."""
    out: list[object] = []
    for q in ("دفتر", '"دفتر توسعه محله"', "بوستان*", "شهردار OR واگن"):
        page = store.search(SearchRequest(q=q, size=20))
        out.append([(h.url, h.title_marked, h.snippet) for h in page.hits])
    return [*out, store.metrics("بوستان"), store.metrics("دفتر")]


def test_a_record_gives_each_index_its_exact_text() -> None:
    record = pack({"title": "t"}, "عنوان", "متن", ["دفتر توسعه", "بوستان"], [[28, None], [3]])
    assert [stored_search(record, part) for part in range(5)] == [
        "عنوان",
        "متن",
        "دفتر توسعه",
        "بوستان",
        None,
    ]
    assert [stored_figure(record, seq) for seq in range(3)] == ["[28,null]", "[3]", None]
    assert unpack(record) == {"title": "t"}
    before_rests = zlib.compress('{"title": "t"}\n["عنوان", "متن", ["دفتر"]]'.encode())
    assert stored_search(before_rests, 2) == "دفتر" and stored_figure(before_rests, 0) is None
    bare = zlib.compress(b'{"title": "t"}')  # a record from before: the article alone
    assert unpack(bare) == {"title": "t"} and stored_search(bare, 0) is None


def test_the_indexes_keep_no_copy_and_stay_whole_through_edits(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    store.upsert(CORPUS)
    names = {n for (n,) in store.db.execute("SELECT name FROM sqlite_master")}
    assert not {"articles_fts_content", "figures_fts_content"} & names
    columns = {row[1] for row in store.db.execute("PRAGMA table_info(figures)")}
    assert "search" not in columns
    _whole(store)
    with_park = next(a for a in CORPUS if any("بوستان" in (f.metric or "") for f in a.figures))
    before = dict(store.metrics("بوستان"))
    edited = [
        replace(
            with_park,
            figures=[],
            title="کتابخانه تازه",
            body="متن تازه درباره کتابخانه",
            content_hash="",
            search_text=None,
        ),
        replace(CORPUS[0], title=CORPUS[0].title + " واگن", content_hash="", search_text=None),
    ]
    other = next(a for a in CORPUS[1:] if a is not with_park and len(a.fingerprints) > 1)
    shorter = replace(other, body=other.body[:40], fingerprints=other.fingerprints[:1])
    edited.append(replace(shorter, content_hash="", search_text=None))
    store.upsert(edited)
    _whole(store)
    _prints_in_step(store)
    assert sum(dict(store.metrics("بوستان")).values()) < sum(before.values())
    assert with_park.url in [h.url for h in store.search(SearchRequest(q="کتابخانه")).hits]
    assert with_park.url not in [h.url for h in store.search(SearchRequest(q="بوستان")).hits]
    store.upsert(CORPUS)  # and back again, the figures with new rowids
    _whole(store)
    _prints_in_step(store)
    assert dict(store.metrics("بوستان")) == before
    store.close()


def test_a_store_made_before_moves_its_text_into_the_records(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    store = SQLiteStore(path)
    store.upsert(CORPUS)
    expected = _seen(store)
    to_old_layout(store)
    assert isinstance(unpack(store.db.execute("SELECT data FROM article_data").fetchone()[0]), dict)
    store.close()

    reopened = SQLiteStore(path)
    assert _seen(reopened) == expected
    _whole(reopened)
    query = "SELECT sql FROM sqlite_master WHERE name = 'articles_fts'"
    assert "content='articles_search'" in reopened.db.execute(query).fetchone()[0]
    names = {n for (n,) in reopened.db.execute("SELECT name FROM sqlite_master")}
    assert "articles_fts_content" not in names and "figures_fts_insert" not in names
    plan = reopened.db.execute(
        "EXPLAIN QUERY PLAN SELECT metric FROM figures WHERE rowid IN "
        "(SELECT rowid FROM figures_fts WHERE figures_fts MATCH ?)",
        ['"بوستان"*'],
    ).fetchall()
    assert any("VIRTUAL TABLE INDEX" in str(step) for step in plan), plan
    edited = replace(CORPUS[1], body=CORPUS[1].body + " ویرایش شد.", content_hash="edited")
    reopened.upsert([edited])  # a moved record, replaced
    _whole(reopened)
    reopened.close()
