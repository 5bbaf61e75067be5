"""How the embedded store answers a search cheaply: marks without a second MATCH, a bounded
ranking, and filtered searches read from covering indexes."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from rasad.index import sqlite_store
from rasad.index.contract import RawHit, make_hit
from rasad.index.filters import article_filters
from rasad.index.models import Article, SearchRequest
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


def _scattered(n: int = 40) -> list[Article]:
    """Articles stored in an order unrelated to their dates: every fifth mentions the word,
    the cities take turns."""
    cities = ["شیراز", "تبریز", "مشهد"]
    articles = [
        make(
            f"https://s/{i}",
            f"خبر شماره {i}",
            ("نشست شورای شهر درباره پسماند." if i % 5 == 0 else "نشست شورای شهر.") + f" {i}",
            1 + (i * 7) % 28,
            city=cities[i % 3],
            source=("tabriz", "shirazcity")[i % 2],
        )
        for i in range(n)
    ]
    random.Random(3).shuffle(articles)
    return articles


def test_a_filtered_search_seeks_its_words_within_its_articles_rowids(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    store.upsert(_scattered())
    # a filter passing a run of consecutive rowids bounds the words' matches to them
    late = [make(f"https://late/{i}", f"خبر {i}", "پسماند شهری.", 28, city="قم") for i in range(3)]
    store.upsert(late)
    request = SearchRequest(q="پسماند", cities=["قم"])
    where, params = sqlite_store.where_clause(article_filters(request), "a.")
    with store._reading() as db:
        (last,) = db.execute("SELECT max(rowid) FROM articles").fetchone()
        assert sqlite_store._rowid_bounds(db, where, params) == (last - 2, last)
        where, params = sqlite_store.where_clause(article_filters(SearchRequest(cities=["x"])))
        assert sqlite_store._rowid_bounds(db, where, params) == (1, 0)  # no article: none
    assert store.search(request).total == 3
    assert store.search(SearchRequest(q="پسماند", cities=["x"])).total == 0
    with store._reading() as db:  # the searches below read through this connection too
        statements: list[str] = []
        db.set_trace_callback(statements.append)  # each statement, its values written in
        for sort in ("relevance", "date"):
            store.search(SearchRequest(q="پسماند", cities=["قم"], sort=sort, facets=True))
        db.set_trace_callback(None)
        # by date, facets and page read the matches listed once, and none are kept after
        assert sum("INTO temp.search_matches" in sql for sql in statements) == 1
        assert db.execute("SELECT count(*) FROM temp.search_matches").fetchone() == (0,)
        plans = [
            " ".join(row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}"))
            for sql in statements
            if "MATCH" in sql and "json_each" not in sql  # not the forms' lookup (`_HELD`)
        ]
    assert len(plans) >= 3  # by relevance facets and a page; by date the listing
    assert all("><" in plan for plan in plans), plans  # FTS5 seeks between the bounds

    requests = [
        SearchRequest(q="پسماند", cities=["شیراز"], facets=True),
        SearchRequest(q="پسماند", cities=["تبریز"], sort="date", facets=True),
        SearchRequest(q="شورای -پسماند", sources=["tabriz"], size=3),
        SearchRequest(
            q='"شورای شهر"',
            date_from=datetime(2024, 1, 5, tzinfo=UTC),
            date_to=datetime(2024, 1, 20, tzinfo=UTC),
            sort="date",
        ),
    ]

    def answers() -> list[object]:
        out: list[object] = []
        for r in requests:
            page = store.search(r)
            out.append((page.total, page.facets, [h.url for h in page.hits], page.next_cursor))
            coverage = store.coverage(r)
            out.append((coverage.total, coverage.buckets, coverage.outlets))
        return out

    bounded = answers()
    assert all(total for total, *_ in bounded[::2])  # each request finds something
    monkeypatch.setattr(sqlite_store, "BOUNDED_UP_TO", 0)  # every filtered query unbounded
    assert answers() == bounded
    store.close()


def test_a_search_leaves_out_the_word_forms_no_article_holds(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "f.db")
    store.upsert(CORPUS + _MORE)
    node = with_word_forms(parse_query("پروژه -بوستان"))
    with store._reading() as db:
        held = sqlite_store._held_forms(db, node)
    # of each word's forms, only those an article has written: پروژه‌ها، پروژه‌های، بوستان‌های
    assert to_fts5(held) == (
        '((("پروژه" OR "پروژهها" OR "پروژههای")) NOT ("بوستان" OR "بوستانهای"))'
    )
    assert len(to_fts5(node)) > 3 * len(to_fts5(held))
    # a word none of whose forms is written keeps only the word itself
    with store._reading() as db:
        assert to_fts5(sqlite_store._held_forms(db, with_word_forms(parse_query("کتاب")))) == (
            '"کتاب"'
        )

    # the answers are those of the whole query: FTS5 run on it unpruned gives the same rows
    def urls(match: str) -> list[str]:
        rows = store.db.execute(
            "SELECT a.url FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
            "WHERE articles_fts MATCH ? ORDER BY a.url",
            [match],
        )
        return [url for (url,) in rows]

    assert urls(to_fts5(held)) == urls(to_fts5(node)) == ["https://b/1"]
    page = store.search(SearchRequest(q="پروژه -بوستان"))
    assert [h.url for h in page.hits] == ["https://b/1"] and page.hits[0].snippet.spans
    store.close()


def test_a_search_by_date_pages_through_ties_and_undated_articles_in_order(
    tmp_path: Path,
) -> None:
    store = SQLiteStore(tmp_path / "d.db")
    articles = _scattered(30)
    for i, article in enumerate(articles):
        if i % 4 == 0:
            article.published = None  # undated: last, by rowid
        elif i % 3 == 0:
            article.published = datetime(2024, 1, 9, 8, tzinfo=UTC)  # many on one moment
    store.upsert(articles)
    with store._reading() as db:
        rows = db.execute("SELECT rowid, url, coalesce(published, ''), city FROM articles")
        stored = [(rowid, url, published, city) for rowid, url, published, city in rows]
    for request in (
        SearchRequest(q="نشست", cities=["شیراز"], sort="date", size=2),
        SearchRequest(q="", sources=["tabriz"], sort="date", size=3),
        SearchRequest(q="نشست", sort="date", size=4),
    ):
        wanted = [
            url
            for rowid, url, published, city in sorted(stored, key=lambda r: (r[2], -r[0]))[::-1]
            if (not request.cities or city in request.cities)
            and (not request.sources or url in {a.url for a in articles if a.source == "tabriz"})
        ]
        seen, cursor = [], None
        while True:
            page = store.search(replace(request, cursor=cursor))
            seen += [h.url for h in page.hits]
            cursor = page.next_cursor
            if cursor is None:
                break
        assert seen == wanted, request
    # the index serving the filter gives the order: no sort of every match
    request = SearchRequest(q="نشست", cities=["شیراز"], sort="date")
    where, params = sqlite_store.where_clause(article_filters(request), "a.")
    with store._reading() as db:
        statements: list[str] = []
        db.set_trace_callback(statements.append)
        clause, args = sqlite_store._matching_clause(where, params, '"نشست"', None)
        store._page_by_date(db, clause, args, None, 20)
        db.set_trace_callback(None)
        plan = " ".join(row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {statements[0]}"))
    assert "INDEX articles_by_city" in plan and "B-TREE FOR ORDER BY" not in plan, plan
    store.close()


def test_the_words_of_a_search_match_its_text_never_its_city_or_outlet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "p.db"
    store = SQLiteStore(path)
    extra = [
        make("https://p/1", "خبر تازه", "نشست شورا درباره پسماند.", 3, city="اسلام‌شهر"),
        make("https://p/2", "مشهد", "نشست شورا در مشهد.", 4, source="isfahan.ir", city="قم"),
        make("https://p/3", "خبر", "پسماند شهری.", 5, city=None, source="tabriz"),
        make("https://p/4", "خبر", "نشست شورا.", 6, city="_"),  # nothing unicode61 indexes
    ]
    store.upsert(CORPUS + _MORE + _scattered(20) + extra)
    # a city's or an outlet's name in a query is looked for in the text only
    assert "https://p/1" not in {h.url for h in store.search(SearchRequest(q="شهر")).hits}
    assert [h.url for h in store.search(SearchRequest(q="isfahan")).hits] == []
    kept = store.search(SearchRequest(q="پسماند -شهر", cities=["اسلام‌شهر"]))
    assert [h.url for h in kept.hits] == ["https://p/1"]

    requests = [
        SearchRequest(q="نشست", cities=["شیراز", "تبریز"], facets=True),
        SearchRequest(q="پسماند", cities=["اسلام‌شهر"], sort="date"),
        SearchRequest(q="مشهد", sources=["isfahan.ir"], sort="date", facets=True),
        SearchRequest(q="نشست -پسماند", sources=["tabriz", "shirazcity"], size=3),
        SearchRequest(q='"شورای شهر"', cities=["مشهد", "تبریز"]),
        SearchRequest(q="شورا*", cities=["..."]),  # a value with no word: SQL alone decides
        SearchRequest(q="نشست", cities=["_"]),
    ]

    def answers() -> list[object]:
        pages = [store.search(r) for r in requests]
        coverage = [store.coverage(r).total for r in requests]
        return [(p.total, p.facets, [h.url for h in p.hits]) for p in pages] + coverage

    narrowed = answers()
    assert all(total for total, *_ in narrowed[:5]) and narrowed[6][0] == 1
    monkeypatch.setattr(sqlite_store, "places", lambda filters: "")  # SQL filters alone
    assert answers() == narrowed

    # updates that move an article to another city and outlet leave the index whole
    moved = make("https://p/1", "خبر تازه", "نشست دوم شورا درباره پسماند.", 3, city="قم")
    assert store.upsert([replace(moved, source="qom")]).updated == 1
    store.db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
    monkeypatch.undo()
    hits = store.search(SearchRequest(q="پسماند", cities=["قم"], sources=["qom"])).hits
    assert [h.url for h in hits] == ["https://p/1"]
    assert not store.search(SearchRequest(q="پسماند", cities=["اسلام‌شهر"])).hits
    store.close()


def test_a_store_whose_text_index_has_no_city_or_outlet_gets_them_on_opening(
    tmp_path: Path,
) -> None:
    path = tmp_path / "o.db"
    store = SQLiteStore(path)
    store.upsert(CORPUS + _MORE)
    request = SearchRequest(q="اجرای", cities=["شیراز"], facets=True)
    before = store.search(request)
    store.db.executescript(  # as a store made before: title and body only
        "DROP TABLE articles_fts; DROP VIEW articles_search; "
        "CREATE VIEW articles_search (ref, title, body) AS SELECT rowid, "
        "stored_search(data, 0), stored_search(data, 1) FROM article_data; "
        "CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, content='articles_search', "
        "content_rowid='ref', tokenize='unicode61 remove_diacritics 0'); "
        "INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');"
    )
    store.close()
    store = SQLiteStore(path)
    columns = [row[1] for row in store.db.execute("PRAGMA table_info(articles_fts)")]
    assert columns == ["title", "body", "city", "source"]
    store.db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
    after = store.search(request)
    assert [h.url for h in after.hits] == [h.url for h in before.hits] == ["https://b/1"]
    assert after.facets == before.facets
    store.close()


_DECIMALS = [
    make(
        "https://d/1",
        "مسیر دوچرخه یزد",
        "شهردار یزد گفت: طول مسیر دوچرخه‌سواری شهر به ۱۲٫۵ کیلومتر رسید.",
        5,
        source="yazd.ir",
        city="یزد",
    ),
    make(
        "https://d/2",
        "خط ۵ قطار شهری",
        "مدیرعامل قطار شهری گفت: ۱۲ کیلومتر از خط ۵ قطار شهری آماده بهره‌برداری است.",
        6,
        source="yazd.ir",
        city="یزد",
    ),
]


def test_a_metric_lookup_reads_a_decimal_as_one_word_and_an_underscore_as_a_space(
    tmp_path: Path,
) -> None:
    store = SQLiteStore(tmp_path / "d.db")
    store.upsert(_DECIMALS)
    bike = {m for m, _ in store.metrics("دوچرخه")}
    rail = {m for m, _ in store.metrics("قطار")}
    assert bike and rail and not bike & rail
    # the number as written, in either script: the bike path's figure only
    assert {m for m, _ in store.metrics("12.5")} == bike
    assert {m for m, _ in store.metrics("۱۲٫۵")} == bike
    assert {m for m, _ in store.metrics("12.5 قطار")} == set()
    # "12" starts both numbers: both figures
    assert {m for m, _ in store.metrics("12 کیلومتر")} == bike | rail
    # an underscore splits a word as the index does; the lookup never fails
    assert store.metrics("قطار_شهری") == store.metrics("قطار شهری")
    assert store.metrics("_") == store.metrics("")
    store.close()


def test_a_store_whose_figure_index_keeps_positions_gets_the_smaller_one_on_opening(
    tmp_path: Path,
) -> None:
    path = tmp_path / "f.db"
    store = SQLiteStore(path)
    store.upsert(CORPUS + _MORE + _DECIMALS)
    words = ("بوستان", "دفتر توسعه", "12.5", "کیلومتر")
    before = [store.metrics(w) for w in words]
    store.db.executescript(  # as a store made before: positions and sizes kept
        "DROP TABLE figures_fts; CREATE VIRTUAL TABLE figures_fts USING fts5(search, "
        "content='figures_search', content_rowid='ref', "
        "tokenize='unicode61 remove_diacritics 0'); "
        "INSERT INTO figures_fts (figures_fts) VALUES ('rebuild');"
    )
    store.close()
    store = SQLiteStore(path)
    query = "SELECT sql FROM sqlite_master WHERE name = 'figures_fts'"
    assert "detail=none" in store.db.execute(query).fetchone()[0]
    names = {n for (n,) in store.db.execute("SELECT name FROM sqlite_master")}
    assert "figures_fts_docsize" not in names
    store.db.execute("INSERT INTO figures_fts (figures_fts, rank) VALUES ('integrity-check', 1)")
    assert [store.metrics(w) for w in words] == before
    assert all(before)
    store.close()
