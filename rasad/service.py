"""The running service: crawls on a schedule, alerts after each crawl, the API beside them.

Each crawl runs `rasad crawl` in a child process, because Scrapy's reactor cannot start twice
in one process; a crawl that fails is logged and the next one runs on time.  `rasad demo`
is the same path over local copies of the news sites.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rasad.alerts import Webhook
from rasad.config import Settings
from rasad.crawler.demo_sites import DEMO_ARTICLES, StyledSite, local_copy, serve, write_sources
from rasad.crawler.sources import builtin_sources
from rasad.digests import Digests
from rasad.index import Store
from rasad.index.saved import SavedSearches

log = logging.getLogger("rasad.service")


@dataclass
class CrawlRun:
    ok: bool
    seconds: float
    summary: str  # the crawl's total line, or what went wrong
    notifications: int = 0
    result: dict[str, Any] = field(default_factory=dict)  # `rasad crawl --json`'s summary


def _crawl_result(done: subprocess.CompletedProcess[str]) -> dict[str, Any] | str:
    """The child's JSON summary, or the reason there is none."""
    if done.returncode == 0:
        try:
            return json.loads(done.stdout.strip().splitlines()[-1])
        except (IndexError, ValueError):
            return "the crawl printed no summary"
    return (done.stderr.strip().splitlines() or ["no output"])[-1]


def crawl_once(
    store: Store,
    sources_file: Path | None = None,
    extra: tuple[str, ...] = (),
    webhook: Webhook | None = None,
    timeout: float = 3600,
    digests: Digests | None = None,
) -> CrawlRun:
    """One crawl in a child process, then the alerts step (notifications, the webhook, the
    e-mail digests that are due); never raises for a failed crawl or a mail server down."""
    command = [sys.executable, "-m", "rasad", "crawl", "--json", *extra]
    if sources_file:
        command += ["--sources-file", str(sources_file)]
    started = time.monotonic()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        run = CrawlRun(False, time.monotonic() - started, f"crawl timed out after {timeout:.0f} s")
    else:
        result = _crawl_result(done)
        if isinstance(result, dict):
            run = CrawlRun(True, time.monotonic() - started, result["total"], result=result)
            for line in result["lines"]:
                log.info("source crawled", extra={"detail": line})
        else:
            run = CrawlRun(False, time.monotonic() - started, f"crawl failed: {result}")
    try:
        notes = SavedSearches(store).check()
    except Exception as exc:  # the alerts step must not stop the schedule
        log.error("alerts failed", extra={"detail": str(exc)})
        notes = []
    # a source the crawl turned broken alerts like a saved search (crawler/health.py)
    broken = run.result.get("source_alerts", [])
    for alert in broken:
        log.error("source broken", extra={"detail": f"{alert['source']}: {alert['reasons']}"})
    run.notifications = len(notes) + len(broken)
    if (notes or broken) and webhook:
        webhook.send(notes + broken)
    if digests is not None:
        send_digests(store, digests)
    level = logging.INFO if run.ok else logging.ERROR
    log.log(
        level,
        "crawl finished" if run.ok else "crawl failed",
        extra={
            "detail": run.summary,
            "seconds": round(run.seconds, 1),
            "notifications": run.notifications,
        },
    )
    return run


def send_digests(store: Store, digests: Digests) -> None:
    """Mail the digests that are due; what could not be sent waits for the next crawl."""
    from rasad.accounts import Accounts

    try:
        outcome = digests.send_due(Accounts(store).users())
    except Exception as exc:  # like alerts: never stop the schedule
        log.error("digests failed", extra={"detail": str(exc)})
        return
    for name, count in outcome.sent.items():
        log.info("digest delivered", extra={"detail": f"{name}: {count} matches"})
    for name, why in outcome.failed.items():
        log.error("digest not delivered, kept for the next run", extra={"detail": f"{name}: {why}"})


class Scheduler(threading.Thread):
    """Crawls every `every` seconds (the first one at once) until stopped."""

    def __init__(
        self,
        store: Store,
        every: float,
        sources_file: Path | None = None,
        extra: tuple[str, ...] = (),
        webhook: Webhook | None = None,
        digests: Digests | None = None,
    ) -> None:
        super().__init__(name="rasad-scheduler", daemon=True)
        self.store, self.every, self.sources_file = store, every, sources_file
        self.extra, self.webhook, self.digests = extra, webhook, digests
        self.stopped = threading.Event()
        self.runs: list[CrawlRun] = []

    def run(self) -> None:
        while not self.stopped.is_set():
            started = time.monotonic()
            self.runs.append(
                crawl_once(
                    self.store, self.sources_file, self.extra, self.webhook, digests=self.digests
                )
            )
            self.stopped.wait(max(0.0, self.every - (time.monotonic() - started)))

    def stop(self) -> None:
        self.stopped.set()


DEMO_CRAWL = ("--no-politeness",)  # the sites are our own, on this machine
DEMO_PORT = 18301  # the demo sites keep their addresses from run to run, so do their articles


@contextmanager
def demo_sources(workdir: Path, first_port: int = DEMO_PORT) -> Iterator[Path]:
    """Local copies of the built-in sites, served while the block runs; yields a sources file
    that points the crawler at them.  `first_port` 0 takes free ports."""
    built_in = builtin_sources()
    with ExitStack() as stack:
        local = []
        for offset, (name, articles) in enumerate(DEMO_ARTICLES.items()):
            port = first_port + offset if first_port else 0
            base = stack.enter_context(serve(StyledSite(name, articles), port))
            local.append(local_copy(built_in[name], base))
        yield write_sources(local, workdir / "demo-sources.yaml")


def run_demo_crawl(store: Store, first_port: int = DEMO_PORT) -> CrawlRun:
    """Crawl the local demo sites into the store (the demo's first half)."""
    with tempfile.TemporaryDirectory() as tmp, demo_sources(Path(tmp), first_port) as sources:
        return crawl_once(store, sources, extra=DEMO_CRAWL)


def serve_app(
    settings: Settings,
    host: str,
    port: int,
    *,
    workers: int = 1,
    log_level: str = "warning",
    store: Store | None = None,
    scheduler: Scheduler | None = None,
) -> None:
    """Serve the API and page until interrupted (the one place uvicorn is started).

    One process serves an open store (the demo's, the scheduler's); several workers each
    open the configured store themselves.  The scheduler runs beside the server.
    """
    import uvicorn

    options: dict[str, Any] = {"host": host, "port": port, "log_level": log_level}
    if scheduler:
        scheduler.start()
    try:
        if workers > 1 and store is None:
            # workers are new processes, and glibc reads this as each starts: two malloc
            # arenas, not one per request thread, so a worker's memory does not grow with
            # its thread pool (about 60 MB less per worker under load on `bench/api.py`)
            os.environ.setdefault("MALLOC_ARENA_MAX", "2")
            uvicorn.run("rasad.api.app:create_app", factory=True, workers=workers, **options)
        else:  # served from this process (workers import the app themselves)
            from rasad.api import create_app

            if store is None:
                with settings.open_store() as own:
                    uvicorn.run(create_app(own, settings), **options)
            else:
                uvicorn.run(create_app(store, settings), **options)
    finally:
        if scheduler:
            scheduler.stop()
