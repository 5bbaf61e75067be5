"""Elasticsearch-only behaviour: unreachable cluster, a node lost mid-run, reindexing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from rasad.api import create_app
from rasad.config import Settings
from rasad.index import StoreUnavailable, open_store
from rasad.index.es_node import CACHE, LocalNode, free_port
from rasad.index.es_store import ElasticsearchStore
from rasad.index.models import Article, FigureQuery, SearchRequest
from rasad.index.sqlite_store import SQLiteStore
from rasad.nlp.figure import Figure


def articles(start: int, count: int) -> list[Article]:
    base = datetime(2024, 3, 1, tzinfo=UTC)
    return [
        Article(
            url=f"https://f/{i}",
            source="fixture",
            title=f"خبر شماره {i}",
            body=f"شهردار گفت {i} بوستان ساخته شد.",
            published=base + timedelta(hours=i),
            figures=[
                Figure(
                    value=i,
                    unit="بوستان",
                    kind="count",
                    surface=f"{i} بوستان",
                    start=0,
                    end=len(f"{i} بوستان"),
                    subject="بوستان",
                    qualifier="exact",
                    scope=None,
                    location=None,
                    speaker=None,
                    speaker_role=None,
                    sentence=f"{i} بوستان",
                    sentence_start=0,
                    sentence_end=len(f"{i} بوستان"),
                    metric=f"m{i % 3}",
                )
            ],
        )
        for i in range(start, start + count)
    ]


def test_unreachable_cluster_names_the_url(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    started = time.monotonic()
    with pytest.raises(StoreUnavailable, match=url.replace(".", r"\.")):
        ElasticsearchStore(url, spool_dir=tmp_path)
    assert time.monotonic() - started < 30
    assert not any(tmp_path.iterdir())  # nothing written anywhere


def test_open_store_picks_the_backend(tmp_path: Path, es_url: str) -> None:
    sqlite = open_store(f"sqlite:///{tmp_path}/a.db")
    assert isinstance(sqlite, SQLiteStore)
    sqlite.close()
    es = open_store(es_url, prefix=f"t{uuid.uuid4().hex[:8]}", spool_dir=tmp_path / "spool")
    assert isinstance(es, ElasticsearchStore)
    es.drop()
    es.close()


def test_reindex_swaps_alias_without_losing_data(es_url: str, tmp_path: Path) -> None:
    store = ElasticsearchStore(es_url, prefix=f"t{uuid.uuid4().hex[:8]}", spool_dir=tmp_path)
    try:
        store.upsert(articles(0, 30))
        swapped = store.reindex()
        assert swapped == {
            store.articles: f"{store.articles}-v2",
            store.figures_index: f"{store.figures_index}-v2",
        }
        assert store.search(SearchRequest(q="بوستان")).total == 30
        assert store.figures(FigureQuery()).total == 30
        assert store.upsert(articles(0, 30)).unchanged == 30
    finally:
        store.drop()


def test_rasad_reindex_lays_the_indices_out_anew(es_url: str, tmp_path: Path) -> None:
    """Shards and replicas shape indices as they are made: `rasad reindex` remakes a
    store's indices with the current RASAD_ES_SHARDS, and keeps every document."""
    prefix = f"t{uuid.uuid4().hex[:8]}"
    store = ElasticsearchStore(es_url, prefix=prefix, spool_dir=tmp_path)
    store.upsert(articles(0, 12))
    env = {
        **os.environ,
        "RASAD_STORE": es_url,
        "RASAD_ES_PREFIX": prefix,
        "RASAD_ES_SHARDS": "2",
        "RASAD_SPOOL": str(tmp_path / "spool"),
    }
    command = [sys.executable, "-m", "rasad", "reindex"]
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert f"{store.articles} → {store.articles}-v2" in done.stdout
        settings = store.es.indices.get_settings(index=store.articles)
        assert [s["settings"]["index"]["number_of_shards"] for s in settings.values()] == ["2"]
        assert store.search(SearchRequest(q="بوستان")).total == 12
        assert store.figures(FigureQuery()).total == 12
    finally:
        store.drop()
    on_sqlite = {**env, "RASAD_STORE": f"sqlite:///{tmp_path / 'store.db'}"}
    refused = subprocess.run(command, env=on_sqlite, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "SQLite" in refused.stderr


@pytest.fixture
def own_node() -> Iterator[LocalNode]:
    node = LocalNode(CACHE / "runs" / uuid.uuid4().hex[:12])
    node.start()
    try:
        yield node
    finally:
        node.stop()
        shutil.rmtree(node.data_dir, ignore_errors=True)


def test_node_lost_mid_run_loses_nothing(own_node: LocalNode, tmp_path: Path) -> None:
    spool = tmp_path / "spool"
    store = ElasticsearchStore(
        own_node.url, spool_dir=spool, retries=2, backoff=0.1, request_timeout=5
    )
    written = [store.upsert(articles(i * 10, 10)) for i in range(2)]
    assert sum(r.new for r in written) == 20
    own_node.kill()  # the node dies between batches, as in a crash
    lost = [store.upsert(articles(i * 10, 10)) for i in range(2, 5)]
    assert sum(r.spooled for r in lost) == 30
    assert all(r.errors and own_node.url in r.errors[0] for r in lost)
    assert store.health()["ok"] is False
    settings = Settings.load(anonymous_reads=True)
    with TestClient(create_app(store, settings)) as client:  # the API says so, no failure
        down = client.get("/api/search", params={"q": "بوستان"})
        assert down.status_code == 503 and own_node.url in down.json()["detail"]
        assert client.get("/api/health").json()["ok"] is False
        assert client.get("/api/figures").status_code == 503
    assert len(store.spooled_files()) == 3
    store.close()

    own_node.start()
    again = ElasticsearchStore(own_node.url, spool_dir=spool)
    assert again.pending_report.new == 30
    assert again.spooled_files() == []
    assert again.search(SearchRequest(size=100)).total == 50
    assert again.figures(FigureQuery(size=500)).total == 50
    rerun = again.upsert(articles(0, 50))
    assert (rerun.new, rerun.updated, rerun.unchanged) == (0, 0, 50)
    again.close()


def test_a_rejected_spooled_batch_is_set_aside(es_url: str, tmp_path: Path) -> None:
    spool = tmp_path / "spool"
    spool.mkdir()
    corrupt = articles(0, 1)[0].to_dict()
    corrupt["published"] = "not a date"  # the file itself is damaged
    (spool / "0001-bad.jsonl").write_text(json.dumps(corrupt, ensure_ascii=False) + "\n", "utf-8")
    refused = articles(5, 1)[0].to_dict()
    refused["source"] = "x" * 40_000  # Elasticsearch refuses a keyword this long
    (spool / "0003-refused.jsonl").write_text(json.dumps(refused) + "\n", "utf-8")
    good = articles(1, 2)[0]
    (spool / "0002-good.jsonl").write_text(
        json.dumps(good.to_dict(), ensure_ascii=False) + "\n", "utf-8"
    )
    store = ElasticsearchStore(es_url, prefix=f"t{uuid.uuid4().hex[:8]}", spool_dir=spool)
    try:
        assert store.pending_report.new == 1
        errors = store.pending_report.errors
        assert any("damaged" in e for e in errors) and any("refused" in e for e in errors)
        assert sum("moved to" in e for e in errors) == 2
        assert store.spooled_files() == []
        assert sorted(p.name for p in (spool / "rejected").iterdir()) == [
            "0001-bad.jsonl",
            "0003-refused.jsonl",
        ]
        assert store.search(SearchRequest()).total == 1
    finally:
        store.drop()


def test_ingest_reports_what_it_replayed_from_the_spool(es_url: str, tmp_path: Path) -> None:
    """After an outage, the next ingest writes the spooled batch first and says so."""
    spool = tmp_path / "spool"
    spool.mkdir()
    waiting = articles(20, 2)
    lines = "".join(json.dumps(a.to_dict(), ensure_ascii=False) + "\n" for a in waiting)
    (spool / "0001-waiting.jsonl").write_text(lines, "utf-8")
    article = tmp_path / "new.txt"
    article.write_text("افتتاح بوستان تازه\nشهردار گفت ۷ بوستان ساخته شد.", "utf-8")
    prefix = f"t{uuid.uuid4().hex[:8]}"
    env = os.environ | {"RASAD_STORE": es_url, "RASAD_SPOOL": str(spool), "RASAD_ES_PREFIX": prefix}
    done = subprocess.run(
        [sys.executable, "-m", "rasad", "ingest", str(article)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "replayed what was spooled during an outage: 2 new" in done.stdout
    assert "1 articles: 1 new" in done.stdout
    ElasticsearchStore(es_url, prefix=prefix, spool_dir=spool).drop()
