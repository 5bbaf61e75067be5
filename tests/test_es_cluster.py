"""A real three-node Elasticsearch cluster, each index with one replica, loses a node in
the middle of a crawl while searches run: no search fails, the API's health says the
cluster is degraded (yellow) without failing, and once the node is back every article
the crawl reported is there."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from rasad.api.app import create_app
from rasad.index.es_node import CACHE, LocalCluster
from rasad.index.es_store import ElasticsearchStore
from rasad.index.models import SearchRequest
from tests.fixture_site import Site, serve
from tests.test_crawl import sources_file


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    nodes = LocalCluster(CACHE / "runs" / f"cluster-{uuid.uuid4().hex[:8]}", 3, heap="384m")
    nodes.start()
    try:
        yield nodes
    finally:
        nodes.stop()
        shutil.rmtree(nodes.base_dir, ignore_errors=True)


def _master(store: ElasticsearchStore) -> str:
    return str(store.es.cat.master(format="json")[0]["node"])


def _wait_status(store: ElasticsearchStore, status: str, timeout: float = 180) -> None:
    health = store.es.cluster.health(wait_for_status=status, timeout=f"{int(timeout)}s")
    assert health["status"] == status, health


def _seen_yellow(health: list[Any]) -> bool:
    """Whether the API's health has said the cluster is degraded (its status yellow)."""
    return any(h.json()["detail"]["status"] == "yellow" for h in health)


def test_a_node_lost_mid_crawl_fails_no_search_and_loses_no_article(
    cluster: LocalCluster, tmp_path: Path
) -> None:
    prefix = f"c{uuid.uuid4().hex[:8]}"
    spool = tmp_path / "spool"
    layout = {"shards": 2, "replicas": 1}
    probe = ElasticsearchStore(cluster.url, spool_dir=spool, prefix=prefix, **layout)
    _wait_status(probe, "green")
    # the node to lose: not the elected master (an election only slows writes down), and
    # first in the store's URL, so that the client has to go elsewhere
    victim = next(i for i, n in enumerate(cluster.nodes) if n.name != _master(probe))
    urls = [cluster.urls[victim], *(u for i, u in enumerate(cluster.urls) if i != victim)]
    store = ElasticsearchStore(",".join(urls), spool_dir=spool, prefix=prefix, **layout)
    probe.close()
    env = {
        **os.environ,
        "RASAD_STORE": ",".join(urls),
        "RASAD_ES_PREFIX": prefix,
        "RASAD_ES_SHARDS": "2",
        "RASAD_ES_REPLICAS": "1",
        "RASAD_SPOOL": str(spool),
        "RASAD_CRAWL_TIMEOUT": "2",
    }
    searches, health = 0, []
    with serve(Site()) as base, TestClient(create_app(store)) as client:
        config = sources_file(tmp_path, base)
        command = [sys.executable, "-m", "rasad", "crawl", "--sources-file", str(config)]
        crawl = subprocess.Popen(
            [*command, "--no-politeness", "--json"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 120
        while store.search(SearchRequest()).total == 0 and time.monotonic() < deadline:
            assert crawl.poll() is None, crawl.communicate()[1][-3000:]
            time.sleep(0.2)
        cluster.kill(victim)  # mid-crawl: the first article is in, the slow pages are not
        while crawl.poll() is None:
            store.search(SearchRequest(q="مشهد", facets=True))  # raises if a search fails
            searches += 1
            if not _seen_yellow(health):
                health.append(client.get("/api/health"))
            time.sleep(0.1)
        out, err = crawl.communicate()
        # the master notices a lost node within seconds (its follower checks), which a quick
        # crawl may not last: the health is asked until then, the node still down
        deadline = time.monotonic() + 60
        while not _seen_yellow(health) and time.monotonic() < deadline:
            health.append(client.get("/api/health"))
            time.sleep(0.5)
    assert crawl.returncode == 0, err[-3000:]
    assert searches > 0
    assert health and all(h.status_code == 200 for h in health), [h.text for h in health]
    assert _seen_yellow(health), [h.json() for h in health[-3:]]
    summary = json.loads(out.strip().splitlines()[-1])["sources"]["shahraranews"]
    assert summary["new"] == 7, summary

    cluster.restart(victim)
    _wait_status(store, "green")
    again = ElasticsearchStore(",".join(urls), spool_dir=spool, prefix=prefix, **layout)
    again.refresh_now()  # anything spooled while writes failed was written on opening
    assert again.search(SearchRequest(size=50)).total == 7
    assert {s["number_of_replicas"] for s in _index_settings(again)} == {"1"}
    assert {s["number_of_shards"] for s in _index_settings(again)} == {"2"}
    again.drop()
    again.close()
    store.close()


def _index_settings(store: ElasticsearchStore) -> list[dict[str, str]]:
    found = store.es.indices.get_settings(index=f"{store.articles},{store.figures_index}")
    return [index["settings"]["index"] for index in found.values()]
