"""Copying one store into another (the embedded default into Elasticsearch, say).

Articles go in batches through the target's ordinary upsert, so the copy is idempotent and
an interrupted copy is finished by running it again.  Saved searches, indicators, notifications,
users with their API tokens, and digest marks travel too; page sessions do not (people log
in again on the new store).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .contract import Store
from .indicators import INDICATOR
from .saved import NOTIFICATION, SAVED

BATCH = 500
# state collections copied, with the field each document is keyed by (`rasad.accounts`,
# `rasad.digests` and `saved` write them)
COPIED_STATES = {
    SAVED: "id",
    NOTIFICATION: "id",
    INDICATOR: "id",
    "user": "name",
    "api_token": "digest",
    "digest_mark": "user",
}


@dataclass
class CopyReport:
    articles: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    states: int = 0
    buckets: int = 0  # series buckets rolled up at the end (`Store.roll_up`)
    errors: list[str] = field(default_factory=list)


def copy_store(
    source: Store, target: Store, progress: Callable[[int], None] | None = None
) -> CopyReport:
    report = CopyReport()
    batch = []
    for article in source.iter_articles(BATCH):
        article.search_text = None  # the target normalizes and fingerprints with its code
        article.fingerprints = []
        batch.append(article)
        if len(batch) >= BATCH:
            _write(target, batch, report, progress)
            batch = []
    if batch:
        _write(target, batch, report, progress)
    for kind, key in COPIED_STATES.items():
        for doc in source.states(kind):
            target.put_state(kind, str(doc[key]), doc)
            report.states += 1
    report.buckets = target.roll_up()  # a bulk load: no reader should regroup it
    return report


def _write(
    target: Store, batch: list, report: CopyReport, progress: Callable[[int], None] | None
) -> None:
    written = target.upsert(batch)
    report.articles += len(batch)
    report.new += written.new
    report.updated += written.updated
    report.unchanged += written.unchanged
    report.errors.extend(written.errors)
    if progress:
        progress(report.articles)
