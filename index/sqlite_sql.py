"""The SQL the embedded store speaks: its schema, filters as WHERE clauses, queries as
FTS5 MATCH expressions.

The figures table's columns come from the one field specification (`schema.FILTERED`).
Every value reaches SQLite as a bound parameter, and every query word as a quoted FTS5
string, so no user text is ever read as SQL or as FTS5 syntax.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from .filters import Filter
from .query import And, Node, Not, Or, Phrase, Term
from .schema import BUCKET_FIELDS, FILTERED, SQLITE_TYPES

FIGURE_COLUMNS = [name for name in FILTERED if name != "id"]
# A figure row's times are numbers: its publication in seconds since 1970 (UTC), its
# buckets in days since 1970.  As ISO text they took 55 bytes of each row, and as many in
# each index over them; as numbers, 10.  Numbers order as the text did, and `published`
# keeps a fraction of a second as a REAL (SQLite compares the two numerically).
NUMBERED = ("published", *BUCKET_FIELDS)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_DAY = date(1970, 1, 1)


def moment_number(moment: str | float | None) -> float | None:
    """An ISO time (UTC when it names no offset) as the number a figure row keeps; a
    number already kept, as it is."""
    if not isinstance(moment, str):
        return moment
    parsed = datetime.fromisoformat(moment)
    parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    seconds = (parsed - _EPOCH) / timedelta(microseconds=1) / 1e6
    return int(seconds) if seconds.is_integer() else seconds


def moment_text(number: float | None) -> str | None:
    """A figure row's publication as the ISO time in UTC every backend returns."""
    if number is None:
        return None
    return (_EPOCH + timedelta(seconds=number)).isoformat()


def day_number(day: str | int | None) -> int | None:
    """An ISO date (a bucket's first day) as the day number a figure row keeps."""
    if not isinstance(day, str):
        return day
    return (date.fromisoformat(day) - _EPOCH_DAY).days


def day_date(number: int) -> date:
    return _EPOCH_DAY + timedelta(days=number)


def figure_values(indexed: dict[str, Any]) -> list[Any]:
    """A figure's indexed fields (`schema.indexed_fields`) as its row's columns, in order."""
    values = [indexed[c] for c in FIGURE_COLUMNS]
    for at, name in _NUMBERED_AT:
        values[at] = _as_column(name, values[at])
    return values


def _as_column(name: str, value: Any) -> Any:
    if name == "published":
        return moment_number(value)
    return day_number(value) if name in BUCKET_FIELDS else value


def figure_where(filters: list[Filter]) -> tuple[list[str], list[Any]]:
    """`where_clause` over the figures table, the filters' times as its numbers."""
    numbered = []
    for f in filters:
        if f.field in NUMBERED and f.op == "in":
            f = Filter(f.field, f.op, [_as_column(f.field, v) for v in f.value])
        elif f.field in NUMBERED and f.op != "words":
            f = Filter(f.field, f.op, _as_column(f.field, f.value))
        numbered.append(f)
    return where_clause(numbered)


_NUMBERED_AT = [(FIGURE_COLUMNS.index(name), name) for name in NUMBERED]


def _column_type(name: str) -> str:
    return "INTEGER" if name in NUMBERED else SQLITE_TYPES[FILTERED[name]]


# A figure row holds the columns its queries filter, sort and group on.  Its id is its
# article's and its place there: computed, not stored, nor indexed but where an order needs
# it (an index holding it whole took a fifth of the figures' bytes).  The rest of the figure
# is in its article's record (`sqlite_text.stored_figure`).
FIGURES_TABLE = f"""CREATE TABLE IF NOT EXISTS figures (
    {", ".join(f"{c} {_column_type(c)}" for c in FIGURE_COLUMNS)},
    id TEXT GENERATED ALWAYS AS (article_id || '-' || seq) VIRTUAL
);"""
# The article's city and outlet are indexed too, apart from the text: a search with words
# and a city lets FTS5 keep only the city's matches (`in_text`, `places`).
ARTICLES_SEARCH = """CREATE VIEW IF NOT EXISTS articles_search (ref, title, body, city, source)
    AS SELECT d.rowid, stored_search(d.data, 0), stored_search(d.data, 1), a.city, a.source
    FROM article_data d JOIN articles a ON a.rowid = d.rowid"""
ARTICLES_FTS = """CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(
    title, body, city, source, content='articles_search', content_rowid='ref',
    tokenize='unicode61 remove_diacritics 0'
)"""
# A metric lookup asks only which figures hold every word, as a prefix: no phrase, no
# ranking.  So the figures' index keeps which rows hold a token, not where (detail=none)
# nor how long each row is (columnsize=0): a third of what it held.  A decimal point is
# part of a token, as search normalization writes numbers ("12.5"), so that no word of a
# lookup needs a phrase, which detail=none cannot answer.
FIGURES_FTS = """CREATE VIRTUAL TABLE IF NOT EXISTS figures_fts USING fts5(
    search, content='figures_search', content_rowid='ref', detail=none, columnsize=0,
    tokenize="unicode61 remove_diacritics 0 tokenchars '.'"
)"""
SCHEMA = f"""
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
CREATE INDEX IF NOT EXISTS articles_story ON articles (story_id);
-- the whole article as JSON with the text its indexes search (`sqlite_text`), zlib-compressed
-- (a store made before keeps its rows as text), apart so that scans over the columns above
-- stay small
CREATE TABLE IF NOT EXISTS article_data (
    rowid INTEGER PRIMARY KEY REFERENCES articles (rowid) ON DELETE CASCADE,
    data BLOB NOT NULL
);
-- an article's story fingerprints as signed 64-bit integers (`print_number`), each pair held
-- once, in the primary key's own b-tree.  No index by article: an article's own prints are
-- in its record, and how many it has in `articles.prints` (articles are replaced, never
-- deleted, so the foreign key is never looked up from this side).
CREATE TABLE IF NOT EXISTS prints (
    print INTEGER NOT NULL,
    rowid_ref INTEGER NOT NULL REFERENCES articles (rowid) ON DELETE CASCADE,
    PRIMARY KEY (print, rowid_ref)
) WITHOUT ROWID;
{FIGURES_TABLE}
CREATE INDEX IF NOT EXISTS figures_article ON figures (article_id);
CREATE INDEX IF NOT EXISTS figures_kind ON figures (kind, published);
CREATE INDEX IF NOT EXISTS figures_published ON figures (published);
-- The searched text, indexed: the normalized title and body, and each figure's words (a
-- metric is looked up by any of its words without reading every row).  FTS5 keeps no copy
-- of either: the text lives in the article's record, read back through these views
-- (`sqlite_text`), so an index entry is deleted before its record changes.  figures.rowid
-- is not an INTEGER PRIMARY KEY, so a VACUUM may renumber it: after one,
-- INSERT INTO figures_fts (figures_fts) VALUES ('rebuild').
{ARTICLES_SEARCH};
{ARTICLES_FTS};
CREATE VIEW IF NOT EXISTS figures_search (ref, search) AS
    SELECT f.rowid, stored_search(d.data, 2 + f.seq) FROM figures f
    JOIN articles a ON a.id = f.article_id JOIN article_data d ON d.rowid = a.rowid;
{FIGURES_FTS};
-- the zstd dictionary the records written after it are compressed with (`sqlite_text.Records`)
CREATE TABLE IF NOT EXISTS record_dictionaries (
    id INTEGER PRIMARY KEY,
    data BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS state (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);
"""
# columns added since a store was first made: table, column, type, how old rows fill it
MIGRATIONS = (
    ("articles", "indexed_at", "TEXT", None),
    # counted through the index by article this column replaces (dropped in INDEXES)
    (
        "articles",
        "prints",
        "INTEGER",
        "(SELECT count(*) FROM prints WHERE rowid_ref = articles.rowid)",
    ),
    ("figures", "figure_id", "INTEGER", "json_extract(row, '$.figure_id')"),
    (
        "figures",
        "report",
        "INTEGER",
        "seq = (SELECT min(f.seq) FROM figures f WHERE f.article_id = figures.article_id "
        "AND f.figure_id = figures.figure_id)",
    ),
    # `tehran_bucket` is `series.tehran_buckets`, registered on the writer connection
    *(
        ("figures", name, "TEXT", f"tehran_bucket(published, {i})")
        for i, name in enumerate(BUCKET_FIELDS)
    ),
)
# indexes over columns that MIGRATIONS may add, or that replace older ones, made once the
# columns exist
INDEXES = (
    # A metric's figures in time order, carrying what a series groups by: a series reads
    # only this index.  A page of its reports sorts ties of one second by id, as few as
    # they are (SQLite sorts the right part of an ORDER BY only), so the id is not kept
    # here: it was a sixth of the index.
    "DROP INDEX IF EXISTS figures_metric",  # (metric, published), which this one extends
    "DROP INDEX IF EXISTS figures_by_metric",  # this one and the figure's id after it
    "CREATE INDEX IF NOT EXISTS figures_series ON figures (metric, published, report, "
    f"source, value, {', '.join(BUCKET_FIELDS)})",
    # An outlet's or a city's articles in time order, with what facets group by: a filtered
    # search reads its facets and its newest page from the index, not the articles' rows.
    "DROP INDEX IF EXISTS articles_source",  # (source), which the first of these extends
    "CREATE INDEX IF NOT EXISTS articles_by_source ON articles (source, published, city, kinds)",
    "CREATE INDEX IF NOT EXISTS articles_by_city ON articles (city, published, source, kinds)",
    "DROP INDEX IF EXISTS prints_ref",  # (rowid_ref): an article's prints, now in its record
)
ARTICLE_COLUMNS = ("url", "source", "published", "city", "story_id", "kinds", "content_hash")
INSERT_FIGURE = (
    f"INSERT INTO figures (rowid, {', '.join(FIGURE_COLUMNS)}) "
    f"VALUES ({', '.join('?' * (len(FIGURE_COLUMNS) + 1))})"
)
_RANGE = {"gte": ">=", "lte": "<=", "gt": ">"}
# word filters answered by a full-text index: field → its FTS5 table (the words come from
# search normalization: letters, digits and points, never a quote)
WORD_INDEXES = {"search": "figures_fts"}


def marks(values: Sequence[Any]) -> str:
    return ",".join("?" * len(values))


def where_clause(filters: list[Filter], prefix: str = "") -> tuple[list[str], list[Any]]:
    """SQL conditions for filters; `kinds` is a space-separated list of words."""
    where: list[str] = []
    params: list[Any] = []
    for f in filters:
        column = prefix + f.field
        if f.op == "eq":
            where.append(f"{column} = ?")
            params.append(f.value)
        elif f.op == "in" and f.field == "kinds":
            where.append(
                "(" + " OR ".join(f"instr(' ' || {column} || ' ', ?) > 0" for _ in f.value) + ")"
            )
            params.extend(f" {v} " for v in f.value)
        elif f.op == "in":
            where.append(f"{column} IN ({marks(f.value)})")
            params.extend(f.value)
        elif f.op == "words" and f.field in WORD_INDEXES:  # every word, each as a prefix
            where.append(
                f"{prefix}rowid IN (SELECT rowid FROM {WORD_INDEXES[f.field]} "
                f"WHERE {WORD_INDEXES[f.field]} MATCH ?)"
            )
            params.append(" AND ".join(f'"{word}"*' for word in f.value))
        elif f.op == "words":  # every word, each as the start of a word
            where.extend(f"instr(' ' || {column}, ?) > 0" for _ in f.value)
            params.extend(f" {word}" for word in f.value)
        else:
            where.append(f"{column} {_RANGE[f.op]} ?")
            params.append(f.value)
    return where, params


def in_text(match: str) -> str:
    """An FTS5 expression over `articles_fts` made to match the title and body only, never
    the city and outlet indexed beside them."""
    return f"{{title body}} : ({match})"


def places(filters: list[Filter]) -> str:
    """FTS5 conditions for the filters by city and outlet, to add to a search's words: FTS5
    then keeps only those articles' matches.  Each value is a phrase of its words, so it
    may find more than the value (a longer city name holding it); the SQL filter stays and
    decides.  A value without a word to index adds nothing."""
    out = ""
    for f in filters:
        if f.op == "in" and f.field in ("city", "source"):
            phrases = [_phrase(v) for v in f.value]
            if phrases and all(phrases):
                out += f" AND {f.field} : ({' OR '.join(phrases)})"
    return out


def _phrase(value: str) -> str:
    """The value as an FTS5 phrase, or "" when unicode61 would index none of it (it keeps
    letters and numbers only: an empty phrase matches nothing)."""
    return f'"{value.replace(chr(34), chr(34) * 2)}"' if any(map(str.isalnum, value)) else ""


def to_fts5(node: Node) -> str:
    """The FTS5 MATCH expression for a parsed query (every word quoted: no FTS5 syntax leaks)."""
    if isinstance(node, Term):
        return f'"{node.text}"' + ("*" if node.prefix else "")
    if isinstance(node, Phrase):
        return '"' + " ".join(node.words) + '"'
    if isinstance(node, Or):
        return "(" + " OR ".join(to_fts5(c) for c in node.children) + ")"
    assert isinstance(node, And)  # parse_query leaves no bare Not
    expr = "(" + " AND ".join(to_fts5(c) for c in node.children if not isinstance(c, Not)) + ")"
    for neg in node.children:
        if isinstance(neg, Not):
            expr = f"({expr} NOT {to_fts5(neg.child)})"
    return expr
