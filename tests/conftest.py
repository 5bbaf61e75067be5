"""Shared fixtures: paths to the shared evaluation data and a reusable extractor."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rasad.nlp.extract import Extractor

ROOT = Path(__file__).resolve().parents[1]
SHARED_EVAL = ROOT.parent / "shared" / "eval"
SAMPLES = ROOT / "samples"


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    return Extractor()


@pytest.fixture(scope="session")
def seed_text() -> str:
    path = SHARED_EVAL / "seed_article.txt"
    if not path.exists():
        pytest.fail(f"the seed article is missing: {path} (shared/ must sit beside the repository)")
    return path.read_text(encoding="utf-8")


# ---- stores ----------------------------------------------------------------------------------

import os  # noqa: E402

# FastAPI's test client calls itself "testserver"; the server answers loopback names only
os.environ.setdefault("RASAD_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost,::1")
import uuid  # noqa: E402
from collections.abc import Iterator  # noqa: E402

from rasad.index.es_node import CACHE, LocalNode  # noqa: E402


@pytest.fixture(scope="session")
def es_url() -> Iterator[str]:
    """A real Elasticsearch node for the session (RASAD_TEST_ES_URL reuses a running one)."""
    if os.environ.get("RASAD_TEST_ES_URL"):
        yield os.environ["RASAD_TEST_ES_URL"]
        return
    node = LocalNode(CACHE / "runs" / uuid.uuid4().hex[:12])
    url = node.start()
    try:
        yield url
    finally:
        node.stop()
        shutil.rmtree(node.data_dir, ignore_errors=True)


@pytest.fixture(params=["sqlite", "elasticsearch"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[object]:
    """Each contract test runs once against each backend."""
    if request.param == "sqlite":
        from rasad.index.sqlite_store import SQLiteStore

        s = SQLiteStore(tmp_path / "rasad.db")
        yield s
        s.close()
    else:
        from rasad.index.es_store import ElasticsearchStore

        url = request.getfixturevalue("es_url")
        s = ElasticsearchStore(
            url, prefix=f"t{uuid.uuid4().hex[:10]}", spool_dir=tmp_path / "spool"
        )
        yield s
        s.drop()
        s.close()
