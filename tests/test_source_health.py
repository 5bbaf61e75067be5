"""Source health: the states a source's crawls add up to, and the history and alerts kept
on every backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from rasad.crawler.health import BROKEN_AFTER, KEPT, CrawlRecord, SourceHealth, assess
from rasad.index import Store

START = datetime(2024, 6, 1, 6, tzinfo=UTC)


def crawl(n: int, source: str = "a", **counts: object) -> CrawlRecord:
    """The n-th crawl of a source (later crawls have larger n)."""
    started = (START + timedelta(hours=n)).isoformat()
    fields = {"pages": 5, "links": 10, "unchanged": 8} | counts
    return CrawlRecord(source=source, started=started, **fields)  # type: ignore[arg-type]


def newest_first(*records: CrawlRecord) -> list[CrawlRecord]:
    return sorted(records, key=lambda r: r.started, reverse=True)


def test_a_source_that_yields_is_ok() -> None:
    assert assess("a", newest_first(crawl(1), crawl(2, new=3))).state == "ok"
    assert assess("a", []).state == "unknown"


def test_one_empty_crawl_is_degraded_and_several_are_broken() -> None:
    empty = {"pages": 1, "links": 0, "unchanged": 0, "errors": {"HTTP 404": 1}}
    once = assess("a", newest_first(crawl(1), crawl(2, **empty)))
    assert once.state == "degraded" and "found no article" in once.reasons[0]
    assert once.codes == ["last_crawl_empty", "fetch_errors"]  # its one page was a 404
    assert "HTTP 404 1" in once.reasons[-1]
    runs = [crawl(1)] + [crawl(n, **empty) for n in range(2, 2 + BROKEN_AFTER)]
    broken = assess("a", newest_first(*runs))
    assert broken.state == "broken" and f"last {BROKEN_AFTER} crawls" in broken.reasons[0]
    assert broken.codes == ["nothing_found"]
    recovered = assess("a", newest_first(*runs, crawl(9)))
    assert recovered.state == "ok"


def test_a_jump_in_fallback_or_undated_articles_is_degraded() -> None:
    calm = [crawl(n, new=10, unchanged=0, fallback=1) for n in range(1, 4)]
    fallback = assess("a", newest_first(*calm, crawl(5, new=10, unchanged=0, fallback=8)))
    assert fallback.state == "degraded" and "fallback extractor" in fallback.reasons[0]
    assert fallback.codes == ["fallback_jump"]
    undated = assess("a", newest_first(*calm, crawl(5, new=10, unchanged=0, undated=9)))
    assert undated.state == "degraded" and "no date" in undated.reasons[0]
    # a site that always needed the fallback has not changed: no jump
    always = [crawl(n, new=10, unchanged=0, fallback=9) for n in range(1, 5)]
    assert assess("a", newest_first(*always)).state == "ok"


def test_mostly_failed_fetches_are_degraded() -> None:
    failing = crawl(2, pages=10, errors={"TimeoutError": 6})
    found = assess("a", newest_first(crawl(1), failing))
    assert found.state == "degraded" and "6 errors for 10 pages" in found.reasons[0]


def test_history_and_one_alert_when_a_source_turns_broken(store: Store) -> None:
    health = SourceHealth(store)
    empty = {"links": 0, "unchanged": 0, "errors": {"ConnectionRefusedError": 3}}
    alerts = []
    for n in range(1, 7):  # three empty crawls turn it broken; the others keep it so
        alerts += health.record([crawl(n, "a", **empty), crawl(n, "b")])
    assert [a["source"] for a in alerts] == ["a"]  # once, when it turned broken
    assert alerts[0]["state"] == "broken" and "ConnectionRefusedError 3" in alerts[0]["reasons"][-1]
    assert [a["id"] for a in health.alerts()] == [alerts[0]["id"]]
    states = health.all(["a", "b", "never"])
    assert {s: h.state for s, h in states.items()} == {"a": "broken", "b": "ok", "never": "unknown"}
    assert [r.started for r in health.history("b")][:2] == [
        crawl(6).started,
        crawl(5).started,
    ]  # newest first
    assert health.history("b")[0] == crawl(6, "b")  # kept as recorded
    alerts = health.record([crawl(7, "a"), crawl(8, "a", **empty)])
    assert alerts == [] and health.health("a").state == "degraded"


def test_the_history_is_bounded(store: Store) -> None:
    health = SourceHealth(store, kept=4)
    health.record([crawl(n) for n in range(6)])
    health.record([crawl(n) for n in (6, 7)])
    assert [r.started for r in health.history("a")] == [crawl(n).started for n in (7, 6, 5, 4)]
    assert KEPT > BROKEN_AFTER  # enough history for a state
