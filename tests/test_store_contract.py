"""The store contract: every test runs against SQLite and a real Elasticsearch node."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import jdatetime
import pytest

from rasad.index import Store
from rasad.index.models import Article, FigureQuery, SearchRequest
from rasad.index.query import QueryError
from tests.corpus import CORPUS, make


@pytest.fixture
def loaded(store: Store) -> Store:
    report = store.upsert(CORPUS)
    assert (report.new, report.updated, report.unchanged) == (5, 0, 0)
    return store


def ids(page) -> list[str]:
    return [h.url for h in page.hits]


def test_upsert_is_idempotent(loaded: Store) -> None:
    again = loaded.upsert(CORPUS)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 5)
    assert loaded.search(SearchRequest(size=100)).total == 5
    assert sum(loaded.source_counts().values()) == 5


def test_update_replaces_figures_together(loaded: Store) -> None:
    changed = make(
        "https://a/3",
        "خط ۴ مترو",
        "شهردار تهران گفت: ۴۰ دستگاه واگن وارد شد.",
        3,
        source="hamshahri",
        city="تهران",
    )
    report = loaded.upsert([changed])
    assert (report.new, report.updated) == (0, 1)
    rows = loaded.figures(FigureQuery(source="hamshahri")).figures
    assert [(r["value"], r["unit"]) for r in rows] == [(40, "دستگاه")]
    assert loaded.get(changed.id).body == changed.body


def test_known(loaded: Store) -> None:
    known = loaded.known(["https://a/1", "https://a/4", "https://new/1"])
    assert known == {"https://a/1": CORPUS[0].content_hash, "https://a/4": CORPUS[3].content_hash}
    assert loaded.known([]) == {}


def test_find_story(loaded: Store) -> None:
    extra = " و این جمله‌ای است که فقط در این نسخه آمده است و در متن اصلی نبود."
    copy = make("https://other/9", "تیتر دیگر", CORPUS[0].body + extra, 6, source="mashhad.ir")
    assert loaded.find_story(copy.fingerprints, copy.id) == CORPUS[0].id
    assert loaded.find_story(CORPUS[0].fingerprints, CORPUS[0].id) is None  # not itself
    assert loaded.find_story(CORPUS[3].fingerprints, CORPUS[3].id) is None
    assert loaded.find_story([], "") is None


def test_find_story_prefers_most_shared_then_earliest(store: Store) -> None:
    """Both backends choose the same stored copy: most fingerprints shared, then the
    earliest published, then the smallest id."""
    sentences = [
        "شهردار منطقه از آغاز بازآفرینی بافت فرسوده محله سعدی در هفته آینده خبر داد.",
        "ساکنان محله در نشست شورای محلی نگرانی خود را از کمبود پارکینگ بیان کردند.",
        "پیمانکار طرح باید تا پایان تابستان دیوارهای فرسوده کوچه‌های اصلی را نوسازی کند.",
        "اعتبار این طرح از محل عوارض نوسازی و کمک‌های دولتی تامین شده است.",
        "کارشناسان میراث فرهنگی خواستار حفظ نمای خانه‌های قدیمی کوچه باغ شدند.",
    ]
    late_full = make("https://s/late", "کامل", " ".join(sentences), 9)
    early_part = make("https://s/early", "بخشی", " ".join(sentences[:3]), 2)
    earlier_part = make("https://s/earlier", "بخشی دیگر", " ".join(sentences[1:4]), 1)
    for article, story in ((late_full, "A"), (early_part, "B"), (earlier_part, "C")):
        article.story_id = story
    store.upsert([late_full, early_part, earlier_part])
    new = make("https://s/new", "تازه", " ".join(sentences), 12)
    assert store.find_story(new.fingerprints, new.id) == "A"  # shares all five prints
    trimmed = make("https://s/trim", "کوتاه", " ".join(sentences[1:3]), 12)
    assert store.find_story(trimmed.fingerprints, trimmed.id) == "C"  # ties: earliest wins


def test_get(loaded: Store) -> None:
    article = loaded.get(CORPUS[0].id)
    assert article is not None
    assert article.title == CORPUS[0].title
    assert article.published == CORPUS[0].published
    assert article.figures == CORPUS[0].figures
    assert loaded.get("no-such-id") is None


@pytest.mark.parametrize("query", ["شده اند", "شده‌اند", "شدهاند"])
def test_zwnj_forms_find_each_other(loaded: Store, query: str) -> None:
    assert sorted(ids(loaded.search(SearchRequest(q=query)))) == [
        "https://a/1",
        "https://a/2",
        "https://a/3",
    ]


def test_arabic_letters_and_digits(loaded: Store) -> None:
    assert ids(loaded.search(SearchRequest(q="بازآفريني"))) == ["https://a/4"]
    assert ids(loaded.search(SearchRequest(q="اين گزارش"))) == ["https://a/4"]
    for q in ("۲۸", "28", "٢٨"):
        assert sorted(ids(loaded.search(SearchRequest(q=q)))) == ["https://a/1", "https://a/3"]


def test_phrase_and_operators(loaded: Store) -> None:
    assert sorted(ids(loaded.search(SearchRequest(q='"دفتر توسعه محله"')))) == [
        "https://a/1",
        "https://a/5",
    ]
    assert ids(loaded.search(SearchRequest(q='"محله توسعه دفتر"'))) == []
    assert sorted(ids(loaded.search(SearchRequest(q="بوستان OR واگن")))) == [
        "https://a/2",
        "https://a/3",
    ]
    assert sorted(ids(loaded.search(SearchRequest(q="شهردار AND مشهد")))) == ["https://a/2"]
    assert sorted(ids(loaded.search(SearchRequest(q="گفت -مشهد")))) == ["https://a/3"]
    assert sorted(ids(loaded.search(SearchRequest(q="گفت NOT مشهد")))) == ["https://a/3"]
    assert sorted(ids(loaded.search(SearchRequest(q="(بوستان OR واگن) تهران")))) == ["https://a/3"]


def test_prefix(loaded: Store) -> None:
    assert sorted(ids(loaded.search(SearchRequest(q="بازآفرین*")))) == ["https://a/4"]
    assert sorted(ids(loaded.search(SearchRequest(q="بوستان*")))) == ["https://a/2"]


def test_filters_sort_and_facets(loaded: Store) -> None:
    page = loaded.search(SearchRequest(q="", sort="date", facets=True))
    assert loaded.search(SearchRequest(q="")).facets == {}
    assert ids(page) == ["https://a/5", "https://a/4", "https://a/3", "https://a/2", "https://a/1"]
    assert page.facets["source"] == {"shahraranews": 3, "hamshahri": 1, "isfahan.ir": 1}
    assert page.facets["city"] == {"مشهد": 3, "تهران": 1, "اصفهان": 1}
    assert page.facets["kind"]["count"] == 4
    window = SearchRequest(
        date_from=datetime(2024, 1, 2, tzinfo=UTC),
        date_to=datetime(2024, 1, 4, 23, tzinfo=UTC),
        sort="date",
    )
    assert ids(loaded.search(window)) == ["https://a/4", "https://a/3", "https://a/2"]
    tehran = ZoneInfo("Asia/Tehran")  # 08:00 UTC is 11:30 in Tehran: bounds in any zone
    window = SearchRequest(
        date_from=datetime(2024, 1, 2, 11, 30, tzinfo=tehran),
        date_to=datetime(2024, 1, 3, 11, 30, tzinfo=tehran),
        sort="date",
    )
    assert ids(loaded.search(window)) == ["https://a/3", "https://a/2"]
    assert ids(loaded.search(SearchRequest(sources=["hamshahri"]))) == ["https://a/3"]
    assert ids(loaded.search(SearchRequest(cities=["اصفهان"]))) == ["https://a/4"]
    assert ids(loaded.search(SearchRequest(kinds=["money"]))) == ["https://a/4"]
    by_date = loaded.search(SearchRequest(q="مشهد", sort="date"))
    assert ids(by_date) == ["https://a/5", "https://a/2", "https://a/1"]


@pytest.mark.parametrize("q", ["", "گفت"])
def test_cursor_paging_visits_everything_once(loaded: Store, q: str) -> None:
    for sort in ("relevance", "date"):
        seen, cursor = [], None
        while True:
            page = loaded.search(SearchRequest(q=q, sort=sort, size=2, cursor=cursor))
            seen += ids(page)
            cursor = page.next_cursor
            if cursor is None:
                break
        assert len(seen) == len(set(seen)) == page.total


def test_highlights_mark_original_words_and_escape_html(store: Store) -> None:
    evil = make(
        "https://a/9",
        "<b>بوستان</b> & پارک",
        "<script>alert(1)</script> شهردار گفت بوستان‌ها شده‌اند.",
        5,
    )
    store.upsert([evil])
    hit = store.search(SearchRequest(q="بوستان")).hits[0]
    assert "<script>" not in hit.snippet_html and "&lt;script&gt;" in hit.snippet_html
    assert hit.title_html.startswith("&lt;b&gt;<mark>بوستان</mark>&lt;/b&gt; &amp;")
    hit = store.search(SearchRequest(q="شده اند")).hits[0]
    assert "<mark>شده‌اند</mark>" in hit.snippet_html


def test_figure_queries(loaded: Store) -> None:
    by_kind = loaded.figures(FigureQuery(kind="money"))
    assert [(r["value"], r["unit"], r["source"]) for r in by_kind.figures] == [
        (350_000_000_000, "ریال", "isfahan.ir")
    ]
    assert loaded.figures(FigureQuery(unit="درصد")).total == 1
    assert loaded.figures(FigureQuery(city="تهران")).total == 2
    assert {r["speaker"] for r in loaded.figures(FigureQuery(source="hamshahri")).figures} == {
        "شهردار تهران"
    }
    assert loaded.figures(FigureQuery(speaker="فرماندار مشهد")).total == 4
    dated = loaded.figures(FigureQuery(date_from=datetime(2024, 1, 10, tzinfo=UTC)))
    assert [r["value"] for r in dated.figures] == [30, 30]
    texts = loaded.figures(FigureQuery(text="دفتر توسعه"))
    assert {r["value"] for r in texts.figures} == {28, 30}
    seen, cursor = [], None
    while True:
        page = loaded.figures(FigureQuery(size=3, cursor=cursor))
        seen += [r["id"] for r in page.figures]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == page.total


def test_metrics_and_series(loaded: Store) -> None:
    metrics = dict(loaded.metrics("دفتر توسعه محله"))
    key = "دفتر توسعه محله | دفتر | مشهد"
    assert metrics[key] == 2  # two reports; each article restates its figure (4 mentions)
    assert dict(loaded.metrics("دفاتر"))[key] == 2  # a plural finds the key
    assert dict(loaded.metrics("دفترها مشه"))[key] == 2  # and a word's start
    assert key not in dict(loaded.metrics("فتر"))  # but not the middle of a word
    series = loaded.series(key, "month")
    assert [b.start.isoformat() for b in series.buckets] == ["2023-12-22"]  # 1 Dey 1402
    # reports, not mentions: each article states its figure in title and body, once counted
    assert series.buckets[0].values == [28, 30]
    assert series.buckets[0].conflict  # one outlet, 28 and then 30 on another day
    weekly = loaded.series(key, "week")
    assert [(b.start.isoformat(), b.conflict) for b in weekly.buckets] == [
        ("2023-12-30", False),  # weeks start on Saturday
        ("2024-01-20", False),
    ]
    # the newest reports are listed whole; every report still counts in its bucket
    listed = loaded.series(key, "month", listed=1)
    [report] = listed.reports
    assert report["url"] == "https://a/5" and "۳۰ دفتر" in report["sentence"]
    assert [b.points for b in listed.buckets] == [[]] and listed.buckets[0].values == [28, 30]
    assert sorted(v for values in listed.buckets[0].outlets.values() for v in values) == [28, 30]
    oldest = loaded.series(key, "week", listed=None).buckets[0].points[0]
    assert oldest["url"] == "https://a/1" and "۲۸ دفتر" in oldest["sentence"]


def test_conflicts_are_between_outlets_or_days(store: Store) -> None:
    same_day = [
        make("https://c/1", "گزارش اول", "شهرداری گفت: ۱۲ بوستان ساخته شد.", 5, source="x"),
        make("https://c/2", "گزارش دوم", "شهرداری گفت: ۱۴ بوستان ساخته شد.", 5, source="x"),
    ]
    store.upsert(same_day)
    key = same_day[0].figures[0].metric
    assert key == same_day[1].figures[0].metric
    [bucket] = store.series(key, "day").buckets
    assert sorted(bucket.values) == [12, 14] and not bucket.conflict  # one outlet, one day
    other = make("https://d/1", "گزارش سوم", "شهرداری گفت: ۱۵ بوستان ساخته شد.", 5, source="y")
    store.upsert([other])
    [bucket] = store.series(key, "day").buckets
    assert bucket.conflict  # another outlet, another value, the same day


def test_health(loaded: Store) -> None:
    health = loaded.health()
    assert health["ok"] is True
    assert (health["articles"], health["figures"]) == (5, 8)


@pytest.mark.parametrize(
    "bad",
    [
        '"بدون پایان',
        "(مترو",
        "مترو)",
        "-تهران",
        "NOT",
        "ب*",
        "مترو OR",
        "مترو OR OR تهران",
        "x" * 2000,
        " ".join(f"w{i}" for i in range(80)),
        "(" * 330 + "مترو" + ")" * 330,  # deep nesting within the length limit
        "(" * 9 + "مترو" + ")" * 9,
        "NOT " * 120 + "مترو",
        " OR ".join(["مترو"] * 200),
    ],
)
def test_malformed_queries_are_clear_errors(loaded: Store, bad: str) -> None:
    with pytest.raises(QueryError) as err:
        loaded.search(SearchRequest(q=bad))
    assert str(err.value)


@pytest.mark.parametrize(
    "odd",
    [
        "title:مترو",
        "*:*",
        "NEAR(مترو تهران)",
        "مترو^3",
        "{}[]<>",
        "a AND",
        "'; DROP TABLE articles; --",
        "مترو " + "-" * 300 + "تهران",  # a long operator run is one excluded word
    ],
)
def test_backend_syntax_is_just_text(loaded: Store, odd: str) -> None:
    page = loaded.search(SearchRequest(q=odd))  # never a backend error
    assert page.total >= 0


def test_nesting_within_the_limit_and_excluded_words_with_digits(loaded: Store) -> None:
    nested = "(" * 8 + "بوستان OR واگن" + ")" * 8
    assert sorted(ids(loaded.search(SearchRequest(q=nested)))) == ["https://a/2", "https://a/3"]
    assert sorted(ids(loaded.search(SearchRequest(q="گفت -abc1")))) == [
        "https://a/1",
        "https://a/2",
        "https://a/3",
        "https://a/5",
    ]
    assert ids(loaded.search(SearchRequest(q="واگن -خط۴"))) == []  # خط ۴ is in the title


def test_tampered_cursor(loaded: Store) -> None:
    with pytest.raises(QueryError):
        loaded.search(SearchRequest(cursor="bm90LWpzb24"))


def test_story_coverage(loaded: Store) -> None:
    extra = " و این جمله‌ای است که فقط در این نسخه آمده است و در متن اصلی نبود."
    copy = make("https://other/9", "تیتر دیگر", CORPUS[0].body + extra, 6, source="mashhad.ir")
    copy.story_id = CORPUS[0].id
    same_outlet = make("https://a/99", "باز همان خبر", CORPUS[0].body, 7)
    same_outlet.story_id = CORPUS[0].id
    loaded.upsert([copy, same_outlet])
    assert loaded.story_outlets([CORPUS[0].id, "no-such-story"]) == {CORPUS[0].id: 2}
    assert loaded.story_outlets([]) == {}
    copies = loaded.search(SearchRequest(story_id=CORPUS[0].id, sort="date"))
    assert [h.url for h in copies.hits] == ["https://a/99", "https://other/9"]


def test_indexed_after_finds_only_what_was_written_later(loaded: Store) -> None:
    stamp = loaded.get(CORPUS[0].id).indexed_at
    assert stamp is not None
    later = make("https://a/6", "افتتاح ۳۲ دفتر توسعه محله", "فرماندار مشهد گفت: ۳۲ دفتر.", 21)
    loaded.upsert([later])
    fresh = loaded.search(SearchRequest(q="دفتر", indexed_after=stamp))
    assert [h.url for h in fresh.hits] == ["https://a/6"]
    loaded.upsert(CORPUS)  # unchanged articles keep their time
    assert loaded.search(SearchRequest(indexed_after=stamp)).total == 1


def test_iter_articles(loaded: Store) -> None:
    urls = sorted(a.url for a in loaded.iter_articles(batch=2))
    assert urls == sorted(a.url for a in CORPUS)


def test_state_documents(store: Store) -> None:
    assert store.states("saved_search") == []
    store.put_state("saved_search", "b", {"name": "دوم"})
    store.put_state("saved_search", "a", {"name": "اول"})
    store.put_state("notification", "a", {"n": 1})
    store.put_state("saved_search", "b", {"name": "دوم، ویرایش‌شده"})  # replaced in place
    assert store.states("saved_search") == [{"name": "دوم، ویرایش‌شده"}, {"name": "اول"}]
    assert store.get_state("saved_search", "a") == {"name": "اول"}
    assert store.get_state("notification", "b") is None  # keys are per collection
    assert store.delete_state("saved_search", "b") is True
    assert store.delete_state("saved_search", "b") is False
    assert store.states("saved_search") == [{"name": "اول"}]
    assert store.states("notification") == [{"n": 1}]


def test_a_sum_beyond_64_bits_is_kept(store: Store) -> None:
    """Money in rial can pass 2**63: written and read back exactly on every backend."""
    big = make("https://big/1", "بودجه", "بودجه کل ۹۰۰۰۰۰۰۰۰۰ میلیارد تومان است.", 3)
    assert big.figures and big.figures[0].value_rial > 2**63
    store.upsert([big])
    assert store.get(big.id).figures[0].value_rial == big.figures[0].value_rial


def test_a_word_finds_its_inflected_forms(store: Store) -> None:
    """Plural, ezafe and possessive endings, glued or after a ZWNJ, and broken plurals, on
    every backend; a quoted phrase stays exact, and a different word (nor a compound that
    begins with the word) is not a form."""
    articles = [
        make("https://w/1", "گزارش یک", "دفترهای تازه در شهر باز شد.", 3),
        make("https://w/2", "گزارش دو", "دفاتر محله تعطیل نیستند.", 4),
        make("https://w/3", "گزارش سه", "مدیر دفترش را به محله برد.", 5),
        make("https://w/4", "گزارش چهار", "یک دفتر تازه در محله باز شد.", 6),
        make("https://w/5", "گزارش پنج", "منطقه‌ای در شمال و مناطق دیگر.", 7),
        make("https://w/6", "گزارش شش", "باران تند در شهر بارید.", 8),
        make("https://w/7", "گزارش هفت", "این بار هم کامیون بار آورد.", 9),
        make("https://w/8", "گزارش هشت", "بهره‌برداری از پل آغاز شد.", 10),
        make("https://w/9", "گزارش نه", "بهره وام کم شد.", 11),
        make("https://w/10", "گزارش ده", "بهره‌برداری‌های تازه در راه است.", 12),
    ]
    store.upsert(articles)
    refresh = getattr(store, "refresh_now", None)
    if refresh:
        refresh()

    def urls(q: str) -> set[str]:
        return {h.url for h in store.search(SearchRequest(q=q, size=50)).hits}

    every_office = {"https://w/1", "https://w/2", "https://w/3", "https://w/4"}
    assert urls("دفتر") == every_office
    assert urls("دفترها") == every_office  # a plural finds the singular too
    assert urls("دفاتر") == every_office  # and a broken plural
    assert urls("مناطق") == {"https://w/5"} == urls("منطقه")
    assert urls('"دفتر تازه"') == {"https://w/4"}  # a phrase is the words as written
    assert urls('"دفترها"') == set() and urls('"دفترهای"') == {"https://w/1"}  # and a word
    assert urls("بار") == {"https://w/7"}  # باران is a word of its own
    # a compound's forms are its own, not its first half's, and the reverse
    assert urls("بهره‌برداری") == {"https://w/8", "https://w/10"} == urls("بهرهبرداری")
    assert urls("بهره") == {"https://w/9"}
    assert urls("دفتر -مدیر") == {"https://w/1", "https://w/2", "https://w/4"}
    assert urls("دفتر -دفاتر") == set()  # excluding a word excludes its forms
    [hit] = store.search(SearchRequest(q="دفتر", size=50, sort="date")).hits[-1:]
    first = store.search(SearchRequest(q="دفتر", size=50)).hits
    marked = {h.url: h.snippet.html() for h in first}
    assert "<mark>دفترهای</mark>" in marked["https://w/1"]  # the form is highlighted
    assert "<mark>دفاتر</mark>" in marked["https://w/2"]
    assert hit.url == "https://w/1"


def test_a_verb_finds_its_other_forms_only_where_the_reading_is_certain(store: Store) -> None:
    store.upsert(
        [
            make("https://v/1", "یک", "شهرداری امسال ۳۰ مدرسه ساختند.", 3),
            make("https://v/2", "دو", "شهرداری سال آینده ده مدرسه می‌سازد.", 4),
            make("https://v/3", "سه", "خیرین مدرسه‌ها را ساخته‌اند.", 5),
            make("https://v/4", "چهار", "ساخت مدرسه در محله آغاز شد.", 6),  # a noun
            make("https://v/5", "پنج", "پیمانکاران مدرسه را نساختند.", 7),  # another fact
        ]
    )
    refresh = getattr(store, "refresh_now", None)
    if refresh:
        refresh()

    def urls(q: str) -> set[str]:
        return {h.url for h in store.search(SearchRequest(q=q, size=50)).hits}

    built = {"https://v/1", "https://v/2", "https://v/3"}
    assert urls("ساختند") == built == urls("میسازد") == urls("می‌سازند")
    assert urls('"ساختند"') == {"https://v/1"}  # quoted: as written
    assert urls("ساخت") == {"https://v/4"}  # the noun is not a verb's form, nor the reverse
    hit = next(h for h in store.search(SearchRequest(q="ساختند")).hits if h.url == "https://v/2")
    assert "<mark>می‌سازد</mark>" in hit.snippet.html()


def test_the_word_as_written_ranks_above_its_forms(store: Store) -> None:
    """Two articles alike but for the form: the written one first, on every backend
    (stored second, so a tie would put it last)."""
    store.upsert(
        [
            make("https://r/1", "دفترهای محله", "خبر کوتاه از محله.", 3),
            make("https://r/2", "دفتر محله", "خبر کوتاه از محله.", 4),
        ]
    )
    refresh = getattr(store, "refresh_now", None)
    if refresh:
        refresh()
    for q in ("دفتر", "دفتر محله"):
        assert [h.url for h in store.search(SearchRequest(q=q)).hits] == [
            "https://r/2",
            "https://r/1",
        ], q
    assert store.search(SearchRequest(q="دفترهای")).hits[0].url == "https://r/1"


def _at(url: str, moment: datetime | None, source: str, body: str, story: str | None = None):
    return Article(url=url, source=source, title=url, body=body, published=moment, story_id=story)


def test_coverage_counts_tehran_days_weeks_and_months(store: Store) -> None:
    """Days are Tehran's, at the offset in force then (+4:30 in the summers to 2022)."""
    word = "کتابخانه محله گشایش یافت"
    store.upsert(
        [
            # 2021-06-01 19:45 UTC is 00:15 on 2 June in Tehran (summer time)
            _at("https://c/1", datetime(2021, 6, 1, 19, 45, tzinfo=UTC), "a", word),
            # 2024-06-01 19:45 UTC is 23:15 on 1 June (no summer time since 2022)
            _at("https://c/2", datetime(2024, 6, 1, 19, 45, tzinfo=UTC), "a", word),
            _at("https://c/3", datetime(2024, 6, 3, 6, tzinfo=UTC), "b", word),
            _at("https://c/4", datetime(2024, 6, 3, 7, tzinfo=UTC), "b", word),
            _at("https://c/5", None, "c", word),
            _at("https://c/6", datetime(2024, 6, 2, 8, tzinfo=UTC), "a", "خبری دیگر"),
        ]
    )
    june = SearchRequest(q="کتابخانه", date_from=datetime(2024, 5, 1, tzinfo=UTC))
    days = store.coverage(june, "day")
    assert days.total == 3 and days.undated == 0
    assert [(d.isoformat(), n) for d, n in days.buckets] == [
        ("2024-06-01", 1),
        ("2024-06-02", 0),  # a day with no match is a gap, not left out
        ("2024-06-03", 2),
    ]
    assert days.outlets == [("b", 2), ("a", 1)]
    everything = store.coverage(SearchRequest(q="کتابخانه"), "month")
    assert everything.total == 5 and everything.undated == 1
    assert everything.buckets[0] == (date(2021, 5, 22), 1)  # 1 Khordad 1400 holds 2 June
    assert everything.buckets[-1] == (date(2024, 5, 21), 3)  # 1 Khordad 1403
    assert len(everything.buckets) == 37  # every Jalali month between, empty ones too
    weeks = store.coverage(june, "week")
    assert weeks.buckets == [(date(2024, 6, 1), 3)]  # a Saturday: its week holds all three
    assert store.coverage(SearchRequest(q="ناموجود"), "day").buckets == []


def test_coverage_lists_stories_with_every_outlet_and_delay(store: Store) -> None:
    release = "شهرداری مشهد از گشایش کتابخانه محله سعدی خبر داد و گفت کار ساخت دو سال طول کشید."
    start = datetime(2024, 6, 3, 6, tzinfo=UTC)
    store.upsert(
        [
            _at("https://s/1", start, "a", release, story="S"),
            _at("https://s/2", start + timedelta(minutes=90), "b", release, story="S"),
            # a trimmed copy without the searched word still ran the story
            _at("https://s/3", start + timedelta(hours=5), "c", "شهرداری مشهد خبر داد.", "S"),
            _at("https://s/4", start + timedelta(hours=6), "b", release, story="S"),
            # one outlet's two copies: not a story across outlets
            _at("https://t/1", start, "a", "کتابخانه مرکزی تعطیل شد.", story="T"),
            _at("https://t/2", start + timedelta(hours=1), "a", "کتابخانه مرکزی تعطیل شد.", "T"),
        ]
    )
    found = store.coverage(SearchRequest(q="کتابخانه"), "day")
    assert [run.story_id for run in found.stories] == ["S"]
    run = found.stories[0]
    assert run.matching == 3 and len(run.copies) == 4 and run.title == "https://s/1"
    assert [(c.source, c.delay) for c in run.outlets] == [
        ("a", timedelta(0)),
        ("b", timedelta(minutes=90)),
        ("c", timedelta(hours=5)),
    ]
    assert store.story_runs(["T", "none"])["T"].copies[1].delay == timedelta(hours=1)
    assert "none" not in store.story_runs(["none"])


def _reported(day: datetime, source: str, parks: int) -> Article:
    text = f"شهرداری گفت: {parks} بوستان ساخته شد."
    url = f"https://{source}/{day.isoformat()}"
    return replace(make(url, "بوستان", text, 1, source=source), published=day)


def test_series_buckets_count_every_report_and_list_the_first(store: Store) -> None:
    """The engine's buckets agree with the reports counted here by hand: a daily series
    over more days than one page of buckets, Jalali months by the day in Tehran (21:00
    UTC is already the next day there), each outlet's values in the order reported."""
    start = datetime(2024, 1, 1, 8, tzinfo=UTC)
    reports = [_reported(start + timedelta(days=i), "xy"[i % 2], 10 + i % 3) for i in range(120)]
    reports.append(_reported(datetime(2024, 3, 19, 21, tzinfo=UTC), "z", 99))  # 1 Farvardin
    store.upsert(reports)
    [key] = {a.figures[0].metric for a in reports}

    days = store.series(key, "day")
    assert len(days.buckets) == 120  # 1 Farvardin has two reports, from x and from z
    assert [b.start for b in days.buckets if b.count == 2] == [date(2024, 3, 20)]
    assert [b.count == 2 for b in days.buckets] == [b.conflict for b in days.buckets]

    tehran = ZoneInfo("Asia/Tehran")
    expected: dict[date, list[Article]] = {}
    for article in reports:
        local = article.published.astimezone(tehran).date()
        first = jdatetime.date.fromgregorian(date=local).replace(day=1).togregorian()
        expected.setdefault(first, []).append(article)
    months = store.series(key, "month", listed=2)
    assert [b.start for b in months.buckets] == sorted(expected)
    assert months.buckets[3].start == date(2024, 3, 20)  # 1 Farvardin 1403
    for bucket in months.buckets:
        mine = sorted(expected[bucket.start], key=lambda a: a.published)
        values = [a.figures[0].value for a in mine]
        assert bucket.count == len(mine)
        assert (bucket.low, bucket.high, bucket.values) == (
            min(values),
            max(values),
            sorted(set(values)),
        )
        outlets: dict[str, list[float]] = {}
        for article, value in zip(mine, values, strict=True):
            if value not in outlets.setdefault(article.source, []):
                outlets[article.source].append(value)
        assert bucket.outlets == outlets and list(bucket.outlets) == list(outlets)
        assert bucket.conflict and not bucket.points
    newest = sorted(reports, key=lambda a: (a.published, a.url), reverse=True)
    assert [p["url"] for p in months.reports] == [a.url for a in newest[:2]]
    [farvardin] = store.series(
        key, "month", datetime(2024, 3, 19, 12, tzinfo=UTC), datetime(2024, 4, 1, tzinfo=UTC)
    ).buckets
    assert farvardin.outlets["z"] == [99] and farvardin.start == date(2024, 3, 20)
    everything = store.series(key, "week", listed=None)
    assert (
        sum(len(b.points) for b in everything.buckets)
        == sum(b.count for b in everything.buckets)
        == 121
    )


def _parks(day: int, source: str, parks: int, url: str | None = None) -> Article:
    moment = datetime(2024, 1, 1, 8, tzinfo=UTC) + timedelta(days=day)
    text = f"شهرداری مشهد گفت: {parks} بوستان ساخته شد."
    article = make(url or f"https://{source}/{day}-{parks}", "بوستان", text, 1, source=source)
    return replace(article, published=moment)


def test_a_rolled_up_series_agrees_with_one_grouped_on_request(store: Store) -> None:
    """A plain metric's series is kept rolled up by the backend, regrouped where writes
    touch it; with dates it is grouped on request.  The two agree through new reports and
    a replaced article that moves from one bucket to another."""
    store.upsert([_parks(i, "xy"[i % 2], 10 + i % 4) for i in range(90)])
    [(key, _)] = store.metrics("بوستان")
    every_day = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))

    def agree() -> list[int]:
        for interval in ("day", "week", "month"):
            rolled = store.series(key, interval, listed=0).buckets
            assert rolled == store.series(key, interval, *every_day, listed=0).buckets
        return [b.count for b in store.series(key, "month", listed=0).buckets]

    assert agree() == [20, 30, 29, 11]  # Dey to Farvardin
    store.upsert([_parks(45, "z", 77)])  # one new report in Bahman
    store.upsert([_parks(60, "z", 5, url="https://y/3-13")])  # from Dey to Esfand, 13 → 5
    assert agree() == [20 - 1, 30 + 1, 29 + 1, 11]
    months = store.series(key, "month", listed=0).buckets
    assert months[1].outlets["z"] == [77] and months[2].outlets["z"] == [5]
