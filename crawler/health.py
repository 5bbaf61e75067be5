"""Source health: what each crawl of a source yielded, kept as a history, and the state
it adds up to.

Sites change their markup without notice; a monitoring service that keeps crawling a
redesigned site finds nothing and says nothing.  So every crawl records, per source, the
pages fetched, the article links found, the articles new / updated / unchanged, those that
needed the fallback extractor or came without a date, and the errors by kind; and the
last crawls give the source a state:

- **broken**: none of the last `BROKEN_AFTER` crawls found an article or an article link;
- **degraded**: the last crawl found none (not yet for long), most of its articles needed
  the fallback extractor or had no date where the crawls before did not, or most of its
  fetches failed;
- **ok** otherwise.

A source turning broken raises a notification (kept in the store, sent to the webhook)
once, not after every crawl while it stays broken.  Records and notifications are state
documents (`Store.put_state`), so they live on every backend and move with `rasad copy`.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from rasad.index import Store

RECORD = "crawl_record"
ALERT = "source_alert"
BROKEN_AFTER = 3  # crawls in a row that found nothing
KEPT = 50  # records kept per source
JUMP = 0.5  # a share of fallback or undated articles above this, where it was below…
CALM = 0.2  # …this in the crawls before, is a jump
State = Literal["ok", "degraded", "broken", "unknown"]


@dataclass
class CrawlRecord:
    """One crawl of one source."""

    source: str
    started: str  # ISO time in UTC
    seconds: float = 0.0
    pages: int = 0
    links: int = 0  # article links found on listings, feeds and sitemaps
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    fallback: int = 0  # articles the selectors missed and the fallback extractor read
    undated: int = 0
    errors: dict[str, int] = field(default_factory=dict)

    @property
    def articles(self) -> int:
        return self.new + self.updated + self.unchanged

    @property
    def key(self) -> str:
        return f"{self.source}|{self.started}"

    @classmethod
    def from_summary(
        cls, source: str, started: datetime, seconds: float, summary: dict[str, Any]
    ) -> CrawlRecord:
        """From `crawler.run`'s per-source summary."""
        return cls(
            source=source,
            started=started.astimezone(UTC).isoformat(),
            seconds=round(seconds, 2),
            pages=int(summary.get("pages", 0)),
            links=int(summary.get("links", 0)),
            new=int(summary.get("new", 0)),
            updated=int(summary.get("updated", 0)),
            unchanged=int(summary.get("unchanged", 0)),
            fallback=int(summary.get("fallback", 0)),
            undated=int(summary.get("missing_date", 0)),
            errors={str(k): int(v) for k, v in summary.get("errors", {}).items()},
        )

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> CrawlRecord:
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in doc.items() if k in known})


@dataclass
class Health:
    source: str
    state: State
    reasons: list[str]  # why the state is not ok, in words for the people who read it
    crawls: list[CrawlRecord]  # newest first
    codes: list[str] = field(default_factory=list)  # the reasons as stable codes (the page)


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def assess(source: str, crawls: list[CrawlRecord]) -> Health:
    """The state the crawls (newest first) add up to."""
    if not crawls:
        return Health(source, "unknown", ["never crawled"], [], ["never_crawled"])
    last, before = crawls[0], crawls[1 : BROKEN_AFTER + 2]
    empty = [c for c in crawls[:BROKEN_AFTER] if c.articles == 0 and c.links == 0]
    if len(empty) == BROKEN_AFTER:
        reasons = [f"no article or article link in the last {BROKEN_AFTER} crawls"]
        return Health(source, "broken", reasons + _errors(last), crawls, ["nothing_found"])
    found: list[tuple[str, str]] = []  # (code, reason)
    if empty and empty[0] is last:
        found.append(("last_crawl_empty", "the last crawl found no article or article link"))
    for what, name in (("fallback", "the fallback extractor"), ("undated", "no date")):
        share = _share(getattr(last, what), last.articles)
        earlier = [_share(getattr(c, what), c.articles) for c in before if c.articles]
        if share > JUMP and (not earlier or max(earlier) <= CALM):
            found.append((f"{what}_jump", f"{share:.0%} of the last crawl's articles: {name}"))
    failed = sum(last.errors.values())
    if last.pages and failed > last.pages / 2:
        found.append(("fetch_errors", f"{failed} errors for {last.pages} pages fetched"))
    if not found:
        return Health(source, "ok", [], crawls)
    reasons = [reason for _, reason in found] + _errors(last)
    return Health(source, "degraded", reasons, crawls, [code for code, _ in found])


def _errors(record: CrawlRecord) -> list[str]:
    if not record.errors:
        return []
    return ["errors: " + ", ".join(f"{k} {v}" for k, v in sorted(record.errors.items()))]


class SourceHealth:
    """The crawl history in the store, and the alerts a source turning broken raises."""

    def __init__(self, store: Store, kept: int = KEPT) -> None:
        self.store, self.kept = store, kept

    def record(self, records: list[CrawlRecord]) -> list[dict[str, Any]]:
        """Keep these crawls (the oldest beyond `kept` per source go); return an alert for
        each source they turned broken."""
        history = self._by_source()  # one read for the whole crawl
        alerts = []
        for rec in records:
            crawls = history.setdefault(rec.source, [])
            was = assess(rec.source, crawls).state
            self.store.put_state(RECORD, rec.key, asdict(rec))
            crawls.append(rec)
            crawls.sort(key=lambda r: r.started, reverse=True)
            now = assess(rec.source, crawls)
            if now.state == "broken" and was != "broken":
                alerts.append(self._alert(now, rec))
            for old in crawls[self.kept :]:
                self.store.delete_state(RECORD, old.key)
            del crawls[self.kept :]
        return alerts

    def history(self, source: str, limit: int = KEPT) -> list[CrawlRecord]:
        """The source's crawls, newest first."""
        return self._by_source().get(source, [])[:limit]

    def health(self, source: str) -> Health:
        return assess(source, self.history(source))

    def all(self, sources: list[str]) -> dict[str, Health]:
        """Every named source's health (and any other source with crawls), in one read."""
        history = {s: [] for s in sources} | self._by_source()
        return {s: assess(s, crawls) for s, crawls in history.items()}

    def alerts(self, limit: int = 100) -> list[dict[str, Any]]:
        """Broken-source alerts, newest first."""
        return sorted(self.store.states(ALERT), key=lambda a: a["created"], reverse=True)[:limit]

    def _by_source(self) -> dict[str, list[CrawlRecord]]:
        """Every source's crawls, newest first."""
        out: dict[str, list[CrawlRecord]] = {}
        for doc in self.store.states(RECORD):
            out.setdefault(doc["source"], []).append(CrawlRecord.from_doc(doc))
        for crawls in out.values():
            crawls.sort(key=lambda r: r.started, reverse=True)
        return out

    def _alert(self, health: Health, rec: CrawlRecord) -> dict[str, Any]:
        alert = {
            "id": hashlib.sha1(rec.key.encode()).hexdigest()[:16],
            "kind": "source_broken",
            "source": health.source,
            "state": health.state,
            "reasons": health.reasons,
            "codes": health.codes,
            "created": datetime.now(UTC).isoformat(),
        }
        self.store.put_state(ALERT, alert["id"], alert)
        return alert
