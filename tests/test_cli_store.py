"""`rasad ingest / search / figures / metrics / series` on the embedded store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.commands import rasad
from tests.conftest import SAMPLES

METRIC = "بوستان محله | بوستان | مشهد"  # metric keys are canonical: folded, lemmatized


def run(store: Path, *args: str) -> subprocess.CompletedProcess:
    return rasad(store, *args)


def test_ingest_search_and_series(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    first = run(
        db,
        "ingest",
        str(SAMPLES / "mashhad_parks.txt"),
        "--source",
        "shahraranews",
        "--date",
        "2024-01-05",
    )
    assert first.returncode == 0, first.stderr
    assert "1 new" in first.stdout and "12 figures" in first.stdout
    again = run(
        db,
        "ingest",
        str(SAMPLES / "mashhad_parks.txt"),
        "--source",
        "shahraranews",
        "--date",
        "2024-01-05",
    )
    assert "1 unchanged" in again.stdout
    run(
        db,
        "ingest",
        str(SAMPLES / "mashhad_parks_update.txt"),
        "--source",
        "mashhad.ir",
        "--date",
        "2024-03-10",
    )

    found = run(db, "search", "بوستان", "--format", "jsonl")
    hits = [json.loads(line) for line in found.stdout.splitlines()]
    assert {h["source"] for h in hits} == {"shahraranews", "mashhad.ir"}
    assert all("<mark>بوستان</mark>" in h["snippet_html"] for h in hits)

    text = run(db, "search", "بوستان", "--sort", "date")
    assert "'shahraranews': 1" in text.stdout and "cities {'مشهد': 2}" in text.stdout  # facets
    assert text.stdout.index("2024-03-10") < text.stdout.index("2024-01-05")

    money = run(db, "figures", "--kind", "money").stdout.splitlines()
    figures = [json.loads(line) for line in money]
    assert sorted(f["value"] for f in figures) == [90_000_000_000, 350_000_000_000]

    assert METRIC in run(db, "metrics", "بوستان").stdout
    series = run(db, "series", METRIC).stdout.splitlines()
    # Jalali months; the article states 12 in its title and body: one report, not two
    assert series[0] == "1402/10/01 (2023-12-22)  12"
    assert any(line.startswith("1402/12/01 (2024-02-20)  18") for line in series)


def test_bad_query_and_unreachable_store(tmp_path: Path) -> None:
    bad = run(tmp_path / "s.db", "search", '"unclosed')
    assert bad.returncode == 2 and "quotation" in bad.stderr
    env = {**os.environ, "RASAD_STORE": "http://127.0.0.1:9", "RASAD_SPOOL": str(tmp_path)}
    down = subprocess.run(
        [sys.executable, "-m", "rasad", "search", "x"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert down.returncode == 2
    assert "http://127.0.0.1:9" in down.stderr and "Traceback" not in down.stderr


def test_sources_lists_each_source_with_its_state(tmp_path: Path) -> None:
    from rasad.crawler.health import CrawlRecord, SourceHealth
    from rasad.index.sqlite_store import SQLiteStore

    db = tmp_path / "store.db"
    with SQLiteStore(db) as store:
        empty = {"links": 0, "errors": {"HTTP 503": 4}, "pages": 4}
        SourceHealth(store).record(
            [CrawlRecord("tehran.ir", f"2024-06-0{n}T06:00:00+00:00", **empty) for n in (1, 2, 3)]
            + [CrawlRecord("shahraranews", "2024-06-03T06:00:00+00:00", pages=3, links=7, new=2)]
        )
    shown = run(db, "sources")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    first = lines.index("shahraranews — شهرآرانیوز: ok")
    assert "3 pages, 7 links; articles 2 new" in lines[first + 1]
    broken = next(line for line in lines if line.startswith("tehran.ir"))
    assert (
        ": broken (no article or article link in the last 3 crawls; errors: HTTP 503 4)" in broken
    )
    isfahan = next(line for line in lines if line.startswith("isfahan.ir"))
    assert isfahan == "isfahan.ir — شهرداری اصفهان [selectors unverified]: unknown (never crawled)"
    as_json = [json.loads(line) for line in run(db, "sources", "--json").stdout.splitlines()]
    assert {r["source"]: r["state"] for r in as_json}["tehran.ir"] == "broken"
