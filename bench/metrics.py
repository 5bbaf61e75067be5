"""Metric consolidation benchmark: do paraphrases of one statistic share one metric key?

    python bench/metrics.py [--groups PATH] [--verbose]

Each group of `metric_groups_dev.jsonl` is one statistic reported in several phrasings
(`place`, `unit`, `head`: a word that must appear in what is measured).  Every sentence is
extracted alone; the figure whose value equals the target is taken and its metric key
compared across all pairs of targets: a pair is predicted "same" when the keys are equal
and is truly "same" when both come from one group.  Printed: targets found, pairwise
precision / recall / F1, groups entirely under one key, targets whose measured thing (or
unit) contains the head word, and targets whose place is the group's place.
"""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

from rasad.nlp.extract import Extractor
from rasad.nlp.text import fold_string

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "eval" / "metric_groups_dev.jsonl"


def _folded(text: str) -> str:
    return fold_string(text).replace(" ", "")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--groups", type=Path, default=DEFAULT)
    ap.add_argument("--verbose", action="store_true", help="print every target's key")
    args = ap.parse_args()
    groups = [json.loads(line) for line in args.groups.open(encoding="utf-8") if line.strip()]
    extractor = Extractor()
    targets: list[tuple[str, str]] = []  # (group, key) of each target found
    total = head_ok = key_head_ok = place_ok = 0
    for group in groups:
        for sentence in group["sentences"]:
            total += 1
            figures = extractor.extract(sentence["text"]).figures
            fig = next((f for f in figures if float(f.value) == float(sentence["value"])), None)
            if fig is None:
                print(f"  not found: {group['group']}: {sentence['text']}")
                continue
            targets.append((group["group"], fig.metric))
            measured = _folded(f"{fig.subject} {fig.unit}")
            head_ok += _folded(group["head"]) in measured
            key_head_ok += _folded(group["head"]) in _folded(fig.metric)
            place_ok += fig.location == group["place"]
            if args.verbose:
                print(f"  {group['group']:28s} {fig.metric}")
    tp = fp = fn = 0
    for (g1, k1), (g2, k2) in itertools.combinations(targets, 2):
        same_key, same_group = k1 == k2, g1 == g2
        tp += same_key and same_group
        fp += same_key and not same_group
        fn += same_group and not same_key
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    whole = sum(
        len({k for g, k in targets if g == group["group"]}) == 1
        and sum(g == group["group"] for g, _ in targets) == len(group["sentences"])
        for group in groups
    )
    print(f"targets found: {len(targets)} of {total}")
    print(f"pairs: precision {p:.3f}  recall {r:.3f}  F1 {f1:.3f}")
    print(f"groups whole under one key: {whole} of {len(groups)}")
    print(f"head in the measured thing: {head_ok} of {total} ({head_ok / total:.0%})")
    print(f"head in the metric key: {key_head_ok} of {total} ({key_head_ok / total:.0%})")
    print(f"place right: {place_ok} of {total} ({place_ok / total:.0%})")


if __name__ == "__main__":
    main()
