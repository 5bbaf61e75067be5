"""The embedded store's layouts before: before FTS5 stopped keeping its own copies, and
before figure ids were computed and figures' rests moved into the articles' records.  A
test turns a store made now into one made then, to check that it moves on opening."""

from __future__ import annotations

import json
import sqlite3
import zlib

from rasad.index.sqlite_rollup import bucket_text
from rasad.index.sqlite_sql import FIGURE_COLUMNS, FIGURES_TABLE, NUMBERED, moment_text
from rasad.index.sqlite_store import SQLiteStore
from rasad.index.sqlite_text import unpack

# a figure's rest read from its article's record, as the store reads it
_STORED_REST = (
    "stored_figure((SELECT d.data FROM articles a JOIN article_data d ON d.rowid = a.rowid "
    "WHERE a.id = figures.article_id), figures.seq)"
)

# the layout before: FTS5 kept its own copy of the articles' text, and figures their
# searched words in a column that figures_fts read
OLD_LAYOUT = """
DROP TABLE articles_fts; DROP TABLE figures_fts;
DROP VIEW articles_search; DROP VIEW figures_search;
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, body, tokenize='unicode61 remove_diacritics 0'
);
INSERT INTO articles_fts (rowid, title, body) SELECT ref, title, body FROM old_text;
CREATE VIRTUAL TABLE figures_fts USING fts5(
    search, content='figures', content_rowid='rowid', tokenize='unicode61 remove_diacritics 0'
);
CREATE TRIGGER figures_fts_insert AFTER INSERT ON figures BEGIN
    INSERT INTO figures_fts (rowid, search) VALUES (new.rowid, new.search);
END;
CREATE TRIGGER figures_fts_delete AFTER DELETE ON figures BEGIN
    INSERT INTO figures_fts (figures_fts, rowid, search) VALUES ('delete', old.rowid, old.search);
END;
INSERT INTO figures_fts (figures_fts) VALUES ('rebuild');
DROP TABLE old_text;
"""


def _figure_schema(db: sqlite3.Connection) -> list[str]:
    """The SQL of the figures' indexes, triggers and view, dropping the triggers and view
    (made again, by the caller, over the table it makes again)."""
    kept = db.execute(
        "SELECT sql FROM sqlite_master WHERE tbl_name IN ('figures', 'figures_search') "
        "AND type IN ('index', 'trigger', 'view') AND sql IS NOT NULL"
    ).fetchall()
    for kind in ("trigger", "view"):
        for (name,) in db.execute(f"SELECT name FROM sqlite_master WHERE type = '{kind}'"):
            if name.startswith("figures"):
                db.execute(f"DROP {kind} {name}")
    return [sql for (sql,) in kept]


def with_text_times(db: sqlite3.Connection) -> None:
    """Figures as they were kept before their times were numbers: the publication as an
    ISO time in UTC, each bucket as the ISO date it starts on."""
    kept = _figure_schema(db)
    db.create_function("moment_text", 1, moment_text)
    table = FIGURES_TABLE
    for name in NUMBERED:
        table = table.replace(f"{name} INTEGER", f"{name} TEXT")
    values = [
        "moment_text(published)" if c == "published" else bucket_text(c) if c in NUMBERED else c
        for c in FIGURE_COLUMNS
    ]
    db.execute("ALTER TABLE figures RENAME TO figures_now")
    db.execute(table)
    db.execute(
        f"INSERT INTO figures (rowid, {', '.join(FIGURE_COLUMNS)}) "
        f"SELECT rowid, {', '.join(values)} FROM figures_now"
    )
    db.execute("DROP TABLE figures_now")
    for sql in kept:
        db.execute(sql)


def with_figure_rows(db: sqlite3.Connection) -> None:
    """Figures as they were kept before their ids were computed and their rests moved into
    the articles' records: the id a stored column, unique, with the index that makes it so,
    and the rest as JSON in `row`, not in the record (and its times as text, as before)."""
    with_text_times(db)
    columns = [(r[1], r[2]) for r in db.execute("PRAGMA table_info(figures)")]  # not `id`
    db.execute(
        "CREATE TABLE figure_rests AS SELECT rowid AS ref, " + _STORED_REST + " AS row FROM figures"
    )
    kept = _figure_schema(db)
    db.execute("ALTER TABLE figures RENAME TO figures_now")
    names = ", ".join(name for name, _ in columns)
    db.execute(
        "CREATE TABLE figures (id TEXT PRIMARY KEY, "
        + ", ".join(f"{name} {kind}" for name, kind in columns)
        + ", row TEXT NOT NULL)"
    )
    db.execute(
        f"INSERT INTO figures (rowid, id, {names}, row) SELECT f.rowid, f.id, {names}, r.row "
        "FROM figures_now f JOIN figure_rests r ON r.ref = f.rowid"
    )
    db.execute("DROP TABLE figures_now")
    db.execute("DROP TABLE figure_rests")
    for sql in kept:
        db.execute(sql)
    for rowid, data in db.execute("SELECT rowid, data FROM article_data").fetchall():
        article, _, searched = zlib.decompress(data).partition(b"\n")
        title_body_words = json.dumps(json.loads(searched)[:3], ensure_ascii=False).encode()
        record = zlib.compress(article + b"\n" + title_body_words)  # without the rests
        db.execute("UPDATE article_data SET data = ? WHERE rowid = ?", (record, rowid))


def to_old_layout(store: SQLiteStore) -> None:
    db = store.db
    with_figure_rows(db)
    db.execute("CREATE TABLE old_text AS SELECT ref, title, body FROM articles_search")
    db.execute("ALTER TABLE figures ADD COLUMN search TEXT")
    db.execute(
        "UPDATE figures SET search = ' ' || "
        "(SELECT search FROM figures_search WHERE ref = figures.rowid) || ' '"
    )
    db.executescript(OLD_LAYOUT)
    for rowid, data in db.execute("SELECT rowid, data FROM article_data").fetchall():
        bare = zlib.compress(json.dumps(unpack(data)).encode())  # the article alone
        db.execute("UPDATE article_data SET data = ? WHERE rowid = ?", (bare, rowid))


# the triggers that marked and counted every figure and article as it was inserted, before
# a write did it once for its batch (`sqlite_rollup.count_inserted`)
INSERT_TRIGGERS = f"""
CREATE TRIGGER figures_stale_insert AFTER INSERT ON figures
WHEN new.report AND new.metric IS NOT NULL AND new.day IS NOT NULL BEGIN
    INSERT OR IGNORE INTO series_stale (metric, interval, bucket) VALUES
    (new.metric, 'day', {bucket_text("new.day")}), (new.metric, 'week', {bucket_text("new.week")}),
    (new.metric, 'month', {bucket_text("new.month")});
END;
CREATE TRIGGER figures_counted_insert AFTER INSERT ON figures
WHEN new.report AND new.metric IS NOT NULL BEGIN
    INSERT INTO metric_reports (metric, reports) VALUES (new.metric, 1)
    ON CONFLICT (metric) DO UPDATE SET reports = reports + 1;
END;
CREATE TRIGGER figures_sized_insert AFTER INSERT ON figures BEGIN
    UPDATE store_counts SET n = n + 1 WHERE name = 'figures';
END;
CREATE TRIGGER articles_sized_insert AFTER INSERT ON articles BEGIN
    UPDATE store_counts SET n = n + 1 WHERE name = 'articles';
END;
"""
