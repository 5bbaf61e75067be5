"""The HTTP API, against each backend, through FastAPI's test client (real app, real store)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from rasad.api import create_app
from rasad.index import Store
from rasad.index.saved import SavedSearches
from tests.auth import bearer
from tests.corpus import CORPUS, make

EXTRA = " و این جمله‌ای است که فقط در این نسخه آمده است و در متن اصلی نبود."


def _corpus() -> list:
    copy = make("https://other/9", "تیتر دیگر", CORPUS[0].body + EXTRA, 6, source="mashhad.ir")
    copy.story_id = CORPUS[0].id
    evil = make(
        "https://evil/1",
        "<img src=x onerror=alert(1)> بوستان",
        "<script>alert(1)</script> شهردار گفت ۵ بوستان ساخته شد.",
        8,
    )
    originals = [make(a.url, a.title, a.body, a.published.day, a.source, a.city) for a in CORPUS]
    originals[0].story_id = CORPUS[0].id
    return [*originals, copy, evil]


@pytest.fixture
def client(store: Store) -> Iterator[TestClient]:
    store.upsert(_corpus())
    with TestClient(create_app(store), headers=bearer(store)) as c:
        c.store = store  # type: ignore[attr-defined]
        yield c


def test_search_hits_carry_highlights_coverage_and_facets(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": "دفتر توسعه", "facets": True}).json()
    assert body["total"] == 3
    by_url = {h["url"]: h for h in body["hits"]}
    first = by_url["https://a/1"]
    assert "<mark>دفتر</mark>" in first["title_html"]
    assert first["outlets"] == 2  # shahraranews and mashhad.ir carried it
    assert by_url["https://a/5"]["outlets"] == 1
    assert first["published_jalali"] == "1402/10/11 11:30"
    assert body["facets"]["source"] == {"shahraranews": 2, "mashhad.ir": 1}


def test_search_paging_and_sort(client: TestClient) -> None:
    seen, cursor = [], None
    while True:
        page = client.get(
            "/api/search", params={"sort": "date", "size": 2, "cursor": cursor}
        ).json()
        seen += [h["url"] for h in page["hits"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 7
    assert seen[0] == "https://a/5"  # newest first


def test_jalali_and_gregorian_dates_filter_alike(client: TestClient) -> None:
    jalali = client.get("/api/search", params={"from": "۱۴۰۲/۱۰/۱۲", "to": "1402-10-14"}).json()
    gregorian = client.get("/api/search", params={"from": "2024-01-02", "to": "2024-01-04"}).json()
    assert jalali["total"] == gregorian["total"] == 3
    words = client.get("/api/search", params={"from": "۱۲ دی ۱۴۰۲", "to": "۱۴ دی ۱۴۰۲"}).json()
    assert words["total"] == 3


@pytest.mark.parametrize(
    ("params", "status", "says"),
    [
        ({"q": '"بدون پایان'}, 400, "quotation"),
        ({"q": "(مترو"}, 400, "parenthesis"),
        ({"from": "1402-13-01"}, 422, "from"),
        ({"from": "2024-02-01", "to": "2024-01-01"}, 422, "swap"),
        ({"size": 1000}, 422, "size"),
        ({"sort": "random"}, 422, "sort"),
        ({"cursor": "bm90LWpzb24"}, 400, "cursor"),
        ({"q": "x" * 1001}, 422, "q"),
    ],
)
def test_bad_input_is_a_clear_4xx(client: TestClient, params: dict, status: int, says: str) -> None:
    response = client.get("/api/search", params=params)
    assert response.status_code == status
    assert says in response.json()["detail"]


def test_article_with_figures_spans_and_coverage(client: TestClient) -> None:
    article = client.get(f"/api/articles/{CORPUS[0].id}").json()
    assert [f["value"] for f in article["figures"]] == [28, 28]
    for fig in article["figures"]:
        assert article["text"][fig["start"] : fig["end"]] == fig["surface"]
    assert '<mark data-figure="0">۲۸ دفتر</mark>' in article["text_html"]
    # the story's timeline: first copy first, each with its outlet's name and delay
    timeline = [(c["outlet"], c["delay_minutes"]) for c in article["coverage"]]
    assert timeline == [("شهرآرانیوز", 0), ("شهرداری مشهد", 5 * 24 * 60)]
    missing = client.get("/api/articles/nope")
    assert missing.status_code == 404 and "nope" in missing.json()["detail"]


def test_coverage_of_a_search(client: TestClient) -> None:
    body = client.get("/api/coverage", params={"q": "دفتر توسعه", "interval": "day"}).json()
    assert body["total"] == 3 and body["undated"] == 0
    assert body["buckets"][0] == {"start": "2024-01-01", "start_jalali": "1402/10/11", "count": 1}
    assert sum(b["count"] for b in body["buckets"]) == 3
    assert len(body["buckets"]) == 20  # 1 to 20 January, quiet days as zeros
    assert body["outlets"][0] == {"source": "shahraranews", "outlet": "شهرآرانیوز", "count": 2}
    [story] = body["stories"]
    assert story["story_id"] == CORPUS[0].id and story["copies"] == 2
    assert [(o["source"], o["delay_minutes"]) for o in story["outlets"]] == [
        ("shahraranews", 0),
        ("mashhad.ir", 5 * 24 * 60),
    ]
    months = client.get("/api/coverage", params={"q": "دفتر توسعه", "interval": "month"}).json()
    assert [b["start_jalali"] for b in months["buckets"]] == ["1402/10/01"]
    bad = client.get("/api/coverage", params={"q": '"بسته نشده', "interval": "day"})
    assert bad.status_code == 400 and bad.json()["code"]


def test_crawled_html_is_escaped_everywhere(client: TestClient) -> None:
    hit = client.get("/api/search", params={"q": "بوستان"}).json()["hits"]
    evil = next(h for h in hit if h["url"] == "https://evil/1")
    assert evil["title_html"].startswith("&lt;img src=x onerror=alert(1)&gt; <mark>")
    assert "<script>" not in evil["snippet_html"]
    article = client.get(f"/api/articles/{evil['id']}").json()
    assert "<script>" not in article["text_html"] and "&lt;script&gt;" in article["text_html"]
    assert "<img" not in article["text_html"]


def test_figures_metrics_and_series(client: TestClient) -> None:
    figures = client.get("/api/figures", params={"kind": "money"}).json()
    assert [(f["value"], f["unit"], f["source"]) for f in figures["figures"]] == [
        (350_000_000_000, "ریال", "isfahan.ir")
    ]
    spoken = client.get("/api/figures", params={"speaker": "فرماندار مشهد", "to": "1402-10-20"})
    assert spoken.json()["total"] == 3  # a/1 in title and body, its copy in the body
    metrics = client.get("/api/metrics", params={"q": "دفتر توسعه محله مشهد"}).json()
    key = "دفتر توسعه محله | دفتر | مشهد"
    # reports, not mentions (5 mentions), and a name to read
    assert metrics[0] == {"metric": key, "label": "دفتر توسعه محله — مشهد (دفتر)", "count": 3}
    series = client.get("/api/series", params={"metric": key, "interval": "month"}).json()
    [bucket] = series["buckets"]
    assert bucket["start_jalali"] == "1402/10/01" and bucket["conflict"] is True
    # reports, not mentions: a/1 (title and body), its copy on mashhad.ir, a/5
    assert bucket["values"] == [28, 30] and bucket["count"] == 3 == len(series["reports"])
    assert bucket["outlets"] == {"shahraranews": [28, 30], "mashhad.ir": [28]}
    assert bucket["end"] == "2024-01-20"  # 30 Dey 1402: a bucket's reports are its dates'
    point = series["reports"][-1]  # newest first
    assert point["url"] == "https://a/1" and "۲۸ دفتر" in point["sentence"]
    first = client.get("/api/series", params={"metric": key, "points": 1}).json()["reports"]
    assert [p["url"] for p in first] == ["https://a/5"]
    dey = {"metric": key, "from": bucket["start"], "to": bucket["end"]}
    assert len(client.get("/api/series", params=dey).json()["reports"]) == 3
    weekly = client.get("/api/series", params={"metric": key, "interval": "week"}).json()
    assert [b["conflict"] for b in weekly["buckets"]] == [False, False, False]


def test_exports_stream_csv_and_jsonl(client: TestClient) -> None:
    response = client.get("/api/export/search", params={"q": "دفتر", "format": "csv"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # spreadsheets need the mark to read UTF-8
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 3 and rows[0]["title"] == "افتتاح ۳۰ دفتر توسعه محله در مشهد"
    assert rows[0]["published_jalali"].startswith("1402/10/30")
    assert rows[0]["outlet"] == "شهرآرانیوز"  # the display name beside the id
    assert "دفتر" in rows[0]["snippet"] and "<mark>" not in rows[0]["snippet"]  # plain text
    assert rows[0]["figures"].startswith("30 دفتر")  # each fact once, value unit subject
    assert sorted(r["outlets"] for r in rows) == ["1", "2", "2"]  # a/1 and its copy: 2
    money = client.get("/api/export/search", params={"q": "اعتبار"}).content.decode()
    assert "350000000000 ریال" in money  # whole numbers, not 3.5e+11
    lines = client.get("/api/export/figures", params={"format": "jsonl"}).text.splitlines()
    assert len(lines) == client.get("/api/figures").json()["total"]
    assert json.loads(lines[0])["unit"] and json.loads(lines[0])["outlet"]
    bad = client.get("/api/export/search", params={"q": "(مترو"})
    assert bad.status_code == 400


def test_saved_searches_and_what_is_new(client: TestClient) -> None:
    created = client.post("/api/saved-searches", json={"name": "دفترها", "q": "دفتر توسعه"})
    assert created.status_code == 201
    saved = created.json()
    assert saved["new"] == 0
    later = make("https://a/7", "افتتاح ۳۲ دفتر توسعه محله", "فرماندار مشهد گفت: ۳۲ دفتر.", 22)
    client.store.upsert([later])  # type: ignore[attr-defined]
    [listed] = client.get("/api/saved-searches").json()
    assert listed["new"] == 1
    new = client.get(f"/api/saved-searches/{saved['id']}/new").json()
    assert [h["url"] for h in new["hits"]] == ["https://a/7"]
    assert client.post(f"/api/saved-searches/{saved['id']}/seen").json()["new"] == 0
    assert client.delete(f"/api/saved-searches/{saved['id']}").status_code == 204
    assert client.delete(f"/api/saved-searches/{saved['id']}").status_code == 404
    assert client.get(f"/api/saved-searches/{saved['id']}/new").status_code == 404
    refused = client.post("/api/saved-searches", json={"name": "بد", "q": "(مترو"})
    assert refused.status_code == 400 and refused.json()["code"] == "bad_query"
    gone = client.get(f"/api/saved-searches/{saved['id']}/new")
    assert gone.json()["code"] == "not_found"
    bad_day = {"name": "بد", "q": "دفتر", "date_from": "1402-13-40"}
    assert client.post("/api/saved-searches", json=bad_day).status_code == 400


def test_a_saved_search_keeps_its_days_and_sort(client: TestClient) -> None:
    body = {"name": "دی", "q": "دفتر", "date_from": "1402-10-01", "date_to": "۱۴۰۲/۱۰/۲۰"}
    saved = client.post("/api/saved-searches", json=body | {"sort": "date"}).json()
    assert (saved["date_from"], saved["date_to"], saved["sort"]) == (
        "1402-10-01",
        "۱۴۰۲/۱۰/۲۰",
        "date",
    )
    after = make("https://a/8", "۳۳ دفتر توسعه محله", "فرماندار مشهد گفت: ۳۳ دفتر.", 25)
    within = make("https://a/9", "۳۱ دفتر توسعه محله", "فرماندار مشهد گفت: ۳۱ دفتر.", 5)
    client.store.upsert([after, within])  # type: ignore[attr-defined]
    new = client.get(f"/api/saved-searches/{saved['id']}/new").json()
    assert [h["url"] for h in new["hits"]] == ["https://a/9"]  # ۱۵ دی, not ۵ بهمن


def test_alerts_become_notifications(client: TestClient) -> None:
    store: Store = client.store  # type: ignore[attr-defined]
    saved = client.post("/api/saved-searches", json={"name": "مترو", "q": "واگن"}).json()
    assert SavedSearches(store).check() == []  # nothing new since it was saved
    store.upsert([make("https://a/8", "ورود ۱۰ واگن", "شهردار تهران: ۱۰ واگن رسید.", 23)])
    [note] = SavedSearches(store).check()
    assert note["article_id"] and note["search_name"] == "مترو"
    assert SavedSearches(store).check() == []  # each article alerts once
    listed = client.get("/api/notifications", params={"search_id": saved["id"]}).json()
    assert [n["url"] for n in listed] == ["https://a/8"]


def test_sources_and_health(client: TestClient) -> None:
    sources = {s["name"]: s for s in client.get("/api/sources").json()}
    assert sources["shahraranews"]["articles"] == 4 and sources["shahraranews"]["city"] == "مشهد"
    assert sources["mashhad.ir"]["site"] == "www.mashhad.ir"
    assert sources["shahraranews"]["title"] == "شهرآرانیوز"  # the display name
    assert sources["hamshahri"] == {
        "name": "hamshahri",
        "title": "hamshahri",  # a source the configuration does not know: its id
        "city": None,
        "site": None,
        "articles": 1,
        "state": "unknown",
        "reasons": ["never crawled"],
        "codes": ["never_crawled"],
        "crawls": [],
    }
    health = client.get("/api/health")
    assert health.status_code == 200 and health.json()["ok"] is True


def test_page_and_openapi_are_served(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and 'dir="rtl"' in page.text
    schema = client.get("/openapi.json").json()
    assert "/api/series" in schema["paths"] and "/api/export/figures" in schema["paths"]


def test_an_editor_adds_an_outlet_from_its_address(store: Store, tmp_path: Path) -> None:
    from rasad.config import Settings
    from rasad.crawler.demo_sites import serve, write_sources
    from rasad.crawler.sources import builtin_sources
    from tests.fixture_site import StyledSite

    sources = write_sources(list(builtin_sources().values()), tmp_path / "sources.yaml")
    settings = Settings.load(sources=sources, discover_private=True)  # a site on loopback
    editor_header = bearer(store)
    with (
        serve(StyledSite("hamshahrionline")) as base,
        TestClient(create_app(store, settings), headers=editor_header) as editor,
    ):
        added = editor.post("/api/sources", json={"url": f"{base}/", "name": "local-nastooh"})
        assert added.status_code == 201, added.text
        assert added.json()["added"] and added.json()["entry"]["cms"] == "nastooh"
        names = {s["name"] for s in editor.get("/api/sources").json()}
        assert "local-nastooh" in names  # served at once, and kept in the file
        assert "local-nastooh" in sources.read_text("utf-8")
        again = editor.post("/api/sources", json={"url": f"{base}/", "name": "local-nastooh"})
        assert again.status_code == 409 and again.json()["code"] == "conflict"
        viewer = editor.post(
            "/api/sources", json={"url": f"{base}/"}, headers=bearer(store, "viewer")
        )
        assert viewer.status_code == 403
    closed = Settings.load(sources=sources)  # private addresses refused by default
    with (
        serve(StyledSite("tehran.ir")) as base,
        TestClient(create_app(store, closed), headers=editor_header) as editor,
    ):
        refused = editor.post("/api/sources", json={"url": f"{base}/", "name": "other"})
        assert refused.status_code == 200 and not refused.json()["added"]
        assert any("private address" in line for line in refused.json()["report"])
        bad = editor.post("/api/sources", json={"url": "file:///etc/passwd", "name": "f"})
        assert bad.status_code == 422
