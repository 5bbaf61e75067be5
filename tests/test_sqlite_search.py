"""How the embedded store answers a search cheaply: marks without a second MATCH, a bounded
ranking, and filtered searches read from covering indexes."""

from __future__ import annotations

from pathlib import Path

import pytest

from rasad.index import sqlite_store
from rasad.index.contract import RawHit, make_hit
from rasad.index.filters import article_filters
from rasad.index.models import SearchRequest
from rasad.index.query import marked_terms, parse_query, with_word_forms
from rasad.index.sqlite_sql import to_fts5
from rasad.index.sqlite_store import SQLiteStore
from tests.corpus import CORPUS, make

_MORE = [
    make(
        "https://b/1",
        "بازدید شهردار از پروژه‌های عمرانی منطقه ۳ شیراز",
        "شهردار شیراز در بازدید از پروژه‌های عمرانی گفت: عملیات اجرایی ۱۲ پروژه آغاز شده "
        "است و پروژه‌ها تا پایان سال به بهره‌برداری می‌رسند. اجرای طرح‌های محله‌ای ادامه دارد.",
        3,
        source="shirazcity",
        city="شیراز",
    ),
    make(
        "https://b/2",
        "آغاز اجرای طرح ساماندهی دستفروشان در تبریز",
        "معاون خدمات شهری تبریز گفت: طرح ساماندهی با مشارکت ۴۰۰ دستفروش اجرا می‌شود و "
        "دفترهای محله در اجرای آن همکاری می‌کنند.",
        4,
        source="tabriz",
        city="تبریز",
    ),
]


@pytest.mark.parametrize("query", ["پروژه", "اجرای", "دفتر", "شهردار OR دستفروش", "طرح -شیراز"])
def test_the_words_of_a_plain_query_mark_what_fts5_would(tmp_path: Path, query: str) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    store.upsert(CORPUS + _MORE)
    node = with_word_forms(parse_query(query))
    request = SearchRequest(q=query)
    raw = store._search(request, node, article_filters(request), None)
    assert raw.rows, query
    page = [(hit.sort[1], hit.sort[0]) for hit in raw.rows]
    with store._reading() as db:
        from_fts = store._hit_rows(db, page, to_fts5(node), None)
    for hit, (_, fts_matched, _) in zip(raw.rows, from_fts, strict=True):
        ours, theirs = make_hit(hit), make_hit(RawHit(hit.article, fts_matched, 0, hit.sort))
        assert ours.title_marked == theirs.title_marked
        assert ours.snippet == theirs.snippet
        assert ours.snippet.spans, hit.article.url  # every hit shows what it matched
    store.close()


def test_a_phrase_or_a_prefix_is_marked_by_fts5() -> None:
    assert marked_terms(parse_query('"دفتر توسعه"')) is None
    assert marked_terms(parse_query("توسع*")) is None
    assert marked_terms(parse_query("دفتر -مشهد")) == {"دفتر"}


def test_relevance_ranks_the_latest_matches_and_counts_them_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SQLiteStore(tmp_path / "r.db")
    # the first article says the word most often: the best match, and the oldest indexed
    store.upsert([make("https://r/0", "پسماند", "پسماند پسماند پسماند پسماند.", 1)])
    store.upsert(
        [make(f"https://r/{i}", f"خبر {i}", f"جمع‌آوری پسماند در محله {i}.", 2) for i in (1, 2, 3)]
    )
    assert store.search(SearchRequest(q="پسماند")).hits[0].url == "https://r/0"
    monkeypatch.setattr(sqlite_store, "RANKED_UP_TO", 3)
    page = store.search(SearchRequest(q="پسماند"))
    assert page.total == 4 and page.total_exact
    assert [h.url for h in page.hits] == ["https://r/1", "https://r/2", "https://r/3"]
    assert store.search(SearchRequest(q="پسماند", sort="date")).total == 4
    store.close()


def test_a_filtered_search_reads_its_facets_from_an_index(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    store = SQLiteStore(path)
    store.upsert(CORPUS + _MORE)
    # as a store made before the covering indexes was
    store.db.executescript(
        "DROP INDEX articles_by_source; DROP INDEX articles_by_city; "
        "CREATE INDEX articles_source ON articles (source);"
    )
    store.close()
    store = SQLiteStore(path)
    names = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"articles_by_source", "articles_by_city"} <= names and "articles_source" not in names
    plan = " ".join(
        row[3]
        for row in store.db.execute(
            "EXPLAIN QUERY PLAN SELECT a.source, a.city, a.kinds, count(*) FROM articles a "
            "WHERE a.city = ? AND a.published >= ? GROUP BY 1, 2, 3",
            ["شیراز", "2024-01-01"],
        )
    )
    assert "COVERING INDEX articles_by_city" in plan
    page = store.search(SearchRequest(q="اجرای", cities=["شیراز"], facets=True))
    assert [h.url for h in page.hits] == ["https://b/1"]
    assert page.facets["city"] == {"شیراز": 1}
    store.close()
