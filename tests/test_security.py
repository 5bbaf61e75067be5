"""What an attacker on the network sees: headers on every response, a Host allow-list,
forged cross-origin changes refused, a bounded search cache, over the real app."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from rasad.api import create_app
from rasad.api.cache import TTLCache
from rasad.config import Settings
from rasad.index.sqlite_store import SQLiteStore
from tests.corpus import CORPUS


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    store = SQLiteStore(tmp_path / "rasad.db")
    store.upsert(CORPUS)
    settings = Settings.load(allowed_hosts="testserver,127.0.0.1")
    with TestClient(create_app(store, settings)) as c:
        yield c
    store.close()


@pytest.mark.parametrize(
    "path", ["/", "/static/app.js", "/api/search?q=دفتر", "/api/health", "/api/articles/x", "/nope"]
)
def test_every_response_carries_the_security_headers(client: TestClient, path: str) -> None:
    response = client.get(path)
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_another_host_name_is_refused(client: TestClient) -> None:
    refused = client.get("/api/search", headers={"host": "rebind.attacker.example"})
    assert refused.status_code == 400 and "host" in refused.json()["detail"]
    assert "content-security-policy" in refused.headers
    assert client.get("/api/health", headers={"host": "127.0.0.1:8000"}).status_code == 200


def test_a_cross_origin_form_cannot_change_state(client: TestClient) -> None:
    created = client.post("/api/saved-searches", json={"name": "دفترها", "q": "دفتر"})
    assert created.status_code == 201
    search_id = created.json()["id"]
    forged = client.post(
        f"/api/saved-searches/{search_id}/seen",
        headers={
            "origin": "http://evil.example",
            "content-type": "application/x-www-form-urlencoded",
        },
    )
    assert forged.status_code == 403
    assert (
        client.delete(
            f"/api/saved-searches/{search_id}", headers={"referer": "http://evil.example/page"}
        ).status_code
        == 403
    )
    same = client.post(
        f"/api/saved-searches/{search_id}/seen", headers={"origin": "http://testserver"}
    )
    assert same.status_code == 200
    assert client.get("/api/saved-searches").json()[0]["id"] == search_id  # nothing deleted


def test_deep_nesting_is_a_clear_400(client: TestClient) -> None:
    for q in ("(" * 330 + "دفتر" + ")" * 330, "NOT " * 200 + "دفتر"):
        response = client.get("/api/search", params={"q": q})
        assert response.status_code == 400, response.text
        assert response.json()["detail"]


def test_the_search_cache_is_bounded_by_bytes() -> None:
    cache: TTLCache[str] = TTLCache(60, max_bytes=0.001)  # about a kilobyte
    for i in range(50):
        cache.get(f"q{i}", lambda i=i: "x" * 100 + str(i))
    assert cache.held <= cache.budget
    assert 0 < len(cache.entries) < 50
    assert cache.get("q49", lambda: "recomputed") != "recomputed"  # the newest stays
