"""The embedded store's full-text indexes keep no copy of their text: it lives in each
article's record (`sqlite_text`).  These tests hold the indexes to FTS5's own integrity
check through edits, and move a store made before into the new layout."""

from __future__ import annotations

import sqlite3
import zlib
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from rasad.index.models import Article, SearchRequest
from rasad.index.sqlite_store import SQLiteStore, print_number
from rasad.index.sqlite_text import pack, stored_figure, stored_search, unpack
from tests.corpus import CORPUS, make
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


_SUBJECTS = ("دفتر توسعه محله", "بوستان محله‌ای", "کیلومتر مسیر دوچرخه", "واحد مسکونی")
_CITIES = ("مشهد", "اصفهان", "کرج", "یزد", "شیراز")


def _news(n: int, start: int = 0) -> list[Article]:
    """Articles in one outlet's manner: the same few kinds of report, each with its own
    city, numbers and day, which is what a record dictionary learns from."""
    out = []
    for i in range(start, start + n):
        city, subject = _CITIES[i % 5], _SUBJECTS[i % 4]
        body = (
            f"به گزارش روابط عمومی شهرداری {city}، شهردار {city} گفت: تاکنون {i + 12} "
            f"{subject} در مناطق {i % 9 + 1} و {i % 7 + 2} راه‌اندازی شده است. "
            f"وی افزود: برای این طرح {i * 7 + 30} میلیارد ریال اعتبار هزینه شده و "
            f"{i % 50 + 5} درصد پیشرفت داشته است."
        )
        title = f"راه‌اندازی {i + 12} {subject} در {city}"
        out.append(make(f"https://news.example/{i}", title, body, i % 28 + 1, city=city))
    return out


def _frames(store: SQLiteStore) -> Counter[str]:
    kinds: Counter[str] = Counter()
    for (data,) in store.db.execute("SELECT data FROM article_data"):
        kinds["zstd" if data[:4] == b"\x28\xb5\x2f\xfd" else "zlib"] += 1
    return kinds


def test_records_after_a_dictionary_is_trained_read_and_index_as_before(tmp_path: Path) -> None:
    plain = SQLiteStore(tmp_path / "plain.db")
    plain.records.learns_from = 10**6  # never trains: the answers to compare with
    store = SQLiteStore(tmp_path / "s.db")
    store.records.learns_from = 20
    first, later = _news(20), _news(30, start=20)
    for articles in (first, later, CORPUS):
        plain.upsert(articles)
        store.upsert(articles)
    assert store.db.execute("SELECT count(*) FROM record_dictionaries").fetchone() == (1,)
    assert _frames(store) == {"zlib": 20, "zstd": 35}
    assert _frames(plain) == {"zlib": 55}
    # a record the dictionary compressed is smaller than zlib's of the same article
    size = "SELECT sum(length(data)) FROM article_data WHERE rowid > 20"
    assert store.db.execute(size).fetchone()[0] < plain.db.execute(size).fetchone()[0]
    _whole(store)
    _prints_in_step(store)
    assert _seen(store) == _seen(plain)
    for name in ("بوستان", "دوچرخه", "مسکونی"):
        assert store.metrics(name) == plain.metrics(name)
        page = store.search(SearchRequest(q=name, size=100))
        assert [h.url for h in page.hits] == [
            h.url for h in plain.search(SearchRequest(q=name, size=100)).hits
        ]
    # a zlib record replaced by a zstd one, and back into the index: FTS5 reads both kinds
    edited = [replace(a, body=a.body + " پایان.", content_hash="", search_text=None) for a in first]
    store.upsert(edited)
    assert _frames(store) == {"zstd": 55}
    _whole(store)
    assert [store.get(a.id).body for a in edited] == [a.body for a in edited]
    store.close()
    plain.close()


def test_a_dictionary_another_writer_trained_is_read_from_the_file(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    server = SQLiteStore(path)  # opened first, as the API is
    server.upsert(_news(5))
    assert len(server.search(SearchRequest(q="شهردار")).hits) == 5  # its readers are open
    crawl = SQLiteStore(path)
    crawl.records.learns_from = 10
    crawl.upsert(_news(20, start=5))
    assert _frames(crawl) == {"zlib": 25}  # trained at the end of this write, for the next
    crawl.upsert(_news(5, start=25))
    assert _frames(crawl)["zstd"] == 5
    late = _news(5, start=25)
    assert [server.get(a.id).title for a in late] == [a.title for a in late]
    assert len(server.search(SearchRequest(q="شهردار", size=50)).hits) == 30
    _whole(server)
    server.upsert(_news(3, start=40))  # the server's writer takes the crawl's dictionary up
    assert server.db.execute("SELECT count(*) FROM record_dictionaries").fetchone() == (1,)
    assert _frames(server)["zstd"] == 8
    crawl.close()
    server.close()


def test_a_record_whose_dictionary_is_gone_says_so(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = SQLiteStore(path)
    store.records.learns_from = 10
    store.upsert(_news(10))
    store.upsert(_news(1, start=10))
    store.db.execute("DELETE FROM record_dictionaries")
    store.close()
    reopened = SQLiteStore(path)
    with pytest.raises(sqlite3.DatabaseError, match="compression dictionary"):
        reopened.get(_news(1, start=10)[0].id)
    assert reopened.get(_news(1)[0].id) is not None  # the zlib records still read
    reopened.close()


def test_a_training_that_fails_keeps_zlib_and_tries_again_later(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    store.records.learns_from = 2  # two short records: too little for zstd to learn from
    store.upsert(CORPUS[:2])
    assert store.db.execute("SELECT count(*) FROM record_dictionaries").fetchone() == (0,)
    assert _frames(store) == {"zlib": 2}
    assert not store.records.learn(store.db)  # not again before two more articles
    store.records.learns_from = 20
    store.upsert(_news(20))  # 22 held, past the next try at 4: trained on the latest 20
    assert store.db.execute("SELECT count(*) FROM record_dictionaries").fetchone() == (1,)
    store.upsert(_news(2, start=20))
    assert _frames(store)["zstd"] == 2
    store.close()
