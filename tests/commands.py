"""Running the `rasad` command line as a user would: a child process over a store file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def rasad(store: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """`rasad ARGS` on the SQLite store at `store`, with these settings besides; the
    developer's own RASAD_SOURCES is left out so the built-in list is the default."""
    environment = {k: v for k, v in os.environ.items() if k != "RASAD_SOURCES"}
    environment |= {"RASAD_STORE": f"sqlite:///{store}", **env}
    return subprocess.run(
        [sys.executable, "-m", "rasad", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=240,
        check=False,
    )
