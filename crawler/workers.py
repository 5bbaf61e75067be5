"""The costly work on each article (figures, search text) in worker processes.

A crawl spends most of its CPU on pure Python: reading figures and normalizing text with
hazm.  Done inside the spider's process, that work stops the reactor from fetching the
next pages while it runs.  Handed to a process beside the crawl, it runs on the other
core, and the crawl's process fetches, parses, fingerprints the story and writes (on two
cores that splits the CPU about evenly between the two processes).

Each worker builds nothing of its own: it receives the crawl's extractor (pickled as its
recipe, so a transformers model is loaded again from its name or local path) and warms
it before the first article arrives.  An extractor that cannot be sent, or a worker that
dies, never loses an article: the work is done in the crawl's own process instead, and
the log says why.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from twisted.internet import defer
from twisted.python.failure import Failure

from rasad.index.models import Article, SearchText
from rasad.ingest import with_figures
from rasad.nlp.extract import Extractor

log = logging.getLogger("rasad.crawler")

_EXTRACTOR: Extractor | None = None  # a worker's own copy, set by `_start`


def default_workers() -> int:
    """One worker beside the crawl when the machine has a second core; none otherwise."""
    return 1 if (os.cpu_count() or 1) >= 2 else 0


def process_article(article: Article, extractor: Extractor) -> tuple[Article, float]:
    """The article with its figures, place and search text, and the seconds that took.

    Fingerprints are left to the crawl's process: it needs them for the story lookup, and
    on two cores the work splits evenly that way (the worker is the busier of the two)."""
    started = time.perf_counter()
    article = with_figures(article, extractor, prints=False)
    SearchText.of(article)
    return article, time.perf_counter() - started


def _start(extractor: Extractor) -> None:
    """A worker's start: keep the extractor and load what it loads on first use (hazm's
    word lists and normalizer) before any article waits on it."""
    global _EXTRACTOR
    _EXTRACTOR = extractor
    warm = Article(url="about:warm", source="warm", title="گرم", body="۲۸ دفتر توسعه محله")
    process_article(warm, extractor)


def _work(article: Article) -> tuple[Article, float]:
    assert _EXTRACTOR is not None, "worker started without its extractor"
    return process_article(article, _EXTRACTOR)


class ArticleWorkers:
    """A pool of worker processes for `process_article`, answering with Deferreds so that
    an item pipeline can wait for them without blocking the reactor."""

    def __init__(self, extractor: Extractor, processes: int) -> None:
        self.extractor = extractor
        self._pool: ProcessPoolExecutor | None = ProcessPoolExecutor(
            processes,
            mp_context=multiprocessing.get_context("spawn"),  # no reactor or threads copied
            initializer=_start,
            initargs=(extractor,),
        )
        self._pool.submit(os.getpid)  # start the workers now, while the first pages load

    @classmethod
    def start(cls, extractor: Extractor, processes: int) -> ArticleWorkers | None:
        """Workers, or None when the work stays in this process (none asked for, or an
        extractor that cannot be sent to another process)."""
        if processes <= 0:
            return None
        try:
            pickle.dumps(extractor)
        except Exception as exc:  # any pickling failure means the same thing
            log.warning("figures are extracted in the crawl's own process: %s", exc)
            return None
        return cls(extractor, processes)

    def submit(self, article: Article) -> defer.Deferred[tuple[Article, float]]:
        """The article's work, done by a worker; in this process if the pool is gone."""
        future = self._send(article)
        if future is None:
            return defer.succeed(process_article(article, self.extractor))
        from twisted.internet import reactor  # the one Scrapy installed: never import it early

        done: defer.Deferred[tuple[Article, float]] = defer.Deferred()
        future.add_done_callback(
            lambda f: reactor.callFromThread(self._answer, done, f, article)  # type: ignore[attr-defined]
        )
        return done

    def _send(self, article: Article) -> Future | None:
        """The article handed to a worker, or None when no worker can take it."""
        if self._pool is None:
            return None
        try:
            return self._pool.submit(_work, article)
        except (BrokenProcessPool, RuntimeError) as exc:
            self._lost(exc)
            return None

    def _answer(
        self, done: defer.Deferred[tuple[Article, float]], future: Future, article: Article
    ) -> None:
        """Fire `done` with the worker's result; the Deferred is fired once, outside the
        handlers, so that an error in what waits on it is not taken for the worker's."""
        try:
            result = future.result()
        except BrokenProcessPool as exc:  # the worker died: do this article here
            self._lost(exc)
            result = process_article(article, self.extractor)
        except Exception:  # the article's own error, as in this process
            done.errback(Failure())
            return
        done.callback(result)

    def _lost(self, exc: BaseException) -> None:
        if self._pool is not None:
            log.error("article worker lost (%s): figures are extracted in the crawl's process", exc)
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
