"""The store contract both backends implement, and the logic they share.

A backend translates queries and writes; everything that does not depend on the
backend (cursors, snippets and highlighting of the original text, series bucketing,
the flattened figure rows) lives here, once.
"""

from __future__ import annotations

import base64
import html
import json
import re
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

import jdatetime

from rasad.nlp.dates import TEHRAN
from rasad.nlp.normalize import fold_word

from .models import (
    Article,
    FigurePage,
    FigureQuery,
    Hit,
    Interval,
    SearchPage,
    SearchRequest,
    Series,
    SeriesBucket,
    UpsertReport,
)
from .query import QueryError


class StoreError(RuntimeError):
    """The store cannot do what was asked (backend unreachable, bad state)."""


class StoreUnavailable(StoreError):
    """The backend cannot be reached; the message names it."""


class Store(ABC):
    """Articles and their figures: write, read, search, aggregate."""

    @abstractmethod
    def upsert(self, articles: Iterable[Article]) -> UpsertReport:
        """Write articles with their figures; an article's figures are replaced together."""

    @abstractmethod
    def get(self, article_id: str) -> Article | None: ...

    @abstractmethod
    def known(self, urls: Sequence[str]) -> dict[str, str]:
        """Which of these article URLs are stored already, with their content hashes."""

    @abstractmethod
    def find_story(self, prints: Sequence[str], exclude_id: str = "") -> str | None:
        """The story id of a stored article that carries the same story (see stories.py)."""

    @abstractmethod
    def search(self, request: SearchRequest) -> SearchPage: ...

    @abstractmethod
    def figures(self, query: FigureQuery) -> FigurePage: ...

    @abstractmethod
    def metric_points(
        self, metric: str, date_from: datetime | None = None, date_to: datetime | None = None
    ) -> list[dict[str, Any]]:
        """Every figure row of one metric, oldest first (the raw material of a series)."""

    @abstractmethod
    def metrics(self, text: str = "", size: int = 50) -> list[tuple[str, int]]:
        """Metric keys with their figure counts, most reported first; `text` filters them."""

    @abstractmethod
    def source_counts(self) -> dict[str, int]: ...

    @abstractmethod
    def story_outlets(self, story_ids: Sequence[str]) -> dict[str, int]:
        """How many distinct sources carried each story (coverage counting)."""

    @abstractmethod
    def iter_articles(self, batch: int = 500) -> Iterator[Article]:
        """Every stored article, in no particular order (copying a store, exports)."""

    # Small documents of the service's own (saved searches, notifications), kept beside the
    # articles so that one setting moves everything.  `kind` names a collection.

    @abstractmethod
    def put_state(self, kind: str, key: str, doc: dict[str, Any]) -> None: ...

    @abstractmethod
    def states(self, kind: str) -> list[dict[str, Any]]:
        """Every document of a collection, oldest written first."""

    @abstractmethod
    def delete_state(self, kind: str, key: str) -> bool:
        """Remove a document; False when there was none."""

    @abstractmethod
    def health(self) -> dict[str, Any]: ...

    @abstractmethod
    def close(self) -> None: ...

    def series(
        self,
        metric: str,
        interval: Interval = "month",
        date_from: datetime | None = None,
        date_to: datetime | None = None,
    ) -> Series:
        """One metric over time, bucketed; conflicting reports in a bucket are flagged."""
        return bucket_series(metric, interval, self.metric_points(metric, date_from, date_to))

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ---- cursors -------------------------------------------------------------------------------


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps(list(values), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str | None, length: int) -> list[Any] | None:
    """The sort values a cursor carries; a tampered or foreign cursor is a QueryError."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise QueryError("the page cursor is not valid: start again from the first page") from None
    if not isinstance(values, list) or len(values) != length:
        raise QueryError("the page cursor does not belong to this kind of query")
    return values


# ---- rows --------------------------------------------------------------------------------

FIGURE_FIELDS = (
    "value",
    "unit",
    "kind",
    "surface",
    "start",
    "end",
    "subject",
    "qualifier",
    "scope",
    "location",
    "speaker",
    "speaker_role",
    "sentence",
    "metric",
    "value_rial",
    "figure_id",
)


def figure_rows(article: Article) -> list[dict[str, Any]]:
    """One flat row per figure, carrying what figure queries filter and show."""
    rows = []
    for seq, fig in enumerate(article.figures):
        row = {k: fig.get(k) for k in FIGURE_FIELDS}
        row.update(
            id=f"{article.id}-{seq}",
            article_id=article.id,
            seq=seq,
            url=article.url,
            source=article.source,
            title=article.title,
            story_id=article.story_id,
            published=article.published.isoformat() if article.published else None,
        )
        rows.append(row)
    return rows


# ---- snippets ----------------------------------------------------------------------------

_WORD = re.compile(r"\w+(?:[\u200c.٫/]\w+)*")
_AFFIX = {"ها", "های", "هایی", "اند", "ای", "ام", "ایم", "اید", "تر", "ترین", "ی"}
MARK_OPEN, MARK_CLOSE = "<mark>", "</mark>"
# What backend highlighters wrap matches in: characters normalization never leaves in text.
HIT_OPEN, HIT_CLOSE = "⟦", "⟧"


@lru_cache(maxsize=65536)
def _folded(word: str) -> str:
    return fold_word(word)


def iter_marked(text: str, matched: set[str]) -> Iterator[tuple[int, int]]:
    """Spans of the original text whose normalized form is one of the matched tokens, lazily.

    A word and a detached affix (شده اند، می شود) are tried together too, since the
    index saw them as one token.
    """
    words = ((m.start(), m.end(), _folded(m.group())) for m in _WORD.finditer(text))
    current = next(words, None)
    while current is not None:
        start, end, norm = current
        nxt = next(words, None)
        if (
            nxt is not None
            and (nxt[2] in _AFFIX or norm in {"می", "نمی"})
            and (norm + nxt[2]) in matched
        ):
            yield start, nxt[1]
            current = next(words, None)
            continue
        if norm in matched or any(part in matched for part in norm.split()):
            yield start, end
        current = nxt


def marked_spans(text: str, matched: set[str]) -> list[tuple[int, int]]:
    return list(iter_marked(text, matched)) if matched else []


def render_marked(
    text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None
) -> str:
    """HTML-escape text[start:end], wrapping the given spans in <mark>."""
    end = len(text) if end is None else end
    out, pos = [], start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out.append(html.escape(text[pos:s]))
        out.append(MARK_OPEN + html.escape(text[s:e]) + MARK_CLOSE)
        pos = e
    out.append(html.escape(text[pos:end]))
    return "".join(out)


def snippet(text: str, matched: set[str], width: int = 220) -> str:
    """A window of the text around the first matched word, escaped, with marks.

    Only the words up to the end of the window are normalized: hits show fast even for
    long articles.
    """
    spans: list[tuple[int, int]] = []
    for span in iter_marked(text, matched) if matched else ():
        if spans and span[0] >= spans[0][0] + width:
            break
        spans.append(span)
    if not spans:
        return html.escape(text[:width]) + ("…" if len(text) > width else "")
    first = spans[0][0]
    start = max(0, first - width // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(text), start + width)
    body = render_marked(text, spans, start, end)
    return ("…" if start else "") + body + ("…" if end < len(text) else "")


def make_hit(article: Article, matched: set[str], score: float) -> Hit:
    """A search hit: the article's title and a snippet, escaped, with matched words marked."""
    text = f"{article.lead}\n{article.body}".strip()
    return Hit(
        article.id,
        article.url,
        article.source,
        article.title,
        article.published,
        article.city,
        article.story_id,
        score,
        title_html(article.title, matched),
        snippet(text, matched),
    )


def title_html(title: str, matched: set[str]) -> str:
    return render_marked(title, marked_spans(title, matched) if matched else [])


def marked_tokens(highlighted: Iterable[str], open_mark: str, close_mark: str) -> set[str]:
    """The normalized tokens a backend highlighter marked in normalized text."""
    pattern = re.compile(re.escape(open_mark) + r"(.*?)" + re.escape(close_mark), re.S)
    tokens: set[str] = set()
    for fragment in highlighted:
        for m in pattern.finditer(fragment):
            tokens.update(m.group(1).split())
    return tokens


# ---- series ------------------------------------------------------------------------------


def bucket_start(day: date, interval: Interval) -> date:
    """The first day of the bucket holding `day`, on the calendar the readers use: Jalali
    months, and weeks from Saturday (شنبه) to Friday."""
    if interval == "day":
        return day
    if interval == "week":
        return day - timedelta(days=(day.weekday() + 2) % 7)
    return jdatetime.date.fromgregorian(date=day).replace(day=1).togregorian()


def bucket_series(metric: str, interval: Interval, points: list[dict[str, Any]]) -> Series:
    """Group figure rows into buckets by publication day in Tehran; undated rows are left
    out."""
    if interval not in ("day", "week", "month"):
        raise QueryError("interval must be day, week or month")
    groups: dict[date, list[dict[str, Any]]] = defaultdict(list)
    for point in points:
        if point.get("published"):
            published = datetime.fromisoformat(point["published"]).astimezone(TEHRAN)
            groups[bucket_start(published.date(), interval)].append(point)
    buckets = []
    for start in sorted(groups):
        pts = groups[start]
        values = [float(p["value"]) for p in pts]
        buckets.append(SeriesBucket(start, pts, values, conflict=len(set(values)) > 1))
    return Series(metric, interval, buckets)


def figure_search_text(row: dict[str, Any]) -> str:
    """What a figure's free-text filter searches: subject, metric, sentence, speaker, place."""
    return fold_word(
        " ".join(
            str(row.get(k) or "") for k in ("subject", "metric", "sentence", "speaker", "location")
        )
    )
