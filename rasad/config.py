"""Settings, read from the environment in one place.

RASAD_STORE   where articles and figures live: a SQLite path or sqlite:///path (the
              embedded default), or http://host:9200 for Elasticsearch
RASAD_ES_PREFIX  the name prefix of the Elasticsearch indices (default rasad)
RASAD_SPOOL   where Elasticsearch writes wait while the cluster is unreachable
RASAD_SOURCES the sources file (YAML) to crawl; the built-in crawler/sources.yaml otherwise
RASAD_NER_MODEL  a Hugging Face token-classification model id or local directory
RASAD_CRAWL_EVERY  minutes between scheduled crawls of `rasad run` (default 60)
RASAD_WEBHOOK  a URL that receives each crawl's new alert notifications as a JSON POST
RASAD_USER_AGENT, RASAD_CRAWL_DELAY, RASAD_CRAWL_CONCURRENCY, RASAD_CRAWL_TIMEOUT
              the crawler's identity, seconds between requests to a site, requests at a
              time per site, and seconds before a request times out (defaults in
              crawler/settings.py)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rasad.index import Store

DATA_HOME = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "rasad"


def store_url() -> str:
    return os.environ.get("RASAD_STORE", f"sqlite:///{DATA_HOME / 'rasad.db'}")


def open_configured_store() -> Store:
    """The store the settings name (commands and the API all open it here)."""
    return open_store_at(store_url())


def open_store_at(url: str) -> Store:
    """A store at this URL, with the settings that apply to its backend."""
    from rasad.index import open_store

    options: dict[str, object] = {}
    if url.startswith(("http://", "https://")):
        options = {"spool_dir": spool_dir(), "prefix": os.environ.get("RASAD_ES_PREFIX", "rasad")}
    return open_store(url, **options)


def sources_file() -> Path | None:
    return Path(os.environ["RASAD_SOURCES"]) if os.environ.get("RASAD_SOURCES") else None


def spool_dir() -> Path:
    return Path(os.environ.get("RASAD_SPOOL", DATA_HOME / "spool"))


def crawl_every() -> float:
    """Minutes between scheduled crawls."""
    value = os.environ.get("RASAD_CRAWL_EVERY", "60")
    try:
        minutes = float(value)
    except ValueError:
        raise ValueError(f"RASAD_CRAWL_EVERY must be a number of minutes, not {value!r}") from None
    if minutes <= 0:
        raise ValueError("RASAD_CRAWL_EVERY must be more than 0 minutes")
    return minutes


def webhook() -> str | None:
    return os.environ.get("RASAD_WEBHOOK") or None


def ner_model() -> str | None:
    return os.environ.get("RASAD_NER_MODEL") or None


def crawl_overrides() -> dict[str, object]:
    """Scrapy settings the environment overrides (politeness is configurable)."""
    names = {
        "RASAD_USER_AGENT": ("USER_AGENT", str),
        "RASAD_CRAWL_DELAY": ("DOWNLOAD_DELAY", float),
        "RASAD_CRAWL_CONCURRENCY": ("CONCURRENT_REQUESTS_PER_DOMAIN", int),
        "RASAD_CRAWL_TIMEOUT": ("DOWNLOAD_TIMEOUT", float),
    }
    out: dict[str, object] = {}
    for env, (setting, kind) in names.items():
        if os.environ.get(env):
            try:
                out[setting] = kind(os.environ[env])
            except ValueError:
                raise ValueError(
                    f"{env} must be a {kind.__name__}, not {os.environ[env]!r}"
                ) from None
    return out
