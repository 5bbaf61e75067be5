"""What an attacker on the network sees: headers on every response, a Host allow-list,
forged cross-origin changes refused, a bounded search cache, over the real app."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from rasad.api import create_app
from rasad.api.cache import TTLCache
from rasad.config import Settings
from rasad.index.sqlite_store import SQLiteStore
from tests.auth import bearer
from tests.corpus import CORPUS


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    store = SQLiteStore(tmp_path / "rasad.db")
    store.upsert(CORPUS)
    settings = Settings.load(allowed_hosts="testserver,127.0.0.1")
    with TestClient(create_app(store, settings), headers=bearer(store)) as c:
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


def test_elasticsearch_credentials_never_reach_a_message(tmp_path: Path) -> None:
    from rasad.index import StoreUnavailable
    from rasad.index.es_store import ElasticsearchStore

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(StoreUnavailable) as caught:
        ElasticsearchStore(
            f"http://elastic:s3cret-pw@127.0.0.1:{port}", spool_dir=tmp_path, request_timeout=2
        )
    assert "s3cret-pw" not in str(caught.value) and f"127.0.0.1:{port}" in str(caught.value)


def test_compose_runs_elasticsearch_with_security_on() -> None:
    compose = yaml.safe_load((Path(__file__).parents[1] / "docker-compose.yml").read_text())
    es = compose["services"]["elasticsearch"]["environment"]
    assert "xpack.security.enabled=true" in es
    assert any(e.startswith("ELASTIC_PASSWORD=${ELASTIC_PASSWORD:?") for e in es)  # from .env
    for name in ("api", "scheduler"):
        env = compose["services"][name]["environment"]
        assert env["RASAD_ES_PASSWORD"].startswith("${ELASTIC_PASSWORD:?")
        assert env["RASAD_ANONYMOUS_READS"].endswith(":-false}")
