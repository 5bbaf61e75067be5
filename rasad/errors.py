"""The project's error base class.

Every error Rasad raises on purpose (bad input, a store that is down, a query that cannot
run, a misconfigured source) derives from `RasadError`, and its message is a sentence for
the user.  The command line and the API map exactly these to messages and statuses; any
other exception is a bug and surfaces as a traceback.
"""

from __future__ import annotations


class RasadError(Exception):
    """A failure the user can act on; the message says what went wrong."""


class InvalidInput(RasadError, ValueError):
    """Input that cannot be read as what it should be (a number, a date, a file)."""


class ConfigError(RasadError, ValueError):
    """A setting or a configuration file is not usable; the message says which and why."""
