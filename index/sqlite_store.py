"""The embedded default: one SQLite file with FTS5, nothing to install or run.

Articles and figures are plain tables; `articles_fts` indexes the normalized title and body
(normalized in Python, see `rasad.nlp.normalize`, because FTS5's unicode61 tokenizer neither
folds Persian digits nor joins ZWNJ-separated affixes).  WAL mode lets the API read while
the crawler writes.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rasad.nlp.normalize import normalize_for_search

from .base import (
    HIT_CLOSE,
    HIT_OPEN,
    Store,
    StoreError,
    decode_cursor,
    encode_cursor,
    figure_rows,
    figure_search_text,
    make_hit,
    marked_tokens,
)
from .models import (
    TOTAL_EXACT_UP_TO,
    Article,
    FigurePage,
    FigureQuery,
    SearchPage,
    SearchRequest,
    SearchText,
    UpsertReport,
    article_id,
)
from .query import And, Node, Not, Or, Phrase, QueryError, Term, parse_query
from .stories import shares_story

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    source TEXT NOT NULL,
    published TEXT,
    city TEXT,
    story_id TEXT,
    kinds TEXT NOT NULL DEFAULT '',
    content_hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_published ON articles (published);
CREATE INDEX IF NOT EXISTS articles_source ON articles (source);
CREATE INDEX IF NOT EXISTS articles_story ON articles (story_id);
-- the whole article as JSON, apart so that scans over the columns above stay small
CREATE TABLE IF NOT EXISTS article_data (
    rowid INTEGER PRIMARY KEY REFERENCES articles (rowid) ON DELETE CASCADE,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS article_prints (
    print TEXT NOT NULL,
    rowid_ref INTEGER NOT NULL REFERENCES articles (rowid) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS article_prints_print ON article_prints (print);
CREATE INDEX IF NOT EXISTS article_prints_ref ON article_prints (rowid_ref);
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(
    title, body, tokenize='unicode61 remove_diacritics 0'
);
CREATE TABLE IF NOT EXISTS figures (
    id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    value REAL,
    unit TEXT,
    kind TEXT,
    location TEXT,
    speaker TEXT,
    source TEXT,
    metric TEXT,
    published TEXT,
    search TEXT,
    row TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS figures_article ON figures (article_id);
CREATE INDEX IF NOT EXISTS figures_metric ON figures (metric, published);
CREATE INDEX IF NOT EXISTS figures_kind ON figures (kind, published);
CREATE INDEX IF NOT EXISTS figures_published ON figures (published);
CREATE TABLE IF NOT EXISTS state (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);
"""
# Columns added after the first release: (table, column, type); added to older files on open.
MIGRATIONS = (("articles", "indexed_at", "TEXT"),)


# highlight() of title and body, matches wrapped in the shared markers (constants, not input)
_HIGHLIGHTS = (
    f"highlight(articles_fts, 0, '{HIT_OPEN}', '{HIT_CLOSE}') AS ht, "
    f"highlight(articles_fts, 1, '{HIT_OPEN}', '{HIT_CLOSE}') AS hb"
)


_MATCHING = "a.rowid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)"


class SQLiteStore(Store):
    """Store backed by one SQLite file (or ':memory:')."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA cache_size=-65536")  # 64 MB: index upkeep during bulk writes
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.executescript(SCHEMA)
            self._migrate()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the SQLite store at {self.path}: {exc}") from exc
        self.lock = threading.RLock()

    def _migrate(self) -> None:
        for table, column, kind in MIGRATIONS:
            present = {row[1] for row in self.db.execute(f"PRAGMA table_info({table})")}
            if column not in present:
                self.db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
        self.db.execute("CREATE INDEX IF NOT EXISTS articles_indexed ON articles (indexed_at)")

    # ---- writes --------------------------------------------------------------------------

    def upsert(self, articles: Iterable[Article]) -> UpsertReport:
        report = UpsertReport()
        batch = list(articles)
        with self.lock:
            stored = self._hashes([a.id for a in batch])
        for article in batch:  # hazm is the slow part: outside the lock, only what changed
            if stored.get(article.id, (0, ""))[1] != article.content_hash:
                SearchText.of(article)
        with self.lock:
            existing = self._hashes([a.id for a in batch])  # again, inside the transaction
            now = datetime.now(UTC)
            self.db.execute("BEGIN IMMEDIATE")
            try:
                for article in batch:
                    old = existing.get(article.id)
                    if old is not None and old[1] == article.content_hash:
                        report.unchanged += 1
                        continue
                    article.indexed_at = article.indexed_at or now  # copies keep theirs
                    rowid = self._write(article, SearchText.of(article), old[0] if old else None)
                    existing[article.id] = (rowid, article.content_hash)
                    if old is None:
                        report.new += 1
                    else:
                        report.updated += 1
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
        return report

    def _hashes(self, ids: list[str]) -> dict[str, tuple[int, str]]:
        out: dict[str, tuple[int, str]] = {}
        for chunk in range(0, len(ids), 500):
            part = ids[chunk : chunk + 500]
            marks = ",".join("?" * len(part))
            for rowid, aid, h in self.db.execute(
                f"SELECT rowid, id, content_hash FROM articles WHERE id IN ({marks})", part
            ):
                out[aid] = (rowid, h)
        return out

    def _write(self, article: Article, text: SearchText, old_rowid: int | None) -> int:
        """Insert or replace one article with its prints, text and figures; its rowid."""
        published = article.published.isoformat() if article.published else None
        columns = (
            article.url,
            article.source,
            published,
            article.city,
            article.story_id,
            " ".join(article.kinds),
            article.content_hash,
            article.indexed_at.isoformat() if article.indexed_at else None,
        )
        if old_rowid is not None:
            self.db.execute("DELETE FROM articles_fts WHERE rowid = ?", (old_rowid,))
            self.db.execute("DELETE FROM figures WHERE article_id = ?", (article.id,))
            self.db.execute(
                "UPDATE articles SET url=?, source=?, published=?, city=?, story_id=?, kinds=?, "
                "content_hash=?, indexed_at=? WHERE rowid=?",
                (*columns, old_rowid),
            )
            rowid = old_rowid
        else:
            cur = self.db.execute(
                "INSERT INTO articles (url, source, published, city, story_id, kinds, "
                "content_hash, indexed_at, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*columns, article.id),
            )
            rowid = int(cur.lastrowid or 0)
        self.db.execute(
            "INSERT OR REPLACE INTO article_data (rowid, data) VALUES (?, ?)",
            (rowid, json.dumps(article.to_dict(), ensure_ascii=False)),
        )
        self.db.execute("DELETE FROM article_prints WHERE rowid_ref = ?", (rowid,))
        self.db.executemany(
            "INSERT INTO article_prints (print, rowid_ref) VALUES (?, ?)",
            [(p, rowid) for p in article.fingerprints],
        )
        self.db.execute(
            "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)",
            (rowid, text.title, text.body),
        )
        self.db.executemany(
            "INSERT INTO figures (id, article_id, seq, value, unit, kind, location, speaker, "
            "source, metric, published, search, row) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    r["id"],
                    r["article_id"],
                    r["seq"],
                    r["value"],
                    r["unit"],
                    r["kind"],
                    r["location"],
                    r["speaker"],
                    r["source"],
                    r["metric"],
                    r["published"],
                    f" {figure_search_text(r)} ",
                    json.dumps(r, ensure_ascii=False),
                )
                for r in figure_rows(article)
            ],
        )
        return rowid

    # ---- reads ---------------------------------------------------------------------------

    def get(self, article_id: str) -> Article | None:
        with self.lock:
            row = self.db.execute(
                "SELECT d.data FROM articles a JOIN article_data d ON d.rowid = a.rowid "
                "WHERE a.id = ?",
                (article_id,),
            ).fetchone()
        return Article.from_dict(json.loads(row[0])) if row else None

    def known(self, urls: Sequence[str]) -> dict[str, str]:
        by_id = {article_id(u): u for u in urls}
        with self.lock:
            found = self._hashes(list(by_id))
        return {by_id[aid]: h for aid, (_rowid, h) in found.items()}

    def find_story(self, prints: Sequence[str], exclude_id: str = "") -> str | None:
        if not prints:
            return None
        marks = ",".join("?" * len(prints))
        with self.lock:
            rows = self.db.execute(
                "SELECT a.id, a.story_id, count(*) AS shared, (SELECT count(*) "
                "FROM article_prints q WHERE q.rowid_ref = a.rowid) AS theirs "
                "FROM article_prints p JOIN articles a ON a.rowid = p.rowid_ref "
                f"WHERE p.print IN ({marks}) "
                "AND a.id != ? GROUP BY a.rowid ORDER BY shared DESC, a.published LIMIT 20",
                [*prints, exclude_id],
            ).fetchall()
        for aid, story, shared, theirs in rows:
            if shares_story(len(prints), theirs, shared):
                return story or aid
        return None

    def search(self, request: SearchRequest) -> SearchPage:
        node = parse_query(request.q)
        where, params = self._filters(request)
        match = to_fts5(node) if node is not None else None
        with self.lock:
            if request.facets:
                total, facets = self._facets(where, params, match)
            else:
                total, facets = self._count(where, params, match), {}
            exact = total <= TOTAL_EXACT_UP_TO
            total = min(total, TOTAL_EXACT_UP_TO)
            page = self._page(request, where, params, match)
            rows = self._hit_rows(page[: request.size], match)
        # outside the lock: rendering snippets is Python work other searches need not wait for
        hits = [make_hit(Article.from_dict(json.loads(d)), m, score) for d, m, score in rows]
        next_cursor = None
        if len(page) > request.size:
            rowid, sort = page[request.size - 1]
            next_cursor = encode_cursor([sort, rowid])
        return SearchPage(hits, total, facets, next_cursor, exact)

    @staticmethod
    def _filters(r: SearchRequest) -> tuple[list[str], list[Any]]:
        where: list[str] = []
        params: list[Any] = []
        _published_between("a.published", r.date_from, r.date_to, where, params)
        if r.story_id:
            where.append("a.story_id = ?")
            params.append(r.story_id)
        if r.indexed_after:
            where.append("a.indexed_at > ?")
            params.append(r.indexed_after.astimezone(UTC).isoformat())
        for column, values in (("a.source", r.sources), ("a.city", r.cities)):
            if values:
                where.append(f"{column} IN ({','.join('?' * len(values))})")
                params.extend(values)
        if r.kinds:
            where.append(
                "(" + " OR ".join("instr(' ' || a.kinds || ' ', ?) > 0" for _ in r.kinds) + ")"
            )
            params.extend(f" {k} " for k in r.kinds)
        return where, params

    def _count(self, where: list[str], params: list[Any], match: str | None) -> int:
        """Matches, counted up to one past TOTAL_EXACT_UP_TO."""
        if match is not None and not where:
            sql, args = "SELECT 1 FROM articles_fts WHERE articles_fts MATCH ?", [match]
        else:
            conditions, args = list(where), list(params)
            if match is not None:
                conditions.append(_MATCHING)
                args.append(match)
            sql = f"SELECT 1 FROM articles a WHERE {' AND '.join(conditions) or '1'}"
        sql = f"SELECT count(*) FROM ({sql} LIMIT {TOTAL_EXACT_UP_TO + 1})"
        return int(self.db.execute(sql, args).fetchone()[0])

    def _facets(
        self, where: list[str], params: list[Any], match: str | None
    ) -> tuple[int, dict[str, dict[str, int]]]:
        """Total and facet counts over every match, in one pass grouped in SQL."""
        conditions, args = list(where), list(params)
        if match is not None:
            conditions.append(
                "a.rowid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)"
            )
            args.append(match)
        clause = " AND ".join(conditions) or "1"
        groups = self.db.execute(
            f"SELECT a.source, a.city, a.kinds, count(*) FROM articles a WHERE {clause} "
            "GROUP BY 1, 2, 3",
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
        return total, {k: dict(v.most_common(20)) for k, v in facets.items()}

    def _page(
        self, r: SearchRequest, where: list[str], params: list[Any], match: str | None
    ) -> list[tuple[int, Any]]:
        """(rowid, sort value) of the page's rows plus one, to know if another page follows."""
        after = decode_cursor(r.cursor, 2)
        clause = " AND ".join(where) or "1"
        if match is not None and r.sort == "relevance":
            # bm25 is smaller for better matches; the title weighs twice the body
            joined = "JOIN articles a ON a.rowid = articles_fts.rowid " if where else ""
            base = (  # without filters, no join: ranking a common word's matches costs less
                "SELECT articles_fts.rowid AS rid, bm25(articles_fts, 2.0, 1.0) AS sort "
                f"FROM articles_fts {joined}WHERE articles_fts MATCH ? AND {clause}"
            )
            args = [match, *params]
            order, after_cmp = "sort ASC, rid ASC", "(sort > ? OR (sort = ? AND rid > ?))"
        else:
            if match is not None:
                clause += (
                    " AND a.rowid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)"
                )
            base = (
                "SELECT a.rowid AS rid, coalesce(a.published, '') AS sort FROM articles a "
                f"WHERE {clause}"
            )
            args = [*params, match] if match is not None else list(params)
            order, after_cmp = "sort DESC, rid ASC", "(sort < ? OR (sort = ? AND rid > ?))"
        sql = f"SELECT rid, sort FROM ({base})"
        if after is not None:
            sql += f" WHERE {after_cmp}"
            args += [after[0], after[0], after[1]]
        sql += f" ORDER BY {order} LIMIT ?"
        return self.db.execute(sql, [*args, r.size + 1]).fetchall()

    def _hit_rows(
        self, page: list[tuple[int, Any]], match: str | None
    ) -> list[tuple[str, set[str], float]]:
        """Each row's stored article and matched tokens, in two queries for the whole page."""
        rowids = [rowid for rowid, _ in page]
        marks = ",".join("?" * len(rowids))
        data = dict(
            self.db.execute(
                f"SELECT rowid, data FROM article_data WHERE rowid IN ({marks})", rowids
            )
        )
        matched: dict[int, set[str]] = {}
        if match is not None:
            for rowid, *highlighted in self.db.execute(
                f"SELECT rowid, {_HIGHLIGHTS} FROM articles_fts "
                f"WHERE articles_fts MATCH ? AND rowid IN ({marks})",
                [match, *rowids],
            ):
                matched[rowid] = marked_tokens(highlighted, HIT_OPEN, HIT_CLOSE)
        return [
            (data[rowid], matched.get(rowid, set()), -float(sort) if isinstance(sort, float) else 0)
            for rowid, sort in page
        ]

    def figures(self, query: FigureQuery) -> FigurePage:
        where, params = [], []
        for column, value in (
            ("metric", query.metric),
            ("unit", query.unit),
            ("kind", query.kind),
            ("location", query.city),
            ("speaker", query.speaker),
            ("source", query.source),
        ):
            if value:
                where.append(f"{column} = ?")
                params.append(value)
        _published_between("published", query.date_from, query.date_to, where, params)
        if query.text:
            for word in _fold_words(query.text):
                where.append("instr(search, ?) > 0")
                params.append(word)
        clause = " AND ".join(where) or "1"
        after = decode_cursor(query.cursor, 2)
        page_where = clause
        page_params = list(params)
        if after is not None:
            page_where += (
                " AND (coalesce(published, '') < ? OR (coalesce(published, '') = ? AND id > ?))"
            )
            page_params += [after[0], after[0], after[1]]
        with self.lock:
            total = self.db.execute(
                f"SELECT count(*) FROM figures WHERE {clause}", params
            ).fetchone()[0]
            rows = self.db.execute(
                f"SELECT id, coalesce(published, ''), row FROM figures WHERE {page_where} "
                "ORDER BY coalesce(published, '') DESC, id ASC LIMIT ?",
                [*page_params, query.size + 1],
            ).fetchall()
        next_cursor = (
            encode_cursor([rows[query.size - 1][1], rows[query.size - 1][0]])
            if len(rows) > query.size
            else None
        )
        return FigurePage([json.loads(r[2]) for r in rows[: query.size]], total, next_cursor)

    def metric_points(
        self, metric: str, date_from: datetime | None = None, date_to: datetime | None = None
    ) -> list[dict[str, Any]]:
        where, params = ["metric = ?"], [metric]
        _published_between("published", date_from, date_to, where, params)
        sql = f"SELECT row FROM figures WHERE {' AND '.join(where)} ORDER BY published, id"
        with self.lock:
            rows = self.db.execute(sql, params).fetchall()
        return [json.loads(r[0]) for r in rows]

    def metrics(self, text: str = "", size: int = 50) -> list[tuple[str, int]]:
        sql, params = "SELECT metric, count(*) FROM figures WHERE metric IS NOT NULL", []
        for word in _fold_words(text):
            sql += " AND instr(search, ?) > 0"
            params.append(word)
        sql += " GROUP BY metric ORDER BY count(*) DESC, metric LIMIT ?"
        with self.lock:
            return [(m, c) for m, c in self.db.execute(sql, [*params, size])]

    def source_counts(self) -> dict[str, int]:
        with self.lock:
            return dict(
                self.db.execute(
                    "SELECT source, count(*) FROM articles GROUP BY source ORDER BY count(*) DESC"
                )
            )

    def story_outlets(self, story_ids: Sequence[str]) -> dict[str, int]:
        ids = sorted({s for s in story_ids if s})
        if not ids:
            return {}
        with self.lock:
            rows = self.db.execute(
                "SELECT story_id, count(DISTINCT source) FROM articles "
                f"WHERE story_id IN ({','.join('?' * len(ids))}) GROUP BY story_id",
                ids,
            ).fetchall()
        return dict(rows)

    def iter_articles(self, batch: int = 500) -> Iterator[Article]:
        last = 0
        while True:
            with self.lock:
                rows = self.db.execute(
                    "SELECT rowid, data FROM article_data WHERE rowid > ? ORDER BY rowid LIMIT ?",
                    (last, batch),
                ).fetchall()
            if not rows:
                return
            last = rows[-1][0]
            yield from (Article.from_dict(json.loads(data)) for _rowid, data in rows)

    def put_state(self, kind: str, key: str, doc: dict[str, Any]) -> None:
        with self.lock:
            self.db.execute(
                "INSERT INTO state (kind, key, data) VALUES (?, ?, ?) "
                "ON CONFLICT (kind, key) DO UPDATE SET data = excluded.data",
                (kind, key, json.dumps(doc, ensure_ascii=False)),
            )

    def states(self, kind: str) -> list[dict[str, Any]]:
        with self.lock:
            rows = self.db.execute(
                "SELECT data FROM state WHERE kind = ? ORDER BY rowid", (kind,)
            ).fetchall()
        return [json.loads(r[0]) for r in rows]

    def delete_state(self, kind: str, key: str) -> bool:
        with self.lock:
            cur = self.db.execute("DELETE FROM state WHERE kind = ? AND key = ?", (kind, key))
        return cur.rowcount > 0

    def health(self) -> dict[str, Any]:
        try:
            with self.lock:
                articles = self.db.execute("SELECT count(*) FROM articles").fetchone()[0]
                figures = self.db.execute("SELECT count(*) FROM figures").fetchone()[0]
        except sqlite3.Error as exc:
            return {"backend": "sqlite", "ok": False, "path": self.path, "error": str(exc)}
        return {
            "backend": "sqlite",
            "ok": True,
            "path": self.path,
            "articles": articles,
            "figures": figures,
        }

    def close(self) -> None:
        with self.lock:
            self.db.close()


def _published_between(
    column: str, start: datetime | None, end: datetime | None, where: list[str], params: list[Any]
) -> None:
    """Add conditions on a publication-time column (ISO strings in UTC sort as times)."""
    for op, bound in ((">=", start), ("<=", end)):
        if bound:
            where.append(f"{column} {op} ?")
            params.append(bound.astimezone(UTC).isoformat())


def _fold_words(text: str) -> list[str]:
    return normalize_for_search(text).split()


def to_fts5(node: Node) -> str:
    """The FTS5 MATCH expression for a parsed query (every word quoted: no FTS5 syntax leaks)."""
    if isinstance(node, Term):
        return f'"{node.text}"' + ("*" if node.prefix else "")
    if isinstance(node, Phrase):
        return '"' + " ".join(node.words) + '"'
    if isinstance(node, Or):
        if any(isinstance(c, Not) for c in node.children):
            raise QueryError("NOT can only narrow a search (write: word -excluded), not join an OR")
        return "(" + " OR ".join(to_fts5(c) for c in node.children) + ")"
    if isinstance(node, And):
        positive = [to_fts5(c) for c in node.children if not isinstance(c, Not)]
        negative = [to_fts5(c.child) for c in node.children if isinstance(c, Not)]
        expr = "(" + " AND ".join(positive) + ")"
        for neg in negative:
            expr = f"({expr} NOT {neg})"
        return expr
    raise QueryError("a query needs at least one word to find, not only words to exclude")
