"""Storage and search: one `Store` contract, two backends.

`open_store(url)` picks the backend from one setting (`RASAD_STORE`, see rasad/config.py):
- a file path or `sqlite:///path/to/rasad.db` → the embedded default, SQLite with FTS5;
- `http://host:9200` or `https://…` → Elasticsearch (`spool_dir` and `prefix` options).
"""

from __future__ import annotations

from pathlib import Path

from .contract import Store, StoreError, StoreUnavailable
from .query import QueryError

__all__ = ["QueryError", "Store", "StoreError", "StoreUnavailable", "open_store"]


def open_store(url: str, **options: object) -> Store:
    """Open the store a URL names (see module docstring)."""
    if url.startswith(("http://", "https://")):
        from .es_store import ElasticsearchStore

        return ElasticsearchStore(url, **options)  # type: ignore[arg-type]
    from .sqlite_store import SQLiteStore

    path = url.removeprefix("sqlite://")
    path = path[1:] if path.startswith("//") else path  # sqlite:////abs → /abs
    return SQLiteStore(Path(path) if path != ":memory:" else path)
