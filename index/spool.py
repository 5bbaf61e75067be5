"""The spool: article batches waiting for an Elasticsearch that could not be reached.

A batch the cluster lost is written to a file here and reported; the next run writes the
files first, oldest first.  A file is removed only once its batch is written; one the
cluster refuses, or that is damaged, is set aside for a person to look at rather than
block every later write behind it.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from .contract import StoreUnavailable
from .models import Article, UpsertReport


class Spool:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def put(self, batch: list[Article]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}.jsonl"
        tmp = self.directory / f".{name}"
        with tmp.open("w", encoding="utf-8") as out:
            for article in batch:
                out.write(json.dumps(article.to_dict(), ensure_ascii=False) + "\n")
        tmp.replace(self.directory / name)

    def files(self) -> list[Path]:
        return sorted(self.directory.glob("*.jsonl")) if self.directory.exists() else []

    def flush(self, write: Callable[[list[Article]], UpsertReport]) -> UpsertReport:
        """Write the spooled batches, oldest first, stopping at the first that still cannot
        reach the cluster (`write` raises StoreUnavailable)."""
        report = UpsertReport()
        for path in self.files():
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
                batch = [Article.from_dict(json.loads(line)) for line in lines if line.strip()]
                result = write(batch)
            except StoreUnavailable as exc:
                report.errors.append(f"{exc}; {len(self.files())} spooled batches wait")
                break
            except (ValueError, TypeError) as exc:
                result = UpsertReport(errors=[f"spool file {path.name} is damaged: {exc}"])
            report.add(result)
            if result.errors:
                rejected = self.directory / "rejected"
                rejected.mkdir(exist_ok=True)
                path.replace(rejected / path.name)
                report.errors.append(f"{path.name} was moved to {rejected}")
                continue
            path.unlink()
        return report
