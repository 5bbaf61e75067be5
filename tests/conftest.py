"""Shared fixtures: paths to the shared evaluation data and a reusable extractor."""

from __future__ import annotations

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
