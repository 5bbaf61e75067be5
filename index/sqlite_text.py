"""An article as the embedded store keeps it: one compressed record holding the article
and the exact text its two FTS5 indexes were given.

FTS5 keeps a copy of what it indexes unless told where to read it.  Those copies were half
of a store on disk: the normalized title and body (3.4 KB an article, more than the raw
text) and each figure's searched words (its sentence again, 300 bytes a figure).  Kept
inside the article's own zlib stream beside the text they were derived from, they cost
about 230 bytes an article, because normalized text repeats the original almost word for
word.  Both indexes read them back through views (`articles_search`, `figures_search`)
and the SQL function `stored_search`, registered on every connection: highlight() and
'rebuild' read the text that way, and so does a DELETE, which is why an article's index
entries are deleted before its record is overwritten.  Keeping the exact text rather than
normalizing again means a change to the normalizer can never leave an index entry that
cannot be deleted.

Each figure's stored rest (`schema.stored_row`: offsets into the text, its subject,
qualifier, the value as written…) is kept in the same stream, after the searched text, for
the same reason: a figures row carrying it as JSON took a third of the figures' bytes,
compressed beside the article it takes a fifth of that.  `stored_figure` reads it back.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from typing import Any

import orjson

from .sqlite_sql import ARTICLES_FTS, ARTICLES_SEARCH

ARTICLE_COMPRESSION = 6  # zlib's level: its default, near its best ratio
# A record is one zlib stream: the article's JSON, a newline (JSON never holds a raw one),
# then the searched text's JSON.  Reading an article inflates only up to the newline: the
# searched text is as long again, and a series' fifty reports read fifty articles.
_SEPARATOR = b"\n"
_INFLATED = 4096  # bytes inflated at a time while looking for the separator (an article: ~3.5 KB)


def dumps(value: object) -> str:
    """JSON as SQLite keeps it (UTF-8 text); orjson reads and writes it several times faster
    than the standard library, which matters for a series of thousands of rows.  A value
    beyond 64-bit integers (a huge sum in rial) goes through the standard library."""
    try:
        return orjson.dumps(value).decode("utf-8")
    except TypeError:
        return json.dumps(value, ensure_ascii=False)


def loads(text: str | bytes) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)  # integers beyond 64 bits, written by the fallback above


def pack(
    article: dict[str, Any],
    title: str,
    body: str,
    figures: list[str],
    rests: list[Any] | None = None,
) -> bytes:
    """An `article_data` record: the article, then its searched title and body, each
    figure's searched words and each figure's stored rest, both in figure order (`seq`)."""
    searched = dumps([title, body, figures, rests or []]).encode("utf-8")
    record = dumps(article).encode("utf-8") + _SEPARATOR + searched
    return zlib.compress(record, ARTICLE_COMPRESSION)


def unpack(data: str | bytes) -> dict[str, Any]:
    """The article of an `article_data` record, in any layout a store has used: JSON text
    (before compression), a compressed article alone (before the searched text moved in),
    or a record as `pack` makes it."""
    if isinstance(data, str):
        return loads(data)
    inflate = zlib.decompressobj()
    head = inflate.decompress(data, _INFLATED)
    while _SEPARATOR not in head and not inflate.eof:
        head += inflate.decompress(inflate.unconsumed_tail, _INFLATED)
    return loads(head.partition(_SEPARATOR)[0])


def _searched(data: str | bytes) -> list[Any] | None:
    """What follows the article in a record: [title, body, [figure words…], [figure
    rests…]] (the rests missing in one made before they moved in), or None in a record
    made before the searched text was kept there."""
    if isinstance(data, str):
        return None
    _, found, searched = zlib.decompress(data).partition(_SEPARATOR)
    return loads(searched) if found else None


_last: tuple[bytes | str, list[Any] | None] = (b"", None)  # the last record read: (data, text)


def stored_search(data: str | bytes | None, part: int) -> str | None:
    """`stored_search(data, part)` in SQL: the searched title (0), body (1) or the words of
    figure `part - 2`.  An index reads one record several times in a row (title, then body;
    an article's figures one by one), so the record read last is kept decoded."""
    searched = _read(data)
    if searched is None:
        return None
    if part < 2:
        return str(searched[part])
    figures = searched[2]
    return figures[part - 2] if part - 2 < len(figures) else None


def stored_figure(data: str | bytes | None, seq: int) -> str | None:
    """`stored_figure(data, seq)` in SQL: figure `seq`'s stored rest as JSON, or None."""
    searched = _read(data)
    if searched is None or len(searched) < 4 or seq >= len(searched[3]):
        return None
    return dumps(searched[3][seq])


def _read(data: str | bytes | None) -> list[Any] | None:
    """A record's part after the article, the last one read kept decoded."""
    global _last
    if data is None:
        return None
    last = _last  # one read: another thread may replace it meanwhile
    if last[0] != data:
        last = _last = (data, _searched(data))
    return last[1]


def register(db: sqlite3.Connection) -> None:
    db.create_function("stored_search", 2, stored_search, deterministic=True)
    db.create_function("stored_figure", 2, stored_figure, deterministic=True)


def moved_figure_rests(db: sqlite3.Connection) -> None:
    """Move a store's figure rests from the figures table's `row` column into each
    article's record (inside the caller's transaction; the caller then drops the column)."""
    last = 0
    while rows := db.execute(
        "SELECT a.rowid, a.id, d.data FROM articles a JOIN article_data d ON d.rowid = a.rowid "
        "WHERE a.rowid > ? ORDER BY a.rowid LIMIT 500",
        (last,),
    ).fetchall():
        last = rows[-1][0]
        for rowid, article_id, data in rows:
            figures = db.execute(
                "SELECT seq, row FROM figures WHERE article_id = ? ORDER BY seq", (article_id,)
            ).fetchall()
            searched = _searched(data)
            if searched is None:  # moved_search_text gave every record its text before
                raise sqlite3.DatabaseError(f"article {article_id} has no searched text")
            rests: list[Any] = [None] * (max((seq for seq, _ in figures), default=-1) + 1)
            for seq, row in figures:
                rests[seq] = loads(row)
            record = pack(unpack(data), searched[0], searched[1], searched[2], rests)
            db.execute("UPDATE article_data SET data = ? WHERE rowid = ?", (record, rowid))


def placed_search(db: sqlite3.Connection) -> None:
    """Make the articles' FTS5 index and its view again when they were made before the city
    and outlet were indexed beside the text, and rebuild the index from the records, in one
    transaction: a store left between the two would search an empty index."""
    row = db.execute("SELECT sql FROM sqlite_master WHERE name = 'articles_fts'").fetchone()
    if row is None or "source," in row[0]:
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        db.execute("DROP TABLE articles_fts")
        db.execute("DROP VIEW IF EXISTS articles_search")
        db.execute(ARTICLES_SEARCH)
        db.execute(ARTICLES_FTS)
        db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def moved_search_text(db: sqlite3.Connection) -> bool:
    """Give a store made before this layout its records: the searched text moves from the
    two FTS5 tables' own copies (read as FTS5 keeps them, so every old index entry is
    deleted with exactly what it was given) into each article's record, and the old
    tables go.  The caller makes the new ones and rebuilds them (`SCHEMA`); True if it must."""
    row = db.execute("SELECT sql FROM sqlite_master WHERE name = 'articles_fts'").fetchone()
    if row is None or "content=" in row[0]:
        return False
    db.execute("BEGIN IMMEDIATE")
    try:
        last = 0
        while rows := db.execute(
            "SELECT a.rowid, a.id, d.data, f.title, f.body FROM articles a "
            "JOIN article_data d ON d.rowid = a.rowid JOIN articles_fts f ON f.rowid = a.rowid "
            "WHERE a.rowid > ? ORDER BY a.rowid LIMIT 500",
            (last,),
        ).fetchall():
            last = rows[-1][0]
            for rowid, article_id, data, title, body in rows:
                figures = db.execute(
                    "SELECT search FROM figures WHERE article_id = ? ORDER BY seq", (article_id,)
                ).fetchall()
                record = pack(unpack(data), title, body, [s.strip() for (s,) in figures])
                db.execute("UPDATE article_data SET data = ? WHERE rowid = ?", (record, rowid))
        for trigger in ("figures_fts_insert", "figures_fts_delete", "figures_fts_update"):
            db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        db.execute("DROP TABLE IF EXISTS figures_fts")
        db.execute("DROP TABLE articles_fts")
        db.execute("ALTER TABLE figures DROP COLUMN search")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    return True
