"""The `rasad` commands, one module per group, each parser beside its handler.

A module's `register(sub)` adds its subcommands; a handler takes the parsed arguments and
the settings (`rasad.config.Settings`, read once by `rasad.cli.main`) and returns the exit
status.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date

from rasad.config import Settings

Handler = Callable[[argparse.Namespace, Settings], int]
Subparsers = argparse._SubParsersAction


def iso_date(value: str) -> str:
    """An argparse type: a YYYY-MM-DD day, kept as text."""
    try:
        date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD, got {value!r}") from None
    return value
