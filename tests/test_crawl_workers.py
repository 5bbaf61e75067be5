"""Figures extracted in a worker process beside the crawl (`crawler/workers.py`): the
same store as a crawl that does everything in one process, and nothing lost when the
worker cannot be used."""

from __future__ import annotations

import logging
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from rasad.crawler.workers import ArticleWorkers
from rasad.index.models import SearchRequest
from rasad.index.sqlite_store import SQLiteStore
from rasad.nlp.entities import Entity, GazetteerRecognizer
from rasad.nlp.extract import Extractor
from tests.fixture_site import Site, serve
from tests.test_crawl import sources_file

ROOT = Path(__file__).resolve().parents[1]


def _python(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """This interpreter run on `args` from the repository's top, its output captured."""
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=240,
        check=False,
    )


def _crawl(tmp_path: Path, base: str, workers: int) -> SQLiteStore:
    folder = tmp_path / f"workers-{workers}"
    folder.mkdir()
    env = {
        **os.environ,
        "RASAD_STORE": f"sqlite:///{folder / 'store.db'}",
        "RASAD_CRAWL_TIMEOUT": "2",
        "RASAD_CRAWL_WORKERS": str(workers),
    }
    config = sources_file(folder, base)
    command = ("-m", "rasad", "crawl", "--sources-file", str(config), "--no-politeness")
    done = _python(*command, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "7 new" in done.stdout, done.stdout
    return SQLiteStore(folder / "store.db")


def _contents(store: SQLiteStore) -> dict[str, tuple]:
    """What a crawl left in the store, without the times it was written at."""
    out = {}
    for article in store.iter_articles():
        figures = [(f.value, f.unit, f.metric, f.subject, f.sentence) for f in article.figures]
        out[article.url] = (
            article.title,
            article.city,
            article.story_id,
            tuple(sorted(article.fingerprints)),
            tuple(figures),
        )
    return out


def test_a_worker_process_stores_what_one_process_stores(tmp_path: Path) -> None:
    with serve(Site()) as base:
        alone, beside = _crawl(tmp_path, base, 0), _crawl(tmp_path, base, 1)
    try:
        one, other = _contents(alone), _contents(beside)
        assert len(one) == 7 and one == other
        assert sum(len(entry[4]) for entry in one.values()) > 5  # figures were read
        for query in ("داوطلبان", "بوستان", "اتوبوس"):  # the search text came from the worker
            ids = {h.id for h in beside.search(SearchRequest(q=query)).hits}
            assert ids and ids == {h.id for h in alone.search(SearchRequest(q=query)).hits}
    finally:
        alone.close()
        beside.close()


def test_a_worker_that_dies_loses_no_article(tmp_path: Path) -> None:
    with serve(Site()) as base:
        done = _python("-m", "tests.dying_worker", base, str(tmp_path / "store.db"))
    assert done.returncode == 0, done.stderr[-3000:]
    assert "article worker lost" in done.stderr
    assert "7 new" in done.stdout, done.stdout
    store = SQLiteStore(tmp_path / "store.db")
    try:
        articles = list(store.iter_articles())
        assert len(articles) == 7
        assert sum(len(a.figures) for a in articles) > 5  # extracted in the crawl's process
    finally:
        store.close()


@pytest.mark.parametrize("workers", [0, 1])
def test_an_article_the_extractor_fails_on_is_kept_and_counted(
    tmp_path: Path, workers: int
) -> None:
    with serve(Site()) as base:
        done = _python(
            "-m", "tests.dying_worker", base, str(tmp_path / "store.db"), "fails", str(workers)
        )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "7 new" in done.stdout, done.stdout
    assert "could not be extracted (ValueError: a defect that only bus news shows)" in done.stderr
    store = SQLiteStore(tmp_path / "store.db")
    try:
        articles = list(store.iter_articles())
        buses = [a for a in articles if "اتوبوس" in a.text]
        assert len(articles) == 7 and buses
        assert all(not a.figures for a in buses)  # kept, searchable, without figures
        assert sum(len(a.figures) for a in articles if a not in buses) > 3
        assert store.search(SearchRequest(q="اتوبوس")).total == len(buses)
    finally:
        store.close()
    with_errors = [line for line in done.stdout.splitlines() if "errors:" in line]
    assert any(f"extraction {len(buses)}" in line for line in with_errors), done.stdout


class _LocalRecognizer:
    """A recognizer that holds a lambda: it cannot be pickled to another process."""

    def __init__(self) -> None:
        inner = GazetteerRecognizer()
        self.find = lambda texts: inner.recognize(texts)

    def recognize(self, texts: list[str]) -> list[list[Entity]]:
        return self.find(texts)


def test_an_extractor_that_cannot_be_sent_stays_in_the_crawl(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="rasad.crawler"):
        assert ArticleWorkers.start(Extractor(_LocalRecognizer()), 1) is None
    assert "extracted in the crawl's own process" in caplog.text
    assert ArticleWorkers.start(Extractor(), 0) is None  # none asked for


def test_recognizers_travel_as_their_recipe() -> None:
    """A worker gets the gazetteer as "build one", not as its compiled patterns."""
    sent = pickle.dumps(Extractor())
    assert len(sent) < 500
    copy = pickle.loads(sent)
    roles = copy.recognizer.recognize(["فرماندار مشهد گفت"])[0]
    assert [(e.label, e.place) for e in roles if e.label == "ROLE"] == [("ROLE", "مشهد")]
