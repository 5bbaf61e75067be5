"""The `rasad` command line: the parser is built from the command groups in
`rasad/commands/`, and every command gets the settings read once here.

Errors Rasad raises on purpose (`rasad.errors.RasadError`: bad input, a store that is down,
a query that cannot run, a bad setting) go to stderr as one plain sentence with exit
status 2; anything else is a bug and shows its traceback.  Other tooling relies on the JSON
lines of `extract` and the single line printed by `number`/`date`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from rasad.commands import crawl, extract, service, sources, store, users
from rasad.config import Settings
from rasad.errors import RasadError

EXIT_USAGE = 2
GROUPS = (extract, store, crawl, sources, service, users)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rasad",
        description="Persian news monitoring: extract, search and chart reported figures.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in GROUPS:
        group.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args, Settings.load())
    except RasadError as exc:
        print(f"rasad: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `rasad extract … | head` is fine
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
