"""The main job end to end: the demo path (local sites → crawl → extract → index → API) on
each backend, scheduled crawls that survive a dead source, webhook alerts, and copying the
embedded store into Elasticsearch."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from fastapi.testclient import TestClient

from rasad.accounts import Accounts
from rasad.alerts import Webhook
from rasad.api import create_app
from rasad.crawler.demo_sites import DEMO_ARTICLES, StyledSite, local_copy, serve, write_sources
from rasad.crawler.health import BROKEN_AFTER, SourceHealth
from rasad.crawler.sources import builtin_sources
from rasad.index import Store
from rasad.index.es_store import ElasticsearchStore
from rasad.index.models import SearchRequest
from rasad.index.saved import SavedSearches
from rasad.index.sqlite_store import SQLiteStore
from rasad.service import DEMO_CRAWL, Scheduler, crawl_once, demo_sources
from tests.auth import bearer
from tests.corpus import CORPUS

METRIC = "دفتر توسعه محله | دفتر | مشهد"


@pytest.fixture
def configured(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """The settings point at the test's store, so that crawl child processes write to it."""
    if isinstance(store, SQLiteStore):
        monkeypatch.setenv("RASAD_STORE", f"sqlite:///{store.path}")
    else:
        assert isinstance(store, ElasticsearchStore)
        monkeypatch.setenv("RASAD_STORE", store.url)
        monkeypatch.setenv("RASAD_ES_PREFIX", store.prefix)
        monkeypatch.setenv("RASAD_SPOOL", str(tmp_path / "spool"))
    return store


def test_demo_path_reaches_the_series_endpoint(configured: Store, tmp_path: Path) -> None:
    store = configured
    SavedSearches(store).create("دفترهای محله", "دفتر توسعه محله")
    with demo_sources(tmp_path, first_port=0) as sources:
        run = crawl_once(store, sources, extra=DEMO_CRAWL)
        again = crawl_once(store, sources, extra=DEMO_CRAWL)  # incremental: nothing new
    assert run.ok, run.summary
    assert "8 new" in run.summary
    assert run.notifications == 5  # the five articles about the offices, once each
    if isinstance(store, ElasticsearchStore):
        store.refresh_now()
    with TestClient(create_app(store), headers=bearer(store, "viewer")) as client:
        metrics = client.get("/api/metrics", params={"q": "دفتر توسعه محله مشهد"}).json()
        assert metrics[0]["metric"] == METRIC
        series = client.get("/api/series", params={"metric": METRIC}).json()
        by_month = {b["start_jalali"]: b for b in series["buckets"]}
        assert {k: v["values"] for k, v in by_month.items()} == {
            "1402/09/01": [20],  # one release, carried by two outlets
            "1402/10/01": [24],
            "1402/11/01": [26, 28],  # an outlet reported 26 where the governor said 28
        }
        assert by_month["1402/11/01"]["conflict"] and not by_month["1402/09/01"]["conflict"]
        point = next(p for p in series["reports"] if p["value"] == 28)
        assert "۲۸ دفتر توسعه محله" in point["sentence"] and point["source"] == "shahraranews"
        hits = client.get("/api/search", params={"q": "دفتر توسعه محله", "sort": "date"}).json()
        assert max(h["outlets"] for h in hits["hits"]) == 2  # the release on two outlets
        notes = client.get("/api/notifications").json()
        assert len(notes) == 5
    assert again.ok and "0 new" in again.summary and again.notifications == 0


def test_scheduled_crawls_survive_a_dead_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "rasad.db"
    monkeypatch.setenv("RASAD_STORE", f"sqlite:///{db}")
    monkeypatch.setenv("RASAD_CRAWL_TIMEOUT", "3")
    with socket.socket() as s:  # a port nobody listens on: the dead site
        s.bind(("127.0.0.1", 0))
        dead_port = s.getsockname()[1]
    built_in = builtin_sources()
    store = SQLiteStore(db)
    with serve(StyledSite("isfahan.ir", DEMO_ARTICLES["isfahan.ir"])) as base:
        sources = write_sources(
            [
                local_copy(built_in["mashhad.ir"], f"http://127.0.0.1:{dead_port}"),
                local_copy(built_in["isfahan.ir"], base),
            ],
            tmp_path / "sources.yaml",
        )
        with _receiving() as (hook, received):
            scheduler = Scheduler(
                store,
                every=0.5,
                sources_file=sources,
                extra=("--no-politeness",),
                webhook=Webhook(hook, backoff=0.1),
            )
            scheduler.start()
            deadline = time.monotonic() + 180
            while len(scheduler.runs) < BROKEN_AFTER and time.monotonic() < deadline:
                time.sleep(0.2)
            scheduler.stop()
            scheduler.join(60)
            time.sleep(1)  # the webhook posts in the background
    first, second = scheduler.runs[:2]
    assert first.ok and "1 new" in first.summary, first.summary
    assert second.ok and "0 new" in second.summary, second.summary
    assert store.search(SearchRequest(q="بازآفرینی")).total == 1
    # the dead site turned broken after its third empty crawl: one alert, to the webhook too
    health = SourceHealth(store).all(["mashhad.ir", "isfahan.ir"])
    assert health["mashhad.ir"].state == "broken" and health["isfahan.ir"].state == "ok"
    assert health["isfahan.ir"].crawls[0].unchanged == 1  # its listing's first page again
    [alert] = SourceHealth(store).alerts()
    assert alert["source"] == "mashhad.ir"
    sent = [n for body in received for n in body["notifications"]]
    assert [n["source"] for n in sent if n.get("kind") == "source_broken"] == ["mashhad.ir"]
    assert scheduler.runs[BROKEN_AFTER - 1].notifications == 1
    store.close()


class _Accepting(BaseHTTPRequestHandler):
    received: ClassVar[list[dict]] = []

    def do_POST(self) -> None:
        self.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def _receiving() -> Iterator[tuple[str, list[dict]]]:
    """A webhook endpoint on loopback that accepts everything, and what it received."""
    _Accepting.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Accepting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", _Accepting.received
    finally:
        server.shutdown()


def test_a_failed_crawl_is_reported_and_the_schedule_goes_on(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "rasad.db")
    broken = tmp_path / "broken.yaml"
    broken.write_text("sources: [{name: x}]", "utf-8")  # no listing, feed or sitemap
    run = crawl_once(store, broken)
    assert not run.ok and "give at least one of listing" in run.summary
    store.close()


class _Receiver(BaseHTTPRequestHandler):
    """A webhook endpoint that fails its first request, then accepts."""

    received: ClassVar[list[dict]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.received.append(body)
        self.send_response(500 if len(self.received) == 1 else 204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_webhook_is_retried_until_delivered() -> None:
    _Receiver.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/hook"
        notes = [{"id": "s-1", "title": "افتتاح ۲۸ دفتر توسعه محله"}]
        thread = Webhook(url, retries=3, backoff=0.05).send(notes)
        thread.join(10)
    finally:
        server.shutdown()
        server.server_close()
    assert len(_Receiver.received) == 2  # failed once, then delivered
    assert _Receiver.received[1] == {"notifications": notes, "count": 1}


def test_a_dead_webhook_gives_up_without_raising() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.monotonic()
    assert Webhook(f"http://127.0.0.1:{port}/", retries=2, backoff=0.05).deliver([]) is False
    assert time.monotonic() - started < 5


def test_copy_the_embedded_store_into_elasticsearch(es_url: str, tmp_path: Path) -> None:
    db = tmp_path / "rasad.db"
    source = SQLiteStore(db)
    source.upsert(CORPUS)
    saved = SavedSearches(source).create("دفترها", "دفتر توسعه")
    _, token = Accounts(source).add("bot", "viewer")
    Accounts(source).add("sara", "editor", "correct horse battery")
    Accounts(source).login("sara", "correct horse battery")  # a session: not copied
    source.close()
    prefix = f"copy{os.getpid()}{int(time.time())}"
    env = os.environ | {
        "RASAD_STORE": f"sqlite:///{db}",
        "RASAD_ES_PREFIX": prefix,
        "RASAD_SPOOL": str(tmp_path / "spool"),
    }
    command = [sys.executable, "-m", "rasad", "copy", es_url]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "copied 5 articles (5 new" in done.stdout
    assert "4 saved searches, notifications and accounts" in done.stdout  # 1 + 2 users + token
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert "(0 new, 0 updated, 5 unchanged)" in again.stdout  # safe to run twice
    target = ElasticsearchStore(es_url, prefix=prefix, spool_dir=tmp_path / "spool")
    try:
        assert target.search(SearchRequest(q="دفتر توسعه")).total == 2
        assert target.series(METRIC).buckets[0].values == [28, 30]  # reports, not mentions
        [copied] = SavedSearches(target).all()
        assert copied.id == saved.id and copied.seen_at == saved.seen_at
        assert SavedSearches(target).new_results(copied).total == 0  # copies keep their times
        accounts = Accounts(target)
        assert accounts.by_token(str(token)).name == "bot"  # type: ignore[union-attr]
        assert accounts.login("sara", "correct horse battery")
        assert len(target.states("session")) == 1  # the one just opened on the target
    finally:
        target.drop()
        target.close()
