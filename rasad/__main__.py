"""`python -m rasad` is the same as the `rasad` command."""

import sys

from rasad.cli import main

# guarded: a crawl's worker processes (started by spawning) import this module again
if __name__ == "__main__":
    sys.exit(main())
