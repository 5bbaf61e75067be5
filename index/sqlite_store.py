"""The embedded default: one SQLite file with FTS5, nothing to install or run.

Articles and figures are plain tables; `articles_fts` indexes the normalized title and body
(normalized in Python, see `rasad.nlp.normalize`, because FTS5's unicode61 tokenizer neither
folds Persian digits nor joins ZWNJ-separated affixes), and beside them each article's city
and outlet, which a search's words never match but its filters narrow FTS5 by.  WAL mode
lets the API read while the crawler writes.  The flow (paging, hits, counting) is the
contract's; this module renders filters and queries as SQL and runs them.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from rasad.nlp.dates import TEHRAN

from .contract import (
    RawHit,
    RawPage,
    Store,
    Stored,
    StoreError,
    StoreUnavailable,
    StoryCandidate,
    Write,
)
from .filters import REPORTS, Filter
from .highlight import HIT_CLOSE, HIT_OPEN, marked_tokens
from .models import (
    TOTAL_EXACT_UP_TO,
    Article,
    Interval,
    SearchRequest,
    SearchText,
    SeriesBucket,
    article_text,
)
from .query import (
    Node,
    QueryError,
    added_forms,
    marked_terms,
    without_forms,
    without_word_forms,
)
from .schema import BUCKET_FIELDS, ArticleParts, from_stored_list, stored_figures, stored_list
from .series import (
    INTERVALS,
    LISTED_VALUES,
    bucket_stats,
    conflict,
    plain_metric,
    rolled_bucket,
    tehran_buckets,
)
from .sqlite_rollup import (
    COUNT_ALL_METRICS,
    COUNT_ALL_ROWS,
    MARK_ALL_STALE,
    REPORT_GROUPS,
    ROLLUP_SCHEMA,
    count_inserted,
    groups_bounds,
    pack_stats,
    regrouped,
    rolled_up,
    stale_buckets,
    store_buckets,
    unpack_stats,
)
from .sqlite_sql import (
    ARTICLE_COLUMNS,
    FIGURE_COLUMNS,
    FIGURES_TABLE,
    INDEXES,
    INSERT_FIGURE,
    MIGRATIONS,
    NUMBERED,
    SCHEMA,
    day_date,
    day_number,
    figure_values,
    figure_where,
    in_text,
    marks,
    moment_number,
    moment_text,
    places,
    to_fts5,
    where_clause,
)
from .sqlite_text import (
    Records,
    dumps,
    loads,
    moved_figure_rests,
    moved_search_text,
    placed_search,
)

# highlight() of title and body, matches wrapped in the shared markers (constants, not input)
_HIGHLIGHTS = (
    f"highlight(articles_fts, 0, '{HIT_OPEN}', '{HIT_CLOSE}') AS ht, "
    f"highlight(articles_fts, 1, '{HIT_OPEN}', '{HIT_CLOSE}') AS hb"
)
_MATCHES = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?"  # an expression's rows
_MATCHING = f"a.rowid IN ({_MATCHES}{{bounds}})"
# qualified: beside a join with articles, a bare rowid would be the article's, not FTS5's
_BOUNDS = " AND articles_fts.rowid BETWEEN ? AND ?"
# A filtered query reads its words' matches only between the lowest and highest rowid of the
# articles its filters let through, when they are at most this many (counted from an index):
# FTS5 seeks within a word's matches, so a common word over a million articles is not read
# whole to keep a city's month of them.  Rowids follow the order articles were stored in,
# which a crawl keeps close to their dates; scattered ones only widen the range.
BOUNDED_UP_TO = 50_000
_HELD = (  # which of these FTS5 expressions match at least one article
    "SELECT e.value FROM json_each(?) e "
    "WHERE EXISTS (SELECT 1 FROM articles_fts WHERE articles_fts MATCH e.value)"
)
_EXACT_FIRST = 1000  # added to a match of the words as written: far above any bm25 score
_FACETS = 20
# Relevance ranks at most this many matches, the latest indexed (a crawl indexes as it
# publishes; every match is still counted and found by date).  FTS5 has no top-k pruning:
# bm25 costs about 5 µs a match, so a common word over 100,000 articles (10,000 matches
# and more) cost 50 ms a page before this; 2,000 is a week or two of a province's news.
RANKED_UP_TO = 2_000
BUSY_TIMEOUT_MS = 10_000  # how long a statement waits for another process's write
PAGE_BYTES = 16384  # a new store's page size (see __init__)
READERS = 4  # reader connections per store: on a few cores more would only hold memory
READER_CACHE_MB = 8  # page cache of each (the OS caches the file too; RSS is counted per worker)
_GROUPED = ("source", "story_id", "city")  # article columns coverage groups by


Bounds = tuple[int, int] | None


def _rowid_bounds(db: sqlite3.Connection, where: list[str], params: list[Any]) -> Bounds:
    """The lowest and highest rowid the filters let through, or None when there are no
    filters or more than `BOUNDED_UP_TO` articles pass them (reading them would cost more
    than it saves)."""
    if not where:
        return None
    low, high, n = db.execute(
        f"SELECT min(rid), max(rid), count(*) FROM (SELECT a.rowid AS rid FROM articles a "
        f"WHERE {' AND '.join(where)} LIMIT {BOUNDED_UP_TO + 1})",
        params,
    ).fetchone()
    if n > BOUNDED_UP_TO:
        return None
    return (low, high) if n else (1, 0)


def _matching_clause(
    where: list[str], params: list[Any], match: str | None, bounds: Bounds
) -> tuple[str, list[Any]]:
    """The WHERE clause over `articles a`: the filters' conditions and, with an FTS5
    expression, its matches (sought between `bounds`)."""
    conditions, args = list(where), list(params)
    if match is not None:
        conditions.append(_MATCHING.format(bounds=_BOUNDS if bounds is not None else ""))
        args += [match, *(bounds or ())]
    return " AND ".join(conditions) or "1", args


def _matching(
    db: sqlite3.Connection, filters: list[Filter], node: Node | None
) -> tuple[str, list[Any]]:
    """The WHERE clause over `articles a` for filters and an optional query."""
    where, params = where_clause(filters, "a.")
    if node is None:
        return _matching_clause(where, params, None, None)
    match = _expression(_held_forms(db, node), filters)
    return _matching_clause(where, params, match, _rowid_bounds(db, where, params))


def _expression(node: Node, filters: list[Filter]) -> str:
    """The FTS5 expression of a query over `articles_fts`: its words in the text, and the
    FTS5 side of its city and outlet filters."""
    return in_text(to_fts5(node)) + places(filters)


def _held_forms(db: sqlite3.Connection, node: Node) -> Node:
    """The query without the word forms it added that no article holds.  Most of a word's
    dozen forms are never written, yet FTS5 looks each up for every match and bm25 weighs
    each: dropping them nearly halved the cost of ranking a common word.  One seek a form
    (`_HELD`), whatever the size of the store."""
    forms = {term: in_text(to_fts5(term)) for term in added_forms(node)}
    if not forms:
        return node
    held = {row[0] for row in db.execute(_HELD, [dumps(list(forms.values()))])}
    return without_forms(node, {term for term, match in forms.items() if match not in held})


@contextmanager
def _clause(
    db: sqlite3.Connection,
    where: list[str],
    params: list[Any],
    match: str | None,
    bounds: Bounds,
    listed: bool,
) -> Iterator[tuple[str, list[Any]]]:
    """`_matching_clause`, or with `listed` the query's matches (between `bounds`) listed
    once in a table of this connection, for statements that would each list them again:
    SQLite builds a fresh list for every `IN (SELECT … MATCH …)`, and a city's nine months
    of a common word are 7,700 matches (facets and page 6.9 → 5.2 ms).  Emptied after, so
    a connection keeps no search's matches between requests."""
    if not listed or match is None:
        yield _matching_clause(where, params, match, bounds)
        return
    db.execute("CREATE TEMP TABLE IF NOT EXISTS search_matches (rid INTEGER PRIMARY KEY)")
    within = _BOUNDS if bounds is not None else ""
    db.execute(f"INSERT INTO temp.search_matches {_MATCHES}{within}", [match, *(bounds or ())])
    try:
        yield " AND ".join([*where, "a.rowid IN temp.search_matches"]), list(params)
    finally:
        db.execute("DELETE FROM temp.search_matches")


@contextmanager
def _busy(path: str) -> Iterator[None]:
    """A store another process kept locked past the busy timeout: unavailable, said so."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise StoreUnavailable(
                f"the SQLite store at {path} stayed locked by another writer for "
                f"{BUSY_TIMEOUT_MS // 1000} s: try again"
            ) from exc
        raise


def tehran_day(standard: date, summer: date) -> date:
    """A moment's day in Tehran from its day at +3:30 and at +4:30: they differ only for
    moments 19:30–20:30 UTC, when the offset in force that evening decides."""
    if standard == summer:
        return standard
    evening = datetime.combine(standard, time(20), UTC).astimezone(TEHRAN)
    return summer if evening.utcoffset() == timedelta(hours=4, minutes=30) else standard


# a series bucket's counts; its distinct values, ascending; each outlet's, in the order first
# reported: each capped per bucket by a window over the matching rows
# (`SERIES_QUERIES`, which read only the figures_series index when a metric is asked for)
_BUCKET_STATS = (
    "SELECT {b}, count(*), min(value), max(value), count(DISTINCT value), "
    "count(DISTINCT source || ' ' || day) FROM figures WHERE {where} GROUP BY 1 ORDER BY 1"
)
_BUCKET_VALUES = (
    "SELECT b, value FROM (SELECT b, value, row_number() OVER (PARTITION BY b ORDER BY value) "
    "AS n FROM (SELECT DISTINCT {b} AS b, value FROM figures WHERE {where})) "
    f"WHERE n <= {LISTED_VALUES} ORDER BY b, value"
)
_OUTLET_VALUES = (
    "SELECT b, source, value FROM (SELECT {b} AS b, source, value, min(published) AS first, "
    "row_number() OVER (PARTITION BY {b}, source ORDER BY min(published), value) AS n "
    "FROM figures WHERE {where} GROUP BY 1, 2, 3) "
    f"WHERE n <= {LISTED_VALUES} ORDER BY b, first, source, value"
)
# what a figure row is read as: its columns, then the stored rest (`schema.stored_row`)
# from its article's record
_STORED_COLUMNS = ("id", *(c for c in FIGURE_COLUMNS if c not in BUCKET_FIELDS))
_STORED = ", ".join(
    (
        *_STORED_COLUMNS,
        "stored_figure((SELECT d.data FROM articles a JOIN article_data d ON d.rowid = a.rowid "
        "WHERE a.id = figures.article_id), figures.seq)",
    )
)


SERIES_QUERIES = (_BUCKET_STATS, _BUCKET_VALUES, _OUTLET_VALUES)


def _stored(values: Sequence[Any]) -> dict[str, Any]:
    """A figure row as read by `_STORED`: columns, with the stored rest over them."""
    rest = loads(values[-1]) if values[-1] is not None else {}
    if isinstance(rest, list):  # as `stored_list` keeps it (a store made before: by name)
        rest = from_stored_list(rest)
    row = dict(zip(_STORED_COLUMNS, values[:-1], strict=True))
    row["published"] = moment_text(row["published"])
    return row | rest


def _after_moment(after: list[Any]) -> float | None:
    """The publication a figure cursor resumes after, as the row's number; None after an
    undated row ('').  A cursor handed out before the times were numbers holds ISO text."""
    moment = after[0]
    if moment == "":
        return None
    try:
        if isinstance(moment, str):
            return moment_number(moment)
        if isinstance(moment, int | float) and not isinstance(moment, bool):
            return moment
    except ValueError:
        pass
    raise QueryError("the page cursor is not valid: start again from the first page")


def _by_first(rows: list[tuple[Any, ...]]) -> dict[Any, list[tuple[Any, ...]]]:
    """Rows keyed by their first column, the rest kept in order."""
    out: dict[Any, list[tuple[Any, ...]]] = {}
    for key, *rest in rows:
        out.setdefault(key, []).append(tuple(rest))
    return out


def _outlets(rows: list[tuple[Any, ...]]) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for source, value in rows:
        out.setdefault(source, []).append(value)
    return out


def _as_number(column: str) -> str:
    """The SQL that reads a figure column of a store made before times were numbers as
    the number it now keeps (`moment_number`, `day_number`, registered on the writer)."""
    if column == "published":
        return "moment_number(published)"
    return f"day_number({column})" if column in BUCKET_FIELDS else column


def _tehran_bucket(published: str | None, which: int) -> str | None:
    """`series.tehran_buckets` as an SQL function, to fill the bucket columns of rows
    written before they existed."""
    return tehran_buckets(published)[which]


def print_number(fingerprint: str) -> int:
    """A story fingerprint (16 hex digits, `stories.fingerprints`) as the signed 64-bit
    integer SQLite keeps: eight bytes instead of a 17-byte string, in the table and in
    both its indexes."""
    return int(fingerprint, 16) - (1 << 63)


class SQLiteStore(Store):
    """Store backed by one SQLite file (or ':memory:')."""

    recheck_in_write = True

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self.records = Records(self._dictionary_reader if self.path != ":memory:" else None)
        try:
            self.db = self._connect(cache_mb=64)  # the writer: index upkeep in bulk writes
            # A new file only (a page size is set before the first table): records of 1-2 KB
            # fill 4 KB pages by ones and twos, a third of each page left empty; 16 KB pages
            # leave a fifteenth.  The cache is sized in bytes, so it holds the same.
            self.db.execute(f"PRAGMA page_size={PAGE_BYTES}")
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.create_function("tehran_bucket", 2, _tehran_bucket, deterministic=True)
            self.db.create_function("moment_number", 1, moment_number, deterministic=True)
            self.db.create_function("day_number", 1, day_number, deterministic=True)
            moved = moved_search_text(self.db)
            self.db.executescript(SCHEMA)
            if moved:  # a store made before: its indexes, built from the records once
                for table in ("articles_fts", "figures_fts"):
                    self.db.execute(f"INSERT INTO {table} ({table}) VALUES ('rebuild')")
            placed_search(self.db)
            self._move_prints()
            self._migrate()
            rolled = self._has_table("series_rollup")
            counted = self._has_table("metric_reports")
            sized = self._has_table("store_counts")
            self.db.executescript(ROLLUP_SCHEMA)
            if not rolled:  # a store made before the roll-up: every bucket is stale once
                self.db.execute(MARK_ALL_STALE)
            if not counted:
                self.db.execute(COUNT_ALL_METRICS)
            if not sized:
                self.db.execute(COUNT_ALL_ROWS)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the SQLite store at {self.path}: {exc}") from exc
        self.lock = threading.RLock()  # the writer connection is one thread's at a time
        self._writer: int | None = None  # the thread inside `_writing`
        self._local = threading.local()  # the reader connection a thread holds, if any
        self._readers: list[sqlite3.Connection] = []  # every reader made, to close them
        self._idle: queue.LifoQueue[sqlite3.Connection] = queue.LifoQueue()
        self._free_readers = threading.BoundedSemaphore(READERS)

    def _connect(self, cache_mb: int) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        # a crawl writing from another process makes others wait this long, never fail
        db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        db.execute(f"PRAGMA cache_size=-{cache_mb * 1024}")
        self.records.register(db)  # what the full-text indexes read their text through
        return db

    def _dictionary_reader(self) -> sqlite3.Connection:
        """A connection of its own, for `Records` to read a dictionary another process
        trained, from inside a query of any connection."""
        return sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000)

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """The connection a read goes through: one of at most `READERS`, each used by one
        thread at a time (WAL lets readers run side by side, and beside a writer), so a
        server's forty request threads hold a few page caches, not forty.  A thread keeps
        its connection through nested reads; the thread inside a write transaction reads
        what it is writing, and an in-memory store has one connection only."""
        if self.path == ":memory:" or self._writer == threading.get_ident():
            with self.lock:
                yield self.db
            return
        held = getattr(self._local, "db", None)
        if held is not None:  # a read inside a read on this thread
            yield held
            return
        with self._free_readers:
            db = self._take_reader()
            self._local.db = db
            try:
                yield db
            finally:
                self._local.db = None
                self._idle.put(db)

    def _take_reader(self) -> sqlite3.Connection:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        try:
            db = self._connect(cache_mb=READER_CACHE_MB)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read the SQLite store at {self.path}: {exc}") from exc
        with self.lock:
            self._readers.append(db)
        return db

    def _has_table(self, name: str) -> bool:
        """Whether the file holds this table (a store made by an older version may not)."""
        query = "SELECT 1 FROM sqlite_master WHERE name = ?"
        return self.db.execute(query, [name]).fetchone() is not None

    def _migrate(self) -> None:
        for table, column, kind, fill in MIGRATIONS:
            present = {row[1] for row in self.db.execute(f"PRAGMA table_info({table})")}
            if column not in present:
                self.db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
                if fill:
                    self.db.execute(f"UPDATE {table} SET {column} = {fill}")
        if self._remake_figures():
            self.db.executescript(SCHEMA)  # the view and indexes that went with the old table
        self.db.execute("CREATE INDEX IF NOT EXISTS articles_indexed ON articles (indexed_at)")
        for statement in INDEXES:
            self.db.execute(statement)

    def _remake_figures(self) -> bool:
        """A store made before `FIGURES_TABLE` gets its figures table made again: without
        a stored id and the unique index over it, without the figures' rests, which move
        into their articles' records, and with its times as numbers.  Rowids are kept, so
        the words' index still names the same rows.  The view, triggers and indexes go with
        the old table and are made again after."""
        columns = {row[1]: row for row in self.db.execute("PRAGMA table_xinfo(figures)")}
        current = columns["id"][6] == 2 and "row" not in columns  # id virtual, rests moved
        if current and all(columns[c][2] == "INTEGER" for c in NUMBERED):
            return False
        names = ", ".join(("rowid", *FIGURE_COLUMNS))
        values = ", ".join(("rowid", *map(_as_number, FIGURE_COLUMNS)))
        self.db.execute("BEGIN IMMEDIATE")
        with self._transaction():
            if "row" in columns:
                moved_figure_rests(self.db)
            triggers = self.db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'figures'"
            ).fetchall()
            for (name,) in triggers:  # names this store gave them, none from input
                self.db.execute(f"DROP TRIGGER {name}")
            self.db.execute("DROP VIEW IF EXISTS figures_search")
            self.db.execute("ALTER TABLE figures RENAME TO figures_before")
            self.db.execute(FIGURES_TABLE)
            self.db.execute(f"INSERT INTO figures ({names}) SELECT {values} FROM figures_before")
            self.db.execute("DROP TABLE figures_before")
        return True

    def _move_prints(self) -> None:
        """A store made before `prints`: its fingerprints, kept as text in a table and two
        indexes beside it, move into `prints` once."""
        if not self._has_table("article_prints"):
            return
        self.db.create_function("print_number", 1, print_number, deterministic=True)
        self.db.execute("BEGIN IMMEDIATE")
        with self._transaction():
            self.db.execute(
                "INSERT OR IGNORE INTO prints (print, rowid_ref) "
                "SELECT print_number(print), rowid_ref FROM article_prints"
            )
            self.db.execute("DROP TABLE article_prints")

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        with self._reading() as db, _busy(self.path):
            return db.execute(sql, params).fetchall()

    def _change(self, sql: str, params: Sequence[Any] = ()) -> int:
        """One write outside a batch (state documents), through the writer; rows changed."""
        with self.lock, _busy(self.path):
            return self.db.execute(sql, params).rowcount

    # ---- writes --------------------------------------------------------------------------

    @contextmanager
    def _writing(self) -> Iterator[None]:
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            with self._transaction():
                yield

    @contextmanager
    def _writing_now(self) -> Iterator[bool]:
        """A write transaction if the write lock is free at once (False when this process
        or another holds it): for upkeep a reader does on the way, which must not wait."""
        if not self.lock.acquire(blocking=False):
            yield False
            return
        try:
            self.db.execute("PRAGMA busy_timeout=0")
            try:
                self.db.execute("BEGIN IMMEDIATE")
                began = True
            except sqlite3.OperationalError:  # another process is writing
                began = False
            finally:
                self.db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            if not began:
                yield False
                return
            with self._transaction():
                yield True
        finally:
            self.lock.release()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """The open transaction of the writer connection, committed or rolled back."""
        self._writer = threading.get_ident()
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")
        finally:
            self._writer = None

    def _stored(self, ids: list[str]) -> dict[str, Stored]:
        out: dict[str, Stored] = {}
        for chunk in range(0, len(ids), 500):
            part = ids[chunk : chunk + 500]
            sql = f"SELECT rowid, id, content_hash FROM articles WHERE id IN ({marks(part)})"
            for rowid, aid, content_hash in self._rows(sql, part):
                out[aid] = Stored(content_hash, ref=rowid)
        return out

    def _write(self, writes: list[Write]) -> dict[str, str]:
        self.records.writing(self.db)
        figures: list[list[Any]] = []
        for article, old in writes:
            figures += self._write_one(article, old.ref if old else None)
        count_inserted(self.db, sum(old is None for _, old in writes), figures)
        self.records.learn(self.db)  # once, when the store first holds enough articles
        # the buckets these figures touched, regrouped in the same transaction: a batch's
        # few days of each metric, so that a reader finds the roll-up fresh
        self._regroup_stale()
        return {}

    def _regroup_stale(self) -> int:
        """Regroup every marked bucket, inside the write transaction; how many."""
        (count,) = self.db.execute("SELECT count(*) FROM series_stale").fetchone()
        for (metric,) in self.db.execute("SELECT DISTINCT metric FROM series_stale").fetchall():
            self._regroup(metric, INTERVALS)
        return int(count)

    def roll_up(self) -> int:
        """Every write regroups what it touched before it commits, so only a store made
        before the roll-up has buckets left: regrouped here, in one transaction."""
        with _busy(self.path), self._writing():
            return self._regroup_stale()

    def _write_one(self, article: Article, rowid: int | None) -> list[list[Any]]:
        """Insert or replace one article with its prints, text and figures; the figure
        rows' values, as inserted."""
        text = SearchText.of(article)
        figures = stored_figures(article)
        published = article.published.isoformat() if article.published else None
        indexed = article.indexed_at.isoformat() if article.indexed_at else None
        values = (*(getattr(article, c) for c in ARTICLE_COLUMNS[:2]), published)
        values += (article.city, article.story_id, " ".join(article.kinds), article.content_hash)
        prints = sorted({print_number(p) for p in article.fingerprints})
        if rowid is not None:
            self._unindex(rowid, article.id)
            assignments = ", ".join(f"{c}=?" for c in ARTICLE_COLUMNS)
            self.db.execute(
                f"UPDATE articles SET {assignments}, indexed_at=?, prints=? WHERE rowid=?",
                (*values, indexed, len(prints), rowid),
            )
        else:
            cur = self.db.execute(
                f"INSERT INTO articles ({', '.join(ARTICLE_COLUMNS)}, indexed_at, prints, id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*values, indexed, len(prints), article.id),
            )
            rowid = int(cur.lastrowid or 0)
        searched = [f.search for f in figures]
        rests = [stored_list(f.rest) for f in figures]
        record = self.records.pack(
            article.to_dict(figures=False), text.title, text.body, searched, rests
        )
        self.db.execute(
            "INSERT OR REPLACE INTO article_data (rowid, data) VALUES (?, ?)", (rowid, record)
        )
        self.db.executemany(
            "INSERT INTO prints (print, rowid_ref) VALUES (?, ?)", [(p, rowid) for p in prints]
        )
        self.db.execute(
            "INSERT INTO articles_fts (rowid, title, body, city, source) VALUES (?, ?, ?, ?, ?)",
            (rowid, text.title, text.body, article.city, article.source),
        )
        # rowids given here, so that the words' index entries can name them
        (last,) = self.db.execute("SELECT coalesce(max(rowid), 0) FROM figures").fetchone()
        refs = range(last + 1, last + 1 + len(figures))
        rows = [figure_values(f.indexed) for f in figures]
        self.db.executemany(INSERT_FIGURE, [(ref, *v) for ref, v in zip(refs, rows, strict=True)])
        self.db.executemany(
            "INSERT INTO figures_fts (rowid, search) VALUES (?, ?)",
            [(ref, f.search) for ref, f in zip(refs, figures, strict=True)],
        )
        return rows

    def _unindex(self, rowid: int, article_id: str) -> None:
        """Take a stored article's text, figures and prints out of the indexes, and its
        figures and prints out of the store.  FTS5 reads what it deletes from the article's
        record, so this comes before the record is replaced."""
        row = self.db.execute("SELECT data FROM article_data WHERE rowid = ?", (rowid,)).fetchone()
        stored = self.records.unpack(row[0]) if row else {}
        prints = {print_number(p) for p in stored.get("fingerprints") or ()}
        self.db.executemany(
            "DELETE FROM prints WHERE print = ? AND rowid_ref = ?", [(p, rowid) for p in prints]
        )
        self.db.execute("DELETE FROM articles_fts WHERE rowid = ?", (rowid,))
        refs = self.db.execute("SELECT rowid FROM figures WHERE article_id = ?", (article_id,))
        self.db.executemany("DELETE FROM figures_fts WHERE rowid = ?", refs.fetchall())
        self.db.execute("DELETE FROM figures WHERE article_id = ?", (article_id,))

    # ---- reads ---------------------------------------------------------------------------

    def get(self, article_id: str) -> Article | None:
        rows = self._rows(
            "SELECT d.data FROM articles a JOIN article_data d ON d.rowid = a.rowid WHERE a.id = ?",
            (article_id,),
        )
        if not rows:
            return None
        return self._with_figures(
            [Article.from_dict(self.records.unpack(rows[0][0]), figures=False)]
        )[0]

    def _story_candidates(
        self, prints: Sequence[str], exclude_id: str, limit: int
    ) -> list[StoryCandidate]:
        rows = self._rows(
            "SELECT a.id, a.story_id, a.prints, count(*) AS shared "
            "FROM prints p JOIN articles a ON a.rowid = p.rowid_ref "
            f"WHERE p.print IN ({marks(prints)}) AND a.id != ? GROUP BY a.rowid "
            "ORDER BY shared DESC, a.published IS NULL, a.published, a.id LIMIT ?",
            [*map(print_number, prints), exclude_id, limit],
        )
        return [StoryCandidate(*row) for row in rows]

    def _search(
        self, request: SearchRequest, node: Node | None, filters: list[Filter], after: Any
    ) -> RawPage:
        where, params = where_clause(filters, "a.")
        with self._reading() as db:
            node = _held_forms(db, node) if node is not None else None
            match = _expression(node, filters) if node is not None else None
            bounds = _rowid_bounds(db, where, params) if match is not None else None
            by_date = match is None or request.sort != "relevance"
            # by date, the count or facets and the page read the same matches: listed once
            listed = by_date and bool(request.facets or where)
            with _clause(db, where, params, match, bounds, listed) as (clause, args):
                if request.facets:
                    total, facets = self._facets(db, clause, args)
                else:
                    bare = match if not where else None
                    total, facets = self._count(db, clause, args, bare), {}
                if by_date:
                    page = self._page_by_date(db, clause, args, after, request.size)
                else:
                    written = None
                    if node is not None:
                        written = _expression(without_word_forms(node), filters)
                    page = self._page_by_relevance(
                        db, request, where, params, match, after, written, bounds
                    )
            rows = self._hit_rows(db, page[: request.size], match, marked_terms(node))
        hits = [
            RawHit(
                Article.from_dict(self.records.unpack(data), figures=False),
                matched,
                score,
                [sort, rowid],
            )
            for (rowid, sort), (data, matched, score) in zip(page, rows, strict=False)
        ]
        return RawPage(hits, len(page) > request.size, total, facets)

    def _count(
        self, db: sqlite3.Connection, clause: str, args: list[Any], bare_match: str | None
    ) -> int:
        """Matches, counted up to one past TOTAL_EXACT_UP_TO; words without filters
        (`bare_match`) are counted in FTS5 alone."""
        if bare_match is not None:
            sql, args = "SELECT 1 FROM articles_fts WHERE articles_fts MATCH ?", [bare_match]
        else:
            sql = f"SELECT 1 FROM articles a WHERE {clause}"
        sql = f"SELECT count(*) FROM ({sql} LIMIT {TOTAL_EXACT_UP_TO + 1})"
        return int(db.execute(sql, args).fetchone()[0])

    def _facets(
        self, db: sqlite3.Connection, clause: str, args: list[Any]
    ) -> tuple[int, dict[str, dict[str, int]]]:
        """Total and facet counts over every match, in one pass grouped in SQL."""
        groups = db.execute(
            "SELECT a.source, a.city, a.kinds, count(*) FROM articles a "
            f"WHERE {clause} GROUP BY 1, 2, 3",
            args,
        ).fetchall()
        facets: dict[str, Counter[str]] = {
            "source": Counter(),
            "city": Counter(),
            "kind": Counter(),
        }
        for source, city, kinds, n in groups:
            facets["source"][source] += n
            if city:
                facets["city"][city] += n
            for kind in kinds.split():
                facets["kind"][kind] += n
        total = sum(n for *_, n in groups)
        return total, {k: dict(v.most_common(_FACETS)) for k, v in facets.items()}

    def _page_by_relevance(
        self,
        db: sqlite3.Connection,
        r: SearchRequest,
        where: list[str],
        params: list[Any],
        match: str | None,
        after: Any,
        written: str | None,
        bounds: Bounds,
    ) -> list[tuple[int, Any]]:
        """(rowid, sort value) of the page's rows by relevance plus one, to know if another
        page follows; `written` is the query without its added word forms, whose matches rank
        first."""
        # bm25 is smaller for better matches; the title weighs twice the body; FTS5 cannot
        # weigh one term above another, so the words as written come first
        joined = "JOIN articles a ON a.rowid = articles_fts.rowid " if where else ""
        rank, rank_args = "bm25(articles_fts, 2.0, 1.0, 0.0, 0.0)", []  # city, outlet: 0
        if written is not None and written != match:
            exact = f"articles_fts.rowid IN ({_MATCHES})"
            rank = f"{rank} - CASE WHEN {exact} THEN {_EXACT_FIRST} ELSE 0 END"
            rank_args = [written]
        within = _BOUNDS if bounds is not None else ""
        base = (  # without filters, no join: ranking a common word's matches costs less
            f"SELECT articles_fts.rowid AS rid, {rank} AS sort FROM articles_fts {joined}"
            f"WHERE articles_fts MATCH ?{within} AND {' AND '.join(where) or '1'} "
            f"ORDER BY articles_fts.rowid DESC LIMIT {RANKED_UP_TO}"
        )
        args = [*rank_args, match, *(bounds or ()), *params]
        sql = f"SELECT rid, sort FROM ({base})"
        if after is not None:
            sql += " WHERE (sort > ? OR (sort = ? AND rid > ?))"
            args += [after[0], after[0], after[1]]
        sql += " ORDER BY sort ASC, rid ASC LIMIT ?"
        return db.execute(sql, [*args, r.size + 1]).fetchall()

    def _page_by_date(
        self, db: sqlite3.Connection, clause: str, args: list[Any], after: Any, size: int
    ) -> list[tuple[int, Any]]:
        """The latest first, undated last (as '').  Ordered by the column itself, not by a
        sort value computed in a subquery: an index that serves the filters (by city, by
        source, by date) then gives the order too, and the walk stops once the page is full
        instead of sorting every match (a city's nine months of a common word: 2.8 → 1.9 ms)."""
        sort = "coalesce(a.published, '')"
        sql = f"SELECT a.rowid, {sort} FROM articles a WHERE {clause}"
        if after is not None:
            sql += f" AND ({sort} < ? OR ({sort} = ? AND a.rowid > ?))"
            args = [*args, after[0], after[0], after[1]]
        # NULL sorts below every date, as '' would: the same order as `sort DESC`
        sql += " ORDER BY a.published DESC, a.rowid ASC LIMIT ?"
        return db.execute(sql, [*args, size + 1]).fetchall()

    def _hit_rows(
        self,
        db: sqlite3.Connection,
        page: list[tuple[int, Any]],
        match: str | None,
        terms: set[str] | None,
    ) -> list[tuple[str, set[str], float]]:
        """Each row's stored article and matched tokens.  A query of plain words marks its
        words (`marked_terms`); for a phrase or a prefix FTS5's highlight() says which
        tokens matched, at the price of evaluating the MATCH once more (it cannot be
        limited to the page's rows: a common word's highlights cost more than its ranking)."""
        rowids = [rowid for rowid, _ in page]
        sql = f"SELECT rowid, data FROM article_data WHERE rowid IN ({marks(rowids)})"
        data = dict(db.execute(sql, rowids))
        matched: dict[int, set[str]] = {}
        if match is not None and terms is not None:
            matched = dict.fromkeys(rowids, terms)
        elif match is not None:
            for rowid, *highlighted in db.execute(
                f"SELECT rowid, {_HIGHLIGHTS} FROM articles_fts "
                f"WHERE articles_fts MATCH ? AND rowid IN ({marks(rowids)})",
                [match, *rowids],
            ):
                matched[rowid] = marked_tokens(highlighted, HIT_OPEN, HIT_CLOSE)
        return [
            (data[rowid], matched.get(rowid, set()), -float(sort) if isinstance(sort, float) else 0)
            for rowid, sort in page
        ]

    def _day_counts(self, filters: list[Filter], node: Node | None) -> tuple[dict[date, int], int]:
        # each match's day at both offsets Tehran has used (+3:30, +4:30 in the summers to
        # 2022): few groups per day, and Python picks the offset in force (zoneinfo)
        with self._reading() as db, _busy(self.path):
            clause, args = _matching(db, filters, node)
            rows = db.execute(
                "SELECT date(a.published, '+210 minutes'), date(a.published, '+270 minutes'), "
                f"count(*) FROM articles a WHERE {clause} GROUP BY 1, 2",
                args,
            ).fetchall()
        days: Counter[date] = Counter()
        undated = 0
        for standard, summer, n in rows:
            if standard is None:
                undated += n
            else:
                days[tehran_day(date.fromisoformat(standard), date.fromisoformat(summer))] += n
        return dict(days), undated

    def _article_groups(
        self, filters: list[Filter], node: Node | None, field: str, size: int
    ) -> list[tuple[str, int]]:
        if field not in _GROUPED:  # the name becomes SQL: known columns only
            raise ValueError(f"cannot group articles by {field!r}")
        with self._reading() as db, _busy(self.path):
            clause, args = _matching(db, filters, node)
            return db.execute(
                f"SELECT a.{field}, count(*) FROM articles a WHERE a.{field} IS NOT NULL AND "
                f"{clause} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?",
                [*args, size],
            ).fetchall()

    def _figure_rows(
        self, filters: list[Filter], after: Any, size: int, newest_first: bool
    ) -> list[tuple[dict[str, Any], list[Any]]]:
        where, params = figure_where(filters)
        if newest_first:
            return self._newest_rows(where, params, after, size)
        # oldest first is plain column order (undated first), which the (metric, published)
        # index serves
        moment = _after_moment(after) if after is not None else None
        if moment is not None:
            where.append("(published > ? OR (published = ? AND id > ?))")
            params += [moment, moment, after[1]]
        elif after is not None:  # after an undated row: the rest of the undated, then all dated
            where.append("(published IS NOT NULL OR id > ?)")
            params.append(after[1])
        return self._sorted_rows(where, params, "published ASC, id ASC", size)

    def _newest_rows(
        self, where: list[str], params: list[Any], after: Any, size: int
    ) -> list[tuple[dict[str, Any], list[Any]]]:
        """Newest first, undated last: the dated rows in index order read backwards, then
        the undated (one sort over the whole match, as `coalesce(published, '')` gave,
        made a series' newest reports cost as much as its oldest)."""
        rows: list[tuple[dict[str, Any], list[Any]]] = []
        moment = _after_moment(after) if after is not None else None
        if after is None or moment is not None:
            dated = [*where, "published IS NOT NULL"]
            cursor = list(params)
            if moment is not None:
                dated.append("(published < ? OR (published = ? AND id > ?))")
                cursor += [moment, moment, after[1]]
            rows = self._sorted_rows(dated, cursor, "published DESC, id ASC", size)
        if len(rows) < size:
            undated = [*where, "published IS NULL"]
            cursor = list(params)
            if after is not None and moment is None:
                undated.append("id > ?")
                cursor.append(after[1])
            rows += self._sorted_rows(undated, cursor, "id ASC", size - len(rows))
        return rows

    def _sorted_rows(
        self, where: list[str], params: list[Any], order: str, size: int
    ) -> list[tuple[dict[str, Any], list[Any]]]:
        """Figure rows as stored, with their sort values (publication as the row's number,
        undated as '', and id)."""
        rows = self._rows(
            f"SELECT coalesce(published, ''), {_STORED} FROM figures "
            f"WHERE {' AND '.join(where) or '1'} ORDER BY {order} LIMIT ?",
            [*params, size],
        )
        return [(_stored(row[1:]), [row[0], row[1]]) for row in rows]

    def _article_parts(self, ids: Sequence[str]) -> dict[str, ArticleParts]:
        out: dict[str, ArticleParts] = {}
        for chunk in range(0, len(ids), 500):
            part = list(ids[chunk : chunk + 500])
            for aid, url, story, data in self._rows(
                "SELECT a.id, a.url, a.story_id, d.data "
                "FROM articles a JOIN article_data d ON d.rowid = a.rowid "
                f"WHERE a.id IN ({marks(part)})",
                part,
            ):
                stored = self.records.unpack(data)
                title, lead, body = stored["title"], stored.get("lead") or "", stored["body"]
                out[aid] = ArticleParts(url, title, story, article_text(title, lead, body))
        return out

    def _count_figures(self, filters: list[Filter]) -> int:
        where, params = figure_where(filters)
        sql = f"SELECT count(*) FROM figures WHERE {' AND '.join(where) or '1'}"
        return int(self._rows(sql, params)[0][0])

    def _series_buckets(self, filters: list[Filter], interval: Interval) -> list[SeriesBucket]:
        if interval not in INTERVALS:  # the name becomes SQL: bucket columns only
            raise ValueError(f"no bucket column {interval!r}")
        metric = plain_metric(filters)
        if metric is not None:
            kept = self._rolled_up(metric, interval)
            if kept is not None:
                return kept
        return self._grouped(filters, interval)

    def _rolled_up(self, metric: str, interval: Interval) -> list[SeriesBucket] | None:
        """A metric's series from its roll-up (`sqlite_rollup`), its stale buckets
        regrouped first; None when they are stale and a writer holds the lock."""
        with self._reading() as db, _busy(self.path):
            stale = stale_buckets(db, metric, interval)
        if stale:  # left by a store made before the roll-up, or by a failed regrouping
            with self._writing_now() as writing:
                if not writing:
                    return None
                self._regroup(metric, [interval])
        with self._reading() as db, _busy(self.path):
            rows = rolled_up(db, metric, interval)
        return [rolled_bucket(start, unpack_stats(stats)) for start, stats in rows]

    def _regroup(self, metric: str, intervals: Sequence[Interval]) -> None:
        """Regroup a metric's stale buckets at these intervals into the roll-up, inside the
        write transaction (so that the marks cleared are the ones this transaction saw):
        all intervals from one pass over the stale days' reports (`regrouped`), or, past
        `WHOLE_AFTER` buckets, each interval grouped over the whole metric."""
        stale = {i: found for i in intervals if (found := stale_buckets(self.db, metric, i))}
        if not stale:
            return
        bounds = groups_bounds(stale)
        if bounds is None:
            base = [Filter("metric", "eq", metric), REPORTS]
            fresh = {interval: self._grouped(base, interval) for interval in stale}
        else:
            fresh = regrouped(self.db.execute(REPORT_GROUPS, [metric, *bounds]).fetchall(), stale)
        for interval, buckets in fresh.items():
            kept = [(b.start.isoformat(), pack_stats(bucket_stats(b))) for b in buckets]
            store_buckets(self.db, metric, interval, stale[interval], kept)

    def _grouped(self, filters: list[Filter], interval: Interval) -> list[SeriesBucket]:
        """The series grouped on request, by SQL over the matching rows."""
        where, params = figure_where(filters)
        clause = " AND ".join([*where, f"{interval} IS NOT NULL"])
        with self._reading() as db, _busy(self.path):
            stats = db.execute(_BUCKET_STATS.format(b=interval, where=clause), params).fetchall()
            values = db.execute(_BUCKET_VALUES.format(b=interval, where=clause), params)
            outlets = db.execute(_OUTLET_VALUES.format(b=interval, where=clause), params)
            listed_values = _by_first(values.fetchall())
            by_outlet = _by_first(outlets.fetchall())
        return [
            SeriesBucket(
                start=day_date(start),
                count=count,
                low=low,
                high=high,
                values=[v for (v,) in listed_values.get(start, [])],
                conflict=conflict(distinct, reporters),
                outlets=_outlets(by_outlet.get(start, [])),
            )
            for start, count, low, high, distinct, reporters in stats
        ]

    def _metric_counts(self, filters: list[Filter], size: int) -> list[tuple[str, int]]:
        if filters == [REPORTS]:  # every metric: counted as figures are written
            return self._rows(
                "SELECT metric, reports FROM metric_reports ORDER BY reports DESC, metric LIMIT ?",
                [size],
            )
        where, params = figure_where(filters)
        return [
            (m, c)
            for m, c in self._rows(
                f"SELECT metric, count(*) FROM figures WHERE metric IS NOT NULL AND "
                f"{' AND '.join(where) or '1'} GROUP BY metric ORDER BY count(*) DESC, metric "
                "LIMIT ?",
                [*params, size],
            )
        ]

    def source_counts(self) -> dict[str, int]:
        return dict(
            self._rows("SELECT source, count(*) FROM articles GROUP BY source ORDER BY 2 DESC")
        )

    def story_outlets(self, story_ids: Sequence[str]) -> dict[str, int]:
        ids = sorted({s for s in story_ids if s})
        if not ids:
            return {}
        return dict(
            self._rows(
                "SELECT story_id, count(DISTINCT source) FROM articles "
                f"WHERE story_id IN ({marks(ids)}) GROUP BY story_id",
                ids,
            )
        )

    def iter_articles(self, batch: int = 500) -> Iterator[Article]:
        last = 0
        while rows := self._rows(
            "SELECT rowid, data FROM article_data WHERE rowid > ? ORDER BY rowid LIMIT ?",
            (last, batch),
        ):
            last = rows[-1][0]
            yield from self._with_figures(
                [
                    Article.from_dict(self.records.unpack(data), figures=False)
                    for _rowid, data in rows
                ]
            )

    def put_state(self, kind: str, key: str, doc: dict[str, Any]) -> None:
        self._change(
            "INSERT INTO state (kind, key, data) VALUES (?, ?, ?) "
            "ON CONFLICT (kind, key) DO UPDATE SET data = excluded.data",
            (kind, key, dumps(doc)),
        )

    def get_state(self, kind: str, key: str) -> dict[str, Any] | None:
        rows = self._rows("SELECT data FROM state WHERE kind = ? AND key = ?", (kind, key))
        return loads(rows[0][0]) if rows else None

    def states(self, kind: str) -> list[dict[str, Any]]:
        rows = self._rows("SELECT data FROM state WHERE kind = ? ORDER BY rowid", (kind,))
        return [loads(r[0]) for r in rows]

    def delete_state(self, kind: str, key: str) -> bool:
        return self._change("DELETE FROM state WHERE kind = ? AND key = ?", (kind, key)) > 0

    def health(self) -> dict[str, Any]:
        info: dict[str, Any] = {"backend": "sqlite", "path": self.path}
        try:
            counts = dict(self._rows("SELECT name, n FROM store_counts"))
        except sqlite3.Error as exc:
            return info | {"ok": False, "error": str(exc)}
        return info | {"ok": True, "articles": counts["articles"], "figures": counts["figures"]}

    def close(self) -> None:
        with self.lock:
            for reader in self._readers:
                reader.close()
            self._readers.clear()
            self.db.close()
