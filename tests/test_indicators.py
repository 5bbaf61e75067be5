"""Indicators on every backend (merged keys, a figure query), their API with ownership, and
the analyst export of a series' reports."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from rasad.api import create_app
from rasad.config import Settings
from rasad.index import Store
from rasad.index.copy import copy_store
from rasad.index.indicators import Indicator, Indicators
from rasad.index.query import QueryError
from rasad.index.sqlite_store import SQLiteStore
from tests.auth import bearer
from tests.corpus import make

# one statistic the extractor keys two ways (synonyms), and another one beside it
GAS = [
    make("https://r/1", "گاز یاسوج", "ضریب نفوذ گاز در یاسوج به ۹۶ درصد رسید.", 3, source="a"),
    make("https://r/2", "گازرسانی یاسوج", "پوشش گازرسانی یاسوج ۹۷ درصد است.", 20, source="b"),
    make("https://r/3", "پارک‌های یاسوج", "یاسوج ۴۰ بوستان دارد.", 21, source="a"),
]


def _keys(articles: list) -> list[str]:
    return [a.figures[0].metric for a in articles]


def test_an_indicator_merges_keys_or_runs_a_figure_query(store: Store, tmp_path) -> None:
    store.upsert(GAS)
    gas, piped, parks = _keys(GAS)
    assert gas != piped  # the extractor's two keys for one statistic
    indicators = Indicators(store)
    merged = indicators.create(Indicator("گاز یاسوج", metrics=[gas, piped], owner="sara"))
    [bucket] = indicators.series(merged, "month").buckets
    assert sorted(bucket.values) == [96, 97] and bucket.conflict  # two outlets
    by_query = indicators.create(Indicator("سهم به درصد", unit="درصد", city="یاسوج"))
    assert sorted(indicators.series(by_query).buckets[0].values) == [96, 97]
    assert {i.id for i in indicators.visible("sara")} == {merged.id, by_query.id}  # ownerless
    assert [i.id for i in indicators.visible("reza")] == [by_query.id]  # not sara's
    shared = indicators.create(Indicator("بوستان", metrics=[parks], owner="reza", shared=True))
    assert {i.id for i in indicators.visible("sara")} == {merged.id, by_query.id, shared.id}
    with pytest.raises(QueryError):
        indicators.create(Indicator("همه چیز"))  # would match every figure
    target = SQLiteStore(tmp_path / "copy.db")  # rasad copy moves them
    copy_store(store, target)
    assert Indicators(target).get(merged.id) == indicators.get(merged.id)
    target.close()
    assert indicators.delete(merged.id) and indicators.get(merged.id) is None


@pytest.fixture
def client(tmp_path) -> Iterator[tuple[TestClient, Store]]:
    store = SQLiteStore(tmp_path / "rasad.db")
    store.upsert(GAS)
    with TestClient(create_app(store, Settings.load(anonymous_reads=False))) as c:
        yield c, store
    store.close()


def test_indicators_over_the_api(client: tuple[TestClient, Store]) -> None:
    c, store = client
    sara, reza = bearer(store, "editor", "sara"), bearer(store, "editor", "reza")
    viewer = bearer(store, "viewer", "vida")
    gas, piped, _ = _keys(GAS)
    body = {"name": "گاز یاسوج", "metrics": [gas, piped]}
    assert c.post("/api/indicators", json=body, headers=viewer).status_code == 403
    created = c.post("/api/indicators", json=body, headers=sara)
    assert created.status_code == 201, created.text
    indicator = created.json()
    assert indicator["labels"][0].endswith("— یاسوج (درصد)") and indicator["owner"] == "sara"
    series = c.get(f"/api/indicators/{indicator['id']}/series", headers=sara).json()
    [bucket] = series["buckets"]
    assert bucket["count"] == 2 and set(bucket["outlets"]) == {"a", "b"}
    assert len(series["reports"]) == 2 and {p["unit"] for p in series["reports"]} == {"درصد"}
    hidden = c.get(f"/api/indicators/{indicator['id']}/series", headers=reza)
    assert hidden.status_code == 404  # sara's own, not shared
    assert c.delete(f"/api/indicators/{indicator['id']}", headers=reza).status_code == 404
    empty = c.post("/api/indicators", json={"name": "هیچ"}, headers=sara)
    assert empty.status_code == 400 and "filter" in empty.json()["detail"]
    exported = c.get("/api/export/series", params={"indicator": indicator["id"]}, headers=sara)
    assert exported.status_code == 200
    rows = list(csv.DictReader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert sorted(float(r["value"]) for r in rows) == [96, 97]
    assert all(r["bucket_jalali"].startswith("1402/") and r["sentence"] for r in rows)
    assert c.get("/api/export/series", headers=sara).status_code == 400  # neither
    assert c.delete(f"/api/indicators/{indicator['id']}", headers=sara).status_code == 204
    assert c.get("/api/indicators", headers=sara).json() == []


def test_metric_names_read_as_persian(client: tuple[TestClient, Store]) -> None:
    c, store = client
    metrics = c.get("/api/metrics", params={"q": "بوستانها"}, headers=bearer(store)).json()
    assert [m["label"] for m in metrics] == ["بوستان — یاسوج"]
