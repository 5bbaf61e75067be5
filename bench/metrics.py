"""Metric consolidation benchmark: do paraphrases of one statistic share one metric key?

    python bench/metrics.py [--groups PATH ...] [--verbose]

Each group of `metric_groups_dev.jsonl` is one statistic reported in several phrasings
(`place`, `unit`, `head`: a word that must appear in what is measured).  Every sentence is
extracted alone; the figure whose value equals the target is taken and its metric key
compared across all pairs of targets (`rasad.nlp.metric_scoring`).  Printed: targets
found, pairwise precision / recall / F1, groups entirely under one key, targets whose
measured thing (or unit) contains the head word, and targets whose place is the group's.
By default both the shared dev groups and `bench/metric_groups_written.jsonl` (groups
written here, on other topics and cities) are scored, each on its own.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rasad.nlp.extract import Extractor
from rasad.nlp.metric_scoring import GroupScore, load_groups, score_groups

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = (
    ROOT.parent / "shared" / "eval" / "metric_groups_dev.jsonl",
    ROOT / "bench" / "metric_groups_written.jsonl",
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--groups", type=Path, nargs="+", default=list(DEFAULT))
    ap.add_argument("--verbose", action="store_true", help="print every target's key")
    args = ap.parse_args()
    extractor = Extractor()
    for path in args.groups:
        print(f"== {path.name}")
        report(score_groups(load_groups(path), extractor), args.verbose)


def report(result: GroupScore, verbose: bool) -> None:
    for line in result.missing:
        print(f"  not found: {line}")
    if verbose:
        for group, key in result.targets:
            print(f"  {group:28s} {key}")
    p, r, f1 = result.pairs()
    total = result.total
    print(f"targets found: {len(result.targets)} of {total}")
    print(f"pairs: precision {p:.3f}  recall {r:.3f}  F1 {f1:.3f}")
    print(f"groups whole under one key: {result.whole} of {result.groups}")
    print(f"head in the measured thing: {result.head_ok} of {total} ({result.head_ok / total:.0%})")
    print(
        f"head in the metric key: {result.key_head_ok} of {total} "
        f"({result.key_head_ok / total:.0%})"
    )
    print(f"place right: {result.place_ok} of {total} ({result.place_ok / total:.0%})")


if __name__ == "__main__":
    main()
