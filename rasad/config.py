"""Settings, read from the environment in one place.

RASAD_STORE   where articles and figures live: a SQLite path or sqlite:///path (the
              embedded default), or http://host:9200 for Elasticsearch
RASAD_SPOOL   where Elasticsearch writes wait while the cluster is unreachable
RASAD_NER_MODEL  a Hugging Face token-classification model id or local directory
"""

from __future__ import annotations

import os
from pathlib import Path

DATA_HOME = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "rasad"


def store_url() -> str:
    return os.environ.get("RASAD_STORE", f"sqlite:///{DATA_HOME / 'rasad.db'}")


def spool_dir() -> Path:
    return Path(os.environ.get("RASAD_SPOOL", DATA_HOME / "spool"))


def ner_model() -> str | None:
    return os.environ.get("RASAD_NER_MODEL") or None
