"""An article as the embedded store keeps it: one compressed record holding the article
and the exact text its two FTS5 indexes were given.

FTS5 keeps a copy of what it indexes unless told where to read it.  Those copies were half
of a store on disk: the normalized title and body (3.4 KB an article, more than the raw
text) and each figure's searched words (its sentence again, 300 bytes a figure).  Kept
inside the article's own compressed record beside the text they were derived from, they cost
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
import logging
import secrets
import sqlite3
import threading
import zlib
from collections.abc import Callable
from typing import Any

import orjson
import zstandard

from .sqlite_sql import ARTICLES_FTS, ARTICLES_SEARCH, FIGURES_FTS

ARTICLE_COMPRESSION = 6  # zlib's level: its default, near its best ratio
# A record is one compressed stream: the article's JSON, a newline (JSON never holds a raw
# one), then the searched text's JSON.  Reading a zlib record inflates only up to the
# newline: the searched text is as long again, and a series' fifty reports read fifty
# articles.  A zstd record inflates whole, which is faster than zlib's part.
_SEPARATOR = b"\n"
_INFLATED = 4096  # bytes inflated at a time while looking for the separator (an article: ~3.5 KB)
_ZSTD_FRAME = b"\x28\xb5\x2f\xfd"  # how every zstd frame begins; a zlib stream never does
# zstd's level.  With the dictionary, on the bench corpus's records: level 3 makes 1,447
# bytes a record in 20 µs, 6 makes 1,343 in 70 µs (zlib at 6: 2,060 bytes).  Those 50 µs
# were a twentieth of writing an article, the 100 bytes a sixtieth of its place on disk.
RECORD_LEVEL = 3
DICTIONARY_BYTES = 128 * 1024  # zstd's own default size, about a hundredth of what it learns from
LEARNS_FROM = 1000  # records a dictionary is trained on, and how many a store holds first

log = logging.getLogger(__name__)


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


def _record(
    article: dict[str, Any], title: str, body: str, figures: list[str], rests: list[Any] | None
) -> bytes:
    searched = dumps([title, body, figures, rests or []]).encode("utf-8")
    return dumps(article).encode("utf-8") + _SEPARATOR + searched


class Records:
    """How one store packs its `article_data` records, and reads them back.

    A record is zlib-compressed until the store holds `learns_from` articles; then a zstd
    dictionary is trained once on the store's latest records and kept in the store
    (`record_dictionaries`), and every record written after is compressed with it.  A news
    archive repeats itself across articles far more than within one (the JSON keys, the
    outlet's URL and boilerplate, its usual words and names), and one article of 2 KB of
    text is too short for a compressor to learn that alone: with a dictionary a record is a
    third smaller, and compressed twice as fast.  Records made before stay as they are;
    each zstd frame names its dictionary, so any connection can read any record.  A
    dictionary trained by another process (a crawl writing the same file) is read from the
    file the first time a record needs it, through `connect`.
    """

    def __init__(
        self,
        connect: Callable[[], sqlite3.Connection] | None = None,
        learns_from: int = LEARNS_FROM,
    ) -> None:
        self._connect = connect
        self.learns_from = learns_from
        self._dictionaries: dict[int, zstandard.ZstdCompressionDict] = {}
        self._compressor: zstandard.ZstdCompressor | None = None  # the writer's, once trained
        self._local = threading.local()  # each thread's decompressors: they are not shared
        self._retry_at = 0  # after a failed training: articles held before the next try
        self._last: tuple[bytes | str, list[Any] | None] = (b"", None)  # the last record read

    # ---- writing -------------------------------------------------------------------------

    def pack(
        self,
        article: dict[str, Any],
        title: str,
        body: str,
        figures: list[str],
        rests: list[Any] | None = None,
    ) -> bytes:
        """A record: the article, then its searched title and body, each figure's searched
        words and each figure's stored rest, both in figure order (`seq`)."""
        record = _record(article, title, body, figures, rests)
        if self._compressor is None:
            return zlib.compress(record, ARTICLE_COMPRESSION)
        return self._compressor.compress(record)

    def writing(self, db: sqlite3.Connection) -> None:
        """Take up the store's dictionary if one was trained since (by this process or
        another): called inside each write transaction, before its records are packed."""
        if self._compressor is not None:
            return
        row = db.execute("SELECT id, data FROM record_dictionaries ORDER BY id LIMIT 1").fetchone()
        if row is not None:
            dictionary = self._keep(*row)
            self._compressor = zstandard.ZstdCompressor(level=RECORD_LEVEL, dict_data=dictionary)

    def learn(self, db: sqlite3.Connection) -> bool:
        """Train the store's one dictionary once it holds enough articles, inside the
        caller's write transaction (so two writers never both train); True if it did.  A
        training that fails leaves zlib in use and is tried again `learns_from` articles
        later."""
        if self._compressor is not None:
            return False
        due = max(self.learns_from, self._retry_at)
        (held,) = db.execute(
            "SELECT count(*) FROM (SELECT 1 FROM article_data LIMIT ?)", (due,)
        ).fetchone()
        if held < due:
            return False
        samples = [
            self._inflate(data)
            for (data,) in db.execute(
                "SELECT data FROM article_data ORDER BY rowid DESC LIMIT ?", (self.learns_from,)
            )
            if isinstance(data, bytes)
        ]
        size = min(DICTIONARY_BYTES, sum(map(len, samples)) // 20)
        # ids below 32768 and from 2**31 are zstd's own; a random one tells stores apart
        dict_id = 32768 + secrets.randbelow((1 << 31) - 32768)
        try:
            dictionary = zstandard.train_dictionary(size, samples, dict_id=dict_id)
        except zstandard.ZstdError as exc:
            log.warning("record dictionary not trained (%s); records stay zlib for now", exc)
            self._retry_at = held + self.learns_from
            return False
        db.execute(
            "INSERT INTO record_dictionaries (id, data) VALUES (?, ?)",
            (dict_id, dictionary.as_bytes()),
        )
        self.writing(db)
        return True

    def _keep(self, dict_id: int, data: bytes) -> zstandard.ZstdCompressionDict:
        dictionary = self._dictionaries.get(dict_id)
        if dictionary is None:
            dictionary = self._dictionaries[dict_id] = zstandard.ZstdCompressionDict(data)
        return dictionary

    # ---- reading -------------------------------------------------------------------------

    def unpack(self, data: str | bytes) -> dict[str, Any]:
        """The article of a record, in any layout a store has used: JSON text (before
        compression), a compressed article alone (before the searched text moved in), or a
        record as `pack` makes it, zlib or zstd."""
        if isinstance(data, str):
            return loads(data)
        if data[:4] == _ZSTD_FRAME:
            return loads(self._inflate(data).partition(_SEPARATOR)[0])
        inflate = zlib.decompressobj()
        head = inflate.decompress(data, _INFLATED)
        while _SEPARATOR not in head and not inflate.eof:
            head += inflate.decompress(inflate.unconsumed_tail, _INFLATED)
        return loads(head.partition(_SEPARATOR)[0])

    def _inflate(self, data: bytes) -> bytes:
        """A compressed record whole."""
        if data[:4] != _ZSTD_FRAME:
            return zlib.decompress(data)
        dict_id = zstandard.get_frame_parameters(data).dict_id
        by_id: dict[int, zstandard.ZstdDecompressor] = self._local.__dict__.setdefault("by_id", {})
        decompressor = by_id.get(dict_id)
        if decompressor is None:
            dictionary = self._dictionary(dict_id) if dict_id else None
            decompressor = by_id[dict_id] = zstandard.ZstdDecompressor(dict_data=dictionary)
        return decompressor.decompress(data)

    def _dictionary(self, dict_id: int) -> zstandard.ZstdCompressionDict:
        """The dictionary a record names, read from the store the first time."""
        if dict_id not in self._dictionaries and self._connect is not None:
            db = self._connect()
            try:
                row = db.execute(
                    "SELECT id, data FROM record_dictionaries WHERE id = ?", (dict_id,)
                ).fetchone()
            finally:
                db.close()
            if row is not None:
                self._keep(*row)
        if dict_id not in self._dictionaries:
            raise sqlite3.DatabaseError(
                f"a record needs compression dictionary {dict_id}, which the store does not hold"
            )
        return self._dictionaries[dict_id]

    def searched(self, data: str | bytes) -> list[Any] | None:
        """What follows the article in a record: [title, body, [figure words…], [figure
        rests…]] (the rests missing in one made before they moved in), or None in a record
        made before the searched text was kept there."""
        if isinstance(data, str):
            return None
        _, found, searched = self._inflate(data).partition(_SEPARATOR)
        return loads(searched) if found else None

    def stored_search(self, data: str | bytes | None, part: int) -> str | None:
        """`stored_search(data, part)` in SQL: the searched title (0), body (1) or the words
        of figure `part - 2`.  An index reads one record several times in a row (title, then
        body; an article's figures one by one), so the record read last is kept decoded."""
        searched = self._read(data)
        if searched is None:
            return None
        if part < 2:
            return str(searched[part])
        figures = searched[2]
        return figures[part - 2] if part - 2 < len(figures) else None

    def stored_figure(self, data: str | bytes | None, seq: int) -> str | None:
        """`stored_figure(data, seq)` in SQL: figure `seq`'s stored rest as JSON, or None."""
        searched = self._read(data)
        if searched is None or len(searched) < 4 or seq >= len(searched[3]):
            return None
        return dumps(searched[3][seq])

    def _read(self, data: str | bytes | None) -> list[Any] | None:
        """A record's part after the article, the last one read kept decoded."""
        if data is None:
            return None
        last = self._last  # one read: another thread may replace it meanwhile
        if last[0] != data:
            last = self._last = (data, self.searched(data))
        return last[1]

    def register(self, db: sqlite3.Connection) -> None:
        """The SQL functions the full-text indexes read their text through."""
        db.create_function("stored_search", 2, self.stored_search, deterministic=True)
        db.create_function("stored_figure", 2, self.stored_figure, deterministic=True)


# Records without a dictionary: what the migrations of older layouts write and read (a store
# that old holds no zstd record), and what a record's tests take apart.
_PLAIN = Records()
pack = _PLAIN.pack
unpack = _PLAIN.unpack
_searched = _PLAIN.searched
stored_search = _PLAIN.stored_search
stored_figure = _PLAIN.stored_figure


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
    and outlet were indexed beside the text, and the figures' index when it was made
    keeping positions (`FIGURES_FTS`), each rebuilt from the records in the same
    transaction: a store left between the two would search an empty index."""
    _remade(db, "articles_fts", "source,", ("articles_search", ARTICLES_SEARCH), ARTICLES_FTS)
    _remade(db, "figures_fts", "detail=none", None, FIGURES_FTS)


def _remade(
    db: sqlite3.Connection, table: str, marker: str, view: tuple[str, str] | None, sql: str
) -> None:
    """Drop and make an FTS5 table again, and its view if it has one, then rebuild it, in
    one transaction, when the table exists and its definition lacks `marker`."""
    row = db.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    if row is None or marker in row[0]:
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        db.execute(f"DROP TABLE {table}")
        if view is not None:
            db.execute(f"DROP VIEW IF EXISTS {view[0]}")
            db.execute(view[1])
        db.execute(sql)
        db.execute(f"INSERT INTO {table} ({table}) VALUES ('rebuild')")
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
