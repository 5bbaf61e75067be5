"""The embedded store's layout before FTS5 stopped keeping its own copies: a test turns a
store made now into one made then, to check that it moves on opening."""

from __future__ import annotations

import json
import zlib

from rasad.index.sqlite_store import SQLiteStore
from rasad.index.sqlite_text import unpack

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


def to_old_layout(store: SQLiteStore) -> None:
    db = store.db
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
